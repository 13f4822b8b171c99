"""What each role may do in the Django admin, as permissions kept in code.

Roles, not hand-ticked permission boxes, decide access: the table below is reviewed like any
other code, and a person's access changes when (and only when) their role does. Later issues add
the referral and reference-data permissions here.
"""

from imhs.models import Role

TEAM_MEMBER_PERMISSIONS = frozenset()

SERVICE_LEAD_PERMISSIONS = TEAM_MEMBER_PERMISSIONS | {
    "imhs.view_user",
    "imhs.add_user",
    "imhs.change_user",
    "imhs.view_auditevent",
}

ROLE_PERMISSIONS = {
    Role.REFERRER: frozenset(),
    Role.TEAM_MEMBER: TEAM_MEMBER_PERMISSIONS,
    Role.SERVICE_LEAD: SERVICE_LEAD_PERMISSIONS,
}


def permissions_for(role):
    return ROLE_PERMISSIONS.get(role, frozenset())
