"""
"Your tasks" on the home page (issue 21, item 1): what the signed-in user must do next, each
task a link to the exact place to act, with how many there are in all.

Only what the user may act on: drafts and returned updates of the organisations they write for,
updates they may sign off (four eyes), the decisions on their organisations' requests for more
time, the recommendations their organisations have not answered that are overdue or due soon;
for a national reviewer, the requests for more time and the responses awaiting their decision,
never their own organisations'.

Read afresh on every request, never kept in a shared fragment: it is one user's. The updates'
lists are each one indexed query, bounded (`TASK_LIMIT`) and counted in the same query (a window
count), run only when the user's role and the home page's one light query of unpublished states
say they can hold something; the requests for more time are kept in the cache under their
organisations' fingerprint; a reviewer's review lists are `home.awaiting_review`'s and
`home.evidence_to_review`'s; the deadlines come from the organisation summaries' figures, kept in
the cache.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from core.caching import cached_figures
from core.people import person_name
from responses.choices import ExtensionDecision, WorkflowState, format_as_of
from responses.models import ExtensionRequest, ResponseUpdate

TASK_LIMIT = 10  # items listed per task; the count says how many in all
DUE_SOON_DAYS = 14  # "due in the next 14 days" (issue 21)
DECISIONS_SHOWN_DAYS = 30  # a decision on a request for more time stays a task this long

UPDATE_RELATED = (
    "response__organisation", "response__recommendation__super_complaint", "author",
    "signed_off_by",
)
EXTENSION_RELATED = (
    "response__organisation", "response__recommendation__super_complaint", "requested_by",
    "decided_by",
)


@dataclass
class TaskItem:
    """One thing to do: where to do it, what it is about, and what to know first."""

    url: str
    title: str  # "South Yorkshire – Safe to share? – recommendation 3"
    hint: str = ""  # "Returned by Ann Approver on 3 May 2026"
    quote: str = ""  # the returner's or decider's comment, quoted
    tag: str = ""  # a short status ("Returned", "Overdue by 3 days")
    tag_class: str = ""
    priority: bool = False  # the recommendation is marked priority by a national reviewer


@dataclass
class Task:
    """A kind of task, its items (the first `TASK_LIMIT`) and how many in all."""

    key: str
    title: str
    count: int
    items: list = field(default_factory=list)
    # Where every item is listed, when more than `TASK_LIMIT` are.
    more_url: str = ""

    @property
    def more(self):
        return self.count > len(self.items)


def _response_title(response, *, with_organisation=True):
    recommendation = response.recommendation
    parts = [recommendation.super_complaint.short_title, recommendation.label.lower()]
    if with_organisation:
        parts.insert(0, response.organisation.short_name)
    return " – ".join(parts)


def _windowed(queryset, **counts):
    """`queryset` with the count of all its rows (or of `counts`' conditions) on each row."""
    if not counts:
        counts = {"total": Count("pk")}
    return queryset.annotate(**{name: Window(expression) for name, expression in counts.items()})


def _first_requests(requests, *ordering):
    """The first TASK_LIMIT requests for more time in `ordering`, each with the `total`."""
    return list(
        _windowed(requests).select_related(*EXTENSION_RELATED).order_by(*ordering)[:TASK_LIMIT]
    )


def _count_of(state):
    return Sum(Case(When(state=state, then=Value(1)), default=Value(0),
                    output_field=IntegerField()))


def editable_tasks(*, writer_ids, states):
    """
    The returned updates (first: someone is waiting for them) and the drafts of the
    organisations in `writer_ids`, as two Tasks; one query, none when `states` holds neither.
    """
    if not writer_ids or not states & {WorkflowState.DRAFT, WorkflowState.RETURNED}:
        return None, None
    updates = list(
        _windowed(
            ResponseUpdate.objects.editable().filter(
                response__organisation_id__in=sorted(writer_ids)
            ),
            returned_total=_count_of(WorkflowState.RETURNED),
            draft_total=_count_of(WorkflowState.DRAFT),
        )
        # The latest changed TASK_LIMIT of each state: many returned updates leave room for
        # the drafts all the same (filtered in an outer query, as SQL filters on a window).
        .annotate(rank_in_state=Window(
            RowNumber(), partition_by=[F("state")], order_by=[F("updated_at").desc(),
                                                             F("pk").desc()],
        ))
        .filter(rank_in_state__lte=TASK_LIMIT)
        .select_related(*UPDATE_RELATED)
        .order_by("-updated_at", "-pk")
    )
    if not updates:
        return None, None
    returned_total, draft_total = updates[0].returned_total or 0, updates[0].draft_total or 0
    returned = [u for u in updates if u.state == WorkflowState.RETURNED][:TASK_LIMIT]
    drafts = [u for u in updates if u.state == WorkflowState.DRAFT][:TASK_LIMIT]
    return (
        Task(
            key="returned", title="Updates returned to you", count=returned_total,
            items=[
                TaskItem(
                    url=reverse("workflow:update_edit", args=[u.pk]),
                    title=_response_title(u.response),
                    hint=(
                        f"Returned by {person_name(u.signed_off_by, 'an approver')}"
                        + (f" on {u.signed_off_at:%-d %B %Y}" if u.signed_off_at else "")
                    ),
                    quote=u.return_comment, tag="Returned", tag_class="govuk-tag--orange",
                )
                for u in returned
            ],
        ) if returned_total else None,
        Task(
            key="drafts", title="Drafts to finish", count=draft_total,
            items=[
                TaskItem(
                    url=reverse("workflow:update_edit", args=[u.pk]),
                    title=_response_title(u.response),
                    hint=f"Last saved {timezone.localtime(u.updated_at):%-d %B %Y} by "
                    f"{person_name(u.author, 'someone')}",
                    tag="Draft", tag_class="govuk-tag--grey",
                )
                for u in drafts
            ],
        ) if draft_total else None,
    )


def sign_off_task(*, user, states):
    """The updates `user` may sign off, oldest first; no query when none awaits sign-off."""
    if WorkflowState.AWAITING_SIGN_OFF not in states or not permissions.approver_organisation_ids(
        user
    ):
        return None
    updates = list(
        _windowed(ResponseUpdate.objects.signable_by(user))
        .select_related(*UPDATE_RELATED)
        .order_by("submitted_at", "pk")[:TASK_LIMIT]
    )
    if not updates:
        return None
    return Task(
        key="sign_off", title="Updates waiting for your sign-off", count=updates[0].total,
        items=[
            TaskItem(
                url=f"{u.response.get_absolute_url()}#sign-off-{u.pk}",
                title=_response_title(u.response),
                hint=f"Submitted by {person_name(u.author, 'someone')}"
                + (f" on {timezone.localtime(u.submitted_at):%-d %B %Y}" if u.submitted_at else ""),
                tag="Awaiting sign-off", tag_class="govuk-tag--purple",
            )
            for u in updates
        ],
    )


def extension_decision_task(*, user):
    """A reviewer's requests for more time awaiting a decision, oldest first; 1 query."""
    if not permissions.is_reviewer(user):
        return None
    requests = _first_requests(
        ExtensionRequest.objects.filter(decision=ExtensionDecision.PENDING).exclude(
            response__organisation_id__in=sorted(permissions.member_organisation_ids(user))
        ),
        "requested_at", "pk",
    )
    if not requests:
        return None
    return Task(
        key="extension_requests", title="Requests for more time to decide",
        count=requests[0].total, more_url=reverse("reporting:overview") + "#extensions-table",
        items=[
            TaskItem(
                url=reverse(
                    "deadlines:extension_decide",
                    args=[
                        r.response.recommendation.super_complaint.slug,
                        r.response.recommendation.number, r.response.organisation.slug, r.pk,
                    ],
                ),
                title=_response_title(r.response),
                hint=f"New due date {r.requested_due_on:%-d %B %Y} asked for on "
                f"{timezone.localtime(r.requested_at):%-d %B %Y}",
                quote=r.reason, tag="Awaiting a decision", tag_class="govuk-tag--yellow",
            )
            for r in requests
        ],
    )


def extension_outcome_task(*, writer_ids, today):
    """
    The decisions on the requests for more time of the organisations in `writer_ids`, made in
    the last `DECISIONS_SHOWN_DAYS` days, newest first; 1 query, none without such
    organisations.
    """
    if not writer_ids:
        return None
    since = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=DECISIONS_SHOWN_DAYS),
                                  datetime.time.min)
    )
    requests = _first_requests(
        ExtensionRequest.objects.filter(
            response__organisation_id__in=sorted(writer_ids), decided_at__gte=since
        ).exclude(decision=ExtensionDecision.PENDING),
        "-decided_at", "-pk",
    )
    if not requests:
        return None
    return Task(
        key="extension_outcomes", title="Decisions on your requests for more time",
        count=requests[0].total,
        items=[
            TaskItem(
                url=f"{r.response.get_absolute_url()}#extension-{r.pk}",
                title=_response_title(r.response),
                hint=(
                    f"{r.get_decision_display()} by {person_name(r.decided_by, 'a reviewer')} on "
                    f"{timezone.localtime(r.decided_at):%-d %B %Y}: new due date "
                    f"{r.requested_due_on:%-d %B %Y} asked for"
                ),
                quote=r.comment,
                tag=r.get_decision_display(),
                tag_class=(
                    "govuk-tag--green" if r.decision == ExtensionDecision.APPROVED
                    else "govuk-tag--red"
                ),
            )
            for r in requests
        ],
    )


