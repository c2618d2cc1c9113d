"""
Chasing non-responders (issue 14, section 2): the ladder's rules (in order, none skipped,
repeated or after the public statement; overdue only; publishing stops it), who may send and
read the letters, the letters themselves, and where the chasing shows: the response page, its
history, the reminder digests, the overview and, after the public statement, the public pages.
"""

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Membership
from deadlines import services as deadline_services
from recommendations.models import OfficeHolder, Organisation
from reporting.selectors import overview as overview_selectors
from responses import services
from responses.choices import ChaserStep, ExtensionDecision
from responses.models import Chaser, Response
from tests.conftest import make_user, published_update
from tests.public.helpers import docx_text
from tests.responses.helpers import (
    LADDER_QUERIES,
    QUERY_COUNTS,
    QUERY_COUNTS_CACHED,
    response_url,
)

from .test_response_detail import RESPONSE_PAGE_QUERIES

D = datetime.date
DUE = D(2021, 2, 12)
# The four steps' days, a fortnight apart, from the first day after the due date.
DAYS = [D(2021, 3, 1), D(2021, 3, 15), D(2021, 3, 29), D(2021, 4, 12)]


def noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


@pytest.fixture
def due(world):
    """Recommendation 1 is due from the forces on 12 February 2021; force A has an office holder."""
    world.rec_1.due_on = DUE
    world.rec_1.save()
    OfficeHolder.objects.create(
        organisation=world.force_a, name="Jane Grey", title="Chief Constable of Force A Police",
        started_on=D(2019, 1, 1),
    )
    return world


def send(world, *, today, step=None, reviewer=None, organisation=None):
    return deadline_services.chaser_send(
        reviewer=reviewer or world.reviewer, recommendation=world.rec_1,
        organisation=organisation or world.force_a, step=step, today=today,
    )


def send_all(world, steps=4):
    return [send(world, today=DAYS[i], step=i + 1) for i in range(steps)]


def chaser_url(world, organisation=None):
    return reverse(
        "workflow:chaser_send",
        args=[world.super_complaint.slug, world.rec_1.number, (organisation or world.force_a).slug],
    )


def letter_url(world, step, docx=False):
    name = "documents:chaser_letter_docx" if docx else "documents:chaser_letter"
    return reverse(name, args=[world.super_complaint.slug, world.rec_1.number,
                               world.force_a.slug, step])


def steps(world):
    return list(
        Chaser.objects.filter(response__organisation=world.force_a).values_list("step", flat=True)
    )


def public_urls(world):
    sc, number = world.super_complaint.slug, world.rec_1.number
    return {
        "recommendation": reverse("public:recommendation_detail", args=[sc, number]),
        "organisation": reverse("public:organisation_detail", args=[world.force_a.slug]),
        "response": reverse("public:response_detail", args=[sc, number, world.force_a.slug]),
    }


STATEMENT = "Not responded, chased 3 times since 1 March 2021"


# --- the ladder's rules ----------------------------------------------------------------------


def test_the_steps_go_in_order_to_the_public_statement_and_no_further(due):
    sent = send_all(due)

    assert [c.step for c in sent] == [1, 2, 3, 4]
    assert [c.sent_on for c in sent] == DAYS
    assert {(c.sent_by, c.sent_from) for c in sent} == {(due.reviewer, due.hmicfrs)}
    with pytest.raises(ValidationError, match="public statement was the last") as refused:
        send(due, today=D(2021, 5, 1))
    assert refused.value.code == "finished"
    assert steps(due) == [1, 2, 3, 4]


def test_a_step_cannot_be_skipped(due):
    with pytest.raises(ValidationError, match="The next step is the reminder") as refused:
        send(due, today=DAYS[0], step=ChaserStep.SECOND_LETTER)

    assert refused.value.code == "wrong_step"
    assert steps(due) == []


def test_a_double_submit_or_an_old_page_cannot_repeat_or_go_back(due):
    send_all(due, steps=2)

    for old in (ChaserStep.SECOND_LETTER, ChaserStep.REMINDER):
        with pytest.raises(ValidationError, match="has already been sent") as refused:
            send(due, today=DAYS[2], step=old)
        assert refused.value.code == "stale"
    assert steps(due) == [1, 2]


