"""The team's referral pages, added to `referrals.urls` (app "referrals"). The reference in the
path is not personal data; letters carry the baby's details only in their body."""

from django.urls import path

from referrals.views import team_referral

team_urlpatterns = [
    path(
        "team/referrals/<str:reference>/",
        team_referral.team_referral,
        name="team_referral",
    ),
    path(
        "team/referrals/<str:reference>/reassess/",
        team_referral.reassess,
        name="team_reassess",
    ),
    path(
        "team/referrals/<str:reference>/notes/",
        team_referral.add_note,
        name="team_note",
    ),
    path(
        "team/referrals/<str:reference>/letter/<slug:recipient>/",
        team_referral.letter,
        name="team_letter",
    ),
    path(
        "team/referrals/<str:reference>/<slug:action>/",
        team_referral.team_action,
        name="team_action",
    ),
]
