"""
Priority recommendations (issue 14, section 3): national reviewers mark a recommendation as
priority with a reason, or remove the mark; everyone sees it; it is a filter and a column on the
comparison, the matrix, the dashboards and the exports; and priority overdue items lead every
list of overdue items.
"""

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from deadlines import services as deadline_services
from recommendations.models import Recommendation
from responses.choices import Status
from responses.deadlines import priority_overdue_first
from tests.conftest import published_update
from tests.responses import test_browse_views, test_exports
from tests.responses.helpers import QUERY_COUNTS, QUERY_COUNTS_CACHED
from tests.responses.test_browse_views import grow
from tests.responses.test_exports import EXPORTS, column, table
from workflow.selectors.home import organisation_summaries

# The data the pages' query pins are measured on (test_browse_views, test_exports).
published = test_browse_views.published
answered = test_exports.answered

REASON = "Victims are still being referred to immigration enforcement."
# Forces' answers to Safe to share? were due on 17 June 2021; since then recommendations 1 and 5
# are both overdue for Force A, recommendation 1 (due on its own earlier date) the longer. The
# pages are read today (no time travel: a row saved "in 2021" would have an older `updated_at`
# than the fixtures', which no real save can, and the caches' fingerprints read the latest).
AFTER_DUE = datetime.datetime(2021, 8, 2, 12, tzinfo=datetime.UTC)
EARLY_DUE = datetime.date(2021, 3, 1)

# The priority page: session, user, the reviewer's memberships, the recommendation (with its
# super-complaint and who changed the mark), its recipients and its dependencies.
PRIORITY_PAGE_QUERIES = 6


@pytest.fixture
def overdue(world):
    """Recommendation 1 is due earlier than 5, so in the usual order it leads the overdue list."""
    world.rec_1.due_on = EARLY_DUE
    world.rec_1.save()
    return world


def mark(world, recommendation=None, *, reviewer=None, reason=REASON):
    return deadline_services.recommendation_priority_mark(
        recommendation=recommendation or world.rec_5, reviewer=reviewer or world.reviewer,
        reason=reason,
    )


def priority_url(world, recommendation=None):
    recommendation = recommendation or world.rec_5
    return reverse(
        "deadlines:recommendation_priority",
        args=[world.super_complaint.slug, recommendation.number],
    )


def recommendation_url(world, recommendation=None):
    return (recommendation or world.rec_5).get_absolute_url()


def fresh(recommendation):
    return Recommendation.objects.get(pk=recommendation.pk)


# --- the rules ---------------------------------------------------------------------------------


def test_a_reviewer_marks_a_recommendation_as_priority_saying_why_and_who_and_when(world):
    with time_machine.travel(AFTER_DUE):
        mark(world, reason=f"  {REASON}  ")

    rec = fresh(world.rec_5)
    assert rec.priority is True
    assert rec.priority_reason == REASON
    assert rec.priority_changed_by == world.reviewer
    assert rec.priority_changed_at == AFTER_DUE


def test_a_reason_is_required_to_mark_and_nothing_changes_without_one(world):
    with pytest.raises(ValidationError) as refused:
        mark(world, reason="   ")

    assert refused.value.message_dict == {
        "priority_reason": ["Say why this recommendation is a priority"]
    }
    assert fresh(world.rec_5).priority is False