def test_the_due_day_itself_is_not_overdue_the_day_after_is(due):
    with pytest.raises(ValidationError, match="not overdue: it is due on 12 February 2021"):
        send(due, today=DUE)

    assert send(due, today=DUE + datetime.timedelta(days=1)).step == ChaserStep.REMINDER


def test_an_approved_extension_moves_when_a_response_is_overdue(due):
    extension = deadline_services.extension_request(
        user=due.contributor, recommendation=due.rec_1, organisation=due.force_a,
        requested_due_on=D(2021, 4, 30), reason="Sick leave.", today=DUE,
    )
    deadline_services.extension_decide(
        extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.APPROVED
    )

    with pytest.raises(ValidationError, match="due on 30 April 2021"):
        send(due, today=DAYS[0])
    chaser = send(due, today=D(2021, 5, 1))
    assert (chaser.original_due_on, chaser.due_on) == (DUE, D(2021, 4, 30))


def test_publishing_stops_the_ladder(due):
    send_all(due, steps=2)
    with time_machine.travel(noon(D(2021, 3, 20))):
        published_update(due, recommendation=due.rec_1, organisation=due.force_a)

    with pytest.raises(ValidationError, match="has published its response") as refused:
        send(due, today=DAYS[2], step=ChaserStep.FINAL_LETTER)
    assert refused.value.code == "answered"
    assert steps(due) == [1, 2]


@pytest.mark.parametrize(
    "persona", ["contributor", "approver", "viewer", "other_approver", "opcc_contributor",
                "outsider"]
)
def test_only_a_national_reviewer_sends(due, persona):
    with pytest.raises(PermissionDenied):
        send(due, today=DAYS[0], reviewer=getattr(due, persona))

    assert not Chaser.objects.exists()
    assert not Response.objects.exists()  # nor is an empty response left behind


# --- the response page -----------------------------------------------------------------------


def test_a_reviewer_sends_each_step_from_the_response_page(due, client):
    client.force_login(due.reviewer)
    labels = ["Send the reminder", "Send the second letter", "Send the final letter",
              "Make the public statement"]
    for step, (day, label) in enumerate(zip(DAYS, labels, strict=True), start=1):
        with time_machine.travel(noon(day)):
            page = client.get(response_url(due)).content.decode()
            assert label in page
            sent = client.post(chaser_url(due), {"step": step})
        assert sent.status_code == 302
        assert sent.headers["Location"].endswith("#chasers")
    assert steps(due) == [1, 2, 3, 4]

    with time_machine.travel(noon(D(2021, 5, 1))):
        page = client.get(response_url(due)).content.decode()
    assert not any(label in page for label in labels)
    assert page.count('class="govuk-summary-list__row app-chaser"') == 4
    assert "Sent 29 March 2021 by Rita, HMICFRS" in page
    assert letter_url(due, 3) in page and letter_url(due, 3, docx=True) in page


def test_a_double_submit_is_refused_with_the_reason_and_sends_nothing_more(due, client):
    client.force_login(due.reviewer)
    with time_machine.travel(noon(DAYS[0])):
        assert client.post(chaser_url(due), {"step": 1}).status_code == 302
        again = client.post(chaser_url(due), {"step": 1})

    assert again.status_code == 409
    assert "The reminder has already been sent" in again.content.decode()
    assert steps(due) == [1]


@pytest.mark.parametrize("step", ["0", "-1", "5", "99", "abc", ""])
def test_a_made_up_step_is_refused_and_sends_nothing(due, client, step):
    client.force_login(due.reviewer)
    with time_machine.travel(noon(DAYS[0])):
        refused = client.post(chaser_url(due), {"step": step})

    assert refused.status_code in (400, 409)
    assert not Chaser.objects.exists()


def test_a_response_not_overdue_offers_no_button_and_refuses_a_post(due, client):
    client.force_login(due.reviewer)
    with time_machine.travel(noon(DUE)):
        assert "Send the reminder" not in client.get(response_url(due)).content.decode()
        refused = client.post(chaser_url(due), {"step": 1})

    assert refused.status_code == 409
    assert "not overdue" in refused.content.decode()
    assert not Chaser.objects.exists()


@pytest.mark.parametrize("persona", ["contributor", "approver", "other_approver", "viewer"])
def test_others_see_no_button_and_are_refused(due, client, persona):
    client.force_login(getattr(due, persona))
    with time_machine.travel(noon(DAYS[0])):
        assert "Send the reminder" not in client.get(response_url(due)).content.decode()
        assert client.post(chaser_url(due), {"step": 1}).status_code == 403

    assert not Chaser.objects.exists()


