"""Repayment schedules of SME loans: Fineract's vectors, edge cases, properties, the CLI."""

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from hypothesis import given, settings
from hypothesis import strategies as st

from webui.commands.loans import loans_cli
from workflow.loans.schedule import (
    ScheduleRefused,
    build_schedule,
    schedule_csv_rows,
    total_interest,
)

# ¥1,000,000 at 6 % over 12 months: the figures Apache Fineract prints for the same loan.
AMOUNT, RATE, MONTHS = 1_000_000, Decimal("6"), 12


def test_annuity_matches_fineract():
    schedule = build_schedule(AMOUNT, RATE, MONTHS, method="annuity")
    assert len(schedule) == 12
    assert {row.payment for row in schedule[:-1]} == {86_066}
    first, second, last = schedule[0], schedule[1], schedule[-1]
    assert (first.principal, first.interest, first.balance) == (81_066, 5_000, 918_934)
    assert (second.principal, second.interest, second.balance) == (81_471, 4_595, 837_463)
    assert (last.principal, last.interest, last.payment, last.balance) == (85_642, 428, 86_070, 0)
    assert total_interest(schedule) == 32_796


def test_equal_principal_matches_fineract():
    schedule = build_schedule(AMOUNT, "6", MONTHS, method="equal_principal")
    assert [row.principal for row in schedule] == [83_333] * 11 + [83_337]
    assert schedule[0].interest == 5_000
    assert schedule[-1].balance == 0
    assert total_interest(schedule) == 32_500


@pytest.mark.parametrize("method", ["annuity", "equal_principal"])
def test_zero_rate_splits_the_principal_evenly(method):
    schedule = build_schedule(1_000, 0, 3, method=method)
    assert [row.principal for row in schedule] == [333, 333, 334]
    assert [row.interest for row in schedule] == [0, 0, 0]
    assert [row.payment for row in schedule] == [333, 333, 334]
    assert total_interest(schedule) == 0


def test_grace_months_pay_interest_only_then_amortise():
    schedule = build_schedule(AMOUNT, RATE, 15, grace_months=3)
    for row in schedule[:3]:
        assert (row.principal, row.interest, row.payment, row.balance) == (0, 5_000, 5_000, AMOUNT)
    # The remaining 12 months are exactly the ungraced 12-month loan.
    amortising = [(r.payment, r.principal, r.interest, r.balance) for r in schedule[3:]]
    plain = build_schedule(AMOUNT, RATE, 12)
    assert amortising == [(r.payment, r.principal, r.interest, r.balance) for r in plain]
    assert [row.month_offset for row in schedule] == list(range(1, 16))


def test_due_dates_clamp_to_month_end_without_drifting():
    schedule = build_schedule(AMOUNT, RATE, 4, start=date(2024, 1, 31))
    assert [row.due for row in schedule] == [
        date(2024, 2, 29), date(2024, 3, 31), date(2024, 4, 30), date(2024, 5, 31)]
    non_leap = build_schedule(AMOUNT, RATE, 13, start=date(2025, 1, 31))
    assert non_leap[0].due == date(2025, 2, 28)
    assert non_leap[-1].due == date(2026, 2, 28)


def test_without_a_start_there_are_no_dates():
    assert {row.due for row in build_schedule(AMOUNT, RATE, MONTHS)} == {None}


def test_csv_rows_start_with_the_header():
    rows = list(schedule_csv_rows(build_schedule(AMOUNT, RATE, MONTHS, start=date(2026, 4, 1))))
    assert rows[0] == ("no", "due", "payment", "principal", "interest", "balance")
    assert rows[1] == (1, "2026-05-01", 86_066, 81_066, 5_000, 918_934)
    assert len(rows) == 13


@pytest.mark.parametrize(("kwargs", "sentence", "field"), [
    ({"amount": 0}, "The amount must be at least ¥1.", "amount"),
    ({"amount": -5}, "The amount must be at least ¥1.", "amount"),
    ({"amount": 1.5}, "The amount must be a whole number of yen.", "amount"),
    ({"annual_rate": "-1"}, "The annual rate must be between 0 and 100 %.", "annual_rate"),
    ({"annual_rate": "100.01"}, "The annual rate must be between 0 and 100 %.", "annual_rate"),
    ({"annual_rate": "NaN"}, "The annual rate must be between 0 and 100 %.", "annual_rate"),
    ({"annual_rate": "six"}, "The annual rate must be a number.", "annual_rate"),
    ({"months": 0}, "The term must be at least 1 month.", "months"),
    ({"months": 361}, "The term may be at most 360 months", "months"),
    ({"grace_months": -1}, "The grace period cannot be negative.", "grace_months"),
    ({"grace_months": 12}, "The grace period must be shorter than the term.", "grace_months"),
    ({"method": "balloon"}, "Unknown repayment method 'balloon'", "method"),
])
def test_invalid_terms_are_refused_with_a_sentence_and_their_argument(kwargs, sentence, field):
    terms = {"amount": AMOUNT, "annual_rate": RATE, "months": MONTHS, **kwargs}
    with pytest.raises(ScheduleRefused) as refused:
        build_schedule(**terms)
    assert str(refused.value).startswith(sentence)
    assert refused.value.field == field


