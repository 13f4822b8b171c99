"""Forms of the Request for Assistance, a module per section (base.py has what they share)."""
