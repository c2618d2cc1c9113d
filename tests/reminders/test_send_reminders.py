"""
`manage.py send_reminders` (issue 8, section 4): one digest per contributor and approver for
their organisations, idempotent per person and day, as their preference allows.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Membership
from deadlines import services as deadline_services
from reminders.models import Frequency, ReminderDigest
from reminders.services import reminder_preference_set
from responses.choices import Status
from responses.models import ResponseUpdate
from tests.conftest import make_user, published_update, submitted_update

# Safe to share? was published on 17 December 2020: forces' progress updates are due on
# 17 June 2021, local policing bodies' comments on 11 February 2021.
TODAY = datetime.date(2021, 6, 10)
SITE_URL = "https://tracker.example.org"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE_URL
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(world):
    for user, last_name in ((world.contributor, "Smith"), (world.approver, "Jones"),
                            (world.viewer, "Viewer"), (world.other_contributor, "Brown"),
                            (world.other_approver, "Green"), (world.opcc_contributor, "Khan"),
                            (world.reviewer, "Reid")):
        user.email = f"{user.username}@example.org"
        user.last_name = last_name
        user.save()
    return world


def run(today=TODAY, *args):
    out = StringIO()
    call_command("send_reminders", "--today", today.isoformat(), *args, stdout=out)
    return out.getvalue()


def sent_to(address):
    messages = [message for message in mail.outbox if message.to == [address]]
    assert len(messages) <= 1
    return messages[0] if messages else None


def html_of(message):
    (html, mimetype), = message.alternatives
    assert mimetype == "text/html"
    return html


def submitted_days_ago(update, days):
    moment = timezone.make_aware(
        datetime.datetime.combine(TODAY - datetime.timedelta(days=days), datetime.time(12))
    )
    ResponseUpdate.objects.filter(pk=update.pk).update(submitted_at=moment)


def test_each_writer_gets_one_digest_of_their_organisations(people):
    run()

    contributor = sent_to("alice@example.org")
    assert contributor.subject.endswith("2 due within 14 days")
    assert "Dear Alice Smith," in contributor.body
    assert "Force A: Safe to share? – recommendation 1" in contributor.body
    assert "Due in 7 days (due 17 June 2021)" in contributor.body
    assert f"{SITE_URL}/super-complaints/safe-to-share/recommendations/1/force-a/" in (
        contributor.body
    )
    assert "Force B" not in contributor.body
    # The local policing body's comments were due in February.
    assert "Overdue by 3 months" in sent_to("olivia@example.org").body
    # Viewers and reviewers do not write or sign off: no digest.
    assert sent_to("victor@example.org") is None
    assert sent_to("rita@example.org") is None
    assert len(mail.outbox) == 5


def test_the_digest_has_plain_text_and_html_with_absolute_links_and_full_names(people):
    run()
    message = sent_to("alice@example.org")
    html = html_of(message)
    assert "<p>Dear Alice Smith,</p>" in html
    assert f'href="{SITE_URL}/super-complaints/safe-to-share/recommendations/1/force-a/"' in html
    assert f'href="{SITE_URL}/accounts/reminders/"' in html
    assert "alice" not in message.body.replace("alice@example.org", "")


def test_running_twice_the_same_day_sends_nothing_new(people):
    assert "As of 2021-06-10: 5 digests sent, 0 not due" in run()
    first = len(mail.outbox)
    assert "0 digests sent, 5 not due" in run()
    assert len(mail.outbox) == first
    assert ReminderDigest.objects.filter(user=people.contributor).count() == 1
    digest = ReminderDigest.objects.get(user=people.contributor)
    assert (digest.sent_on, digest.due_soon, digest.email) == (TODAY, 2, "alice@example.org")


def test_weekly_is_at_most_one_per_seven_days_and_daily_one_a_day(people):
    reminder_preference_set(user=people.other_contributor, frequency=Frequency.DAILY)
    run()
    mail.outbox.clear()

    run(TODAY + datetime.timedelta(days=1))
    assert sent_to("alice@example.org") is None  # weekly, the default
    assert sent_to("charlie@example.org") is not None  # daily
    mail.outbox.clear()

    run(TODAY + datetime.timedelta(days=6))
    assert sent_to("alice@example.org") is None
    run(TODAY + datetime.timedelta(days=7))
    assert sent_to("alice@example.org") is not None


def test_never_means_never(people):
    reminder_preference_set(user=people.contributor, frequency=Frequency.NEVER)
    run()
    assert sent_to("alice@example.org") is None
    assert not ReminderDigest.objects.filter(user=people.contributor).exists()


def test_an_approver_is_reminded_of_updates_waiting_over_seven_days_for_them_only(people):
    world = people
    waiting = submitted_update(world, organisation=world.force_a, recommendation=world.rec_5)
    submitted_days_ago(waiting, 8)
    recent = submitted_update(world, organisation=world.force_a, recommendation=world.rec_1)
    submitted_days_ago(recent, 7)

    run()

    approver = sent_to("bob@example.org").body
    assert "Updates waiting for your sign-off for over 7 days (1)" in approver
    assert "Force A: Safe to share? – recommendation 5\n  Submitted 8 days ago by Alice Smith" in (
        approver
    )
    # Another organisation's approver never hears of Force A's drafts; nor does the writer.
    assert "sign-off" not in sent_to("dave@example.org").body.split("reminder settings")[0]
    assert "Submitted" not in sent_to("dave@example.org").body
    assert "Submitted" not in sent_to("alice@example.org").body


def test_a_member_of_two_organisations_gets_one_digest_covering_both(people):
    world = people
    Membership.objects.create(user=world.contributor, organisation=world.lpb_a,
                              role=Membership.Role.CONTRIBUTOR)
    run()
    body = sent_to("alice@example.org").body
    assert "Force A PCC: Safe to share? – recommendation 5" in body
    assert "Force A: Safe to share? – recommendation 1" in body


def test_stale_positions_and_landed_guidance_are_listed(people):
    world = people
    ho_writer = make_user("hugh", world.home_office, Membership.Role.CONTRIBUTOR)
    ho_approver = make_user("hana", world.home_office, Membership.Role.APPROVER)
    published_update(world, organisation=world.force_a, recommendation=world.rec_5,
                     as_of=datetime.date(2020, 11, 1))
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.AWAITING_NATIONAL, awaited_recommendation=world.rec_2)
    published_update(world, organisation=world.home_office, recommendation=world.rec_2,
                     author=ho_writer, approver=ho_approver)

    run()

    body = sent_to("alice@example.org").body
    assert "Stale: no update for too long (1)" in body
    assert "Awaited guidance that has been published (1)" in body
    assert "The guidance you were waiting for was published on" in body


def test_nothing_to_say_sends_nothing(people):
    world = people
    for recommendation in (world.rec_1, world.rec_5):
        published_update(world, organisation=world.force_b, recommendation=recommendation,
                         author=world.other_contributor, approver=world.other_approver,
                         as_of=datetime.date(2021, 6, 1))
    run()
    assert sent_to("charlie@example.org") is None
    assert sent_to("dave@example.org") is None


def test_a_dry_run_prints_and_neither_sends_nor_records(people):
    output = run(TODAY, "--dry-run")
    assert mail.outbox == []
    assert not ReminderDigest.objects.exists()
    assert "To: Alice Smith <alice@example.org>" in output
    assert "Dry run as of 2021-06-10: nothing sent. 5 digests to send" in output


def test_a_failed_send_records_nothing_so_the_next_run_tries_again(people, monkeypatch):
    def fail(self, *args, **kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", fail)
    with pytest.raises(CommandError):
        run()
    assert not ReminderDigest.objects.exists()
    monkeypatch.undo()
    run()
    assert sent_to("alice@example.org") is not None


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", "10/06/2021", stdout=StringIO())


def test_requests_for_more_time_and_their_decisions_reach_the_organisations_writers(people):
    """Pending requests, and decisions of the last 7 days, to the requesting force only."""
    from responses.choices import ExtensionDecision

    people.rec_1.due_on = datetime.date(2021, 6, 30)
    people.rec_1.save()
    pending = deadline_services.extension_request(
        user=people.contributor, recommendation=people.rec_1, organisation=people.force_a,
        requested_due_on=datetime.date(2021, 9, 30), reason="Sick leave.", today=TODAY,
    )
    run()
    first = sent_to("bob@example.org")
    assert "requests for more time (1)" in first.subject
    assert "More time to 30 September 2021: awaiting a national reviewer's decision" in first.body
    other_force = sent_to("charlie@example.org")
    assert other_force is None or "More time" not in other_force.body

    with time_machine.travel(datetime.datetime(2021, 6, 12, 12, tzinfo=datetime.UTC)):
        deadline_services.extension_decide(
            extension=pending, reviewer=people.reviewer, decision=ExtensionDecision.REFUSED,
            comment="No.",
        )
    mail.outbox.clear()
    run(TODAY + datetime.timedelta(days=7))
    later = sent_to("bob@example.org").body
    assert "More time to 30 September 2021: refused on 12 June 2021 by Rita Reid" in later
    assert "still due 30 June 2021" in later
    assert ReminderDigest.objects.filter(user=people.approver, extensions=1).count() == 2