def test_a_visitor_is_sent_to_sign_in(due, client):
    with time_machine.travel(noon(DAYS[0])):
        refused = client.post(chaser_url(due), {"step": 1})

    assert refused.status_code == 302
    assert refused.headers["Location"].startswith(reverse("login"))
    assert client.get(letter_url(due, 1)).status_code == 302
    assert not Chaser.objects.exists()


def test_the_steps_are_in_the_history_and_the_audit_log(due, client):
    send_all(due, steps=3)
    client.force_login(due.other_contributor)  # the sending is on the record for everyone

    page = client.get(response_url(due)).content.decode()

    assert "sent a reminder: the response is overdue" in page
    assert "sent a second letter chasing the overdue response" in page
    assert "sent the final letter: non-response will be stated publicly" in page
    assert LogEntry.objects.filter(content_type__model="chaser").count() == 3


@pytest.mark.parametrize("sent", [1, 4])
def test_the_response_page_queries_do_not_grow_with_its_chasers(
    due, client, django_assert_num_queries, sent
):
    send_all(due, steps=sent)
    client.force_login(due.reviewer)

    # RESPONSE_PAGE_QUERIES (on an empty cache) less the two evidence queries: there are no
    # updates.
    with django_assert_num_queries(RESPONSE_PAGE_QUERIES - 2):
        page = client.get(response_url(due))

    assert page.content.decode().count('class="govuk-summary-list__row app-chaser"') == sent


# --- the letters -----------------------------------------------------------------------------


def test_each_letter_is_addressed_to_the_office_holder_and_says_its_step(due, client):
    send_all(due)
    client.force_login(due.viewer)  # a member of the organisation written to

    reminder = client.get(letter_url(due, 1)).content.decode()
    final = client.get(letter_url(due, 3)).content.decode()
    statement = client.get(letter_url(due, 4)).content.decode()

    assert "Jane Grey<br>Chief Constable of Force A Police" in reminder
    assert "Dear Jane Grey" in reminder
    assert "From: HMICFRS" in reminder and "1 March 2021" in reminder
    assert "Reminder: Safe to share?, recommendation 1" in reminder
    assert "was due on 12 February 2021" in reminder
    assert "Stop sharing." in reminder  # the recommendation's text
    assert "Rita<br>HMICFRS" in reminder
    assert reminder.count("OFFICIAL") >= 2  # the marking at the top and the bottom
    assert "Make it for publication" not in reminder
    assert "non-response will be stated publicly" not in reminder
    assert "Force A Police does not publish its response, its non-response will be stated " \
           "publicly." in final
    assert "reminder of 1 March 2021; second letter of 15 March 2021" in final
    assert STATEMENT in statement


def test_the_letter_as_a_word_file(due, client):
    send_all(due, steps=3)
    client.force_login(due.reviewer)

    download = client.get(letter_url(due, 3, docx=True))

    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(download.content)
    assert text["header"] == "OFFICIAL" and text["footer"] == "OFFICIAL"
    assert "Dear Jane Grey" in text["body"]
    assert "Final letter: Safe to share?, recommendation 1" in text["body"]
    assert "its non-response will be stated publicly" in text["body"]
    assert "reminder of 1 March 2021; second letter of 15 March 2021" in text["body"]


def test_a_letter_after_an_extension_gives_both_due_dates(due, client):
    extension = deadline_services.extension_request(
        user=due.contributor, recommendation=due.rec_1, organisation=due.force_a,
        requested_due_on=D(2021, 4, 30), reason="Sick leave.", today=DUE,
    )
    deadline_services.extension_decide(
        extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.APPROVED
    )
    send(due, today=D(2021, 5, 3))
    client.force_login(due.reviewer)

    letter = client.get(letter_url(due, 1)).content.decode()

    assert "was due on 12 February 2021, extended to 30 April 2021" in letter


def test_without_an_office_holder_the_letter_goes_to_the_office(due, client):
    send(due, today=DAYS[0], organisation=due.force_b)
    client.force_login(due.reviewer)

    letter = client.get(reverse("documents:chaser_letter", args=[
        due.super_complaint.slug, due.rec_1.number, due.force_b.slug, 1,
    ])).content.decode()

    assert "The Chief Constable<br>Force B Constabulary" in letter
    assert "Dear Chief Constable" in letter


