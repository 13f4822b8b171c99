"""What each role may do in the Django admin, as permissions kept in code.

Roles, not hand-ticked permission boxes, decide access: the table below is reviewed like any
other code, and a person's access changes when (and only when) their role does.
"""

from imhs.models import Role

TEAM_MEMBER_PERMISSIONS = frozenset(
    {
        # Patient records: the team keeps a family's details up to date.
        "patients.view_infant",
        "patients.change_infant",
        "patients.view_carer",
        "patients.change_carer",
        "patients.view_carerelationship",
        "patients.add_carerelationship",
        "patients.change_carerelationship",
        # Reference data: read only.
        "patients.view_gppractice",
        "patients.view_postcode",
        # Referrals: "change" opens the triage actions on the change page. They go through
        # referrals.workflow; the admin form itself edits no field of the referral.
        "referrals.view_referral",
        "referrals.change_referral",
        # The status history and the questions to referrers are read only.
        "referrals.view_referralevent",
        "referrals.view_informationrequest",
        # Appointments and the family's unavailability: read only in the admin (they change
        # through referrals.workflow, on the team's pages).
        "referrals.view_appointment",
        "referrals.view_unavailability",
        # Team notes are added (through workflow.add_note), never changed or deleted.
        "referrals.view_teamnote",
        "referrals.add_teamnote",
        # The services families are signposted to: read only.
        "referrals.view_signpostservice",
    }
)

SERVICE_LEAD_PERMISSIONS = TEAM_MEMBER_PERMISSIONS | {
    "imhs.view_user",
    "imhs.add_user",
    "imhs.change_user",
    "imhs.view_auditevent",
    # Sign-in lockouts (django-axes): seen, and cleared by deleting the attempt (audited).
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    # Reference data: service leads keep it current (and import the PHS and NRS files).
    "patients.add_gppractice",
    "patients.change_gppractice",
    "patients.delete_gppractice",
    "patients.add_postcode",
    "patients.change_postcode",
    "patients.delete_postcode",
    # The list of services to signpost families to. No delete: a service in use stays (declined
    # referrals point at it); one no longer offered is made inactive.
    "referrals.add_signpostservice",
    "referrals.change_signpostservice",
}

ROLE_PERMISSIONS = {
    Role.REFERRER: frozenset(),
    Role.TEAM_MEMBER: TEAM_MEMBER_PERMISSIONS,
    Role.SERVICE_LEAD: SERVICE_LEAD_PERMISSIONS,
}


def permissions_for(role):
    return ROLE_PERMISSIONS.get(role, frozenset())
