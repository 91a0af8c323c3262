"""A WNF grant from proposal to closure, clicked through in headless Chromium, once in English
and once by people who all chose Japanese.

Each user logs in in turn (two-factor users type the code their authenticator shows), fills
the forms and presses the buttons; after each step the test reads the state badge and the
flash, and checks that the page loaded cleanly with its stepper on top. In Japanese each
step's heading, flash and state badge read in Japanese, every page says `<html lang="ja">`,
and no English word of the interface is left on the pages they see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from models import User, db, write_intent
from tests.conftest import PASSWORD, ready_for_a_code, totp_code
from workflow.money import ledger
from workflow.people.security import requires_second_factor

from .conftest import assert_page_healthy, browser_page
from .session_cookie import sign_in_browser

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass(frozen=True)
class Language:
    """What the walk's people read and type in one language: `words` gives this language's
    wording of each English one the walk uses (the same when absent)."""

    name: str
    browser: dict = field(default_factory=dict)  # Playwright's context options
    user_locale: str = "en"
    words: dict[str, str] = field(default_factory=dict)

    @property
    def japanese(self) -> bool:
        return self.name == "Japanese"

    def __call__(self, english: str, **values: str) -> str:
        return self.words.get(english, english).format(**values)


ENGLISH = Language("English")
JAPANESE = Language("Japanese", {"locale": "ja-JP", "timezone_id": "Asia/Tokyo"}, "ja", {
    # The scene's data, written as a Japanese office would.
    "WNF FY2026": "WNF 2026年度", "Donations": "寄付",
    "Alumni Society of Thailand": "タイAOTS同窓会",
    "Alumni Society of Viet Nam": "ベトナムAOTS同窓会",
    "Somchai": "ソムチャイ", "Sato": "佐藤 一郎", "Member 1": "田中 委員", "Member 2": "鈴木 委員",
    "Member 3": "高橋 委員", "Member 4": "グエン 委員", "Chiba": "千葉 委員長",
    "Fujita": "藤田 経理", "Fukuda": "福田 経理", "Committee office {n}": "委員会事務所{n}",
    # Logging in.
    "Log in": "ログイン", "Email": "メールアドレス", "Password": "パスワード",
    "Enter your code": "確認コードの入力", "Code": "確認コード", "Continue": "続ける",
    "Welcome,": "ようこそ、",
    # The proposal, as the applicant types it: some amounts in full-width digits, as a
    # Japanese keyboard gives them.
    "New WNF grant proposal": "助成", "Title": "件名",
    "Kaizen training for SME supervisors": "中小企業の現場監督者向けカイゼン研修",
    "Create the draft": "下書きを作成する", "draft created": "下書きを作成しました",
    "Programme type": "プログラムの種類", "Objectives": "目的",
    "Train 30 supervisors in kaizen and 5S.": "監督者30名にカイゼンと5Sを指導する。",
    "Start date": "開始日", "End date": "終了日",
    "Venue country (ISO code, e.g. TH)": "開催国（ISOコード、例: TH）", "Venue city": "開催都市",
    "Bangkok": "バンコク", "Partner alumni societies": "パートナーの同窓会",
    "Expected participants (in all)": "参加予定者数（合計）", "Add a budget line": "予算項目を追加",
    "Lecturers": "講師謝金", "Travel": "旅費", "Venue": "会場費", "Materials": "教材費",
    "500,000": "５００，０００", "Save the draft": "下書きを保存する",
    "Requested from WNF: ¥800,000.": "WNFへの申請額: ¥800,000。", "Draft": "下書き",
    "Own share: 25 %": "自己負担率: 予算の 25 %", "Attach or remove files": "ファイルの添付・削除",
    "File (PDF, Word, Excel": "ファイル（PDF、Word", "programme.pdf": "研修計画.pdf",
    "Attach": "添付する", "Attached {file}.": "{file} を添付しました。", "Submit": "提出する",
    "It is now “{state}”.": "現在の状態は「{state}」です。", "Submitted": "提出済み",
    # Screening and the committee.
    "Start screening": "審査を開始する", "Screening": "事務局審査",
    "Save the checklist": "チェックリストを保存する",
    "checklist saved (7 ticked, 0 cleared)":
        "チェックリストを保存しました（チェック 7 件、解除 0 件）。",
    "Refer to the committee": "委員会に付議する", "Committee review": "委員会審査",
    "You are recused: you are a member of {partner}, a partner society.":
        "除斥されています：あなたは{partner}（パートナー同窓会）の会員です。",
    "Cast my vote": "投票する", "Approve": "承認", "Reject": "却下",
    "your vote is “{choice}”.": "あなたの投票は「{choice}」です。", "met": "達成",
    "Approved amount (¥)": "承認額（¥）", "700,000": "７０００００", "Conditions": "条件",
    "Share the training materials with the partners.": "研修教材をパートナーと共有すること。",
    "Close the ballot": "投票を締め切る",
    "ballot 1 closed — approved.": "第 1 回投票を締め切りました — 承認。",
    "Approved": "承認済み", "Conditions of approval:": "承認条件:",
    # The money, the report and the closure.
    "Amount (yen)": "金額（円）", "Request a tranche": "分割実行を申請する",
    "Tranche 1 of ¥600,000 requested": "第 1 回分割実行（¥600,000）を申請しました。",
    "You requested this tranche; another finance officer must authorise it.":
        "この分割実行はあなたが申請したものです。別の財務担当者が承認する必要があります。",
    "Authorise": "承認する", "Tranche 1 of ¥600,000 released": "第 1 回分割実行（¥600,000）を",
    "In implementation": "実施中", "Write the final report": "最終報告書を作成する",
    "Outcomes": "成果",
    "28 supervisors trained; 5S adopted in 12 plants.":
        "監督者28名が研修を修了し、12工場で5Sが定着した。",
    "Submit the final report": "最終報告書を提出する",
    "final report submitted to the secretariat.": "最終報告書を事務局に提出しました。",
    "Final report under review": "最終報告書の確認中",
    "Accept the report and close": "報告書を受理して完了する", "Closed": "完了",
    "Nothing waits for you on this file now.":
        "現在、この案件であなたが対応すべきことはありません。",
})

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Latin words a Japanese page may show: names of things (the fund, AOTS, file formats, the
# other language on the switch), codes and units (country codes typed in the walk, time
# zones, KB) and keys (Ctrl on a Mac).
NOT_ENGLISH_UI = {"WNF", "AOTS", "PDF", "pdf", "Word", "Excel", "PowerPoint", "English", "ISO",
                  "TH", "VN", "UTC", "JST", "KB", "MB", "Ctrl", "Mac"}
# What else a person reads of a page: the attributes a screen reader or a tooltip says.
READ_ATTRIBUTES = """[...document.querySelectorAll('[aria-label], [title], [placeholder]')]
    .flatMap(e => ['aria-label', 'title', 'placeholder'].map(a => e.getAttribute(a) || ''))
    .join('\\n')"""


@dataclass
class Scene:
    users: dict[str, User]
    emails: dict[str, str]  # read once, so that the test holds no transaction later
    two_factor: set[str]  # who logs in with a code
    partner: str
    language: Language = ENGLISH


@pytest.fixture
def scene(request, make_fund, make_round, make_org, make_user) -> Scene:
    """The people of the walk, in English unless the test names a language (indirect)."""
    t: Language = getattr(request, "param", ENGLISH)
    fund = make_fund("WNF")
    if t.japanese:
        fund.name = "WNF基金"  # the fund's name is data, written as a Japanese office would
    make_round(fund, name=t("WNF FY2026"), cap_yen=2_000_000, min_own_percent=20)
    society = make_org(name=t("Alumni Society of Thailand"), country_code="TH")
    partner = make_org(name=t("Alumni Society of Viet Nam"), country_code="VN")
    people = {
        "applicant": ("applicant", society, "Somchai"),
        "secretariat": ("secretariat", None, "Sato"),
        **{f"member{n}": ("committee_member", make_org(name=t("Committee office {n}", n=n)),
                          f"Member {n}") for n in (1, 2, 3)},
        "recused": ("committee_member", partner, "Member 4"),
        "chair": ("committee_chair", None, "Chiba"),
        "finance1": ("finance_officer", None, "Fujita"),
        "finance2": ("finance_officer", None, "Fukuda"),
    }
    users = {who: make_user(role, organisation=org, name=t(name), locale=t.user_locale)
             for who, (role, org, name) in people.items()}
    with write_intent(True):
        ledger.post(fund, "donation", 5_000_000, actor=None, memo=t("Donations"))
        db.session.commit()
    scene = Scene(users, {k: u.email for k, u in users.items()},
                  {k for k, u in users.items() if requires_second_factor(u)}, partner.name, t)
    db.session.commit()
    return scene


@pytest.fixture
def page(browser: Browser, live_server: str, scene: Scene) -> Iterator[Page]:
    """A browser that asks for the scene's language (Japanese: and lives in Tokyo), noting
    the "are you sure?" confirmations it accepts."""
    with browser_page(browser, live_server, **scene.language.browser) as page:
        page.language, page.dialogs = scene.language, []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
        yield page


def english_on(page: Page) -> list[str]:
    """The Latin words the page shows or says that are not names, codes or units."""
    text = page.locator("body").inner_text() + "\n" + page.evaluate(READ_ATTRIBUTES)
    text += "\n" + "\n".join(page.dialogs)  # the "are you sure?" confirmations met so far
    return sorted({w for w in LATIN_WORD.findall(text) if w not in NOT_ENGLISH_UI})


def checked(page: Page) -> None:
    """The page loaded cleanly; in Japanese, it says so and shows no English interface word.
    (A page of another test's walk, test_grant_by_keyboard, is English.)"""
    japanese = getattr(page, "language", ENGLISH).japanese
    if japanese:
        expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert_page_healthy(page)
    if japanese:
        assert english_on(page) == [], f"English on {page.url}"


def log_in(page: Page, base: str, scene: Scene, who: str, through_the_form: bool = False) -> None:
    """Log out whoever was in, then log in as `who`, and land on their home page. Through the
    login page in the browser's language (with the current code if required) when
    `through_the_form`: the walk does so once without a code and once with one; the same
    form again would check nothing new (session_cookie.sign_in_browser gives the others
    the session it leaves)."""
    t = scene.language
    page.context.clear_cookies()
    if not through_the_form:
        sign_in_browser(page, base, scene.users[who])
        page.goto(f"{base}/home")
        expect(page.get_by_role("heading", level=1)).to_contain_text(t("Welcome,"))
        checked(page)  # the home page
        return
    code = None
    if who in scene.two_factor:
        user = scene.users[who]
        ready_for_a_code(user)  # enrolled, as if they had scanned the QR code earlier
        code = totp_code(user)
        db.session.commit()  # the test holds no transaction while the browser acts
    page.goto(f"{base}/auth/login")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Log in"))
    checked(page)  # the browser's Accept-Language, before anyone logs in
    page.get_by_label(t("Email"), exact=True).fill(scene.emails[who])
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=t("Log in"), exact=True).click()
    if code is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(t("Enter your code"))
        checked(page)
        page.get_by_label(t("Code"), exact=True).fill(code)
        page.get_by_role("button", name=t("Continue"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Welcome,"))
    checked(page)  # the home page


def open_file(page: Page, base: str, url: str) -> None:
    page.goto(f"{base}{url}")
    healthy(page)


def healthy(page: Page) -> None:
    """The application page loaded cleanly, its stepper marking the file's step."""
    expect(page.locator('.stepper [aria-current="step"]')).to_be_visible()
    checked(page)


def done(page: Page, flash: str, badge: str) -> None:
    """After a step: its flash, the file's state badge, a clean page with its stepper."""
    expect(page.get_by_role("alert").filter(has_text=flash)).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text(badge)
    healthy(page)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("scene", [ENGLISH, JAPANESE], ids=lambda t: t.name, indirect=True)
def test_a_grant_clicked_through_from_proposal_to_closure(page, live_server, scene):
    base, t = live_server, scene.language

    # The applicant drafts the proposal, attaches the programme and submits.
    log_in(page, base, scene, "applicant", through_the_form=True)
    page.goto(f"{base}/grants/new")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("New WNF grant proposal"))
    checked(page)
    page.get_by_label(t("Title"), exact=True).fill(t("Kaizen training for SME supervisors"))
    press(page, t("Create the draft"))
    expect(page.get_by_role("alert")).to_contain_text(t("draft created"))
    checked(page)
    url = page.url.removeprefix(base).removesuffix("/edit").replace("/grants/", "/applications/")
    page.get_by_label(t("Programme type")).select_option("training_course")
    page.get_by_label(t("Objectives")).fill(t("Train 30 supervisors in kaizen and 5S."))
    page.get_by_label(t("Start date")).fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_label(t("End date")).fill((date.today() + timedelta(days=64)).isoformat())
    page.get_by_label(t("Venue country (ISO code, e.g. TH)")).fill("TH")
    page.get_by_label(t("Venue city")).fill(t("Bangkok"))
    page.get_by_label(t("Partner alumni societies")).select_option(label=f"{scene.partner} (VN)")
    page.get_by_label(t("Expected participants (in all)")).fill("30")
    for row, (country, count) in enumerate((("TH", "20"), ("VN", "10"))):
        page.locator(f'[name="participants-{row}-country_code"]').fill(country)
        page.locator(f'[name="participants-{row}-participants"]').fill(count)
    for _ in range(2):  # two blank lines are offered; grants.js adds the others in place
        press(page, t("Add a budget line"))
    budget = (("Lecturers", "500,000", "wnf"), ("Travel", "300,000", "wnf"),
              ("Venue", "300,000", "own"), ("Materials", "100,000", "partner"))
    for row, (category, amount, source) in enumerate(budget):
        page.locator(f'[name="budget-{row}-category"]').fill(t(category))
        page.locator(f'[name="budget-{row}-amount_yen"]').fill(t(amount))
        page.locator(f'[name="budget-{row}-funded_by"]').select_option(source)
    checked(page)
    press(page, t("Save the draft"))
    done(page, t("Requested from WNF: ¥800,000."), t("Draft"))
    expect(page.locator("[data-own-share]")).to_contain_text(t("Own share: 25 %"))
    page.get_by_role("link", name=t("Attach or remove files")).click()
    checked(page)
    page.get_by_label(t("File (PDF, Word, Excel")).set_input_files(
        files=[{"name": t("programme.pdf"), "mimeType": "application/pdf", "buffer": PDF}])
    press(page, t("Attach"))
    expect(page.get_by_role("alert")).to_contain_text(t("Attached {file}.",
                                                        file=t("programme.pdf")))
    checked(page)
    open_file(page, base, url)
    press(page, t("Submit"))
    done(page, t("It is now “{state}”.", state=t("Submitted")), t("Submitted"))

    # The secretariat screens it, ticks the checklist and refers it to the committee.
    log_in(page, base, scene, "secretariat")
    open_file(page, base, url)
    press(page, t("Start screening"))
    done(page, t("It is now “{state}”.", state=t("Screening")), t("Screening"))
    for box in page.locator('input[name="items"]').all():
        box.check()
    press(page, t("Save the checklist"))
    done(page, t("checklist saved (7 ticked, 0 cleared)"), t("Screening"))
    press(page, t("Refer to the committee"))
    done(page, t("It is now “{state}”.", state=t("Committee review")), t("Committee review"))

    # The committee: the partner society's member is recused and told why; three vote.
    log_in(page, base, scene, "recused")
    open_file(page, base, url)
    expect(page.locator("[data-recusal]")).to_have_text(
        t("You are recused: you are a member of {partner}, a partner society.",
          partner=scene.partner))
    expect(page.get_by_role("button", name=t("Cast my vote"))).to_have_count(0)
    for who, choice in (("member1", "Approve"), ("member2", "Approve"), ("member3", "Reject")):
        log_in(page, base, scene, who)
        open_file(page, base, url)
        page.get_by_label(t(choice), exact=True).check()
        press(page, t("Cast my vote"))
        done(page, t("your vote is “{choice}”.", choice=t(choice)), t("Committee review"))

    # The chair reads the tally and closes the ballot with an amount and conditions.
    log_in(page, base, scene, "chair", through_the_form=True)  # with a code
    open_file(page, base, url)
    tally = page.locator("#committee .tally")
    expect(tally.locator('[data-tally="approvals"]')).to_have_text("2")
    expect(tally.locator('[data-tally="eligible"]')).to_have_text("3")
    expect(tally.locator('[data-tally="quorum_met"]')).to_have_text(t("met"))
    page.get_by_label(t("Approved amount (¥)")).fill(t("700,000"))
    page.get_by_label(t("Conditions"), exact=True).fill(
        t("Share the training materials with the partners."))
    press(page, t("Close the ballot"))
    done(page, t("ballot 1 closed — approved."), t("Approved"))
    expect(page.get_by_text(t("Conditions of approval:"))).to_be_visible()

    # Four eyes: one finance officer requests the tranche, the other authorises it.
    log_in(page, base, scene, "finance1")
    open_file(page, base, url)
    page.get_by_label(t("Amount (yen)")).fill("600,000")
    press(page, t("Request a tranche"))
    done(page, t("Tranche 1 of ¥600,000 requested"), t("Approved"))
    expect(page.locator('[data-blocked="authorise"]')).to_have_text(
        t("You requested this tranche; another finance officer must authorise it."))
    expect(page.get_by_role("button", name=t("Authorise"))).to_have_count(0)
    log_in(page, base, scene, "finance2")
    open_file(page, base, url)
    press(page, t("Authorise"))
    done(page, t("Tranche 1 of ¥600,000 released"), t("In implementation"))

    # The applicant reports; ¥550,000 of the ¥600,000 was spent on WNF's lines.
    log_in(page, base, scene, "applicant")
    open_file(page, base, url)
    page.get_by_role("link", name=t("Write the final report")).click()
    checked(page)
    page.get_by_label(t("Outcomes")).fill(t("28 supervisors trained; 5S adopted in 12 plants."))
    for row, count in enumerate(("19", "9")):
        page.locator(f'[name="participants-{row}-participants"]').fill(count)
    for row, amount in enumerate(("480,000", "70,000", "310,000", "100,000")):
        page.locator(f'[name="expenses-{row}-amount_yen"]').fill(amount)
    checked(page)
    press(page, t("Submit the final report"))
    done(page, t("final report submitted to the secretariat."), t("Final report under review"))
    expect(page.locator("[data-unspent]")).to_have_text("50,000")

    # The secretariat accepts the report: the grant is closed.
    log_in(page, base, scene, "secretariat")
    open_file(page, base, url)
    press(page, t("Accept the report and close"))
    done(page, t("It is now “{state}”.", state=t("Closed")), t("Closed"))
    expect(page.get_by_text(t("Nothing waits for you on this file now."))).to_be_visible()
    assert len(page.dialogs) == 3  # submit, close the ballot, authorise: read in its language
