"""
Asking for more time (issue 14, section 1): who may ask and when, who decides, and an approved
extension moving the due date every page and figure reads, with the original date kept.
"""

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Membership
from deadlines import services as deadline_services
from deadlines.selectors import expected_responses
from recommendations.models import Organisation
from reporting.figures import figure_source, figures_by_organisation
from responses import services
from responses.choices import ExtensionDecision
from responses.deadlines import DeadlineKind, due_date, due_date_expression
from responses.models import ExtensionRequest, Response
from tests.conftest import make_user, published_update
from tests.responses.helpers import LADDER_QUERIES, QUERY_COUNTS, response_url
from tests.responses.test_response_detail import RESPONSE_PAGE_QUERIES

D = datetime.date
DUE = D(2021, 2, 12)
EXTENDED = D(2021, 4, 30)
ASKED_ON = D(2021, 2, 3)
# After the original due date, before the extended one.
LATER = datetime.datetime(2021, 3, 1, 12, tzinfo=datetime.UTC)


@pytest.fixture
def due(world):
    """Recommendation 1 is due from the forces on 12 February 2021."""
    world.rec_1.due_on = DUE
    world.rec_1.save()
    return world


def ask(world, *, user=None, organisation=None, today=ASKED_ON, requested=EXTENDED,
        reason="The force's lead officer is on long-term sick leave."):
    return deadline_services.extension_request(
        user=user or world.contributor, recommendation=world.rec_1,
        organisation=organisation or world.force_a, requested_due_on=requested, reason=reason,
        today=today,
    )


def extension_url(world, name, *args):
    return reverse(
        f"deadlines:{name}",
        args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug, *args],
    )


def force_a_response(world):
    return Response.objects.select_related("recommendation__super_complaint", "organisation").get(
        recommendation=world.rec_1, organisation=world.force_a
    )


# --- asking ----------------------------------------------------------------------------------


def test_a_request_on_the_due_day_itself_is_in_time(due):
    extension = ask(due, today=DUE)

    assert extension.decision == ExtensionDecision.PENDING
    assert extension.original_due_on == DUE
    # Asking does not move the date: only an approval does.
    assert force_a_response(due).extended_due_on is None


def test_a_request_the_day_after_the_due_day_is_refused_with_the_rule(due):
    with pytest.raises(ValidationError) as refused:
        ask(due, today=DUE + datetime.timedelta(days=1))

    assert "The due date, 12 February 2021, has passed" in str(refused.value)
    assert "on or before the due date" in str(refused.value)
    assert not ExtensionRequest.objects.exists()


@pytest.mark.parametrize("persona", ["approver", "contributor"])
def test_contributors_and_approvers_of_the_organisation_may_ask(due, persona):
    assert ask(due, user=getattr(due, persona)).requested_by == getattr(due, persona)


@pytest.mark.parametrize("persona", ["other_contributor", "viewer", "reviewer", "outsider"])
def test_anyone_else_is_refused_asking_for_the_organisation(due, persona):
    with pytest.raises(PermissionDenied):
        ask(due, user=getattr(due, persona))

    assert not ExtensionRequest.objects.exists()


def test_a_request_needs_a_reason_and_a_later_date(due):
    with pytest.raises(ValidationError) as refused:
        ask(due, reason="  ", requested=DUE)

    assert set(refused.value.message_dict) == {"reason", "requested_due_on"}


def test_a_second_request_waits_for_the_first_decision(due):
    ask(due)

    with pytest.raises(ValidationError, match="already awaiting"):
        ask(due, requested=D(2021, 5, 31))


def test_an_organisation_that_has_answered_has_nothing_to_extend(due):
    with time_machine.travel(datetime.datetime(2021, 2, 1, 12, tzinfo=datetime.UTC)):
        published_update(due, recommendation=due.rec_1, organisation=due.force_a)

    with pytest.raises(ValidationError, match="already published"):
        ask(due)


