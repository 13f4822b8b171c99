"""The referrals app's pages for the people who sign in: referrers, then the team. Parents'
pages, reached by a secure link without signing in, are `referrals.parents.urls`."""

from django.urls import include, path

app_name = "referrals"

urlpatterns = [
    path("referrals/", include("referrals.referrer.urls")),
    path("team/", include("referrals.team.urls")),
]
