"""Parents' pages: the secure link, then token-free pages bound to one invitation's session.

The token-free pages come first: `<str:token>/` would otherwise match them too.
"""

from django.urls import path

from referrals.views import parent

app_name = "parents"

urlpatterns = [
    path("your-views/", parent.your_views, name="views"),
    path("check/", parent.check_answers, name="check"),
    path("sent/", parent.sent, name="sent"),
    path("<str:token>/", parent.open_link, name="open"),
]
