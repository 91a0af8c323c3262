"""SME loans: the workflow definition, applications, credit assessment, terms under the
lending law, the loan book, releases, repayments, arrears and the undrawn part. Registers
the loan definition and its rules with the engine."""
