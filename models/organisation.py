"""Alumni societies, SME companies and AOTS itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, db, in_list
from .i18n import N_
from .languages import LOCALES

if TYPE_CHECKING:
    from .user import User

# A related organisation (a university, a chamber of commerce, a public body) co-organises
# activities with a society: the WNF guidelines allow it as a partner of a grant.
ORGANISATION_KINDS = ("alumni_society", "company", "aots", "related_organisation")
KIND_LABELS = {"alumni_society": N_("Alumni society"), "company": N_("Company"), "aots": N_("AOTS"),
               "related_organisation": N_("Related organisation")}
PARTNER_KINDS = ("alumni_society", "related_organisation")

# Industry groups of Japan's SME Basic Act (Article 2), with the three exceptions its
# cabinet order sets apart (rubber products, software and information processing, hotels
# and inns): each has thresholds of its own (workflow.people.sme).
INDUSTRIES = ("manufacturing", "rubber_products", "wholesale", "retail", "services",
              "software", "hotels", "other")
INDUSTRY_LABELS = {
    "manufacturing": N_("Manufacturing, construction, transport (other than rubber products)"),
    "rubber_products": N_("Rubber products (other than tyres, tubes and industrial belts)"),
    "wholesale": N_("Wholesale"),
    "retail": N_("Retail"),
    "services": N_("Services (other than software, information processing, hotels and inns)"),
    "software": N_("Software and information-processing services"),
    "hotels": N_("Hotels and inns"),
    "other": N_("Other industries"),
}


def default_locale(kind: str, country_code: str) -> str:
    """AOTS and Japanese companies work in Japanese; the alumni societies in English."""
    return "ja" if kind == "aots" or (kind == "company" and country_code == "JP") else "en"


def _default_locale_of_row(context) -> str:
    row = context.get_current_parameters()
    return default_locale(row.get("kind", ""), row.get("country_code", ""))


class Organisation(TimestampMixin, db.Model):
    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint(in_list("kind", ORGANISATION_KINDS), name="kind_known"),
        CheckConstraint("length(country_code) = 2", name="country_code_length"),
        CheckConstraint(in_list("locale", LOCALES), name="locale_known"),
        CheckConstraint(
            f"industry IS NULL OR {in_list('industry', INDUSTRIES)}", name="industry_known"
        ),
        CheckConstraint("capital_yen IS NULL OR capital_yen >= 0", name="capital_not_negative"),
        CheckConstraint("employees IS NULL OR employees >= 0", name="employees_not_negative"),
        # The application list filters by country (migration 0006).
        Index("ix_organisations_country_code", "country_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # How the name is read, in katakana (フリガナ): shown above a Japanese company's name and
    # searched with it (workflow.people.readings keeps it in one form).
    name_reading: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # active_history: a corrected country moves the organisation's kept figures from the
    # country it replaces (workflow.money.moved_files).
    country_code: Mapped[str] = mapped_column(String(2), active_history=True)
    city: Mapped[str] = mapped_column(String(100), default="")
    industry: Mapped[str | None] = mapped_column(String(20))
    capital_yen: Mapped[int | None] = mapped_column(BigInteger)
    employees: Mapped[int | None]
    # The language of its members who have chosen none and whose browser asks for neither.
    locale: Mapped[str] = mapped_column(String(5), default=_default_locale_of_row)

    members: Mapped[list[User]] = relationship(back_populates="organisation")

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
