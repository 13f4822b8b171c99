"""The reference data's age (patients.reference_data.freshness): recorded by each import, shown
wherever eligibility is shown, and a warning from the day after REFERENCE_DATA_STALE_DAYS."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.importers import ImportFileError, import_gp_practices, import_postcodes
from patients.models import DataSet, ReferenceImport
from patients.reference_data import freshness
from tests.factories import ReferralFactory, TeamMemberFactory
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
STALE = "The area and GP practice checks may be out of date"


def imported(data_set, days_ago):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))
    return ReferenceImport.objects.create(data_set=data_set, imported_at=at)


def both_imported(days_ago):
    for data_set in DataSet:
        imported(data_set, days_ago)


def test_each_successful_import_records_its_data_set_and_a_refused_file_records_nothing(
    service_lead,
):
    with open(FIXTURES / "gp_practices.csv", encoding="utf-8-sig", newline="") as file:
        import_gp_practices(file, by=service_lead)
    with open(FIXTURES / "postcodes.csv", encoding="utf-8-sig", newline="") as file:
        import_postcodes(file)
    with (
        open(FIXTURES / "postcodes_bad_header.csv", encoding="utf-8-sig", newline="") as file,
        pytest.raises(ImportFileError),
    ):
        import_postcodes(file)

    rows = {row.data_set: row for row in ReferenceImport.objects.all()}
    assert set(rows) == {DataSet.GP_PRACTICES, DataSet.POSTCODES}
    assert ReferenceImport.objects.count() == 2
    assert rows[DataSet.GP_PRACTICES].imported_by == service_lead
    assert rows[DataSet.GP_PRACTICES].counts["added"] == 6
    assert rows[DataSet.POSTCODES].imported_by is None


def test_reference_data_is_current_on_the_last_day_and_stale_the_day_after(settings):
    settings.REFERENCE_DATA_STALE_DAYS = 100
    today = timezone.localdate()
    imported(DataSet.POSTCODES, 100)
    imported(DataSet.GP_PRACTICES, 101)
    imported(DataSet.GP_PRACTICES, 500)  # an older import does not count

    ages = {age.data_set: age for age in freshness(today).data_sets}

    assert (ages["postcodes"].days, ages["postcodes"].stale) == (100, False)
    assert (ages["gp_practices"].days, ages["gp_practices"].stale) == (101, True)
    assert [age.data_set for age in freshness(today).stale] == ["gp_practices"]
    assert "last imported" in ages["postcodes"].words
    assert "(100 days ago)" in ages["postcodes"].words


def test_a_data_set_never_imported_is_stale():
    imported(DataSet.POSTCODES, 0)

    ages = {age.data_set: age for age in freshness().data_sets}

    assert ages["postcodes"].stale is False
    assert ages["postcodes"].words.endswith("(today).")
    assert ages["gp_practices"].stale is True
    assert "no import has been recorded" in ages["gp_practices"].words


def test_freshness_is_one_query(django_assert_num_queries):
    both_imported(3)
    with django_assert_num_queries(1):
        freshness()


def test_the_team_referral_page_warns_when_the_reference_data_is_stale(client, settings):
    settings.REFERENCE_DATA_STALE_DAYS = 30
    referral = ReferralFactory(submitted=True)
    referral_team = TeamMemberFactory()
    sign_in(client, referral_team)
    url = reverse("referrals:team_referral", args=[referral.reference])

    both_imported(30)
    page = client.get(url).content.decode()
    assert STALE not in page
    assert 'data-reference-data="current"' in page
    assert "(30 days ago)" in page

    imported(DataSet.POSTCODES, 0)
    ReferenceImport.objects.filter(data_set=DataSet.GP_PRACTICES).delete()
    imported(DataSet.GP_PRACTICES, 31)
    page = client.get(url).content.decode()
    assert STALE in page
    assert "(31 days ago)" in page


def test_the_referrers_task_list_and_check_page_show_the_reference_data_age(client):
    referral = ReferralFactory()
    sign_in(client, referral.referrer)

    task_list = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    check = client.get(reverse("referrals:check", args=[referral.pk])).content.decode()

    # Nothing imported yet: both pages warn.
    assert STALE in task_list
    assert STALE in check
    both_imported(1)
    check = client.get(reverse("referrals:check", args=[referral.pk])).content.decode()
    assert STALE not in check
    assert "(1 day ago)" in check


def test_the_admin_shows_the_reference_data_age(lead_client, settings):
    settings.REFERENCE_DATA_STALE_DAYS = 10
    imported(DataSet.POSTCODES, 11)
    imported(DataSet.GP_PRACTICES, 2)

    page = lead_client.get(reverse("admin:patients_gppractice_changelist")).content.decode()

    assert 'data-reference-data="stale"' in page
    assert "Older than 10 days: import the latest file." in page
    assert "(2 days ago)" in page
