"""Every named URL of the site, resolved with real objects, and the people who try them.

Shared by the authorization matrix (tests/integration/test_authorization_matrix.py) and the
security headers walk (tests/integration/test_security_headers.py):

- `named_urls()` walks the URL resolver (the admin's patterns included) and returns every named
  pattern as "namespace:name";
- `build_world()` makes the people (one per actor) and the objects the URLs point at;
  `world.client(actor)` is a test client signed in as that actor (or holding a parent session);
- `world.url(name)` reverses a name with the world's real objects.

A new URL that needs arguments gets them in `URL_KWARGS`; a new model in the admin gets an
object in `_admin_objects` (a test checks every registered model has one).
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks_db.models import DBTaskResult

from referrals import invitations
from referrals.models import Referral, RetentionReview, SignpostService, SubjectAccessRequest
from tests.factories import (
    AppointmentFactory,
    AuditEventFactory,
    GPPracticeFactory,
    PostcodeFactory,
    ReferralFactory,
    ReferrerFactory,
    ServiceLeadFactory,
    TeamMemberFactory,
    UnavailabilityFactory,
)
from tests.sign_in import authenticator_for, sign_in

ANONYMOUS = "anonymous"
OWNER = "owner"  # the referrer who wrote the referrals below
OTHER_REFERRER = "other_referrer"
TEAM_MEMBER = "team_member"
SERVICE_LEAD = "service_lead"
PARENT = "parent"  # a session started through the secure link with the baby's date of birth
ACTORS = (ANONYMOUS, OWNER, OTHER_REFERRER, TEAM_MEMBER, SERVICE_LEAD, PARENT)

# A section with a page of the generic section view (carers and the GP practice have their own).
SECTION_SLUG = "baby"
TEAM_ACTION = "start_review"  # open on a submitted referral, in the team page and the admin
LETTER_RECIPIENT = "referrer"


# --- the URL resolver ---------------------------------------------------------------------


def _walk(patterns, namespaces):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join([*namespaces, pattern.name])


def named_urls():
    """Every named URL pattern of the site, "namespace:name", the admin's included."""
    return set(_walk(get_resolver().url_patterns, []))


def is_admin(name):
    return name.startswith("admin:")


# --- the people and the objects -----------------------------------------------------------


@dataclass
class World:
    users: dict
    draft: Referral  # the owner's draft: the referrer's pages
    submitted: Referral  # the owner's sent referral: the team's pages, the "sent" page
    declined: Referral  # the owner's declined referral: the outcome letters
    relationship: object  # a carer of the draft's baby (CareRelationship)
    invitation: object  # the secure link for a carer of the submitted referral's baby
    token: str
    reset_user: object  # someone who asked for a password reset (and never signed in since)
    # The owner's accepted referral, with a booked appointment and a period the family is away:
    # the appointment pages.
    accepted: Referral = None
    review: object = None  # the declined referral's open retention review
    appointment: object = None
    period: object = None
    # A subject access request about the submitted referral's baby, produced, not released.
    sar: object = None
    admin_objects: dict = field(default_factory=dict)  # model -> an instance
    _clients: dict = field(default_factory=dict)

    def client(self, actor):
        """A test client for `actor`, signed in (or with a parent session) on first use."""
        if actor not in self._clients:
            if actor == ANONYMOUS:
                client = Client()
            elif actor == PARENT:
                client = start_parent_session(Client(), self.invitation, self.token)
            else:
                client = sign_in(Client(), self.users[actor])
            self._clients[actor] = client
        return self._clients[actor]

    def url(self, name):
        return reverse(name, kwargs=url_kwargs(self, name))

    def admin_object(self, name):
        """The object an admin URL name is about, if it names a registered model's page."""
        for model, obj in self.admin_objects.items():
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
            if name.startswith(prefix) and name[len(prefix) :] in ("history", "delete", "change"):
                return obj
        return None


def _draft(world):
    return {"pk": world.draft.pk}


def _reference(world):
    return {"reference": world.submitted.reference}


def _invitation(world):
    return {**_reference(world), "invitation_id": world.invitation.pk}


def _accepted(world):
    return {"reference": world.accepted.reference}


def _appointment(world):
    return {**_accepted(world), "appointment_id": world.appointment.pk}


def _reset(world, token=None):
    user = world.reset_user
    return {
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": token or default_token_generator.make_token(user),
    }


def _authenticator(world):
    return authenticator_for(world.users[TEAM_MEMBER])


