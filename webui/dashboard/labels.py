"""The words of the applicant's money on the home page, its CSV and its PDF, in one place."""

SCHEDULE_COLUMNS = ("Instalment", "Due on", "Principal (JPY)", "Interest (JPY)",
                    "Instalment total (JPY)", "Paid (JPY)", "Balance after (JPY)")
SCHEDULE_TITLE = "Repayment schedule"
PDF_SUMMARY = (
    ("Company", "company"),
    ("Principal outstanding (JPY)", "outstanding"),
    ("Due and unpaid (JPY)", "arrears"),
    ("Next instalment", "next"),
)
NO_NEXT_INSTALMENT = "none left to pay"