@pytest.mark.parametrize("persona", ["other_contributor", "other_approver", "outsider"])
def test_letters_are_need_to_know(due, client, persona):
    send(due, today=DAYS[0])
    client.force_login(getattr(due, persona))

    assert client.get(letter_url(due, 1)).status_code == 403
    assert client.get(letter_url(due, 1, docx=True)).status_code == 403
    # They may see that a letter was sent, not open it.
    page = client.get(response_url(due)).content.decode()
    assert "Sent 1 March 2021" in page and letter_url(due, 1) not in page


def test_a_step_not_sent_has_no_letter(due, client):
    send(due, today=DAYS[0])
    client.force_login(due.reviewer)

    assert client.get(letter_url(due, 2)).status_code == 404


def test_the_letter_page_queries(due, client, django_assert_num_queries):
    send_all(due)
    client.force_login(due.viewer)

    # Session, user, memberships, the steps sent up to this one, the office holder.
    with django_assert_num_queries(5):
        assert client.get(letter_url(due, 4)).status_code == 200


# --- the public pages ------------------------------------------------------------------------


def test_the_public_pages_say_so_once_the_public_statement_is_made(due, client):
    send_all(due, steps=3)
    with time_machine.travel(noon(D(2021, 4, 11))):
        before = {name: client.get(url) for name, url in public_urls(due).items()}
    assert before["response"].status_code == 404
    for name in ("recommendation", "organisation"):
        assert "Not responded" not in before[name].content.decode()

    send(due, today=DAYS[3], step=ChaserStep.PUBLIC_STATEMENT)

    with time_machine.travel(noon(DAYS[3])):
        for name, url in public_urls(due).items():
            page = client.get(url)
            html = page.content.decode()
            assert page.status_code == 200, name
            assert STATEMENT in html, name
            assert "Not responded" in html, name
            if name in before and before[name].status_code == 200:
                # A cache holding the old page revalidates it and gets the new one.
                fresh = client.get(url, HTTP_IF_NONE_MATCH=before[name]["ETag"])
                assert fresh.status_code == 200 and STATEMENT in fresh.content.decode(), name
        # Force B, never chased, is a plain gap.
        recommendation = client.get(public_urls(due)["recommendation"]).content.decode()
        assert recommendation.count("Not responded, chased") == 1
        # Only the facts: nothing of the letters.
        assert "Jane Grey" not in recommendation and "Rita" not in recommendation


def test_publishing_takes_the_public_statement_down(due, client):
    send_all(due)
    with time_machine.travel(noon(D(2021, 4, 20))):
        published_update(due, recommendation=due.rec_1, organisation=due.force_a, public=False)
        for name, url in public_urls(due).items():
            page = client.get(url)
            assert "Not responded" not in page.content.decode(), name
        # An answer not cleared for the public: nothing public about this response at all.
        assert client.get(public_urls(due)["response"]).status_code == 404


# --- the overview and the digests ------------------------------------------------------------


def test_the_overview_lists_overdue_responses_by_chasing_step(due, client):
    force_c = Organisation.objects.create(
        slug="force-c", name="Force C Police", short_name="Force C",
        kind=Organisation.Kind.POLICE_FORCE,
    )
    send_all(due, steps=2)  # force A: second letter sent
    send(due, today=DAYS[0], organisation=force_c)  # force C: reminder sent
    client.force_login(due.reviewer)

    with time_machine.travel(noon(D(2021, 5, 1))):
        page = client.get(reverse("reporting:overview"))
    html = page.content.decode()
    rows = page.context["ladder"].rows

    # Not chased yet first, the oldest due date first: force A's PCC on recommendation 5 (its
    # comments were due on 11 February), force B on recommendation 1 (12 February); then force C
    # (reminder sent), then force A (second letter sent). The forces' recommendation 5, due in
    # June, is not overdue yet.
    assert [(r.organisation.slug, r.recommendation.number, r.last_step) for r in rows] == [
        ("force-a-pcc", "5", 0), ("force-b", "1", 0), ("force-c", "1", 1), ("force-a", "1", 2)
    ]
    assert "Overdue responses by chasing step" in html
    assert ("4 overdue responses: not chased yet 2, reminder sent 1, second letter sent 1, "
            "final letter sent 0, public statement made 0") in html
    assert response_url(due) + "#chasers" in html
    assert "Final letter" in html  # force A's next step


