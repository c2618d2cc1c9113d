"""
The audit trail: every write to an audited model leaves a log entry naming who made it, whether
it came through the workflow pages, the admin or a command; admins read and search it, and
nobody can change it.
"""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from recommendations.models import Organisation, Recommendation
from responses import services
from responses.choices import ReviewOutcome, Status, WorkflowState
from responses.models import Response, ResponseReview, ResponseUpdate
from tests.responses import helpers

from .conftest import make_user

pytestmark = pytest.mark.django_db


def entries(model, **filters):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), **filters
    ).order_by("pk")


def latest(model, **filters):
    """The latest entry that changed fields of the row (not only its many-to-many links)."""
    found = [entry for entry in entries(model, **filters)
             if any(isinstance(value, list) for value in (entry.changes or {}).values())]
    return found[-1] if found else None


def form_data(**overrides):
    return helpers.form_data(**{"position_provided_by": "DCI Smith", **overrides})



@pytest.fixture
def superuser_client(client, world):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "x",
                                                     first_name="Ada", last_name="Root")
    client.force_login(root)
    client.root = root
    return client


# --- The workflow, through the web pages ----------------------------------------------------

def test_creating_a_draft_records_its_author_and_the_lead_they_set(world, client):
    client.force_login(world.contributor)

    assert client.post(helpers.create_url(world), form_data(lead="DCI Lead")).status_code == 302

    update = ResponseUpdate.objects.get()
    created = latest(ResponseUpdate, object_id=update.pk, action=LogEntry.Action.CREATE)
    assert created.actor == world.contributor
    assert created.changes["state"] == ["None", WorkflowState.DRAFT]
    assert created.changes["lead"] == ["None", "DCI Lead"]
    assert created.serialized_data["fields"]["response"] == update.response_id
    editors = entries(ResponseUpdate, object_id=update.pk).last()
    assert editors.actor == world.contributor
    assert editors.changes["editors"]["objects"] == ["alice"]
    response = latest(Response, object_id=update.response_id)
    assert response.action == LogEntry.Action.CREATE and response.actor == world.contributor


def test_publishing_records_the_approver_as_who_changed_the_response_s_lead(world, client):
    client.force_login(world.contributor)
    client.post(helpers.create_url(world), form_data(lead="DCI Lead", action="submit"))
    update = ResponseUpdate.objects.get()
    client.force_login(world.approver)

    client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                helpers.sign_off_data(update))

    lead = latest(Response, object_id=update.response_id, changes__has_key="lead")
    assert lead.actor == world.approver
    assert lead.changes["lead"] == ["", "DCI Lead"]


def test_editing_and_submitting_record_the_editor(world, client):
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    update = services.response_update_create(response=response, author=world.contributor,
                                             as_of=datetime.date(2021, 5, 1),
                                             status=Status.IN_PROGRESS)
    editor = make_user("erin", world.force_a, Membership.Role.CONTRIBUTOR)
    client.force_login(editor)
    edit = reverse("workflow:update_edit", args=[update.pk])

    client.post(edit, form_data(narrative="Edited."))
    edited = latest(ResponseUpdate, object_id=update.pk)
    client.post(edit, form_data(narrative="Edited.", action="submit"))
    submitted = latest(ResponseUpdate, object_id=update.pk)

    assert edited.actor == editor and "narrative" in edited.changes
    assert "state" not in edited.changes
    assert submitted.actor == editor
    assert submitted.changes["state"] == [WorkflowState.DRAFT, WorkflowState.AWAITING_SIGN_OFF]


