"""The Django admin: every model is there, searchable, and its lists do not grow queries per row."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from recommendations.models import Organisation, RecipientGroup, Recommendation, SuperComplaint
from responses import services
from responses.choices import Status
from responses.models import Chaser, ExtensionRequest, Response, ResponseReview, ResponseUpdate
from tests.conftest import DEMO_FIXTURES, draft_update, fixtures_loaded_once_per_module

MODELS = [Organisation, RecipientGroup, SuperComplaint, Recommendation, Response, ResponseUpdate,
          ResponseReview, ExtensionRequest, Chaser, Membership]


demo_data = fixtures_loaded_once_per_module(*DEMO_FIXTURES)


@pytest.fixture
def admin_client_with_data(client, demo_data, db):
    """A signed-in superuser over the demo data (loaded once for the module)."""
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(superuser)
    return client


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_every_model_is_registered_with_search():
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.search_fields, f"{model.__name__} admin has no search"


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_and_change_page_renders(admin_client_with_data, model):
    response = admin_client_with_data.get(changelist(model), {"q": "a"})
    assert response.status_code == 200
    obj = model.objects.first()
    if obj is not None:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                      args=[obj.pk])
        assert admin_client_with_data.get(url).status_code == 200


@pytest.mark.parametrize("model", [Recommendation, Response, ResponseUpdate, Membership],
                         ids=lambda m: m.__name__)
def test_changelists_run_the_same_queries_whatever_the_number_of_rows(admin_client_with_data,
                                                                      model):
    with CaptureQueriesContext(connection) as before:
        admin_client_with_data.get(changelist(model))
    # Double the rows of the four lists.
    force = Organisation.objects.get(slug="west-midlands")
    author = get_user_model().objects.get(username="force.contributor")
    Membership.objects.create(user=author, organisation=force, role=Membership.Role.CONTRIBUTOR)
    for recommendation in Recommendation.objects.all()[:10]:
        response = services.response_get_or_create(recommendation=recommendation,
                                                   organisation=force)
        draft_update(response=response, author=author,
                     as_of=datetime.date(2022, 1, 1), status=Status.IN_PROGRESS)
    for i, recommendation in enumerate(Recommendation.objects.all()[:10]):
        Recommendation.objects.create(
            super_complaint=recommendation.super_complaint, number=f"extra-{i}",
            text="<p>x</p>",
        ).recipient_groups.add(*recommendation.recipient_groups.all())
    for i in range(5):
        user = get_user_model().objects.create_user(f"member{i}")
        Membership.objects.create(user=user, organisation=force)
    with CaptureQueriesContext(connection) as after:
        admin_client_with_data.get(changelist(model))
    assert len(after) == len(before)


def test_a_published_update_cannot_be_changed_or_deleted_in_the_admin(admin_client_with_data):
    published = ResponseUpdate.objects.published().first()
    original_status = published.status
    change = reverse("admin:responses_responseupdate_change", args=[published.pk])
    delete = reverse("admin:responses_responseupdate_delete", args=[published.pk])

    page = admin_client_with_data.get(change)
    assert 'name="_save"' not in page.text  # read-only view, no save button
    assert admin_client_with_data.post(change, {"status": Status.NOT_STARTED}).status_code == 403
    assert admin_client_with_data.post(delete, {"post": "yes"}).status_code == 403
    published.refresh_from_db()
    assert published.status == original_status


# Adding an organisation's people

def add_user_data(**overrides):
    return {
        "username": "new.lead", "first_name": "Nadia", "last_name": "Khan",
        "email": "nadia.khan@example.police.uk", "usable_password": "false",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": Organisation.objects.get(slug="south-yorkshire").pk,
        "memberships-0-role": Membership.Role.CONTRIBUTOR,
        **overrides,
    }


def test_a_user_is_added_with_their_name_email_and_membership_on_one_page(
    admin_client_with_data,
):
    response = admin_client_with_data.post(reverse("admin:auth_user_add"), add_user_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="new.lead")
    assert user.get_full_name() == "Nadia Khan"
    membership = user.memberships.get()
    assert (membership.organisation.slug, membership.role) == (
        "south-yorkshire", Membership.Role.CONTRIBUTOR)
    change = admin_client_with_data.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert "South Yorkshire Police" in change.text  # the membership, on the user's own page


@pytest.mark.parametrize("missing", ["first_name", "last_name", "email"])
def test_a_user_without_a_full_name_or_email_is_refused(admin_client_with_data, missing):
    response = admin_client_with_data.post(reverse("admin:auth_user_add"),
                                           add_user_data(**{missing: ""}))
    assert response.status_code == 200
    assert missing in response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(username="new.lead").exists()


def test_users_filter_by_organisation_and_role(admin_client_with_data):
    south_yorkshire = Organisation.objects.get(slug="south-yorkshire")
    page = admin_client_with_data.get(
        changelist(get_user_model()),
        {"memberships__organisation__id__exact": south_yorkshire.pk,
         "memberships__role__exact": Membership.Role.APPROVER},
    )
    shown = {user.username for user in page.context["cl"].result_list}
    expected = set(Membership.objects.filter(
        organisation=south_yorkshire, role=Membership.Role.APPROVER,
    ).values_list("user__username", flat=True))
    assert shown == expected and shown


def test_responses_and_updates_filter_by_organisation_and_super_complaint(admin_client_with_data):
    south_yorkshire = Organisation.objects.get(slug="south-yorkshire")
    page = admin_client_with_data.get(changelist(Response),
                                      {"organisation__id__exact": south_yorkshire.pk})
    responses = list(page.context["cl"].result_list)
    assert responses and {r.organisation_id for r in responses} == {south_yorkshire.pk}
    super_complaint = responses[0].recommendation.super_complaint
    page = admin_client_with_data.get(changelist(ResponseUpdate), {
        "response__recommendation__super_complaint__id__exact": super_complaint.pk,
        "response__organisation__id__exact": south_yorkshire.pk,
    })
    updates = list(page.context["cl"].result_list)
    assert updates and all(
        u.response.organisation_id == south_yorkshire.pk
        and u.response.recommendation.super_complaint_id == super_complaint.pk for u in updates)


def test_a_membership_posted_with_an_organisation_that_is_no_key_is_an_error_not_a_500(
    admin_client_with_data,
):
    response = admin_client_with_data.post(
        reverse("admin:auth_user_add"), add_user_data(**{"memberships-0-organisation": "abc"})
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not get_user_model().objects.filter(username="new.lead").exists()
    user = get_user_model().objects.get(username="force.contributor")
    change = admin_client_with_data.post(reverse("admin:auth_user_change", args=[user.pk]), {
        "username": user.username, "first_name": "F", "last_name": "C", "email": "f@c.example",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-0-organisation": "abc", "memberships-0-role": "contributor",
    })
    assert change.status_code == 200
    assert "Select a valid choice" in change.text
    membership = admin_client_with_data.post(reverse("admin:tracker_membership_add"), {
        "user": "abc", "organisation": "abc", "role": "contributor",
    })
    assert membership.status_code == 200
