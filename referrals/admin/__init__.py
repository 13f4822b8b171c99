"""The referrals app's admin, a module per record. `patients` holds the patient records'
admins: which families the team may see depends on referrals (see patients/admin.py). Django's
admin autodiscovery imports this package; importing the modules registers their admins."""

from referrals.admin import patients, referral, signposting  # noqa: F401 (registers the admins)