# Arguments of every URL that takes some (admin object pages are in World.admin_object).
URL_KWARGS = {
    "password_reset_confirm": _reset,
    "parents:open": lambda w: {"token": w.token},
    "referrals:detail": _draft,
    "referrals:check": _draft,
    "referrals:submitted": lambda w: {"pk": w.submitted.pk},
    "referrals:delete": _draft,
    "referrals:answer_question": lambda w: {"pk": w.submitted.pk},
    "referrals:discard": lambda w: {**_draft(w), "key": f"carers:{w.relationship.pk}"},
    "referrals:carers": _draft,
    "referrals:carer_add": _draft,
    "referrals:carer_change": lambda w: {**_draft(w), "relationship_id": w.relationship.pk},
    "referrals:carer_remove": lambda w: {**_draft(w), "relationship_id": w.relationship.pk},
    "referrals:find_practice": _draft,
    "referrals:section": lambda w: {**_draft(w), "slug": SECTION_SLUG},
    "referrals:team_invite": _reference,
    "referrals:team_invite_resend": _invitation,
    "referrals:team_invite_revoke": _invitation,
    "referrals:team_referral": _reference,
    "referrals:team_reassess": _reference,
    "referrals:team_note": _reference,
    "referrals:team_letter": lambda w: {
        "reference": w.declined.reference,
        "recipient": LETTER_RECIPIENT,
    },
    "referrals:team_action": lambda w: {**_reference(w), "action": TEAM_ACTION},
    "referrals:team_book_appointment": _accepted,
    "referrals:team_appointment": _appointment,
    "referrals:team_appointment_attendance": _appointment,
    "referrals:team_appointment_cancel": _appointment,
    "referrals:team_appointment_rebook": _appointment,
    "referrals:team_appointment_email": _appointment,
    "referrals:team_appointment_letter": _appointment,
    "referrals:team_unavailability": _accepted,
    "referrals:team_remove_unavailability": lambda w: {**_accepted(w), "period_id": w.period.pk},
    # The team member's own caseload: theirs to open, and every member's for the service lead.
    "referrals:team_caseload": lambda w: {"user_id": w.users[TEAM_MEMBER].pk},
    "referrals:team_reassign": lambda w: {"user_id": w.users[TEAM_MEMBER].pk},
    "referrals:team_subject_access_new": _reference,
    **dict.fromkeys(
        (
            "referrals:team_subject_access_request",
            "referrals:team_subject_access_produce",
            "referrals:team_subject_access_redact",
            "referrals:team_subject_access_release",
            "referrals:team_subject_access_print",
            "referrals:team_subject_access_download",
        ),
        lambda w: {"request_id": w.sar.pk},
    ),
    "referrals:team_retention_rule": lambda w: {"kind": "declined_or_withdrawn"},
    "referrals:team_retention_review": lambda w: {"review_id": w.review.pk},
    "referrals:team_retention_destroy": lambda w: {"review_id": w.review.pk},
    "referrals:team_retention_keep": lambda w: {"review_id": w.review.pk},
    "referrals:team_legal_hold": lambda w: {"reference": w.declined.reference},
    "referrals:team_lift_legal_hold": lambda w: {"reference": w.declined.reference},
    "admin:app_list": lambda w: {"app_label": "referrals"},
    "admin:imhs_user_reset_second_factor": lambda w: {"object_id": w.users[TEAM_MEMBER].pk},
    "admin:view_on_site": lambda w: {
        "content_type_id": ContentType.objects.get_for_model(Referral).pk,
        "object_id": w.submitted.pk,
    },
    "admin:auth_user_password_change": lambda w: {"id": w.users[OWNER].pk},
    "admin:referrals_referral_action": lambda w: {
        "object_id": w.submitted.pk,
        "action": TEAM_ACTION,
    },
    "admin:referrals_referral_appointment_action": lambda w: {
        "object_id": w.accepted.pk,
        "row_id": w.appointment.pk,
        "action": "cancel_appointment",
    },
    "admin:referrals_referral_unavailability_action": lambda w: {
        "object_id": w.accepted.pk,
        "row_id": w.period.pk,
        "action": "remove_unavailability",
    },
}


def url_kwargs(world, name):
    if name in URL_KWARGS:
        return URL_KWARGS[name](world)
    obj = world.admin_object(name)
    return {"object_id": obj.pk} if obj is not None else {}


def set_password_url(world):
    """Where a valid password-reset link sends its reader: the same page without the token."""
    return reverse("password_reset_confirm", kwargs=_reset(world, token="set-password"))


def _admin_objects(world, team_member):
    """One real object for every model registered in the admin."""
    now = timezone.now()
    # The sent referral's family: a draft's is not the team's to see (test_authorization_matrix).
    sent_family = world.submitted.infant.care_relationships.get()
    access = {"user_agent": "Test browser", "ip_address": "192.0.2.10", "path_info": "/"}
    return {
        Group: Group.objects.create(name="Test group"),
        type(world.users[OWNER]): world.users[OWNER],
        AuditEventFactory._meta.model: AuditEventFactory(actor=world.users[OWNER]),
        # Not the baby's practice: one nothing refers to, so deleting it is a matter of role.
        GPPracticeFactory._meta.model: GPPracticeFactory(),
        PostcodeFactory._meta.model: PostcodeFactory(),
        type(world.submitted.infant): world.submitted.infant,
        type(sent_family.carer): sent_family.carer,
        type(sent_family): sent_family,
        Referral: world.submitted,  # the admin shows sent referrals only
        SignpostService: SignpostService.objects.create(
            name="Test Family Support Service", contact="01698 000123"
        ),
        DBTaskResult: DBTaskResult.objects.create(
            args_kwargs={"args": [], "kwargs": {}},
            task_path="imhs.tasks.send_password_reset",
            backend_name="default",
            run_after=now,
        ),
        AccessAttempt: AccessAttempt.objects.create(
            **access, username="nobody@example.org", failures_since_start=1
        ),
    }


