from django.urls import path

from referrals.views import referrer, team

app_name = "referrals"

urlpatterns = [
    path("referrals/", referrer.my_referrals, name="mine"),
    path("team/", team.dashboard, name="dashboard"),
]
