from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from imhs import second_factor_views, views
from imhs.audit_views import audit_export_page

# Django's own 400 page is plain text without the security headers: see views.bad_request.
handler400 = views.bad_request

urlpatterns = [
    path("", views.start, name="start"),
    path("favicon.ico", views.favicon),
    path("home/", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/logout/", views.sign_out, name="logout"),
    path("accounts/", second_factor_views.account, name="account"),
    path("accounts/two-factor/", second_factor_views.verify, name="second_factor_verify"),
    path("accounts/two-factor/set-up/", second_factor_views.setup, name="second_factor_setup"),
    path(
        "accounts/two-factor/backup-codes/",
        second_factor_views.new_backup_codes,
        name="second_factor_backup_codes",
    ),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
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