def test_priority_recommendations_lead_the_chasing_list(due, client):
    force_c = Organisation.objects.create(
        slug="force-c", name="Force C Police", short_name="Force C",
        kind=Organisation.Kind.POLICE_FORCE,
    )
    send_all(due, steps=2)
    send(due, today=DAYS[0], organisation=force_c)
    deadline_services.recommendation_priority_mark(
        recommendation=due.rec_1, reviewer=due.reviewer, reason="Victims are waiting"
    )
    client.force_login(due.reviewer)

    with time_machine.travel(noon(D(2021, 5, 1))):
        page = client.get(reverse("reporting:overview"))
    rows = page.context["ladder"].rows

    # Recommendation 1's overdue answers come first (priority), each part in the ladder's order.
    assert [(r.organisation.slug, r.recommendation.number, r.last_step) for r in rows] == [
        ("force-b", "1", 0), ("force-c", "1", 1), ("force-a", "1", 2), ("force-a-pcc", "5", 0)
    ]
    ladder_table = page.content.decode().split('id="ladder-table"')[1].split("</table>")[0]
    assert ladder_table.count(">Priority</strong>") == 3


def test_only_reviewers_get_the_chasing_list(due, client):
    # The overview's body is kept: what was kept for a reviewer is not shown to anyone else.
    client.force_login(due.reviewer)
    with time_machine.travel(noon(D(2021, 5, 1))):
        assert "Overdue responses by chasing step" in client.get(reverse("reporting:overview")).text
    client.force_login(due.contributor)

    with time_machine.travel(noon(D(2021, 5, 1))):
        page = client.get(reverse("reporting:overview"))

    assert "Overdue responses by chasing step" not in page.content.decode()


@pytest.mark.parametrize("chased", [1, 5])
def test_the_overview_queries_do_not_grow_with_the_chased(
    due, client, django_assert_num_queries, chased
):
    for i in range(chased - 1):
        force = Organisation.objects.create(slug=f"f-{i}", name=f"F {i}", short_name=f"F {i}",
                                            kind=Organisation.Kind.POLICE_FORCE)
        send(due, today=DAYS[0], organisation=force)
    send(due, today=DAYS[0])
    client.force_login(due.reviewer)

    with time_machine.travel(noon(D(2021, 5, 1))):
        with django_assert_num_queries(QUERY_COUNTS["overview"] + LADDER_QUERIES):
            page = client.get(reverse("reporting:overview"))
        assert sum(1 for r in page.context["ladder"].rows if r.last_step) == chased
        with django_assert_num_queries(QUERY_COUNTS_CACHED["overview"]):
            client.get(reverse("reporting:overview"))
    # A letter sent changes the fingerprint: the cached list shows it at once.
    send(due, today=D(2021, 5, 1), step=ChaserStep.SECOND_LETTER)
    with time_machine.travel(noon(D(2021, 5, 1))):
        fresh = client.get(reverse("reporting:overview"))
    force_a = next(r for r in fresh.context["ladder"].rows if r.organisation == due.force_a)
    assert force_a.last_step == ChaserStep.SECOND_LETTER


