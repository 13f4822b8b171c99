"""The admin site: for staff whose session has passed the second factor.

Django's own site sends anyone it refuses to its login page. For a signed-in referrer that page
is ours, which sends a signed-in person back where they came from: a redirect loop. A signed-in
person without the role gets 403 (audited) instead; someone who owes a second factor is sent to
enter it by imhs.middleware.SecondFactorMiddleware before the admin runs.
"""

from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect

from imhs import audit
from imhs.accounts import second_factor
from imhs.accounts.access import deny
from imhs.models import AuditAction


class ServiceAdminSite(admin.AdminSite):
    site_header = f"{settings.SERVICE['name']} administration"
    site_title = "IMHS admin"
    index_title = "Administration"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and (
            second_factor.is_relaxed() or user.is_verified()
        )

    def password_change(self, request, extra_context=None):
        # One password page for everyone: ours records the change and ends other sessions.
        return redirect("password_change")

    def password_change_done(self, request, extra_context=None):
        return redirect("password_change_done")

    def autocomplete_view(self, request):
        # The search box of a record's page answers with babies' and carers' names: a view of
        # records like any list. The text searched for is not kept (it is often a name).
        response = super().autocomplete_view(request)
        if response.status_code == 200:
            # The page the search box is on (its model and field), as Django's view names it.
            source = [request.GET.get(key, "")[:40] for key in ("app_label", "model_name")]
            audit.record(
                AuditAction.VIEW,
                by=request.user,
                object_type=".".join(source),
                request=request,
                detail={"list": True, "autocomplete": request.GET.get("field_name", "")[:40]},
            )
        return response

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                deny(request)
            return inner(request, *args, **kwargs)

        return guarded
