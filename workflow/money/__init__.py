"""The money: the ledger, donations, tranches and their release, funds, rounds and their
budgets, the finance queue, fund reports and the portfolio."""