def test_the_letters_reach_the_organisations_writers_in_their_digest(due, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for user in (due.approver, due.other_approver):
        user.email = f"{user.username}@example.org"
        user.last_name = "Smith"
        user.save()
    due.reviewer.last_name = "Reid"
    due.reviewer.save()
    send_all(due, steps=3)

    call_command("send_reminders", "--today", "2021-04-01", stdout=None)

    (digest,) = [m for m in mail.outbox if m.to == ["bob@example.org"]]
    assert "chasing letters (1)" in digest.subject
    assert ("Final letter sent on 29 March 2021 by Rita Reid, HMICFRS: the response is "
            "overdue; non-response will be stated publicly") in digest.body
    other = [m for m in mail.outbox if m.to == ["dave@example.org"]]
    assert not other or "Final letter" not in other[0].body


def test_a_writer_of_the_organisation_is_not_a_reviewer_even_with_a_national_membership(due):
    """A contributor at a national body is no reviewer: only the reviewer role sends."""
    contributor = make_user("nat", due.home_office, Membership.Role.CONTRIBUTOR)

    with pytest.raises(PermissionDenied):
        send(due, today=DAYS[0], reviewer=contributor)


@pytest.mark.parametrize("today", [DUE, DUE + datetime.timedelta(days=1), D(2021, 5, 1),
                                   D(2021, 7, 1)])
def test_the_ladder_lists_what_the_deadlines_call_overdue(due, today):
    """The overview's fast reading agrees with `expected_responses` (responses.deadlines)."""
    from deadlines.selectors import expected_responses
    from reporting.selectors.overview import _overdue_unanswered

    extension = deadline_services.extension_request(
        user=due.other_contributor, recommendation=due.rec_1, organisation=due.force_b,
        requested_due_on=D(2021, 4, 30), reason="Sick leave.", today=DUE,
    )
    deadline_services.extension_decide(
        extension=extension, reviewer=due.reviewer, decision=ExtensionDecision.APPROVED
    )
    with time_machine.travel(noon(D(2021, 3, 3))):
        published_update(due, recommendation=due.rec_5, organisation=due.force_a)
    services.response_get_or_create(recommendation=due.rec_5, organisation=due.force_b)

    fast = {(r.pk, o.pk, s.due_on) for r, o, s in _overdue_unanswered(today, None)}
    expected = {
        (row.recommendation.pk, row.organisation.pk, row.due_on)
        for row in expected_responses(today=today) if row.state.is_overdue
    }

    assert fast == expected
    assert (due.rec_1.pk, due.force_b.pk, D(2021, 4, 30)) in fast or today <= D(2021, 4, 30)


def test_the_overview_narrows_the_chasing_ladder_to_its_region_and_kind(due, client):
    """Issue 22: a region chosen in the overview narrows its chasing ladder too, not only the
    league table (it listed the whole country's overdue answers)."""
    client.force_login(due.reviewer)
    overview = reverse("reporting:overview")
    with time_machine.travel(noon(D(2021, 5, 1))):
        everywhere = client.get(overview).context["ladder"]
        north_east = client.get(overview, {"region": "North East"})
        forces = client.get(overview, {"region": "North East", "kind": "police_force"})

    assert {r.organisation.slug for r in everywhere.rows} == {"force-a", "force-a-pcc", "force-b"}
    assert {r.organisation.slug for r in north_east.context["ladder"].rows} == {
        "force-a", "force-a-pcc"
    }
    assert "2 overdue responses: not chased yet 2," in north_east.text
    assert [r.organisation.slug for r in forces.context["ladder"].rows] == ["force-a"]
    assert "Force B Police: " not in north_east.text.split('id="ladder-table"')[1]


def test_the_overview_pages_the_chasing_ladder_and_the_league_table(due, client, monkeypatch):
    monkeypatch.setattr(overview_selectors, "LADDER_LIMIT", 2)
    monkeypatch.setattr(overview_selectors, "LEAGUE_PAGE_SIZE", 2)
    client.force_login(due.reviewer)
    overview = reverse("reporting:overview")
    with time_machine.travel(noon(D(2021, 5, 1))):
        first = client.get(overview)
        second = client.get(overview, {"ladder": "2", "page": "2"})
        beyond = client.get(overview, {"ladder": "9"})

    ladder = [(r.organisation.slug, r.recommendation.number) for r in first.context["ladder"].rows]
    assert len(ladder) == 2
    assert [(r.organisation.slug, r.recommendation.number)
            for r in second.context["ladder"].rows] == [
        (slug, number) for slug, number in
        [("force-a-pcc", "5"), ("force-b", "1"), ("force-a", "1")] if (slug, number) not in ladder
    ]
    assert "3 overdue responses" in second.text  # counted over every page
    # GOV.UK pagination for each list, each by its own parameter, keeping the other's.
    assert 'aria-label="Pages of overdue responses"' in first.text
    assert 'aria-label="Pages of the league table"' in first.text
    assert 'href="?ladder=2"' in first.text
    assert 'href="?ladder=1&amp;page=2"' in second.text
    assert second.context["league_page"].number == 2
    assert len(second.context["league_page"].object_list) <= 2
    assert "Organisations 3 to " in second.text
    # A page beyond the last shows the last one.
    assert beyond.context["ladder_page"].number == 2
    assert beyond.context["ladder"].rows == second.context["ladder"].rows
