"""
Acting where you read (issue 21, item 5): on the response page the action the reader's role
allows is summarised at the top with a link to its form; after a form error the failed form is
just under the error summary; a returned update's comment is in a banner at the top; each
chasing step's letter is shown as it will be sent before "Send"; the approver reads whether the
update will be on the public pages before approving.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from recommendations.models import OfficeHolder
from responses import services
from responses.choices import ReviewOutcome, Status
from responses.models import Chaser
from tests.conftest import published_update, submitted_update
from tests.responses.helpers import response_url, review_url, sign_off_data

from .test_chasers import DAYS, DUE, chaser_url, noon

COMMENT = "Add the dates the training ran."


def page_of(client, user, world):
    client.force_login(user)
    return client.get(response_url(world)).text


def top(html):
    """The page above its "Updates" heading: what a reader sees first."""
    return html[: html.index('id="updates"')]


def test_a_returned_update_shows_its_comment_in_a_banner_at_the_top(world, client, response):
    update = submitted_update(world, response)
    services.response_update_return(update=update, approver=world.approver, comment=COMMENT)

    html = page_of(client, world.contributor, world)

    banner = html[: html.index("<h1")]
    assert 'class="govuk-notification-banner"' in banner
    assert COMMENT in banner
    assert "returned by Bob" in banner
    assert reverse("workflow:update_edit", args=[update.pk]) in banner
    # Not for a reader outside the organisation (who cannot see the returned update at all).
    assert COMMENT not in page_of(client, world.other_contributor, world)


def test_the_approver_is_summarised_the_sign_off_and_told_whether_it_goes_public(
    world, client, response
):
    update = submitted_update(world, response, public=True)

    html = page_of(client, world.approver, world)

    summary = top(html)
    assert "What you can do" in summary
    assert f'href="#sign-off-{update.pk}"' in summary
    assert "Once approved it will be published on the public pages too." in summary
    sign_off = html[html.index(f'id="sign-off-{update.pk}"'):]
    assert sign_off.index("on the public pages") < sign_off.index("Approve and publish")
    # Its author, a contributor, may not sign it off: nothing to do for them here.
    assert "What you can do" not in top(page_of(client, world.contributor, world))


def test_an_update_not_cleared_for_the_public_says_so_before_approving(world, client, response):
    update = submitted_update(world, response, public=False)
    html = page_of(client, world.approver, world)
    sign_off = html[html.index(f'id="sign-off-{update.pk}"'):]
    assert sign_off.index("will not be published on the public pages") < sign_off.index(
        "Approve and publish"
    )
    assert "not cleared for the public" in sign_off


def test_a_reviewer_is_summarised_the_review_with_a_link_to_its_form(world, client, response):
    published_update(world, response, status=Status.COMPLETED)
    html = page_of(client, world.reviewer, world)
    assert 'href="#review"' in top(html)
    assert f'<form method="post" action="{review_url(world)}" id="review"' in html
    # A contributor may not review.
    assert 'href="#review"' not in page_of(client, world.contributor, world)


def test_a_failed_review_is_drawn_under_the_error_summary(world, client, response):
    published_update(world, response, status=Status.COMPLETED)
    client.force_login(world.reviewer)

    page = client.post(review_url(world), {"outcome": ReviewOutcome.RETURNED, "comment": ""})

    html = page.text
    assert page.status_code == 200
    summary = html.index("govuk-error-summary")
    form = html.index('id="review"')
    # Just under the title, before the response's details and its whole history.
    assert summary < html.index("<h1") < form < html.index("Current status")
    assert html.count('id="review"') == 1
    assert html.count('name="comment"') == 1


def test_a_failed_return_is_drawn_under_the_error_summary(world, client, response):
    update = submitted_update(world, response)
    client.force_login(world.approver)

    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       sign_off_data(update, "return", comment=""))

    html = page.text
    assert page.status_code == 200
    form = html.index(f'id="sign-off-{update.pk}"')
    assert html.index("govuk-error-summary") < form < html.index("Current status")
    assert html.count(f'id="sign-off-{update.pk}"') == 1


@pytest.fixture
def overdue(world):
    """Recommendation 1 due from the forces on 12 February 2021; Force A has an office holder."""
    world.rec_1.due_on = DUE
    world.rec_1.save()
    OfficeHolder.objects.create(
        organisation=world.force_a, name="Jane Grey", title="Chief Constable of Force A Police",
        started_on=datetime.date(2019, 1, 1),
    )
    return world


def preview_url(world):
    return reverse(
        "documents:chaser_letter_preview",
        args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug],
    )


def test_send_the_reminder_shows_the_letter_first_then_sends_it(overdue, client):
    client.force_login(overdue.reviewer)
    with time_machine.travel(noon(DAYS[0])):
        html = client.get(response_url(overdue)).text
        assert preview_url(overdue) in top(html)  # summarised at the top
        assert preview_url(overdue) in html[html.index('id="chasers"'):]
        assert f'action="{chaser_url(overdue)}"' not in html  # no sending from here

        preview = client.get(preview_url(overdue))
        letter = preview.text
        assert preview.status_code == 200
        assert "Check the reminder before sending it" in letter
        assert "Dear Jane Grey" in letter
        assert "This is a reminder." in letter
        assert "1 March 2021" in letter
        assert f'action="{chaser_url(overdue)}"' in letter
        assert '<input type="hidden" name="step" value="1">' in letter
        assert not Chaser.objects.exists(), "reading the letter sends nothing"

        sent = client.post(chaser_url(overdue), {"step": 1})
    assert sent.status_code == 302
    assert list(Chaser.objects.values_list("step", flat=True)) == [1]

    with time_machine.travel(noon(DAYS[1])):
        letter = client.get(preview_url(overdue)).text
    assert "Check the second letter before sending it" in letter
    assert "We have written to you about it before: reminder of 1 March 2021." in letter


def test_the_letter_is_refused_to_anyone_who_may_not_chase(overdue, client):
    with time_machine.travel(noon(DAYS[0])):
        for persona in ("contributor", "approver", "outsider"):
            client.force_login(getattr(overdue, persona))
            assert client.get(preview_url(overdue)).status_code == 403


def test_no_letter_to_preview_sends_the_reader_back_with_the_reason(overdue, client):
    client.force_login(overdue.reviewer)
    with time_machine.travel(noon(DAYS[0].replace(month=2, day=1))):  # not overdue yet
        page = client.get(preview_url(overdue), follow=True)
    assert page.redirect_chain[-1][0].endswith("#chasers")
    assert "The response is not overdue" in page.text