def test_the_database_refuses_a_priority_without_a_reason_whatever_the_way_in(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.filter(pk=world.rec_5.pk).update(priority=True, priority_reason="")


def test_the_mark_is_removed_with_or_without_a_reason_saying_who_and_when(world):
    mark(world)
    later = datetime.datetime(2021, 9, 1, 9, tzinfo=datetime.UTC)
    with time_machine.travel(later):
        deadline_services.recommendation_priority_remove(
            recommendation=world.rec_5, reviewer=world.reviewer
        )

    rec = fresh(world.rec_5)
    assert rec.priority is False
    assert rec.priority_reason == ""
    assert (rec.priority_changed_by, rec.priority_changed_at) == (world.reviewer, later)

    mark(world)
    deadline_services.recommendation_priority_remove(
        recommendation=world.rec_5, reviewer=world.reviewer, reason="Guidance published."
    )
    assert fresh(world.rec_5).priority_reason == "Guidance published."


def test_marking_twice_or_removing_a_mark_that_is_not_there_is_refused(world):
    mark(world)
    with pytest.raises(ValidationError, match="already marked as priority"):
        mark(world)
    deadline_services.recommendation_priority_remove(
        recommendation=world.rec_5, reviewer=world.reviewer
    )
    with pytest.raises(ValidationError, match="not marked as priority"):
        deadline_services.recommendation_priority_remove(
            recommendation=world.rec_5, reviewer=world.reviewer
        )


@pytest.mark.parametrize(
    "persona", ["contributor", "approver", "viewer", "other_approver", "opcc_contributor",
                "outsider"],
)
def test_only_a_national_reviewer_may_mark_or_remove(world, persona):
    with pytest.raises(PermissionDenied, match="Only a national reviewer"):
        mark(world, reviewer=getattr(world, persona))
    assert fresh(world.rec_5).priority is False

    mark(world)
    with pytest.raises(PermissionDenied):
        deadline_services.recommendation_priority_remove(
            recommendation=world.rec_5, reviewer=getattr(world, persona)
        )
    assert fresh(world.rec_5).priority is True


def test_marking_and_removing_are_in_the_audit_trail_with_the_reviewer(world, client):
    client.force_login(world.reviewer)
    client.post(priority_url(world), {"action": "mark", "reason": REASON})
    client.post(priority_url(world), {"action": "remove", "reason": "Done."})

    entries = [
        entry for entry in LogEntry.objects.get_for_object(world.rec_5).order_by("timestamp", "pk")
        if entry.action == LogEntry.Action.UPDATE and "priority" in entry.changes_dict
    ]
    assert [entry.actor for entry in entries] == [world.reviewer, world.reviewer]
    marked, removed = (entry.changes_dict for entry in entries)
    assert marked["priority"] == ["False", "True"]
    assert marked["priority_reason"] == ["", REASON]
    assert removed["priority"] == ["True", "False"]
    assert removed["priority_reason"] == [REASON, "Done."]


def test_priority_overdue_first_keeps_every_other_item_in_its_order(world):
    world.rec_2.priority = True
    items = [world.rec_1, world.rec_2, world.rec_5]
    overdue = {world.rec_1.pk: True, world.rec_2.pk: False, world.rec_5.pk: True}
    world.rec_5.priority = True

    ordered = priority_overdue_first(items, overdue=lambda item: overdue[item.pk])

    # Recommendation 2 is a priority but not overdue: it keeps its place.
    assert ordered == [world.rec_5, world.rec_1, world.rec_2]


# --- the recommendation page and its form ------------------------------------------------------


def test_everyone_signed_in_sees_the_priority_tag_with_the_reason(world, client):
    mark(world)
    client.force_login(world.other_contributor)

    page = client.get(recommendation_url(world)).content.decode()

    assert ">Priority</strong>" in page
    assert REASON in page
    assert "Marked as priority by Rita" in page
    # Only reviewers are offered the button.
    assert priority_url(world) not in page


def test_a_reviewer_marks_on_the_page_and_a_missing_reason_keeps_the_page(world, client):
    client.force_login(world.reviewer)
    page = client.get(recommendation_url(world)).content.decode()
    assert priority_url(world) in page and "Mark as priority" in page

    form = client.get(priority_url(world))
    assert form.status_code == 200
    assert 'name="action" value="mark"' in form.content.decode()

    bad = client.post(priority_url(world), {"action": "mark", "reason": "  "})
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_reason">Say why this recommendation is a priority' in html
    assert fresh(world.rec_5).priority is False

    good = client.post(priority_url(world), {"action": "mark", "reason": REASON})
    assert good.status_code == 302
    assert good.url == recommendation_url(world)
    page = client.get(good.url).content.decode()
    assert "Recommendation 5 is marked as priority." in page
    assert REASON in page and "Remove priority" in page


def test_a_reason_too_long_is_refused_and_the_typed_text_comes_back(world, client):
    client.force_login(world.reviewer)
    typed = "Because " + "x" * 5000

    bad = client.post(priority_url(world), {"action": "mark", "reason": typed})

    html = bad.content.decode()
    assert "The reason must be 5,000 characters or fewer" in html
    assert typed in html
    assert fresh(world.rec_5).priority is False


def test_a_form_opened_before_a_colleague_marked_it_does_not_remove_the_mark(world, client):
    """The reviewer meant to mark it: a colleague got there first, and their mark stays."""
    client.force_login(world.reviewer)
    client.get(priority_url(world))
    colleague = world.reviewer.__class__.objects.create_user("ruth")
    colleague.memberships.create(organisation=world.hmicfrs, role="reviewer")
    mark(world, reviewer=colleague, reason="Theirs.")

    typed = "My own reason, typed at length."
    response = client.post(priority_url(world), {"action": "mark", "reason": typed})

    assert response.status_code == 200
    html = response.content.decode()
    assert "already marked as priority" in html
    assert typed in html
    rec = fresh(world.rec_5)
    assert (rec.priority, rec.priority_reason, rec.priority_changed_by) == (
        True, "Theirs.", colleague
    )


def test_a_reviewer_removes_the_mark_on_the_page(world, client):
    mark(world)
    client.force_login(world.reviewer)
    form = client.get(priority_url(world)).content.decode()
    assert "Remove the priority mark" in form and REASON in form

    response = client.post(priority_url(world), {"action": "remove", "reason": ""})

    assert response.status_code == 302
    assert fresh(world.rec_5).priority is False
    page = client.get(recommendation_url(world)).content.decode()
    assert "is no longer marked as priority" in page
    assert ">Priority</strong>" not in page


@pytest.mark.parametrize(
    "persona", ["contributor", "approver", "other_approver", "opcc_contributor", "viewer",
                "outsider"],
)
def test_anyone_but_a_reviewer_gets_403_from_the_page_and_the_post(world, client, persona):
    client.force_login(getattr(world, persona))

    assert client.get(priority_url(world)).status_code == 403
    response = client.post(priority_url(world), {"action": "mark", "reason": REASON})

    assert response.status_code == 403
    assert fresh(world.rec_5).priority is False
    assert priority_url(world) not in client.get(recommendation_url(world)).content.decode()


def test_a_signed_out_post_changes_nothing_and_goes_to_sign_in(world, client):
    response = client.post(priority_url(world), {"action": "mark", "reason": REASON})

    # The sign-in page, carrying the reason typed (core.formstash).
    assert response.status_code == 200
    assert f'action="{reverse("login")}"' in response.text
    assert f'name="typed-text:reason" value="{REASON}"' in response.text
    assert fresh(world.rec_5).priority is False


def test_the_priority_page_runs_a_fixed_number_of_queries(
    world, client, django_assert_num_queries
):
    client.force_login(world.reviewer)
    with django_assert_num_queries(PRIORITY_PAGE_QUERIES):
        assert client.get(priority_url(world)).status_code == 200
    mark(world)
    with django_assert_num_queries(PRIORITY_PAGE_QUERIES):
        assert client.get(priority_url(world)).status_code == 200


# --- the tag, the filter and the column on the other pages ------------------------------------


def test_the_super_complaint_page_tags_the_priority_recommendations(world, client):
    mark(world)
    client.force_login(world.contributor)

    page = client.get(world.super_complaint.get_absolute_url()).content.decode()

    rec_5 = page.split("Recommendation 5")[1]
    assert ">Priority</strong>" in rec_5.split("</h3>")[0]
    assert REASON in rec_5
    assert ">Priority</strong>" not in page.split("Recommendation 1")[1].split("</h3>")[0]


def test_the_matrix_tags_priority_rows_and_filters_to_them(world, client):
    mark(world, world.rec_2)
    client.force_login(world.contributor)
    url = reverse("responses:matrix", args=[world.super_complaint.slug])

    everything = client.get(url)
    assert [r.number for r in everything.context["matrix"].recommendations] == ["1", "2", "5"]
    assert ">Priority</strong>" in everything.content.decode()

    priority = client.get(url, {"priority": "yes"})
    matrix = priority.context["matrix"]
    assert [r.number for r in matrix.recommendations] == ["2"]
    # Only the organisations the priority recommendations are addressed to.
    assert [o.slug for o in matrix.organisations] == ["home-office"]
    assert '<option value="yes" selected>Priority only</option>' in priority.content.decode()
    # The rendering is cached per filter: the page as drawn, not only its context, is narrowed.
    assert "1 organisation, 1 recommendation." in priority.content.decode()

    export = client.get(
        reverse("responses:matrix_export", args=[world.super_complaint.slug]), {"priority": "yes"}
    )
    assert table(export)[1:] == [["2", "Yes", "No response yet", ""]]


def test_a_cached_matrix_shows_a_new_priority_at_once(world, client):
    client.force_login(world.contributor)
    url = reverse("responses:matrix", args=[world.super_complaint.slug])
    assert ">Priority</strong>" not in client.get(url).content.decode()  # now in the cache

    mark(world, world.rec_2)

    assert client.get(url).content.decode().count(">Priority</strong>") == 1


def test_the_matrix_by_organisation_marks_the_priority_columns(world, client):
    mark(world)
    client.force_login(world.contributor)

    export = client.get(
        reverse("responses:matrix_export", args=[world.super_complaint.slug]),
        {"orientation": "organisations", "kind": "police_force"},
    )

    assert table(export)[0] == [
        "Organisation", "Recommendation 1", "Recommendation 2", "Recommendation 5 (priority)",
        "Protective marking",
    ]


def test_with_no_priority_the_priority_only_matrix_is_empty(world, client):
    client.force_login(world.contributor)

    page = client.get(
        reverse("responses:matrix", args=[world.super_complaint.slug]), {"priority": "yes"}
    )

    assert page.context["matrix"].recommendations == []
    assert "Nothing matches these filters." in page.content.decode()


@pytest.mark.parametrize("export", sorted(EXPORTS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_every_export_of_recommendations_has_a_priority_column(world, client, export, fmt):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.IN_PROGRESS)
    mark(world, world.rec_1)
    client.force_login(world.contributor)

    rows = table(client.get(EXPORTS[export](world), {"format": fmt}))

    assert "Priority" in rows[0]
    values = column(rows, "Priority")
    if export == "recommendation_export":  # a row per organisation, all about rec 1
        assert set(values) == {"Yes"}
    else:  # a row per recommendation
        by_number = dict(zip(column(rows, "Recommendation"), values, strict=True))
        assert by_number["1"] == "Yes" and by_number["5"] == "No"


def test_the_super_complaint_export_gives_the_reason(world, client):
    mark(world)
    client.force_login(world.contributor)

    rows = table(client.get(EXPORTS["supercomplaint_export"](world)))

    reasons = dict(zip(column(rows, "Recommendation"), column(rows, "Priority reason"),
                       strict=True))
    assert reasons == {"1": "", "2": "", "5": REASON}


def test_the_api_exposes_priority_and_filters_by_it(world, client):
    mark(world)
    client.force_login(world.contributor)

    listing = client.get(reverse("api:recommendation_list"), {"priority": "true"}).json()

    assert [r["number"] for r in listing["results"]] == ["5"]
    assert listing["results"][0]["priority"] is True
    detail = client.get(
        reverse("api:recommendation_detail", args=[world.super_complaint.slug, "1"])
    ).json()
    assert detail["priority"] is False


@pytest.mark.parametrize("page", ["recommendation_detail", "supercomplaint_detail", "matrix"])
def test_pages_with_a_priority_run_the_pinned_queries(
    world, client, django_assert_num_queries, page
):
    mark(world)
    mark(world, world.rec_1)
    # The pins' reader (test_browse_views): an approver of Force A, which rec 5 addresses.
    client.force_login(world.approver)
    url = {
        "recommendation_detail": recommendation_url(world),
        "supercomplaint_detail": world.super_complaint.get_absolute_url(),
        "matrix": reverse("responses:matrix", args=[world.super_complaint.slug])
        + "?priority=yes",
    }[page]
    with django_assert_num_queries(QUERY_COUNTS[page]):
        assert client.get(url).status_code == 200


# --- priority overdue items lead every list of overdue items ----------------------------------


def gap_numbers(summary):
    return [gap.number for gap in summary.gaps]


def test_the_home_page_gaps_put_priority_overdue_first(overdue, client):
    client.force_login(overdue.contributor)
    before = client.get(reverse("home")).context["summaries"][0]
    assert gap_numbers(before) == ["1", "5"]

    mark(overdue)
    # The summaries are cached under the progress fingerprint: the mark shows at once.
    after = client.get(reverse("home"))

    assert gap_numbers(after.context["summaries"][0]) == ["5", "1"]
    html = after.content.decode()
    # In the summary's gaps, and in the task list's deadlines (first: "Your tasks").
    gaps = html.split("recommendation 5</a>")[2].split("</li>")[0]
    assert ">Priority</strong>" in gaps
    task = html.split("recommendation 5</a>")[1].split("</li>")[0]
    assert ">Priority</strong>" in task


def test_a_priority_not_yet_overdue_does_not_jump_ahead_of_overdue_gaps(overdue):
    mark(overdue)
    memberships = list(overdue.contributor.memberships.select_related("organisation"))
    # 1 June 2021: recommendation 1 is overdue, 5 is not yet due.
    with time_machine.travel(datetime.datetime(2021, 6, 1, 12, tzinfo=datetime.UTC)):
        summary = organisation_summaries(memberships=memberships)[0]

    assert gap_numbers(summary) == ["1", "5"]


def test_the_organisation_page_overdue_filter_puts_priority_first_and_shows_it_at_once(
    overdue, client
):
    client.force_login(overdue.viewer)
    url = overdue.force_a.get_absolute_url()
    before = client.get(url, {"deadline": "overdue"})
    assert [r.number for r in before.context["groups"][0][1]] == ["1", "5"]

    mark(overdue)
    # The page is cached under the progress fingerprint: the mark shows at once.
    after = client.get(url, {"deadline": "overdue"})
    everything = client.get(url)
    export = table(client.get(reverse("responses:organisation_export",
                                      args=[overdue.force_a.slug]), {"deadline": "overdue"}))

    assert [r.number for r in after.context["groups"][0][1]] == ["5", "1"]
    assert ">Priority</strong>" in after.content.decode()
    # Without the filter it is not a list of overdue items: the report's order stays.
    assert [r.number for r in everything.context["groups"][0][1]] == ["1", "5"]
    assert column(export, "Recommendation") == ["5", "1"]
    assert column(export, "Priority") == ["Yes", "No"]


@pytest.mark.parametrize("page", ["home", "organisation_detail"])
def test_the_cached_organisation_page_and_home_run_their_pinned_queries_with_a_priority(
    published, client, django_assert_num_queries, page
):
    mark(published)
    client.force_login(published.approver)
    url = reverse("home") if page == "home" else published.force_a.get_absolute_url()
    with django_assert_num_queries(QUERY_COUNTS[page]):
        assert ">Priority</strong>" in client.get(url).content.decode()
    with django_assert_num_queries(QUERY_COUNTS_CACHED[page]):
        client.get(url)


def test_the_dashboard_lists_priority_answers_overdue_first_and_counts_them(overdue, client):
    client.force_login(overdue.opcc_contributor)
    url = reverse("reporting:dashboard_organisation", args=[overdue.force_a.slug])
    before = client.get(url)
    assert before.context["dashboard"].priority == []
    assert "is marked as priority" in before.content.decode()

    mark(overdue)
    mark(overdue, overdue.rec_2)  # the Home Office's: not on Force A's dashboard
    # The figures are cached; the priority answers are read fresh and show at once.
    after = client.get(url)
    export = table(client.get(reverse("reporting:dashboard_export",
                                      args=[overdue.force_a.slug])))

    rows = after.context["dashboard"].priority
    assert [(r.recommendation.number, r.organisation.slug) for r in rows] == [
        ("5", "force-a-pcc"), ("5", "force-a"),
    ]
    assert all(r.state.is_overdue for r in rows)
    html = after.content.decode()
    assert "Priority recommendations: 2 overdue, of 2 answers expected" in html
    figures = {(area, measure): value for area, _, measure, value, _ in export[1:]}
    assert figures["Force A Police", "Priority recommendations: overdue"] == "1"
    assert figures["Force A PCC", "Priority recommendations: expected answers"] == "1"


@pytest.mark.parametrize("factor", [1, 10])
def test_the_dashboard_with_priority_answers_runs_a_fixed_number_of_queries(
    answered, client, django_assert_num_queries, factor
):
    grow(answered, factor)
    mark(answered)
    client.force_login(answered.opcc_contributor)
    url = reverse("reporting:dashboard_organisation", args=[answered.force_a.slug])
    # + the priority recommendations' recipients and their answers.
    with django_assert_num_queries(QUERY_COUNTS["dashboard_organisation"] + 2):
        assert client.get(url).status_code == 200


def test_the_reminder_digest_lists_priority_overdue_first(overdue, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    overdue.contributor.email = "alice@example.org"
    overdue.contributor.save()
    mark(overdue)

    call_command("send_reminders", "--today", "2021-08-02", stdout=open("/dev/null", "w"))

    (message,) = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    overdue_section = message.body.split("Overdue (2)")[1]
    assert overdue_section.index("recommendation 5") < overdue_section.index("recommendation 1")
    assert "Priority: Overdue by 46 days (due 17 June 2021)" in overdue_section
    assert "\n  Overdue by 5 months (due 1 March 2021)" in overdue_section


def test_the_response_page_says_the_recommendation_is_a_priority(world, client):
    mark(world)
    client.force_login(world.contributor)
    url = reverse("workflow:response_detail",
                  args=[world.super_complaint.slug, "5", world.force_a.slug])

    page = client.get(url).content.decode()

    assert ">Priority</strong>" in page
    assert "A national reviewer marked recommendation 5 as priority" in page


def test_the_dashboard_lists_the_most_urgent_priority_answers_and_counts_them_all(
    world, client, monkeypatch
):
    monkeypatch.setattr("reporting.selectors.dashboard.PRIORITY_LIMIT", 1)
    mark(world)
    mark(world, world.rec_1)
    client.force_login(world.contributor)

    page = client.get(reverse("reporting:dashboard"))

    assert len(page.context["dashboard"].priority) == 3  # rec 1 and 5 for Force A, 5 for its PCC
    assert "The 1 most urgent of 3 are listed" in page.content.decode()
