from django.urls import path

from referrals.urls_invitations import invitation_urlpatterns
from referrals.urls_team import team_urlpatterns
from referrals.views import carers, practice, referrer, team

app_name = "referrals"

urlpatterns = [
    path("referrals/", referrer.my_referrals, name="mine"),
    path("referrals/new/", referrer.new, name="new"),
    path(
        "referrals/empty-drafts/delete/",
        referrer.delete_empty_drafts,
        name="delete_empty_drafts",
    ),
    path("referrals/<int:pk>/", referrer.detail, name="detail"),
    path("referrals/<int:pk>/check/", referrer.check, name="check"),
    path("referrals/<int:pk>/sent/", referrer.submitted, name="submitted"),
    path("referrals/<int:pk>/delete/", referrer.delete, name="delete"),
    path("referrals/<int:pk>/answer/", referrer.answer_question, name="answer_question"),
    path("referrals/<int:pk>/discard/<str:key>/", referrer.discard, name="discard"),
    # Sections with pages of their own (the rest are one form each, below).
    path("referrals/<int:pk>/carers/", carers.carers, name="carers"),
    path("referrals/<int:pk>/carers/add/", carers.carer, name="carer_add"),
    path("referrals/<int:pk>/carers/<int:relationship_id>/", carers.carer, name="carer_change"),
    path(
        "referrals/<int:pk>/carers/<int:relationship_id>/remove/",
        carers.remove,
        name="carer_remove",
    ),
    path("referrals/<int:pk>/baby/practice/", practice.find_practice, name="find_practice"),
    path("referrals/<int:pk>/<slug:slug>/", referrer.section, name="section"),
    path("team/", team.dashboard, name="dashboard"),
    *invitation_urlpatterns,
    *team_urlpatterns,
]
