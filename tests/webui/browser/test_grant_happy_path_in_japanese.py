"""The WNF grant from proposal to closure again, clicked through in headless Chromium by people
who all chose Japanese: each step's heading, flash and state badge read in Japanese, every page
says `<html lang="ja">`, and no English word of the interface is left on the pages they see.

The English walk (test_grant_happy_path.py) is the model; this one reads Japanese instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from models import User, db, write_intent
from tests.conftest import PASSWORD, ready_for_a_code, totp_code
from workflow.money import ledger
from workflow.people.security import requires_second_factor

from .conftest import assert_page_healthy, browser_page

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TITLE = "中小企業の現場監督者向けカイゼン研修"
SOCIETY, PARTNER = "タイAOTS同窓会", "ベトナムAOTS同窓会"
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
    emails: dict[str, str]  # read once, so that the test holds no transaction later
    users: dict[str, User]
    two_factor: set[str]  # who logs in with a code


@pytest.fixture
def scene(make_fund, make_round, make_org, make_user) -> Scene:
    fund = make_fund("WNF")
    fund.name = "WNF基金"  # the fund's name is data, written as a Japanese office would
    make_round(fund, name="WNF 2026年度", cap_yen=2_000_000, min_own_percent=20)
    society = make_org(name=SOCIETY, country_code="TH")
    partner = make_org(name=PARTNER, country_code="VN")
    people = {
        "applicant": ("applicant", society, "ソムチャイ"),
        "secretariat": ("secretariat", None, "佐藤 一郎"),
        "member1": ("committee_member", make_org(name="委員会事務所1"), "田中 委員"),
        "member2": ("committee_member", make_org(name="委員会事務所2"), "鈴木 委員"),
        "member3": ("committee_member", make_org(name="委員会事務所3"), "高橋 委員"),
        "recused": ("committee_member", partner, "グエン 委員"),
        "chair": ("committee_chair", None, "千葉 委員長"),
        "finance1": ("finance_officer", None, "藤田 経理"),
        "finance2": ("finance_officer", None, "福田 経理"),
    }
    users = {who: make_user(role, organisation=org, name=name, locale="ja")
             for who, (role, org, name) in people.items()}
    with write_intent(True):
        ledger.post(fund, "donation", 5_000_000, actor=None, memo="寄付")
        db.session.commit()
    scene = Scene({k: u.email for k, u in users.items()}, users,
                  {k for k, u in users.items() if requires_second_factor(u)})
    db.session.commit()
    return scene


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A browser that asks for Japanese and lives in Tokyo."""
    with browser_page(browser, live_server, locale="ja-JP", timezone_id="Asia/Tokyo") as page:
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.accept()))
        yield page


def english_on(page: Page) -> list[str]:
    """The Latin words the page shows or says that are not names, codes or units."""
    text = page.locator("body").inner_text() + "\n" + page.evaluate(READ_ATTRIBUTES)
    text += "\n" + "\n".join(page.dialogs)  # the "are you sure?" confirmations met so far
    return sorted({w for w in LATIN_WORD.findall(text) if w not in NOT_ENGLISH_UI})


def japanese_page(page: Page) -> None:
    """The page says it is Japanese, loaded cleanly, and shows no English interface word."""
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    assert_page_healthy(page)
    assert english_on(page) == [], f"English on {page.url}"


