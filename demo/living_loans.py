"""The living demo's SME loans: one in every state of the loan workflow.

The loans that have come furthest were applied for in last year's round and released months
ago, so their schedules have instalments paid on time, paid late (with delay damages), or
not paid at all; one was paid off early, one is drawn in two tranches with part of its
undrawn amount cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_date
from flask_babel import force_locale

from models import Application
from workflow.committee import ballots
from workflow.engine import service
from workflow.engine.wording import word
from workflow.loans import applications, arrears, assessment, undrawn
from workflow.loans import documents as loan_documents
from workflow.loans.book import instalments_of
from workflow.loans.documents import DOCUMENT_KINDS
from workflow.loans.repayments import position_of
from workflow.loans.schedule import add_months

from .cast import Cast, Upload, pdf_bytes


@dataclass(frozen=True)
class Loan:
    """A loan application as the company writes it, and the terms it is assessed at."""

    applicant: str  # sme or sme2
    title: str
    country: str
    amount: int
    term: int
    project: str
    purpose: str
    grade: str = "B"
    rate: str = "1.5"
    grace: int = 0
    method: str = "annuity"


def apply(cast: Cast, loan: Loan, *, last_year: bool = False,
          documents: tuple[str, ...] = tuple(DOCUMENT_KINDS)) -> Application:
    """The company writes its application (a draft), in this year's round or last year's,
    and attaches its documents (small PDFs)."""
    actor = cast[loan.applicant]
    company = actor.organisation
    day = cast.last_year_day if last_year else cast.today
    round_ = cast.rounds[("SME", "previous" if last_year else "current")]
    app = applications.create_loan(company, actor, applications.LoanRequest(
        title=loan.title, round_=round_, requested_yen=loan.amount, term_months=loan.term,
        investment_country=loan.country, project=loan.project, purpose=loan.purpose,
        industry=company.industry, capital_yen=company.capital_yen,
        employees=company.employees), today=day)
    for kind in documents:
        with force_locale("ja"):  # the company writes its documents in Japanese
            label = word(DOCUMENT_KINDS[kind])
        loan_documents.attach(app, kind, Upload(f"{kind.replace('_', '-')}.pdf", pdf_bytes(
            f"{label}：{company.name}", (loan.title, loan.project, f"作成日：{_japanese(day)}")
        )), actor, cast.upload_dir)
    cast.days[app.id] = day
    return app


def submit(cast: Cast, app: Application, loan: Loan) -> None:
    """The company submits (in its round) and the secretariat starts screening."""
    service.fire(app, "submit", cast[loan.applicant], today=cast.days[app.id])
    service.fire(app, "start_screening", cast["secretariat"])


def assess(cast: Cast, app: Application, loan: Loan) -> None:
    """Screened, assessed with the recommended terms, and sent to the committee."""
    submit(cast, app, loan)
    service.fire(app, "refer_to_assessment", cast["secretariat"])
    assessment.complete_assessment(app, cast["secretariat2"], assessment.Assessment(
        risk_grade=loan.grade, notes=f"格付{loan.grade}：過去3期分の監査済み決算書、親会社の保証"
        "および実現可能な資金繰り計画を確認しました。",
        amount_yen=loan.amount, annual_rate=Decimal(loan.rate), term_months=loan.term,
        grace_months=loan.grace, method=loan.method), today=cast.days[app.id])


def approve(cast: Cast, app: Application, loan: Loan, **decision) -> None:
    """Assessed, voted on by the four members of the SME loan committee and approved by
    the chair (on the file's day)."""
    assess(cast, app, loan)
    cast.votes(app, chair="approve", member1="approve", member6="approve",
               **{"deputy.sme": "abstain"})
    cast.decide(app, today=cast.days[app.id], **decision)


def contract(cast: Cast, app: Application, loan: Loan, signed_on: date) -> None:
    """Approved, and the signed agreement (a PDF) stored and dated."""
    approve(cast, app, loan)
    applications.sign_agreement(app, cast["secretariat"], agreement_date=signed_on, file=Upload(
        "signed-loan-agreement.pdf", pdf_bytes(f"金銭消費貸借契約書　{app.reference}", (
            f"借主：{app.organisation.name}", loan.title, f"融資額：{loan.amount:,}円",
            f"締結日：{_japanese(signed_on)}")
    )), upload_dir=cast.upload_dir, today=signed_on)


def _japanese(day: date) -> str:
    """A date as a Japanese company writes it (2026年12月7日)."""
    return format_date(day, "long", locale="ja")


def release_on(cast: Cast, app: Application, loan: Loan, months_ago: int,
               amount: int | None = None) -> date:
    """Contracted shortly before, and the loan (or `amount` of it) released `months_ago`
    months ago."""
    day = add_months(cast.today.replace(day=10), -months_ago)
    day = min(day, cast.today)
    contract(cast, app, loan, signed_on=day - timedelta(days=12))
    release(cast, app, amount or app.approved_yen, day)
    return day


def release(cast: Cast, app: Application, amount: int, on: date) -> None:
    """finance1 requests a tranche, finance2 authorises it on `on`."""
    note = "Full disbursement" if amount == app.approved_yen else "Next stage of the works"
    cast.release(app, amount, note, on=on)


def repay(cast: Cast, app: Application, amount: int, on: date, today: date | None = None,
          officer: str = "finance1") -> None:
    """A finance officer records a repayment received on `on` (as of `today`)."""
    service.fire(app, "record_repayment", cast[officer], amount_yen=amount, received_on=on,
                 bank_reference=f"MUFG-{app.number:04d}-{on:%Y%m%d}", today=today or on)


def pay_due(cast: Cast, app: Application, on: date) -> int:
    """The company pays on `on` what has fallen due by then, delay damages included."""
    due = position_of(app, on).due
    if due:
        repay(cast, app, due, on)
    return due


def repay_on_time(cast: Cast, app: Application, until: date, since: date | None = None) -> int:
    """Pay each instalment on its due date from `since` up to `until`; return how many."""
    paid = 0
    for day in [i.due_on for i in instalments_of(app)]:
        if day <= until and (since is None or day >= since) and pay_due(cast, app, day):
            paid += 1
    return paid


def mark_arrears(app: Application, on: date) -> None:
    """What the daily job did on that day (`flask loans mark-arrears --today`)."""
    service.fire(app, "mark_arrears", None, today=on)


# --- the loans ---------------------------------------------------------------------------

# The companies are Japanese and write their applications in Japanese.
ACTIVE = Loan("sme", "ビンズオン省CNC加工工場の設立", "VN", 60_000_000, 36,
              "二輪車・自動車部品向けCNC加工ラインを新設いたします。",
              "機械設備・据付費用および初年度の運転資金に充当いたします。",
              grade="A", rate="1.5", grace=3)
ARREARS = Loan("sme2", "ヤンゴン繊維調達事務所の開設", "MM", 25_000_000, 24,
               "織物の調達および品質検査を行う事務所を開設いたします。",
               "事務所の内装、検査機器および二年分の賃料に充当いたします。",
               grade="C", rate="2.0")
REPAID = Loan("sme", "ペナン治工具工房の設立", "MY", 12_000_000, 6,
              "現地の電子機器工場向けに治具・取付具を製作する小規模工房です。",
              "フライス盤二台および研削盤一台の購入に充当いたします。", grade="A", rate="1.2",
              method="equal_principal")
TRANCHES = Loan("sme", "レムチャバン港コールドチェーン倉庫の建設", "TH", 50_000_000, 48,
                "日本の食品輸出事業者向けに港湾隣接の冷蔵倉庫を建設いたします。",
                "建屋を先行して建設し、顧客の契約に応じて冷蔵室三室を順次整備いたします。",
                grade="B", rate="1.6", grace=6)
WRITTEN_OFF = Loan("sme2", "ジョグジャカルタ・バティック輸出合弁事業", "ID", 18_000_000, 24,
                   "手作りバティックを日本の小売業者へ輸出する合弁事業です。",
                   "運転資金および初回輸出分の在庫に充当いたします。", grade="D", rate="2.5")
CONTRACTED = Loan("sme", "ケレタロ・ダイカストラインの新設", "MX", 80_000_000, 60,
                  "メキシコの日系自動車メーカー向けアルミダイカストラインを新設いたします。",
                  "ダイカストセル二基および金型に充当いたします。", grade="B", rate="1.8",
                  grace=6)
APPROVED = Loan("sme2", "セブ物流倉庫の建設", "PH", 45_000_000, 48,
                "ビサヤ地方で日本製繊維製品を配送する保税倉庫を建設いたします。",
                "建築工事およびラック設備に充当いたします。", grade="B", rate="1.6", grace=3,
                method="equal_principal")
CANCELLED = Loan("sme", "スラバヤ・アルミ鋳造工場の設立", "ID", 30_000_000, 48,
                 "現地パートナーと共同でポンプハウジング用の鋳造工場を設立いたします。",
                 "溶解炉および造型設備に充当いたします。", grade="C", rate="2.2")
COMMITTEE = Loan("sme", "ブカシ射出成形工場の設立", "ID", 50_000_000, 60,
                 "家電製品向け射出成形部品を製造いたします。",
                 "成形機六台および金型に充当いたします。", grade="B", rate="1.7", grace=6)
ASSESSMENT = Loan("sme2", "フンイエン縫製工場の設立", "VN", 35_000_000, 48,
                  "日本の取引先向けに制服を縫製する工場を設立いたします。",
                  "ミシン設備および建屋の賃借に充当いたします。")
REJECTED = Loan("sme2", "ナイロビ生地販売店の開設", "KE", 20_000_000, 36,
                "日本製生地の小売店を開設いたします。", "店舗内装および在庫に充当いたします。",
                grade="E", rate="3.0")
REVISION = Loan("sme", "プネー精密ベアリング工場の設立", "IN", 70_000_000, 72,
                "インドの二輪車メーカー向けに小型ベアリングを製造いたします。",
                "研削機および組立機に充当いたします。")
SCREENING = Loan("sme2", "シェムリアップ絹織物協同組合の設立", "KH", 15_000_000, 36,
                 "現地の織り手40名による織物工房を設立いたします。",
                 "織機および染色室に充当いたします。")
SUBMITTED = Loan("sme", "チョンブリ・プレス工場の増設", "TH", 40_000_000, 48,
                 "車体部品向けに第二プレスラインを増設いたします。",
                 "400トンプレス機二台に充当いたします。")
WITHDRAWN = Loan("sme2", "ホーチミン市ショールームの開設", "VN", 10_000_000, 24,
                 "日本製寝具のショールームを開設いたします。",
                 "内装および初回在庫に充当いたします。")
DRAFT = Loan("sme2", "ダッカ染色工房の設立", "BD", 22_000_000, 36,
             "ニット製品輸出事業者向けに反応染料による染色を行います。",
             "染色機およびボイラーに充当いたします。")


def tell_stories(cast: Cast) -> None:
    """One loan or more in every state of the loan workflow."""
    sec, today = cast["secretariat"], cast.today

    def story(loan: Loan, last_year: bool = False) -> Application:
        return apply(cast, loan, last_year=last_year)

    # Last year's round: loans released months ago.
    app = story(ACTIVE, last_year=True)  # late once, cured (with delay damages), now on time
    release_on(cast, app, ACTIVE, months_ago=7)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[2].due_on)
    late = schedule[3].due_on
    mark_arrears(app, late + timedelta(days=35))
    pay_due(cast, app, late + timedelta(days=40))  # damages, interest, then principal
    repay_on_time(cast, app, until=today, since=late + timedelta(days=40))

    app = story(REPAID, last_year=True)  # two instalments on time, then paid off early
    release_on(cast, app, REPAID, months_ago=10)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[1].due_on)
    payoff = schedule[1].due_on + timedelta(days=12)
    repay(cast, app, position_of(app, payoff).total, payoff)

    app = story(ARREARS, last_year=True)  # three paid, then late; a part payment since
    release_on(cast, app, ARREARS, months_ago=8)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[2].due_on)
    late = schedule[3]
    marked = late.due_on + timedelta(days=33)
    mark_arrears(app, marked)
    repay(cast, app, late.due_yen // 2, marked + timedelta(days=10))

    app = story(WRITTEN_OFF, last_year=True)  # two paid, then nothing: written off
    release_on(cast, app, WRITTEN_OFF, months_ago=11)
    schedule = instalments_of(app)
    repay_on_time(cast, app, until=schedule[1].due_on)
    mark_arrears(app, schedule[2].due_on + timedelta(days=31))
    arrears.request_write_off(app, cast["finance1"], "The venture stopped trading; the "
                              "guarantor is insolvent and recovery would cost more than it "
                              "brings.")
    service.fire(app, "write_off", cast["chair"], today=today)

    app = story(TRANCHES, last_year=True)  # drawn in two tranches, part of the rest cancelled
    first = release_on(cast, app, TRANCHES, months_ago=9, amount=20_000_000)
    second = add_months(first, 4) + timedelta(days=6)
    repay_on_time(cast, app, until=second)
    release(cast, app, 15_000_000, second)
    cancelled = add_months(second, 2) + timedelta(days=3)
    repay_on_time(cast, app, until=cancelled, since=second)
    proposal = undrawn.propose_cancellation(
        app, cast["finance1"], 10_000_000, "The third cold room will not be built: the port "
        "authority leases one to the company instead.")
    undrawn.confirm_cancellation(app, proposal.id, cast["finance2"], today=cancelled)
    repay_on_time(cast, app, until=today, since=cancelled)

    # This year's round.
    app = story(CONTRACTED)  # agreement signed, awaiting its first release
    contract(cast, app, CONTRACTED, signed_on=today)  # not before its approval, today

    app = story(APPROVED)  # approved for less than asked
    approve(cast, app, APPROVED, approved_yen=40_000_000,
            conditions="The warehouse lease must run for the whole term of the loan.")

    app = story(CANCELLED)  # approved by the deputy chair (the chair declared a conflict),
    assess(cast, app, CANCELLED)  # then the partner withdrew
    ballots.declare_conflict(app, cast["chair"], "A relative sits on the partner's board.")
    cast.votes(app, member1="approve", member6="approve", **{"deputy.sme": "approve"})
    cast.decide(app, by="deputy.sme")
    service.fire(app, "cancel", sec, reason="契約締結前に合弁パートナーが撤退したため、"
                 "取り消します。")

    app = story(COMMITTEE)  # in committee review: member1 has not voted yet
    assess(cast, app, COMMITTEE)
    cast.votes(app, chair="approve", member6="approve", **{"deputy.sme": "approve"})

    app = story(REJECTED)  # rejected by the committee
    assess(cast, app, REJECTED)
    cast.votes(app, member1="reject", member6="reject", **{"deputy.sme": "abstain"})
    cast.decide(app)

    app = story(ASSESSMENT)  # revised once, then sent for credit assessment
    submit(cast, app, ASSESSMENT)
    service.fire(app, "request_revision", sec, comment="工場の賃貸借契約書を追加してください"
                 "ますよう、お願いいたします。")
    service.fire(app, "resubmit", cast[ASSESSMENT.applicant], today=today)
    service.fire(app, "start_screening", sec)
    service.fire(app, "refer_to_assessment", sec)

    app = story(REVISION)  # returned for a revision
    submit(cast, app, REVISION)
    service.fire(app, "request_revision", sec, comment="事業化調査報告書およびインド側"
                 "パートナーの意向表明書を添付してくださいますよう、お願いいたします。")

    app = story(SCREENING)  # being screened
    submit(cast, app, SCREENING)

    app = story(SUBMITTED)  # submitted, not yet picked up
    service.fire(app, "submit", cast[SUBMITTED.applicant], today=cast.days[app.id])

    app = story(WITHDRAWN)  # withdrawn during screening
    submit(cast, app, WITHDRAWN)
    service.fire(app, "withdraw", cast[WITHDRAWN.applicant], comment="ショールームの資金を"
                 "現地パートナーが負担することになったため、申請を取り下げます。")

    # A draft: the business plan is attached, the statements not yet.
    apply(cast, DRAFT, documents=("business_plan",))