def review_task(*, key, title, responses, count, hint):
    """A reviewer's list of responses to review (`home.awaiting_review` and the like)."""
    if not count:
        return None
    return Task(
        key=key, title=title, count=count,
        items=[
            TaskItem(url=f"{r.get_absolute_url()}#review", title=_response_title(r), hint=hint(r))
            for r in responses
        ],
    )


def deadline_task(*, summaries, writer_ids):
    """
    The recommendations the user's organisations (those they write for) have not answered that
    are overdue or due in the next `DUE_SOON_DAYS` days, from the organisation summaries'
    figures (kept in the cache: no query of its own).
    """
    items, count = [], 0
    for summary in summaries:
        if summary.organisation.pk not in writer_ids:
            continue
        count += summary.due_soon_count
        for gap in summary.due_soon:
            items.append(TaskItem(
                url=gap.response_url,
                title=f"{summary.organisation.short_name} – {gap.super_complaint.short_title} – "
                f"{gap.label.lower()}",
                hint=f"Due {gap.due:%-d %B %Y}" if gap.due else "",
                tag=gap.deadline.label, tag_class=gap.deadline.tag_class,
                priority=gap.priority,
            ))
    if not count:
        return None
    own = [s.organisation for s in summaries if s.organisation.pk in writer_ids]
    return Task(
        key="deadlines", title=f"Recommendations overdue or due in the next {DUE_SOON_DAYS} days",
        count=count,
        # Each organisation's most urgent first (`home._summary_figures`).
        items=items[:TASK_LIMIT],
        # One organisation: its page lists every one (the overdue with its filter).
        more_url=own[0].get_absolute_url() if len(own) == 1 else "",
    )