def test_approving_and_returning_record_the_approver(world, client):
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    def submitted(day):
        return services.response_update_create(
            response=response, author=world.contributor, submit=True,
            as_of=datetime.date(2021, 5, day), status=Status.IN_PROGRESS,
        )

    client.force_login(world.approver)

    first = submitted(1)
    client.post(reverse("workflow:update_sign_off", args=[first.pk]), helpers.sign_off_data(first))
    second = submitted(2)
    client.post(reverse("workflow:update_sign_off", args=[second.pk]),
                helpers.sign_off_data(second, "return", comment="Add the dates."))

    approved = latest(ResponseUpdate, object_id=first.pk)
    returned = latest(ResponseUpdate, object_id=second.pk)
    assert approved.actor == world.approver
    assert approved.changes["state"] == [WorkflowState.AWAITING_SIGN_OFF, WorkflowState.PUBLISHED]
    assert approved.changes["signed_off_by"] == ["None", str(world.approver.pk)]
    assert returned.actor == world.approver
    assert returned.changes["state"] == [WorkflowState.AWAITING_SIGN_OFF, WorkflowState.RETURNED]
    assert returned.changes["return_comment"] == ["", "Add the dates."]


def test_deleting_a_draft_records_who_deleted_it_and_which_response_it_was_of(world, client):
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    update = services.response_update_create(response=response, author=world.contributor,
                                             as_of=datetime.date(2021, 5, 1),
                                             status=Status.IN_PROGRESS)
    client.force_login(world.approver)

    client.post(reverse("workflow:update_delete", args=[update.pk]), {"version": update.version})

    deleted = latest(ResponseUpdate, object_id=update.pk)
    assert not ResponseUpdate.objects.exists()
    assert deleted.action == LogEntry.Action.DELETE
    assert deleted.actor == world.approver
    assert deleted.serialized_data["fields"]["response"] == response.pk


def test_a_review_records_the_reviewer(world, client):
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)
    update = services.response_update_create(response=response, author=world.contributor,
                                             submit=True, as_of=datetime.date(2021, 5, 1),
                                             status=Status.COMPLETED)
    services.response_update_publish(update=update, approver=world.approver)
    client.force_login(world.reviewer)

    client.post(reverse("workflow:response_review",
                        args=[world.super_complaint.slug, "1", world.force_a.slug]),
                {"outcome": ReviewOutcome.CLOSED, "comment": ""})

    review = latest(ResponseReview)
    assert review.actor == world.reviewer
    assert review.serialized_data["fields"] == {"response": response.pk, "outcome": "closed"}
    outcome = latest(Response, object_id=response.pk)
    assert outcome.actor == world.reviewer
    assert outcome.changes["review_outcome"] == [ReviewOutcome.OPEN, ReviewOutcome.CLOSED]


def test_the_client_address_is_the_one_the_load_balancer_appended(world, client, settings):
    settings.USE_X_FORWARDED_FOR = True
    client.force_login(world.contributor)

    client.post(helpers.create_url(world), form_data(), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
                REMOTE_ADDR="10.0.0.2")

    assert latest(ResponseUpdate).remote_addr == "203.0.113.9"


# --- The admin --------------------------------------------------------------------------------

def test_changing_a_membership_in_the_admin_records_the_admin(world, superuser_client):
    membership = Membership.objects.get(user=world.contributor)
    url = reverse("admin:tracker_membership_change", args=[membership.pk])

    page = superuser_client.post(url, {
        "user": world.contributor.pk, "organisation": world.force_a.pk,
        "role": Membership.Role.APPROVER,
    })

    assert page.status_code == 302
    changed = latest(Membership, object_id=membership.pk)
    assert changed.actor == superuser_client.root
    assert changed.changes == {"role": [Membership.Role.CONTRIBUTOR, Membership.Role.APPROVER]}


def test_adding_and_removing_memberships_are_recorded(world, superuser_client):
    add = reverse("admin:tracker_membership_add")
    superuser_client.post(add, {"user": world.outsider.pk, "organisation": world.force_b.pk,
                                "role": Membership.Role.VIEWER})
    membership = Membership.objects.get(user=world.outsider)
    superuser_client.post(reverse("admin:tracker_membership_delete", args=[membership.pk]),
                          {"post": "yes"})

    created, deleted = entries(Membership, object_id=membership.pk)
    assert (created.action, deleted.action) == (LogEntry.Action.CREATE, LogEntry.Action.DELETE)
    assert created.actor == deleted.actor == superuser_client.root
    assert "Force B Constabulary" in deleted.object_repr


