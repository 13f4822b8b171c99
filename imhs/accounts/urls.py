"""The account pages, under /accounts/ (names without a namespace: Django's auth views and
settings.LOGIN_URL expect "login", "password_reset_confirm"...)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from imhs.accounts import second_factor_views, views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("", second_factor_views.account, name="account"),
    path("two-factor/", second_factor_views.verify, name="second_factor_verify"),
    path("two-factor/set-up/", second_factor_views.setup, name="second_factor_setup"),
    path(
        "two-factor/backup-codes/",
        second_factor_views.new_backup_codes,
        name="second_factor_backup_codes",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