# --- deciding --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["contributor", "approver", "other_approver", "outsider"])
def test_only_a_national_reviewer_decides(due, persona):
    extension = ask(due)

    with pytest.raises(PermissionDenied):
        deadline_services.extension_decide(
            extension=extension, reviewer=getattr(due, persona),
            decision=ExtensionDecision.APPROVED,
        )

    assert force_a_response(due).extended_due_on is None


def test_refusing_needs_a_reason_and_keeps_the_old_date(due):
    extension = ask(due)
    with pytest.raises(ValidationError) as no_reason:
        deadline_services.extension_decide(
            extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.REFUSED
        )
    assert "comment" in no_reason.value.message_dict

    deadline_services.extension_decide(
        extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.REFUSED,
        comment="Another officer can lead.",
    )

    response = force_a_response(due)
    assert response.extended_due_on is None
    assert due_date(recommendation=due.rec_1, kind=due.force_a.kind,
                    extended_to=response.extended_due_on) == DUE


def test_a_request_is_decided_once(due):
    extension = ask(due)
    deadline_services.extension_decide(
        extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.APPROVED
    )

    with pytest.raises(ValidationError, match="already been decided"):
        deadline_services.extension_decide(
            extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.REFUSED,
            comment="Changed my mind.",
        )


def approve(world):
    with time_machine.travel(datetime.datetime(2021, 2, 3, 10, tzinfo=datetime.UTC)):
        extension = ask(world)
    with time_machine.travel(datetime.datetime(2021, 2, 5, 10, tzinfo=datetime.UTC)):
        return deadline_services.extension_decide(
            extension=extension, reviewer=world.reviewer, decision=ExtensionDecision.APPROVED
        )


def test_approving_moves_every_derived_figure(due, client):
    force_a = due.force_a
    with time_machine.travel(LATER):
        source = figure_source(today=LATER.date())
        before = figures_by_organisation(source)[force_a.pk]
        assert (before.overdue, before.due, before.extended) == (1, 1, 0)

    approve(due)

    with time_machine.travel(LATER):
        # The dashboards' SQL.
        after = figures_by_organisation(figure_source(today=LATER.date()))[force_a.pk]
        assert (after.overdue, after.due, after.extended) == (0, 2, 1)
        row = Response.objects.annotate(due=due_date_expression()).get(
            recommendation=due.rec_1, organisation=force_a
        )
        assert row.due == EXTENDED
        # The pages' Python.
        listed = {
            (r.recommendation.pk, r.organisation.pk): r
            for r in expected_responses(organisation_ids=[force_a.pk], today=LATER.date())
        }
        assert listed[due.rec_1.pk, force_a.pk].due_on == EXTENDED
        assert listed[due.rec_1.pk, force_a.pk].state.kind == DeadlineKind.DUE

        client.force_login(due.viewer)
        page = client.get(response_url(due)).content.decode()
        assert ("First answer due 12 February 2021, extended to 30 April 2021 "
                "(requested 3 February, approved by Rita)") in page
        assert "Due in 60 days" in page
        comparison = client.get(due.rec_1.get_absolute_url()).content.decode()
        assert "Extended to 30 Apr 2021" in comparison
        # Force B, without an extension, is the only one overdue.
        assert comparison.count("Overdue by 17 days") == 1
        organisation_page = client.get(
            reverse("responses:organisation_detail", args=[force_a.slug])
        ).content.decode()
        assert "30 Apr 2021" in organisation_page
        assert "extended from 12 Feb 2021" in organisation_page
        client.force_login(due.contributor)
        home = client.get(reverse("home")).content.decode()
        assert "due 30 Apr 2021 (extended from 12 Feb 2021)" in home
        matrix = client.get(
            reverse("responses:matrix", args=[due.super_complaint.slug]), {"view": "table"}
        ).content.decode()
        # Force A's cell is no longer flagged overdue; Force B's, without an extension, is.
        assert 'recommendations/1/force-a/">No response yet</a>' in matrix
        assert 'recommendations/1/force-b/">No response yet<small>Overdue</small>' in matrix
        dashboard = client.get(
            reverse("reporting:dashboard_organisation", args=[force_a.slug])
        ).content.decode()
        assert "Needed an extension" in dashboard


