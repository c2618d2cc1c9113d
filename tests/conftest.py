"""
Shared test data: a tiny world of two forces, one local policing body, a national body and one
super-complaint, with a persona for each role (in the manner of healthchecks' alice/bob/charlie).
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from accounts import twofactor
from accounts.models import Membership
from recommendations.models import Organisation, RecipientGroup, Recommendation, SuperComplaint
from responses import services
from responses.choices import Status

PASSWORD = "correct-horse-battery-staple"

REFERENCE_FIXTURES = ("organisations", "recipient_groups", "super_complaints", "office_holders")
DEMO_FIXTURES = (*REFERENCE_FIXTURES, "demo_responses", "demo_accounts")

# What an update says unless a test says otherwise.
UPDATE_DEFAULTS = {
    "as_of": datetime.date(2021, 5, 1),
    "status": Status.IN_PROGRESS,
    "narrative": "<p>Position.</p>",
}
UPDATE_STATES = ("draft", "submitted", "published")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hash test passwords cheaply; PBKDF2 stays so the demo accounts' hashes still verify."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    """Uploaded evidence goes to a folder of the test's own, never to the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the dashboards keep their figures there."""
    from django.core.cache import cache

    cache.clear()


# Django's own Client.force_login, before the fixture below wraps it.
force_login_without_two_factor = Client.force_login


@pytest.fixture(autouse=True)
def force_login_passes_two_factor(monkeypatch):
    """
    `client.force_login(user)` stands for a finished sign-in, the two-factor step included, so
    tests of pages need not enter codes. Tests of the two-factor step itself sign in with the
    password form, or call `force_login_without_two_factor(client, user)`.
    """

    def force_login(self, user, backend=None):
        force_login_without_two_factor(self, user, backend)
        session = self.session
        session[twofactor.VERIFIED] = "tests.force_login"
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def sign_in_with_password(client, user, next_url=None, **extra_fields):
    """
    Sign in through the sign-in form, as a person does (`client.force_login` skips it), asking
    for `next_url` if given and posting `extra_fields` too (the typed text a sign-in page
    carries); the answer must be a redirect (onwards, or to the two-factor step).
    """
    from django.urls import reverse

    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    data = {"username": user.username, "password": PASSWORD, **extra_fields}
    if next_url:
        data["next"] = next_url
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    return response


def make_user(username, organisation=None, role=None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, first_name=username.title(), **extra
    )
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def world(db):
    """Organisations, groups, a super-complaint with three recommendations, and personas."""

    class World:
        pass

    w = World()
    w.force_a = Organisation.objects.create(
        slug="force-a", name="Force A Police", short_name="Force A",
        kind=Organisation.Kind.POLICE_FORCE, region="North East",
    )
    w.force_b = Organisation.objects.create(
        slug="force-b", name="Force B Constabulary", short_name="Force B",
        kind=Organisation.Kind.POLICE_FORCE, region="South West",
    )
    w.lpb_a = Organisation.objects.create(
        slug="force-a-pcc", name="Force A PCC", short_name="Force A PCC",
        kind=Organisation.Kind.LOCAL_POLICING_BODY, region="North East", paired=w.force_a,
    )
    w.force_a.paired = w.lpb_a
    w.force_a.save()
    w.home_office = Organisation.objects.create(
        slug="home-office", name="Home Office", short_name="Home Office",
        kind=Organisation.Kind.NATIONAL_BODY,
    )
    w.hmicfrs = Organisation.objects.create(
        slug="hmicfrs", name="HMICFRS", short_name="HMICFRS",
        kind=Organisation.Kind.NATIONAL_BODY,
    )
    w.inactive_force = Organisation.objects.create(
        slug="gone", name="Disbanded Police", short_name="Disbanded",
        kind=Organisation.Kind.POLICE_FORCE, active=False,
    )

    w.chief_constables = RecipientGroup.objects.create(
        slug="chief-constables", name="Chief constables", kind=RecipientGroup.Kind.POLICE_FORCES
    )
    w.pccs = RecipientGroup.objects.create(
        slug="pccs", name="Police and crime commissioners (or equivalents)",
        kind=RecipientGroup.Kind.LOCAL_POLICING_BODIES,
    )
    w.home_office_group = RecipientGroup.objects.create(
        slug="home-office", name="Home Office", kind=RecipientGroup.Kind.ORGANISATION,
        organisation=w.home_office,
    )
    w.all_recipients = RecipientGroup.objects.create(
        slug="all-recipients", name="All recipients", kind=RecipientGroup.Kind.ALL_RECIPIENTS
    )

    w.super_complaint = SuperComplaint.objects.create(
        slug="safe-to-share", title="Safe to share?", short_title="Safe to share?",
        complainants="Liberty and Southall Black Sisters",
        report_published_on=datetime.date(2020, 12, 17),
        status=SuperComplaint.Status.REPORT_PUBLISHED,
    )
    w.rec_1 = Recommendation.objects.create(
        super_complaint=w.super_complaint, number="1", order=1, text="<p>Stop sharing.</p>"
    )
    w.rec_1.recipient_groups.add(w.chief_constables)
    w.rec_2 = Recommendation.objects.create(
        super_complaint=w.super_complaint, number="2", order=2, text="<p>Review the law.</p>"
    )
    w.rec_2.recipient_groups.add(w.home_office_group)
    w.rec_5 = Recommendation.objects.create(
        super_complaint=w.super_complaint, number="5", order=5, text="<p>Together.</p>"
    )
    w.rec_5.recipient_groups.add(w.chief_constables, w.pccs)

    w.contributor = make_user("alice", w.force_a, Membership.Role.CONTRIBUTOR)
    w.approver = make_user("bob", w.force_a, Membership.Role.APPROVER)
    w.viewer = make_user("victor", w.force_a, Membership.Role.VIEWER)
    w.other_contributor = make_user("charlie", w.force_b, Membership.Role.CONTRIBUTOR)
    w.other_approver = make_user("dave", w.force_b, Membership.Role.APPROVER)
    w.opcc_contributor = make_user("olivia", w.lpb_a, Membership.Role.CONTRIBUTOR)
    w.reviewer = make_user("rita", w.hmicfrs, Membership.Role.REVIEWER)
    w.outsider = make_user("nobody")
    return w