def registered_admin_models():
    return set(admin.site._registry)


def start_parent_session(client, invitation, token):
    """The parent opens the secure link and gives the baby's date of birth."""
    date_of_birth = invitation.referral.infant.date_of_birth
    response = client.post(
        reverse("parents:open", args=[token]),
        {
            "date_of_birth_day": str(date_of_birth.day),
            "date_of_birth_month": str(date_of_birth.month),
            "date_of_birth_year": str(date_of_birth.year),
        },
    )
    assert response.status_code == 302, "the parent session did not start"
    assert response["Location"] == reverse("parents:views")
    return client


def build_world():
    owner = ReferrerFactory()
    team_member = TeamMemberFactory()
    users = {
        OWNER: owner,
        OTHER_REFERRER: ReferrerFactory(),
        TEAM_MEMBER: team_member,
        SERVICE_LEAD: ServiceLeadFactory(),
    }
    # Another referrer's own draft, so "another referrer" is a real one with work of their own.
    ReferralFactory(referrer=users[OTHER_REFERRER])
    draft = ReferralFactory(referrer=owner)
    submitted = ReferralFactory(referrer=owner, submitted=True)
    declined = ReferralFactory(referrer=owner, declined=True)
    carer = submitted.infant.care_relationships.get().carer
    invitation, token = invitations.create(submitted, carer=carer, by=team_member, send_email=False)
    world = World(
        users=users,
        draft=draft,
        submitted=submitted,
        declined=declined,
        relationship=draft.infant.care_relationships.get(),
        invitation=invitation,
        token=token,
        reset_user=ReferrerFactory(last_login=timezone.now() - datetime.timedelta(days=3)),
    )
    world.accepted = ReferralFactory(referrer=owner, accepted=True)
    world.appointment = AppointmentFactory(referral=world.accepted, booked_by=team_member)
    world.period = UnavailabilityFactory(referral=world.accepted, recorded_by=team_member)
    lead = users[SERVICE_LEAD]
    world.sar = SubjectAccessRequest.objects.create(
        infant=submitted.infant,
        requested_on=timezone.localdate(),
        created_by=lead,
        created_at=timezone.now(),
        content={"sections": []},
        produced_by=lead,
        produced_at=timezone.now(),
    )
    # The declined referral, due for review under its retention rule (the records pages).
    world.review = RetentionReview.objects.create(
        referral=declined,
        reference=declined.reference,
        kind="declined_or_withdrawn",
        clock_started_on=timezone.localdate(),
        due_on=timezone.localdate(),
        created_at=timezone.now(),
    )
    world.admin_objects = _admin_objects(world, team_member)
    return world


# --- reading responses --------------------------------------------------------------------

LOGIN = "login"  # sent to the sign-in page, to come back to the URL afterwards


@dataclass(frozen=True)
class To:
    """A redirect (302) to the URL `name` (with the world's arguments for it)."""

    name: str

    def __str__(self):
        return f"302→{self.name}"


SET_PASSWORD = "set-password"  # To() target: the token-free password reset page


ACCEPTED_PAGE = "accepted-page"  # To() target: the accepted referral's page (appointments)


def redirect_target(world, target):
    if target.name == SET_PASSWORD:
        return set_password_url(world)
    if target.name == ACCEPTED_PAGE:
        return reverse("referrals:team_referral", kwargs=_accepted(world))
    return world.url(target.name)


def outcome(client, url, response, world, expected):
    """What happened, in the table's terms, as close to `expected` as the response allows."""
    status = response.status_code
    if status != 302:
        return status
    location = urlsplit(response["Location"])
    if expected == LOGIN:
        return LOGIN if lands_on_sign_in(client, url, response) else f"302→{location.path}"
    if isinstance(expected, To) and location.path == redirect_target(world, expected):
        return expected
    return f"302→{location.path}"


def lands_on_sign_in(client, url, response, hops=3):
    """Whether the redirects end at the sign-in page, with `next` bringing the person back.

    The admin sends people to its own login URL first, which is our sign-in page's redirect."""
    login = reverse(LOGIN)
    for _ in range(hops):
        if response.status_code != 302:
            return False
        location = urlsplit(response["Location"])
        if location.path == login:
            return parse_qs(location.query).get("next") == [url]
        response = client.get(response["Location"])
    return False
