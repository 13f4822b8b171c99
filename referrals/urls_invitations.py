"""The team's pages for parents' secure links, added to `referrals.urls` (app "referrals")
before the team's referral pages, whose last pattern would otherwise take "invitations" as an
action. All three are POST only."""

from django.urls import path

from referrals.views import team_invitations

invitation_urlpatterns = [
    path(
        "team/referrals/<str:reference>/invitations/",
        team_invitations.invite,
        name="team_invite",
    ),
    path(
        "team/referrals/<str:reference>/invitations/<int:invitation_id>/resend/",
        team_invitations.resend,
        name="team_invite_resend",
    ),
    path(
        "team/referrals/<str:reference>/invitations/<int:invitation_id>/revoke/",
        team_invitations.revoke,
        name="team_invite_revoke",
    ),
]
