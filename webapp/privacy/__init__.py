"""Privacy: the audit trail of staff actions on trainees' accounts and data."""
