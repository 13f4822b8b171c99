"""The referrals app's admin, a module per record. Django's admin autodiscovery imports this
package; importing the modules registers their admins."""

from referrals.admin import referral, signposting  # noqa: F401 (registers the admins)
