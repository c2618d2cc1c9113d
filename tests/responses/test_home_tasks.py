"""
"Your tasks" on the home page (issue 21, item 1): first on the page, per role, each a link to
the exact place to act with how many in all; only what the user may act on; a fixed number of
queries for every role, with and without tasks.
"""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Membership
from deadlines import services as deadline_services
from evidence import services as evidence_services
from responses import services
from responses.choices import ReviewOutcome, Status
from responses.models import Recommendation, ResponseUpdate
from tests.conftest import draft_update, make_user, published_update, submitted_update
from tests.responses.helpers import tasks_of
from workflow.selectors.tasks import TASK_LIMIT

RETURN_COMMENT = "Please say which teams received the direction, and when."
# Before the report's first due dates (report published 17 December 2020): more time may be asked.
IN_TIME = datetime.date(2021, 1, 4)


def home(client, user):
    client.force_login(user)
    return client.get(reverse("home"))


def returned_update(world, *, organisation=None, recommendation=None, author=None,
                    comment=RETURN_COMMENT, approver=None):
    update = submitted_update(
        world, organisation=organisation or world.force_a,
        recommendation=recommendation or world.rec_1, author=author or world.contributor,
        narrative="<p>Direction drafted.</p>",
    )
    return services.response_update_return(
        update=update, approver=approver or world.approver, comment=comment
    )


def answer_everything(world, organisation, author, approver):
    """Publish an answer to every recommendation addressed to `organisation`: nothing overdue."""
    for recommendation in (world.rec_1, world.rec_5):
        published_update(world, organisation=organisation, recommendation=recommendation,
                         author=author, approver=approver, status=Status.IN_PROGRESS)


def test_a_returned_update_comes_first_on_the_contributors_home_with_its_comment(client, world):
    update = returned_update(world)
    draft_update(world, organisation=world.force_a, recommendation=world.rec_5)

    page = home(client, world.contributor)

    first, *others = page.context["tasks"]
    assert first.key == "returned" and first.count == 1
    item, = first.items
    assert item.quote == RETURN_COMMENT
    assert item.hint.startswith("Returned by Bob")
    # The exact place to act: the update's edit form, which quotes the comment again.
    assert item.url == reverse("workflow:update_edit", args=[update.pk])
    assert [task.key for task in others][:1] == ["drafts"]
    html = page.text
    # First on the page: before the organisation summaries and everything else.
    assert html.index("Your tasks") < html.index("Updates returned to you") < html.index(
        RETURN_COMMENT
    ) < html.index("recommendations by status")
    assert client.get(item.url).status_code == 200


def test_tasks_show_only_what_the_user_may_act_on(client, world):
    returned_update(world)
    submitted_update(world, organisation=world.force_a, recommendation=world.rec_5,
                     author=world.contributor)

    # Another force's contributor: nothing of Force A's.
    other = tasks_of(home(client, world.other_contributor))
    assert "returned" not in other and "sign_off" not in other
    # A viewer of Force A may not write or sign off.
    viewer = tasks_of(home(client, world.viewer))
    assert set(viewer) == set()
    # The approver signs off what a contributor wrote, and is told of the returned update too
    # (approvers write updates).
    approver = tasks_of(home(client, world.approver))
    assert approver["sign_off"].count == 1
    waiting = ResponseUpdate.objects.get(state="awaiting_sign_off")
    assert approver["sign_off"].items[0].url == (
        f"{waiting.response.get_absolute_url()}#sign-off-{waiting.pk}"
    )
    assert approver["returned"].count == 1
    # A reviewer gets no force's drafts, returned updates or sign-offs.
    reviewer = tasks_of(home(client, world.reviewer))
    assert not {"returned", "drafts", "sign_off", "deadlines"} & set(reviewer)


def test_an_approver_is_not_asked_to_sign_off_their_own_update(client, world):
    submitted_update(world, organisation=world.force_a, recommendation=world.rec_5,
                     author=world.approver)
    assert "sign_off" not in tasks_of(home(client, world.approver))


