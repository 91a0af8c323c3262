"""The words of the applicant's money on the home page, its CSV and its PDF, in one place."""

from flask_babel import lazy_gettext as _l

SCHEDULE_COLUMNS = (_l("Instalment"), _l("Due on"), _l("Principal (JPY)"), _l("Interest (JPY)"),
                    _l("Instalment total (JPY)"), _l("Paid (JPY)"), _l("Balance after (JPY)"))
SCHEDULE_TITLE = _l("Repayment schedule")
PDF_SUMMARY = (
    (_l("Company"), "company"),
    (_l("Principal outstanding (JPY)"), "outstanding"),
    (_l("Due and unpaid (JPY)"), "arrears"),
    (_l("Next instalment"), "next"),
)
NO_NEXT_INSTALMENT = _l("none left to pay")
