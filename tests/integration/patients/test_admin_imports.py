"""The admin's "Import from a file" pages for GP practices and postcodes."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from imhs.models import AuditAction, AuditEvent
from patients import admin_imports
from patients.models import GPPractice, Postcode
from tests.factories import GPPracticeFactory, PostcodeFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GP_IMPORT = "admin:patients_gppractice_import"
POSTCODE_IMPORT = "admin:patients_postcode_import"


def upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes(), content_type="text/csv")


def test_service_lead_sees_the_import_button(client, service_lead):
    sign_in(client, service_lead)
    for model in ("gppractice", "postcode"):
        page = client.get(reverse(f"admin:patients_{model}_changelist")).content.decode()
        assert "Import from a file" in page
        assert reverse(f"admin:patients_{model}_import") in page


def test_team_member_sees_no_button_and_gets_403(client, team_member):
    sign_in(client, team_member)
    page = client.get(reverse("admin:patients_gppractice_changelist")).content.decode()
    assert "Import from a file" not in page

    assert client.get(reverse(GP_IMPORT)).status_code == 403
    response = client.post(reverse(POSTCODE_IMPORT), {"file": upload("postcodes.csv")})
    assert response.status_code == 403
    assert not Postcode.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED, actor=team_member).exists()


def test_referrer_is_sent_away(client, referrer):
    sign_in(client, referrer)
    response = client.get(reverse(GP_IMPORT))
    assert response.status_code == 403
    assert not GPPractice.objects.exists()


def test_import_page_explains_the_columns(client, service_lead):
    sign_in(client, service_lead)
    response = client.get(reverse(GP_IMPORT))

    assert response.status_code == 200
    page = response.content.decode()
    assert "GP Practice Contact Details and List Sizes" in page
    for column in ("PracticeCode", "GPPracticeName", "HB", "HSCP"):
        assert f"<code>{column}</code>" in page
    assert 'type="file"' in page
    assert 'enctype="multipart/form-data"' in page
    assert "csrfmiddlewaretoken" in page
    # The site's CSP: no inline styles or scripts.
    assert "style=" not in page
    assert "<script>" not in page


def test_service_lead_imports_gp_practices(client, service_lead):
    sign_in(client, service_lead)
    response = client.post(reverse(GP_IMPORT), {"file": upload("gp_practices.csv")}, follow=True)

    assert response.redirect_chain == [(reverse("admin:patients_gppractice_changelist"), 302)]
    summary = "GP practices: 6 added, 0 updated, 0 deactivated (6 in the file)."
    assert summary in response.content.decode()  # the success message, on the list
    assert GPPractice.objects.count() == 6
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.actor == service_lead
    assert event.object_type == "patients.gppractice"
    assert event.detail["added"] == 6
    assert event.ip_address is not None


def test_service_lead_imports_postcodes(client, service_lead):
    sign_in(client, service_lead)
    response = client.post(reverse(POSTCODE_IMPORT), {"file": upload("postcodes.csv")}, follow=True)

    assert response.status_code == 200
    assert "Postcodes: 6 added, 0 updated, 2 skipped (not a postcode)" in response.content.decode()
    assert Postcode.objects.get(postcode="ZX1 0AB").council_area_code == "S12000029"


def test_a_bad_file_shows_the_error_and_writes_nothing(client, service_lead):
    GPPracticeFactory(code="99950")
    sign_in(client, service_lead)

    response = client.post(reverse(GP_IMPORT), {"file": upload("gp_practices_bad_header.csv")})

    assert response.status_code == 200
    assert "The file is missing these columns: HB, PracticeCode" in response.content.decode()
    assert response.context["form"].errors["file"] == [
        "The file is missing these columns: HB, PracticeCode"
    ]
    assert list(GPPractice.objects.values_list("code", "active")) == [("99950", True)]
    assert not AuditEvent.objects.filter(action=AuditAction.IMPORT).exists()


def test_a_bad_postcode_file_writes_nothing(client, service_lead):
    PostcodeFactory(postcode="ZY9 9ZZ")
    sign_in(client, service_lead)

    response = client.post(reverse(POSTCODE_IMPORT), {"file": upload("postcodes_bad_header.csv")})

    assert response.status_code == 200
    assert "HealthBoardArea2019Code" in response.context["form"].errors["file"][0]
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["ZY9 9ZZ"]


def test_no_file_is_a_form_error(client, service_lead):
    sign_in(client, service_lead)
    response = client.post(reverse(GP_IMPORT), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_a_file_over_the_size_limit_is_refused(client, service_lead, monkeypatch):
    monkeypatch.setattr(admin_imports, "MAX_UPLOAD_BYTES", 100)
    sign_in(client, service_lead)

    response = client.post(reverse(GP_IMPORT), {"file": upload("gp_practices.csv")})

    assert response.status_code == 200
    assert "larger than 100 MB" in response.context["form"].errors["file"][0]
    assert not GPPractice.objects.exists()


def test_the_import_needs_a_csrf_token(service_lead):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, service_lead)
    response = client.post(reverse(GP_IMPORT), {"file": upload("gp_practices.csv")})
    assert response.status_code == 403
    assert not GPPractice.objects.exists()


def test_a_large_upload_streamed_from_disk_is_imported(client, service_lead, settings):
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE, Django keeps the upload in a temporary file.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    sign_in(client, service_lead)

    response = client.post(reverse(POSTCODE_IMPORT), {"file": upload("postcodes.csv")})

    assert response.status_code == 302
    assert Postcode.objects.count() == 6