def test_requests_for_more_time_reach_the_reviewer_and_the_decision_the_contributor(
    client, world
):
    extension = deadline_services.extension_request(
        user=world.contributor, recommendation=world.rec_1, organisation=world.force_a,
        requested_due_on=datetime.date(2021, 6, 30), reason="The new policy needs consultation.",
        today=IN_TIME,
    )
    reviewer = tasks_of(home(client, world.reviewer))["extension_requests"]
    assert reviewer.count == 1
    assert reviewer.items[0].quote == "The new policy needs consultation."
    assert reviewer.items[0].url == reverse(
        "deadlines:extension_decide",
        args=[world.super_complaint.slug, "1", "force-a", extension.pk],
    )
    assert "extension_outcomes" not in tasks_of(home(client, world.contributor))

    deadline_services.extension_decide(
        extension=extension, reviewer=world.reviewer, decision="refused",
        comment="Publish what you have now.",
    )
    # Shows at once, whatever was kept: the decision changes both fingerprints.
    assert "extension_requests" not in tasks_of(home(client, world.reviewer))
    outcome = tasks_of(home(client, world.contributor))["extension_outcomes"]
    assert outcome.items[0].tag == "Refused"
    assert outcome.items[0].quote == "Publish what you have now."
    assert outcome.items[0].url.endswith(f"#extension-{extension.pk}")
    # Not another force's.
    assert "extension_outcomes" not in tasks_of(home(client, world.other_contributor))


def test_overdue_recommendations_of_the_users_organisations_are_tasks(client, world):
    # The report was published in 2020: every unanswered recommendation is overdue.
    published_update(world, organisation=world.force_a, recommendation=world.rec_1)
    deadlines = tasks_of(home(client, world.contributor))["deadlines"]
    assert deadlines.count == 1
    item, = deadlines.items
    assert item.title == "Force A – Safe to share? – recommendation 5"
    assert item.tag.startswith("Overdue by")
    assert item.url == Recommendation.objects.get(pk=world.rec_5.pk).get_absolute_url() + (
        "force-a/"
    )
    opcc = tasks_of(home(client, world.opcc_contributor))["deadlines"]
    assert [i.title for i in opcc.items] == ["Force A PCC – Safe to share? – recommendation 5"]


def test_nothing_to_do_says_so(client, world):
    page = home(client, world.outsider)
    assert page.context["tasks"] == []
    assert "You have nothing to do right now." in page.text


def test_long_lists_are_bounded_and_counted(client, world):
    for i in range(TASK_LIMIT + 2):
        recommendation = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"d{i}", order=100 + i,
            text=f"<p>Drafted {i}</p>",
        )
        recommendation.recipient_groups.add(world.chief_constables)
        draft_update(world, organisation=world.force_a, recommendation=recommendation)
    tasks = tasks_of(home(client, world.contributor))
    assert tasks["drafts"].count == TASK_LIMIT + 2
    assert len(tasks["drafts"].items) == TASK_LIMIT
    assert tasks["deadlines"].count == TASK_LIMIT + 4  # the drafted ones, rec 1 and rec 5
    assert len(tasks["deadlines"].items) == TASK_LIMIT


# The home page's queries for each role, on an empty cache and once kept, without tasks and
# with every task the role can have, on the test data and ten times as much: the tasks are a
# few bounded queries (each list counted in the same query), none per row.
#
# Every signed-in user: session, user, memberships with their organisations, the fingerprints
# of the data and of their organisations (one query); on an empty cache the latest positions
# of others (1). A member of an organisation: + the states of its unpublished updates (one
# light query); on an empty cache its summaries (3, whose figures also give the deadlines
# task) and landed guidance (1). A writer (contributor or approver), on an empty cache: + the
# decisions on their organisations' requests for more time (1, then kept under their
# organisations' fingerprint). With tasks: + the returned updates and drafts (1), + the updates
# to sign off (1, approvers). A reviewer: + the completed responses to review and the evidence
# to review (2 each, the first few and how many, with or without any), and on an empty cache
# the requests for more time to decide (1, then kept under the data's fingerprint). Staff: +
# their permissions (2: whether they may import).
HOME_QUERIES = {
    # role: (no tasks: empty cache, kept), (tasks: empty cache, kept)
    "contributor": (11, 5, 12, 6),
    "approver": (11, 5, 13, 7),
    "opcc_contributor": (11, 5, 12, 6),
    # A reviewer's two work lists (a list and a count each) are kept under the data's
    # fingerprint: 4 queries on an empty cache, none once kept.
    "reviewer": (15, 5, 15, 5),
    "outsider": (5, 4, 5, 4),
    "staff": (7, 6, 7, 6),
}


def grow(world, factor):
    """`factor` times more recommendations, each answered by every force and body."""
    for i in range(factor * 5):
        recommendation = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"g{i}", order=300 + i,
            text=f"<p>Grown {i}</p>",
        )
        recommendation.recipient_groups.add(world.chief_constables)
        for organisation, author, approver in (
            (world.force_a, world.contributor, world.approver),
            (world.force_b, world.other_contributor, world.other_approver),
        ):
            published_update(world, organisation=organisation, recommendation=recommendation,
                             author=author, approver=approver, status=Status.IN_PROGRESS)


