from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from imhs import health, views
from imhs.audit.views import audit_export_page

# Django's own 400 page is plain text without the security headers: see views.bad_request.
handler400 = views.bad_request
handler500 = views.server_error

urlpatterns = [
    path("", views.start, name="start"),
    path("favicon.ico", views.favicon),
    path("home/", views.home, name="home"),
    # For load balancers and monitoring: no sign-in, no audit, no personal data (imhs.health).
    path("healthz/", health.healthz, name="healthz"),
    path("readyz/", health.readyz, name="readyz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/", include("imhs.accounts.urls")),
    # One sign-in page for everyone: the admin's own login form would bypass our audit (and,
    # from issue 8, the second factor).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login_redirect",
    ),
    path("admin/", admin.site.urls),
    path("team/audit/", audit_export_page, name="audit_export"),
    path("views/", include("referrals.parents.urls")),
    path("", include("referrals.urls")),
]