def write_update(world=None, response=None, *, state="draft", author=None, approver=None,
                 **fields):
    """
    Write an update through the services, as the users would: a draft, a draft submitted for
    sign-off, or one submitted and then signed off ("published").

    The author defaults to `world.contributor` and the approver to `world.approver`; `fields`
    go to `services.response_update_create` over UPDATE_DEFAULTS (give `recommendation` and
    `organisation` instead of `response` to have the service find or create the response).
    """
    if state not in UPDATE_STATES:
        raise ValueError(f"state must be one of {UPDATE_STATES}, not {state!r}")
    update = services.response_update_create(
        response=response, author=author or world.contributor, submit=state != "draft",
        **{**UPDATE_DEFAULTS, **fields},
    )
    if state == "published":
        update = services.response_update_publish(
            update=update, approver=approver or world.approver
        )
    return update


def draft_update(world=None, response=None, **kwargs):
    """A draft nobody has submitted yet (see write_update)."""
    return write_update(world, response, state="draft", **kwargs)


def submitted_update(world=None, response=None, **kwargs):
    """An update awaiting sign-off (see write_update)."""
    return write_update(world, response, state="submitted", **kwargs)


def published_update(world=None, response=None, **kwargs):
    """An update submitted and signed off, so everyone can see it (see write_update)."""
    return write_update(world, response, state="published", **kwargs)


def loaddata(*names):
    """Load the named fixtures from fixtures/, as `manage.py loaddata` does."""
    call_command("loaddata", *names, verbosity=0)


def fixtures_loaded_once_per_module(*names):
    """
    A module-scoped fixture that loads the named fixtures once, before the first test that asks
    for it, and flushes the database when the module ends.

    The rows are written outside any test's transaction, so each test's rollback (the `db`
    fixture) keeps them and undoes only what the test itself changed. Tests that use it must
    also ask for `db`. The flush at the end leaves the empty tables the other modules expect;
    a module using it should hold no test that needs those tables empty (such as one that uses
    `world`), since the rows stay until the module's last test has run, and no transactional
    test, whose flush would empty the tables under the tests after it (so the browser tests,
    which need `transactional_db` for the live server, still load the demo data per test).
    """

    @pytest.fixture(scope="module")
    def fixtures_loaded(django_db_setup, django_db_blocker):
        try:
            with django_db_blocker.unblock():
                loaddata(*names)
            yield
        finally:
            # Also after a load that failed half-way, so no row leaks into the next module.
            with django_db_blocker.unblock():
                call_command("flush", interactive=False, verbosity=0)

    return fixtures_loaded
