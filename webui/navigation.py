"""The navigation bar and the home-page cards, shown by what the user may reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .access import may_reach


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str


@dataclass(frozen=True)
class MenuLink:
    endpoint: str
    label: str
    url: str


@dataclass(frozen=True)
class MenuGroup:
    """A heading of the bar: one link when the user reaches one of its items, else a menu."""

    label: str
    links: tuple[MenuLink, ...]

    @property
    def endpoints(self) -> tuple[str, ...]:
        return tuple(link.endpoint for link in self.links)


@dataclass
class Link:
    label: str
    url: str
    count: int | None = None


@dataclass
class Card:
    title: str
    text: str
    links: list[Link] = field(default_factory=list)


# The bar, grouped by what people do; in menu order. Each item shows only to users whose
# roles reach its endpoint, and a group of which one item shows is a plain link.
NAV_GROUPS = (
    (_l("Home"), (NavItem("dashboard.home", _l("Home")),)),
    (_l("Applications"), (NavItem("applications.index", _l("Applications")),)),
    (_l("Review"), (NavItem("grants.screening_queue", _l("Screening queue")),
                    NavItem("rounds.index", _l("Rounds")),
                    NavItem("committee.index", _l("Committee ballots")))),
    (_l("Money"), (NavItem("loans.index", _l("Loans")),
                   NavItem("finance.index", _l("Disbursements")),
                   NavItem("funds.index", _l("Funds")),
                   NavItem("portfolio.index", _l("Portfolio")))),
    (_l("Records"), (NavItem("audit.index", _l("Audit trail")),
                     NavItem("workflows.index", _l("Workflows")))),
    (_l("Administration"), (NavItem("admin.users", _l("Users")),
                            NavItem("admin.organisations", _l("Organisations")),
                            NavItem("admin.funds", _l("Fund settings")),
                            NavItem("admin.webhook_endpoints", _l("Webhooks")))),
)

# What an applicant may start depends on the organisation: a society proposes grants, a
# company applies for loans; anyone else has nothing to start.
APPLICANT_STARTS = {
    "alumni_society": ("grants.new_proposal", _l("New grant proposal")),
    "company": ("loans.new", _l("New loan application")),
}

# Lazy: the words are looked up in the page's language when the card is shown.
ROLE_CARDS = {
    "applicant": (_l("Your applications"),
                  _l("Draft, submit and follow your organisation's applications.")),
    "secretariat": (_l("Secretariat"),
                    _l("Screen applications, manage rounds, accept reports.")),
    "committee_member": (_l("Committee"), _l("Vote on the applications in committee review.")),
    "committee_chair": (_l("Committee chair"),
                        _l("Preside over your committee's ballots (as chair, or as deputy "
                           "chair when the chair is recused or away).")),
    "finance_officer": (_l("Finance"), _l("Request and authorise tranches, record repayments.")),
    "auditor": (_l("Audit"), _l("Read every file, verify the audit chain, export.")),
    "admin": (_l("Administration"), _l("Manage users, roles, organisations and funds.")),
}

ROLE_LINKS = {
    "auditor": (("audit.index", _l("Audit trail")), ("portfolio.index", _l("Portfolio")),
                ("funds.index", _l("Funds"))),
    "secretariat": (("grants.screening_queue", _l("Screening queue")),
                    ("rounds.index", _l("Rounds")),
                    ("committee.index", _l("Ballots waiting"))),
    "committee_member": (("committee.index", _l("Ballots")),),
    "committee_chair": (("committee.index", _l("Ballots")),),
    "applicant": (("applications.index", _l("Our applications")),),
    "finance_officer": (("finance.index", _l("Disbursements")), ("loans.index", _l("Loans"))),
    "admin": (("admin.users", _l("Users")), ("admin.organisations", _l("Organisations")),
              ("admin.funds", _l("Funds"))),
}


def _reachable(endpoint: str) -> bool:
    view = current_app.view_functions.get(endpoint)
    return view is not None and may_reach(getattr(view, "access", None), current_user)


# The menu of each set of roles, built once per worker: it is on every page, and what a
# set of roles may reach is fixed when the app is built.
_MENUS: dict[tuple, tuple[MenuGroup, ...]] = {}


def nav_items() -> tuple[MenuGroup, ...]:
    key = (id(current_app), request.script_root, current_user.is_authenticated and
           current_user.roles)
    menu = _MENUS.get(key)
    if menu is None:
        groups = []
        for label, items in NAV_GROUPS:
            links = tuple(MenuLink(item.endpoint, item.label, url_for(item.endpoint))
                          for item in items if _reachable(item.endpoint))
            if links:
                groups.append(MenuGroup(label, links))
        menu = _MENUS[key] = tuple(groups)
    return menu


def dashboard_cards() -> list[Card]:
    cards = []
    for role, (title, text) in ROLE_CARDS.items():
        if not current_user.has_role(role):
            continue
        offered = ROLE_LINKS.get(role, ())
        if role == "applicant" and current_user.organisation is not None:
            start = APPLICANT_STARTS.get(current_user.organisation.kind)
            offered = (start, *offered) if start else offered
        links = [Link(label, url_for(endpoint)) for endpoint, label in offered
                 if _reachable(endpoint)]
        cards.append(Card(title, text, links))
    return cards


def can_search() -> bool:
    return current_user.is_authenticated and _reachable("applications.index")


_FIXED: dict[tuple, str] = {}


def fixed_url(endpoint: str, **values) -> str:
    """url_for of a link that is the same on every page (styles, scripts, the menu bar):
    built once per worker rather than a dozen times on every page."""
    key = (id(current_app), request.script_root, endpoint, *sorted(values.items()))
    url = _FIXED.get(key)
    if url is None:
        url = _FIXED[key] = url_for(endpoint, **values)
    return url


# What werkzeug leaves unescaped in a query string: the links come out as url_for's would.
_QUERY_SAFE = "!$'()*,/:;?@"


def query_url(endpoint: str, args: dict) -> str:
    """url_for of an endpoint without path arguments, with `args` as its query string: the
    list pages write a dozen such links (sort orders, pages, export), and url_for's rule
    matching cost more than the rest of each."""
    query = urlencode([(k, v) for k, v in args.items() if v is not None], safe=_QUERY_SAFE)
    path = fixed_url(endpoint)
    return f"{path}?{query}" if query else path


def register(app) -> None:
    # Templates get the menu decided here; the globals they call only write links.
    app.jinja_env.globals.update(fixed_url=fixed_url, query_url=query_url)

    @app.context_processor
    def _menu() -> dict:
        if not current_user.is_authenticated:
            return {}  # the bar shows no menu to a visitor
        return {"menu": nav_items(), "may_search": can_search()}