def log_in(page: Page, base: str, scene: Scene, who: str) -> None:
    """Log out whoever was in, then log in as `who` on the Japanese login page."""
    page.context.clear_cookies()
    code = None
    if who in scene.two_factor:
        user = scene.users[who]
        ready_for_a_code(user)  # enrolled, as if they had scanned the QR code earlier
        code = totp_code(user)
        db.session.commit()  # the test holds no transaction while the browser acts
    page.goto(f"{base}/auth/login")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")
    japanese_page(page)  # the browser's Accept-Language, before anyone logs in
    page.get_by_label("メールアドレス", exact=True).fill(scene.emails[who])
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    if code is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("確認コードの入力")
        page.get_by_label("確認コード", exact=True).fill(code)
        page.get_by_role("button", name="続ける", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ようこそ、")
    japanese_page(page)


def open_file(page: Page, base: str, url: str) -> None:
    page.goto(f"{base}{url}")
    healthy(page)


def healthy(page: Page) -> None:
    expect(page.locator('.stepper [aria-current="step"]')).to_be_visible()
    japanese_page(page)


def done(page: Page, flash: str, badge: str) -> None:
    expect(page.get_by_role("alert").filter(has_text=flash)).to_be_visible()
    expect(page.locator(".state-badge")).to_have_text(badge)
    healthy(page)


def press(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_a_grant_clicked_through_in_japanese(page, live_server, scene):
    base = live_server

    # The applicant drafts the proposal, attaches the programme and submits.
    log_in(page, base, scene, "applicant")
    page.goto(f"{base}/grants/new")
    expect(page.get_by_role("heading", level=1)).to_contain_text("助成")
    japanese_page(page)
    page.get_by_label("件名", exact=True).fill(TITLE)
    press(page, "下書きを作成する")
    expect(page.get_by_role("alert")).to_contain_text("下書きを作成しました")
    japanese_page(page)
    url = page.url.removeprefix(base).removesuffix("/edit").replace("/grants/", "/applications/")
    page.get_by_label("プログラムの種類").select_option("training_course")
    page.get_by_label("目的").fill("監督者30名にカイゼンと5Sを指導する。")
    page.get_by_label("開始日").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_label("終了日").fill((date.today() + timedelta(days=64)).isoformat())
    page.get_by_label("開催国（ISOコード、例: TH）").fill("TH")
    page.get_by_label("開催都市").fill("バンコク")
    page.get_by_label("パートナーの同窓会").select_option(label=f"{PARTNER} (VN)")
    page.get_by_label("参加予定者数（合計）").fill("30")
    for row, (country, count) in enumerate((("TH", "20"), ("VN", "10"))):
        page.locator(f'[name="participants-{row}-country_code"]').fill(country)
        page.locator(f'[name="participants-{row}-participants"]').fill(count)
    for _ in range(2):  # two blank lines are offered; grants.js adds the others in place
        press(page, "予算項目を追加")
    budget = (("講師謝金", "５００，０００", "wnf"), ("旅費", "300,000", "wnf"),
              ("会場費", "300,000", "own"), ("教材費", "100,000", "partner"))
    for row, (category, amount, source) in enumerate(budget):
        page.locator(f'[name="budget-{row}-category"]').fill(category)
        page.locator(f'[name="budget-{row}-amount_yen"]').fill(amount)
        page.locator(f'[name="budget-{row}-funded_by"]').select_option(source)
    press(page, "下書きを保存する")
    done(page, "WNFへの申請額: ¥800,000。", "下書き")
    expect(page.locator("[data-own-share]")).to_contain_text("自己負担率: 予算の 25 %")
    page.get_by_role("link", name="ファイルの添付・削除").click()
    japanese_page(page)
    page.get_by_label("ファイル（PDF、Word").set_input_files(
        files=[{"name": "研修計画.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    press(page, "添付する")
    expect(page.get_by_role("alert")).to_contain_text("研修計画.pdf を添付しました。")
    japanese_page(page)
    open_file(page, base, url)
    press(page, "提出する")
    done(page, "現在の状態は「提出済み」です。", "提出済み")

    # The secretariat screens it, ticks the checklist and refers it to the committee.
    log_in(page, base, scene, "secretariat")
    open_file(page, base, url)
    press(page, "審査を開始する")
    done(page, "現在の状態は「事務局審査」です。", "事務局審査")
    for box in page.locator('input[name="items"]').all():
        box.check()
    press(page, "チェックリストを保存する")
    done(page, "チェックリストを保存しました（チェック 7 件、解除 0 件）。", "事務局審査")
    press(page, "委員会に付議する")
    done(page, "現在の状態は「委員会審査」です。", "委員会審査")

    # The committee: the partner society's member is recused and told why; three vote.
    log_in(page, base, scene, "recused")
    open_file(page, base, url)
    expect(page.locator("[data-recusal]")).to_have_text(
        f"除斥されています：あなたは{PARTNER}（パートナー同窓会）の会員です。")
    expect(page.get_by_role("button", name="投票する")).to_have_count(0)
    for who, choice in (("member1", "承認"), ("member2", "承認"), ("member3", "却下")):
        log_in(page, base, scene, who)
        open_file(page, base, url)
        page.get_by_label(choice, exact=True).check()
        press(page, "投票する")
        done(page, f"あなたの投票は「{choice}」です。", "委員会審査")

    # The chair reads the tally and closes the ballot with an amount and conditions.
    log_in(page, base, scene, "chair")
    open_file(page, base, url)
    tally = page.locator("#committee .tally")
    expect(tally.locator('[data-tally="approvals"]')).to_have_text("2")
    expect(tally.locator('[data-tally="eligible"]')).to_have_text("3")
    expect(tally.locator('[data-tally="quorum_met"]')).to_have_text("達成")
    page.get_by_label("承認額（¥）").fill("７０００００")
    page.get_by_label("条件", exact=True).fill("研修教材をパートナーと共有すること。")
    press(page, "投票を締め切る")
    done(page, "第 1 回投票を締め切りました — 承認。", "承認済み")
    expect(page.get_by_text("承認条件:")).to_be_visible()

    # Four eyes: one finance officer requests the tranche, the other authorises it.
    log_in(page, base, scene, "finance1")
    open_file(page, base, url)
    page.get_by_label("金額（円）").fill("600,000")
    press(page, "分割実行を申請する")
    done(page, "第 1 回分割実行（¥600,000）を申請しました。", "承認済み")
    expect(page.locator('[data-blocked="authorise"]')).to_have_text(
        "この分割実行はあなたが申請したものです。別の財務担当者が承認する必要があります。")
    expect(page.get_by_role("button", name="承認する")).to_have_count(0)
    log_in(page, base, scene, "finance2")
    open_file(page, base, url)
    press(page, "承認する")
    done(page, "第 1 回分割実行（¥600,000）を", "実施中")

    # The applicant reports; ¥550,000 of the ¥600,000 was spent on WNF's lines.
    log_in(page, base, scene, "applicant")
    open_file(page, base, url)
    page.get_by_role("link", name="最終報告書を作成する").click()
    japanese_page(page)
    page.get_by_label("成果").fill("監督者28名が研修を修了し、12工場で5Sが定着した。")
    for row, count in enumerate(("19", "9")):
        page.locator(f'[name="participants-{row}-participants"]').fill(count)
    for row, amount in enumerate(("480,000", "70,000", "310,000", "100,000")):
        page.locator(f'[name="expenses-{row}-amount_yen"]').fill(amount)
    press(page, "最終報告書を提出する")
    done(page, "最終報告書を事務局に提出しました。", "最終報告書の確認中")
    expect(page.locator("[data-unspent]")).to_have_text("50,000")

    # The secretariat accepts the report: the grant is closed.
    log_in(page, base, scene, "secretariat")
    open_file(page, base, url)
    press(page, "報告書を受理して完了する")
    done(page, "現在の状態は「完了」です。", "完了")
    expect(page.get_by_text("現在、この案件であなたが対応すべきことはありません。")).to_be_visible()
    assert len(page.dialogs) == 3  # submit, close the ballot, authorise: read in Japanese
