"""The admin site: for staff whose session has passed the second factor.

Django's own site sends anyone it refuses to its login page. For a signed-in referrer that page
is ours, which sends a signed-in person back where they came from: a redirect loop. A signed-in
person without the role gets 403 (audited) instead; someone who owes a second factor is sent to
enter it by imhs.middleware.SecondFactorMiddleware before the admin runs.
"""

from functools import wraps

from django.contrib import admin

from imhs import second_factor
from imhs.access import deny


class ServiceAdminSite(admin.AdminSite):
    site_header = "Infant Mental Health Service administration"
    site_title = "IMHS admin"
    index_title = "Administration"

    def has_permission(self, request):
        user = request.user
        return super().has_permission(request) and (
            second_factor.is_relaxed() or user.is_verified()
        )

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                deny(request)
            return inner(request, *args, **kwargs)

        return guarded