@pytest.mark.parametrize(("kwargs", "sentence"), [
    ({"amount": 1.5}, "金額は1円単位の整数で入力してください。"),
    ({"annual_rate": "101"}, "年利は0〜100 %の範囲で入力してください。"),
    ({"grace_months": 12}, "据置期間は返済期間より短くしてください。"),
])
def test_the_refusal_is_in_the_language_of_whoever_asked(app, kwargs, sentence):
    terms = {"amount": AMOUNT, "annual_rate": RATE, "months": MONTHS, **kwargs}
    with app.test_request_context(), force_locale("ja"), pytest.raises(ScheduleRefused) as refused:
        build_schedule(**terms)
    assert refused.value.message == sentence


def test_a_term_beyond_thirty_years_is_refused_before_anything_is_built():
    # 100,000,000 months once ran out of memory building the rows.
    with pytest.raises(ValueError, match="The term may be at most 360 months"):
        build_schedule(AMOUNT, RATE, 100_000_000)
    assert len(build_schedule(AMOUNT, RATE, 360)) == 360


def test_tiny_loan_at_a_high_rate_never_goes_negative():
    schedule = build_schedule(7, "100", 360)
    assert all(row.principal >= 0 and row.balance >= 0 for row in schedule)
    assert sum(row.principal for row in schedule) == 7
    assert schedule[-1].balance == 0


@st.composite
def loans(draw):
    months = draw(st.integers(1, 360))
    return {
        "amount": draw(st.integers(1, 10**10)),
        "annual_rate": draw(st.decimals(min_value=0, max_value=30, places=2,
                                        allow_nan=False, allow_infinity=False)),
        "months": months,
        "grace_months": draw(st.integers(0, min(12, months - 1))),
        "method": draw(st.sampled_from(["annuity", "equal_principal"])),
    }


# No deadline: a 360-month schedule on a slow CI runner must not count as a failure.
@settings(max_examples=300, deadline=None)
@given(loans())
def test_every_schedule_repays_exactly_the_amount(terms):
    schedule = build_schedule(**terms)
    assert len(schedule) == terms["months"]
    assert sum(row.principal for row in schedule) == terms["amount"]
    assert schedule[-1].balance == 0
    balance = terms["amount"]
    for row in schedule:
        assert row.principal >= 0 and row.interest >= 0 and row.balance >= 0
        assert row.balance == balance - row.principal
        assert row.payment == row.principal + row.interest
        balance = row.balance
    assert all(row.principal == 0 for row in schedule[:terms["grace_months"]])


@pytest.fixture
def run_loans():
    app = Flask(__name__)
    Babel(app)  # the workflow's sentences are gettext's, in the default language (English)
    app.cli.add_command(loans_cli)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["loans", "schedule", *args])


def test_cli_prints_the_schedule_as_csv(run_loans):
    result = run_loans("--amount", "1000000", "--rate", "6", "--months", "12")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "no,due,payment,principal,interest,balance"
    assert lines[1] == "1,1,86066,81066,5000,918934"
    assert lines[12] == "12,12,86070,85642,428,0"
    assert len(lines) == 13


def test_cli_prints_iso_due_dates_with_a_start(run_loans):
    result = run_loans("--amount", "1000000", "--rate", "6", "--months", "12",
                       "--method", "equal_principal", "--start", "2024-01-31")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "1,2024-02-29,88333,83333,5000,916667"


@pytest.mark.parametrize(("option", "sentence"), [
    (("--rate", "-1"), "The annual rate cannot be negative."),
    (("--months", "0"), "The term must be at least 1 month."),
    (("--rate", "15.01"), "The annual rate may be at most 15 % a year on a principal of "
                          "¥1,000,000 or more (Interest Rate Restriction Act); 15.01 % was "
                          "given."),
    (("--amount", "99999", "--rate", "20.5"), "at most 20 % a year on a principal under "
                                             "¥100,000"),
    (("--months", "100000000"), "The term may be at most 360 months (thirty years); "
                                "100,000,000 months was given."),
])
def test_cli_refuses_bad_terms_with_the_sentence(run_loans, option, sentence):
    terms = {"--amount": "1000000", "--rate": "6", "--months": "12"}
    terms.update(zip(option[::2], option[1::2], strict=True))
    result = run_loans(*[part for pair in terms.items() for part in pair])
    assert result.exit_code != 0
    assert sentence in result.output
