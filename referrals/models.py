"""Referrals and their journey: built from issue 5 on."""
