"""The load test's simulated users read the real pages' forms (bench.load_forms), and its
ledger check tells a payment booked twice or lost (bench.load_ledger)."""

from bench.load_forms import form_to, refusal
from bench.load_ledger import _held_to
from models import db


def test_a_workflow_button_read_from_the_page_moves_the_file(client, login_as,
                                                             make_application):
    application = make_application(state="submitted")
    login_as("secretariat")
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    form = form_to(page, r"/actions/start_screening$")
    assert form is not None and form.fields["version"] == str(application.version)

    assert client.post(form.action, data=form.data()).status_code == 302
    db.session.refresh(application)
    assert application.state == "screening"

    # The same form again carries a version now old: a refusal in words, nothing moved.
    again = client.post(form.action, data=form.data())
    assert again.status_code == 409 and refusal(again.get_data(as_text=True))


def test_a_prefixed_field_is_filled_by_its_plain_name():
    html = ('<form method="post" action="/loans/7/repayments"><input type="hidden" '
            'name="repayment-idempotency_key" value="k1"><input name="repayment-amount_yen">'
            '<textarea name="note">\nkept</textarea><select name="method"><option value="a">'
            '<option value="b" selected></select></form>')
    form = form_to(html, r"/repayments$")
    assert form.data(amount_yen="5000") == {"repayment-idempotency_key": "k1",
                                             "repayment-amount_yen": "5000", "note": "kept",
                                             "method": "b"}


def test_the_ledger_check_names_what_was_paid_twice_lost_or_never_asked_for():
    # Tranche 5: two officers authorised it at once, one was told it was done already.
    sent = [(1, "done"), (2, "done"), (3, "refused"), (4, None), (5, "refused"), (5, "done"),
            (6, "done"), (6, "done")]
    found = _held_to({1: 2, 3: 1, 4: 1, 5: 1, 6: 1, 9: 1}, sent)
    assert found["booked_twice"] == [1]
    assert found["told_done_twice"] == [6]
    assert found["done_but_not_booked"] == [2]
    assert found["refused_but_booked"] == [3]
    assert found["booked_but_never_sent"] == [9]
    clean = _held_to({1: 1, 2: 1, 5: 1}, sent[:6])
    assert not any(clean[k] for k in ("booked_twice", "told_done_twice", "done_but_not_booked",
                                      "refused_but_booked", "booked_but_never_sent"))
