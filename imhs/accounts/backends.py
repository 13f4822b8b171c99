"""Sign-in by email address, with permissions that follow the user's role."""

from django.contrib.auth.backends import ModelBackend

from imhs.accounts.roles import permissions_for


class EmailBackend(ModelBackend):
    """Django's model backend: the manager's natural key is the case-insensitive email.

    Role permissions are added to group permissions, so `has_perm` and the admin see them.
    """

    def get_group_permissions(self, user_obj, obj=None):
        permissions = set(super().get_group_permissions(user_obj, obj))
        if user_obj.is_active and not user_obj.is_anonymous and obj is None:
            permissions |= permissions_for(user_obj.role)
        return permissions
