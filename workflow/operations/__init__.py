"""Running the house: backups, anchoring the audit chain outside the database, and the
database roles that keep the audit and ledger tables append-only."""