def test_an_answer_after_the_original_date_but_before_the_extended_one_is_on_time(due):
    approve(due)
    with time_machine.travel(LATER):
        published_update(due, recommendation=due.rec_1, organisation=due.force_a)
        figures = figures_by_organisation(figure_source(today=LATER.date()))[due.force_a.pk]

    assert (figures.on_time, figures.late, figures.overdue, figures.extended) == (1, 0, 0, 1)


def test_requests_and_decisions_are_in_the_history_and_the_audit_log(due, client):
    approve(due)
    client.force_login(due.other_contributor)

    page = client.get(response_url(due)).content.decode()

    assert "asked for more time, with a new due date to 30 April 2021" in page
    assert "approved the extension to 30 April 2021" in page
    entries = LogEntry.objects.filter(content_type__model="extensionrequest")
    assert sorted(entries.values_list("action", flat=True)) == [
        LogEntry.Action.CREATE, LogEntry.Action.UPDATE
    ]


# --- the pages -------------------------------------------------------------------------------


def test_a_contributor_asks_on_the_page_and_bad_input_keeps_what_was_typed(due, client):
    client.force_login(due.contributor)
    with time_machine.travel(datetime.datetime(2021, 2, 3, 10, tzinfo=datetime.UTC)):
        page = client.get(response_url(due)).content.decode()
        assert extension_url(due, "extension_request") in page

        bad = client.post(extension_url(due, "extension_request"), {
            "requested_due_on_day": "30", "requested_due_on_month": "4",
            "requested_due_on_year": "2021", "reason": "",
        })
        assert bad.status_code == 200
        html = bad.content.decode()
        assert "There is a problem" in html and "Say why more time is needed" in html
        assert "cannot be blank" not in html
        assert 'value="30"' in html

        good = client.post(extension_url(due, "extension_request"), {
            "requested_due_on_day": "30", "requested_due_on_month": "4",
            "requested_due_on_year": "2021", "reason": "Sick leave.",
        })
    assert good.status_code == 302
    assert ExtensionRequest.objects.get().requested_due_on == EXTENDED


def test_the_request_page_refuses_other_organisations(due, client):
    client.force_login(due.other_contributor)

    assert client.get(extension_url(due, "extension_request")).status_code == 403


def test_a_request_after_the_due_date_is_refused_on_the_page_with_the_reason(due, client):
    client.force_login(due.contributor)
    with time_machine.travel(LATER):
        # No button once the date has passed; the page itself still explains.
        assert extension_url(due, "extension_request") not in (
            client.get(response_url(due)).content.decode()
        )
        page = client.post(extension_url(due, "extension_request"), {
            "requested_due_on_day": "30", "requested_due_on_month": "4",
            "requested_due_on_year": "2021", "reason": "Sick leave.",
        })

    assert "The due date, 12 February 2021, has passed" in page.content.decode()
    assert not ExtensionRequest.objects.exists()


def test_a_reviewer_decides_on_the_page_and_a_contributor_cannot(due, client):
    with time_machine.travel(datetime.datetime(2021, 2, 3, 10, tzinfo=datetime.UTC)):
        extension = ask(due)
    url = extension_url(due, "extension_decide", extension.pk)

    client.force_login(due.approver)
    assert client.post(url, {"decision": "approved"}).status_code == 403

    client.force_login(due.reviewer)
    assert url in client.get(response_url(due)).content.decode()
    refused = client.post(url, {"decision": "refused", "comment": ""})
    assert "Say why the extension is refused" in refused.content.decode()
    assert client.post(url, {"decision": "approved"}).status_code == 302

    assert force_a_response(due).extended_due_on == EXTENDED