def test_changing_a_recommendations_text_and_recipients_in_the_admin_is_recorded(
    world, superuser_client
):
    url = reverse("admin:recommendations_recommendation_change", args=[world.rec_1.pk])

    page = superuser_client.post(url, {
        "super_complaint": world.super_complaint.pk, "number": "1", "order": 1, "title": "",
        "text": "<p>Stop sharing data with immigration enforcement.</p>", "notes": "",
        "recipient_groups": [world.chief_constables.pk, world.pccs.pk], "due_on": "2021-06-30",
    })

    assert page.status_code == 302
    changed = entries(Recommendation, object_id=world.rec_1.pk, actor=superuser_client.root)
    fields = {name for entry in changed for name in entry.changes}
    assert {"text", "due_on", "recipient_groups"} <= fields
    text = next(entry for entry in changed if "text" in entry.changes)
    assert text.changes["text"] == [
        "<p>Stop sharing.</p>", "<p>Stop sharing data with immigration enforcement.</p>"
    ]


def test_a_user_s_password_hash_and_sign_ins_never_reach_the_log(world, client):
    world.contributor.set_password("a-new-long-password-2026")
    world.contributor.save()
    client.force_login(world.contributor)  # sets last_login

    logged = [name for entry in entries(get_user_model(), object_id=world.contributor.pk)
              for name in entry.changes or {}]
    assert "username" in logged, "the user's own entries are what is checked"
    assert "password" not in logged
    assert "last_login" not in logged
    assert not LogEntry.objects.filter(changes_text__contains="md5$").exists()
    assert "md5$" not in json.dumps(list(LogEntry.objects.values_list("changes", flat=True)))


def test_loaddata_is_recorded_with_no_actor(db):
    call_command("loaddata", "organisations", verbosity=0)

    imported = entries(Organisation)
    created = imported.filter(action=LogEntry.Action.CREATE)
    assert created.count() == Organisation.objects.count() == 97
    assert all(entry.actor is None for entry in imported)


def test_the_log_is_read_only_in_the_admin(world, superuser_client):
    services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_a)
    entry = LogEntry.objects.first()
    change = reverse("admin:auditlog_logentry_change", args=[entry.pk])

    assert superuser_client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    page = superuser_client.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    assert superuser_client.post(change, {"object_repr": "forged"}).status_code == 403
    delete = reverse("admin:auditlog_logentry_delete", args=[entry.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr != "forged"


def test_admins_search_the_log_by_organisation_user_object_action_and_date(
    world, superuser_client
):
    client = Client()
    client.force_login(world.other_contributor)  # Force B
    client.post(reverse("workflow:update_create",
                        args=[world.super_complaint.slug, "1", world.force_b.slug]),
                form_data(narrative="Force B's draft."))
    changelist = reverse("admin:auditlog_logentry_changelist")

    def listed(**params):
        page = superuser_client.get(changelist, params)
        assert page.status_code == 200
        return page.text

    assert "Force B Constabulary" in listed(q="Force B Constabulary")  # actor's organisation
    assert "charlie" in listed(q="charlie")  # user
    assert "Force B Constabulary" in listed(q="Recommendation 1")  # object
    by_action = listed(action__exact=LogEntry.Action.DELETE)
    assert "Force B Constabulary – " not in by_action
    assert "Force B Constabulary" in listed(action__exact=LogEntry.Action.CREATE)
    today = timezone.localdate()
    assert "Force B Constabulary" in listed(
        timestamp__year=today.year, timestamp__month=today.month, timestamp__day=today.day
    )
    assert "Force B Constabulary" not in listed(timestamp__year=today.year - 1)


def test_auditing_never_breaks_a_save_django_accepts(world):
    """A date given as text is saved (Django accepts it) and logged with the row's description."""
    response = services.response_get_or_create(recommendation=world.rec_1,
                                               organisation=world.force_a)

    update = ResponseUpdate.objects.create(response=response, as_of="2022-06-01",
                                           status=Status.IN_PROGRESS)

    created = latest(ResponseUpdate, object_id=update.pk)
    assert "as of 1 June 2022" in created.object_repr
    assert created.serialized_data["fields"]["as_of"] == "2022-06-01"
