"""An "Import from a file" page for the reference-data admins (GP practices, postcodes).

Only people who may add the model's rows (service leads) see the button or reach the page;
anyone else gets 403 and an audit event. The import itself is in patients.importers.
"""

import io

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from imhs.accounts.access import deny
from patients.importers import ImportFileError

MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # 100 MB: the largest PHS or NRS file is well under


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="A comma-separated (CSV) file, UTF-8, with a header row. At most 100 MB.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 100 MB. Check it is the right file."
            )
        return upload


class ImportFromFileMixin:
    """Adds `import/` to a ModelAdmin: upload a CSV, run `importer`, show its summary.

    Set `importer` (a function `(file, *, by, request) -> ImportResult`, wrapped in
    staticmethod), `import_source` (what the file is, for the page) and `import_columns` (the
    columns it must have).
    """

    importer = None
    import_source = ""
    import_columns = ()
    import_explanation = ""
    change_list_template = "admin/patients/change_list.html"
    import_template = "admin/patients/import_form.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def import_url(self):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_import"
        )

    def changelist_url(self):
        return reverse(
            f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
        )

    def changelist_view(self, request, extra_context=None):
        if self.has_import_permission(request):
            extra_context = {**(extra_context or {}), "import_url": self.import_url()}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not self.has_import_permission(request):
            deny(request)
        if request.method == "POST":
            form = ImportFileForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                text = io.TextIOWrapper(upload, encoding="utf-8-sig", newline="")
                try:
                    result = self.importer(text, by=request.user, request=request)
                except ImportFileError as error:
                    form.add_error("file", error.message)
                else:
                    self.message_user(request, result.summary, messages.SUCCESS)
                    return HttpResponseRedirect(self.changelist_url())
                finally:
                    text.detach()
        else:
            form = ImportFileForm()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Import {self.opts.verbose_name_plural} from a file",
            "opts": self.opts,
            "form": form,
            "import_source": self.import_source,
            "import_columns": self.import_columns,
            "import_explanation": self.import_explanation,
            "changelist_url": self.changelist_url(),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.import_template, context)