def home_tasks(
    *, user, states, summaries, summaries_fingerprint, review, evidence, today, progress,
    own_progress,
):
    """
    The user's tasks, in the order the home page lists them: returned updates first (someone
    is waiting for them), then sign-offs, drafts, decisions and reviews, then deadlines.
    `states` is `home.unpublished_states`; `summaries` the organisation summaries (with their
    deadlines; lazy), kept under `summaries_fingerprint`, as the deadlines task drawn from them
    is (a few lines of text: reading the summaries' figures from the cache cost 2 ms a page);
    `review` and `evidence` a reviewer's two lists as (first few, count).

    The requests for more time are the same for every writer of the same organisations, or
    every reviewer of the same organisations, so kept in the cache under the fingerprint that
    sees them change (`own_progress`, the "organisations" scope of the user's; `progress`, the
    "data" scope, for a reviewer's, which are every organisation's): 1 query on a miss each.
    """
    roles = permissions.roles_by_organisation(user)
    writer_ids = {pk for pk, role in roles.items() if role in permissions.WRITER_ROLES}
    returned, drafts = editable_tasks(writer_ids=writer_ids, states=states)
    day = today.isoformat()
    # Kept in a list: the cache cannot tell a kept None from a miss.
    extension_outcomes, = cached_figures(
        ("task-extension-outcomes", day, *own_progress, *sorted(writer_ids)),
        lambda: [extension_outcome_task(writer_ids=writer_ids, today=today)],
    ) if writer_ids else [None]
    extension_requests, = cached_figures(
        ("task-extension-requests", day, *progress, *sorted(roles)),
        lambda: [extension_decision_task(user=user)],
    ) if permissions.is_reviewer(user) else [None]
    deadlines, = cached_figures(
        ("task-deadlines", *summaries_fingerprint, *sorted(writer_ids)),
        lambda: [deadline_task(summaries=summaries, writer_ids=writer_ids)],
    ) if writer_ids else [None]
    tasks = [
        returned,
        sign_off_task(user=user, states=states),
        drafts,
        extension_outcomes,
        extension_requests,
        review_task(
            key="review", title="Completed responses waiting for review",
            responses=review[0], count=review[1],
            hint=lambda r: "Completed as of "
            + format_as_of(r.current_status_on, r.current_status_precision),
        ),
        review_task(
            key="evidence", title="Evidence waiting for review",
            responses=evidence[0], count=evidence[1], hint=lambda r: "",
        ),
        deadlines,
    ]
    return [task for task in tasks if task is not None]
