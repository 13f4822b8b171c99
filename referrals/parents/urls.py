"""Parents' pages: the secure link, then token-free pages bound to one invitation's session
(their names are words a token never is: tokens are longer, see `referrals.invitations`)."""

from django.urls import path

from referrals.parents import views

app_name = "parents"

urlpatterns = [
    path("your-views/", views.your_views, name="views"),
    path("check/", views.check_answers, name="check"),
    path("sent/", views.sent, name="sent"),
    path("<str:token>/", views.open_link, name="open"),
]