def give_tasks(world, factor):
    """Every task each role can have, `factor` of each kind."""
    for i in range(factor):
        recommendation = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"t{i}", order=500 + i,
            text=f"<p>Task {i}</p>",
        )
        recommendation.recipient_groups.add(world.chief_constables, world.pccs)
        returned_update(world, recommendation=recommendation)
        draft_update(world, organisation=world.lpb_a, recommendation=recommendation,
                     author=world.opcc_contributor)
        second = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"s{i}", order=700 + i,
            text=f"<p>Sign {i}</p>",
        )
        second.recipient_groups.add(world.chief_constables)
        submitted_update(world, organisation=world.force_a, recommendation=second,
                         author=world.contributor)
        # Completed by Force B: for the reviewer to review.
        published_update(world, organisation=world.force_b, recommendation=second,
                         author=world.other_contributor, approver=world.other_approver,
                         status=Status.COMPLETED)
        deadline_services.extension_request(
            user=world.other_contributor, recommendation=recommendation,
            organisation=world.force_b, requested_due_on=datetime.date(2021, 6, 30),
            reason="Consultation.", today=IN_TIME,
        )


def user_of(world, role):
    if role == "staff":
        return make_user("stella", is_staff=True)
    return getattr(world, role)


@pytest.mark.parametrize("factor", [1, 10])
@pytest.mark.parametrize("with_tasks", [False, True], ids=["no-tasks", "tasks"])
@pytest.mark.parametrize("role", sorted(HOME_QUERIES))
def test_every_home_page_runs_a_fixed_number_of_queries(
    client, world, django_assert_num_queries, role, with_tasks, factor
):
    grow(world, factor)
    for organisation, author, approver in (
        (world.force_a, world.contributor, world.approver),
        (world.lpb_a, world.opcc_contributor, None),
    ):
        if approver is None:
            # The local policing body has no approver in the test world.
            approver = make_user("pat", organisation, Membership.Role.APPROVER)
        answer_everything(world, organisation, author, approver)
    if with_tasks:
        give_tasks(world, factor)
    user = user_of(world, role)
    client.force_login(user)
    cold, kept, cold_tasks, kept_tasks = HOME_QUERIES[role]
    with django_assert_num_queries(cold_tasks if with_tasks else cold):
        page = client.get(reverse("home"))
    if with_tasks and role not in ("outsider", "staff"):
        assert page.context["tasks"]
    elif not with_tasks:
        assert page.context["tasks"] == [], [t.key for t in page.context["tasks"]]
    with django_assert_num_queries(kept_tasks if with_tasks else kept):
        client.get(reverse("home"))


def test_many_returned_updates_leave_room_for_the_drafts(client, world):
    for i in range(2 * TASK_LIMIT + 1):
        recommendation = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"r{i}", order=100 + i,
            text=f"<p>Returned {i}</p>",
        )
        recommendation.recipient_groups.add(world.chief_constables)
        returned_update(world, recommendation=recommendation)
    draft = draft_update(world, organisation=world.force_a, recommendation=world.rec_5)
    tasks = tasks_of(home(client, world.contributor))
    assert tasks["returned"].count == 2 * TASK_LIMIT + 1
    assert len(tasks["returned"].items) == TASK_LIMIT
    assert [item.url for item in tasks["drafts"].items] == [
        reverse("workflow:update_edit", args=[draft.pk])
    ]


def test_an_answer_leaves_the_deadlines_task_at_once(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1)
    assert tasks_of(home(client, world.contributor))["deadlines"].count == 1  # now kept

    published_update(world, organisation=world.force_a, recommendation=world.rec_5)

    assert "deadlines" not in tasks_of(home(client, world.contributor))


def test_a_review_leaves_the_reviewers_task_list_at_once(client, world):
    response = published_update(world, organisation=world.force_b, recommendation=world.rec_1,
                                author=world.other_contributor, approver=world.other_approver,
                                status=Status.COMPLETED).response
    assert tasks_of(home(client, world.reviewer))["review"].count == 1  # now kept

    evidence_services.response_review(response=response, reviewer=world.reviewer,
                                      outcome=ReviewOutcome.CLOSED, comment="Accepted.")

    assert "review" not in tasks_of(home(client, world.reviewer))