def test_the_overview_lists_requests_awaiting_a_decision(due, client):
    services.response_get_or_create(recommendation=due.rec_1, organisation=due.force_a)
    client.force_login(due.reviewer)
    assert "Requests for more time awaiting a decision" not in client.get(
        reverse("reporting:overview")
    ).text
    # The overview is kept rendered: a request changes the fingerprint, and shows at once.
    with time_machine.travel(datetime.datetime(2021, 2, 3, 10, tzinfo=datetime.UTC)):
        ask(due)

    page = client.get(reverse("reporting:overview")).content.decode()

    assert "Requests for more time awaiting a decision" in page
    assert response_url(due) + "#extensions" in page
    assert "30 Apr 2021" in page


def test_exports_keep_the_date_before_the_extension(due, client):
    approve(due)
    client.force_login(due.viewer)

    comparison = client.get(
        reverse("responses:recommendation_export",
                args=[due.super_complaint.slug, due.rec_1.number]) + "?format=csv"
    ).content.decode("utf-8-sig")
    organisation = client.get(
        reverse("responses:organisation_export", args=[due.force_a.slug]) + "?format=csv"
    ).content.decode("utf-8-sig")

    assert "Due date before extension" in comparison.splitlines()[0]
    assert "2021-04-30,2021-02-12" in comparison
    assert "2021-04-30,2021-02-12" in organisation


# --- query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("decided", [1, 5])
def test_the_response_page_queries_do_not_grow_with_its_extensions(
    due, client, django_assert_num_queries, decided
):
    with time_machine.travel(datetime.datetime(2021, 1, 3, 10, tzinfo=datetime.UTC)):
        for i in range(decided):
            extension = ask(due, today=D(2021, 1, 3), requested=EXTENDED + datetime.timedelta(i))
            deadline_services.extension_decide(
                extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.APPROVED
            )
    client.force_login(due.reviewer)

    # RESPONSE_PAGE_QUERIES (test_response_detail.py, on an empty cache) less the two evidence
    # queries, which do not run for a response without updates.
    with django_assert_num_queries(RESPONSE_PAGE_QUERIES - 2):
        page = client.get(response_url(due))

    assert page.content.decode().count('class="app-extension ') == decided


@pytest.mark.parametrize("pending", [1, 5])
def test_the_overview_queries_do_not_grow_with_the_requests_awaiting_a_decision(
    due, client, django_assert_num_queries, pending
):
    client.force_login(due.reviewer)
    client.get(reverse("reporting:overview"))  # the figures cached, as at any second visit
    forces = [due.force_a] + [
        Organisation.objects.create(slug=f"f-{i}", name=f"F {i}", short_name=f"F {i}",
                                    kind=Organisation.Kind.POLICE_FORCE)
        for i in range(pending - 1)
    ]
    for force in forces:
        writer = due.contributor if force == due.force_a else None
        if writer is None:
            writer = make_user(f"writer-{force.slug}", force, Membership.Role.CONTRIBUTOR)
        ask(due, user=writer, organisation=force, today=D(2021, 1, 3))

    # The figures' source (3 queries) comes from the cache; the requests are one query whatever
    # their number. A reviewer's overview also lists the chasing ladder, read afresh: the
    # requests changed the responses' fingerprint.
    with django_assert_num_queries(QUERY_COUNTS["overview"] - 3 + LADDER_QUERIES):
        page = client.get(reverse("reporting:overview"))

    assert page.content.decode().count("#extensions") == pending


def test_cached_pages_show_an_approved_extension_at_once(due, client):
    """The organisation page and home are cached under a fingerprint of the responses."""
    organisation_url = reverse("responses:organisation_detail", args=[due.force_a.slug])
    with time_machine.travel(LATER):
        client.force_login(due.contributor)
        assert "extended from" not in client.get(organisation_url).content.decode()
        assert "extended from" not in client.get(reverse("home")).content.decode()
    with time_machine.travel(datetime.datetime(2021, 2, 3, 10, tzinfo=datetime.UTC)):
        extension = ask(due)
    with time_machine.travel(LATER):
        deadline_services.extension_decide(
            extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.APPROVED
        )
        assert "extended from 12 Feb 2021" in client.get(organisation_url).content.decode()
        assert "(extended from 12 Feb 2021)" in client.get(reverse("home")).content.decode()
