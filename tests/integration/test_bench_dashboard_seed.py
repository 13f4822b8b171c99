"""`make bench-dashboard`'s seeding (bench/dashboard_data.py) at a tiny size: every row through
the tables' constraints, the shape the workflow writes, and searches that find the sample."""

import pytest
from django.test import Client

from bench.dashboard_data import PATHS, plan_of, seed
from imhs.models import AuditEvent
from patients.models import Postcode
from referrals.models import (
    Appointment,
    ParentInvitation,
    ParentViews,
    Referral,
    ReferralEvent,
    Status,
)
from tests.sign_in import sign_in

pytestmark = pytest.mark.django_db


def test_seeding_twenty_referrals_gives_the_pages_what_they_read():
    seeded = seed(20, postcodes=300)

    referrals = Referral.objects.all()
    assert referrals.count() == 20
    assert Postcode.objects.filter(postcode__startswith="ZX").count() == 300
    open_cases, history = plan_of(20)
    assert sum(open_cases.values()) + history == 20
    for status, count in open_cases.items():
        assert referrals.filter(status=status).count() == count
    # The status history and its audit trail: one event per step from the draft.
    for referral in referrals:
        steps = list(referral.events.values_list("to_status", flat=True))
        assert steps == PATHS[referral.status]
    assert ReferralEvent.objects.count() == sum(len(PATHS[r.status]) for r in referrals)
    assert AuditEvent.objects.filter(object_type="referrals.referral").count() > 20
    assert ParentInvitation.objects.exists()
    assert ParentViews.objects.exists()
    assert Appointment.objects.filter(referral__status=Status.IN_TREATMENT).exists()
    assert (
        referrals.filter(status=Status.IN_TREATMENT, treatment_started_on__isnull=True).count() == 0
    )
    # The lead has a caseload, and each search finds the sample referral.
    assert referrals.filter(allocated_to=seeded.lead).exists()
    for text in seeded.searches.values():
        assert (
            Referral.objects.search(text).filter(reference=seeded.searches["reference"]).exists()
        ), text

    client = sign_in(Client(), seeded.lead)
    for url in ("/team/", "/team/?queue=all", "/team/waiting-list/", "/team/caseload/",
                f"/team/reports/?month={seeded.month}", "/admin/referrals/referral/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
