"""
"Awaiting national guidance" linked to what is awaited (issue 8, section 3): the references on
an update, the suggestion from `depends_on`, and the landed-guidance flag appearing and clearing.
"""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.models import Membership
from evidence import services as evidence_services
from recommendations.models import Recommendation
from responses.choices import ReviewOutcome, Status
from responses.forms import ResponseUpdateForm
from responses.models import AWAITING_REQUIRED, DashboardVisit, Response, ResponseUpdate
from responses.selectors.guidance import (
    guidance_landed,
    guidance_landed_on_response,
    organisations_awaiting,
)
from tests.conftest import draft_update, make_user, published_update

from .helpers import create_url, form_data, response_url

BANNER = "The guidance you were waiting for was published on"


@pytest.fixture
def home_office_staff(world):
    world.ho_contributor = make_user("hugh", world.home_office, Membership.Role.CONTRIBUTOR)
    world.ho_approver = make_user("hana", world.home_office, Membership.Role.APPROVER)
    return world


def await_(world, organisation=None, recommendation=None, **fields):
    """Publish "Awaiting national guidance" for Force A (or `organisation`) on recommendation 1."""
    organisation = organisation or world.force_a
    author, approver = {
        world.force_a.pk: (world.contributor, world.approver),
        world.force_b.pk: (world.other_contributor, world.other_approver),
    }[organisation.pk]
    return published_update(
        world, organisation=organisation, recommendation=recommendation or world.rec_1,
        author=author, approver=approver, status=Status.AWAITING_NATIONAL, **fields,
    )


def home_office_publishes(world, recommendation=None, state="published", **fields):
    fields = {"status": Status.IN_PROGRESS, **fields}
    writer = published_update if state == "published" else draft_update
    return writer(
        world, organisation=world.home_office, recommendation=recommendation or world.rec_2,
        author=world.ho_contributor, approver=world.ho_approver, **fields,
    )


def today_in_words():
    return dateformat.format(timezone.localdate(), "j F Y")


# What is awaited


def form(**overrides):
    bound = ResponseUpdateForm(form_data(status=Status.AWAITING_NATIONAL, **overrides))
    bound.is_valid()
    return bound


def test_awaiting_needs_a_recommendation_a_body_or_a_description(world):
    assert form().errors["awaiting"] == [AWAITING_REQUIRED]
    assert form(awaited_recommendation=world.rec_2.pk).is_valid()
    assert form(awaited_organisation=world.home_office.pk).is_valid()
    assert form(awaiting="College of Policing guidance").is_valid()


def test_only_a_national_body_can_be_awaited(world):
    assert "awaited_organisation" in form(awaited_organisation=world.force_b.pk).errors


def test_the_references_are_stored_and_dropped_when_the_status_moves_on(world):
    fields = form(awaited_recommendation=world.rec_2.pk,
                  awaited_organisation=world.home_office.pk).update_fields()
    assert fields["awaited_recommendation"] == world.rec_2
    assert fields["awaited_organisation"] == world.home_office

    moved_on = ResponseUpdateForm(form_data(status=Status.IN_PROGRESS,
                                            awaited_recommendation=world.rec_2.pk))
    assert moved_on.is_valid()
    assert moved_on.update_fields()["awaited_recommendation"] is None


def test_the_service_refuses_a_body_that_is_not_national(world):
    with pytest.raises(ValidationError) as error:
        draft_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     status=Status.AWAITING_NATIONAL, awaited_organisation=world.force_b)
    assert "awaited_organisation" in error.value.message_dict


def test_the_select_groups_recommendations_by_super_complaint(world, client):
    client.force_login(world.contributor)
    page = client.get(create_url(world)).text
    assert '<optgroup label="Safe to share?">' in page
    assert f'<option value="{world.rec_2.pk}">Safe to share? – Recommendation 2</option>' in page


def test_the_form_names_the_recommendation_it_depends_on_without_choosing_it(world, client):
    """Issue 22: what is awaited is not prefilled; the hint names what this depends on."""
    world.rec_1.depends_on.add(world.rec_2)
    client.force_login(world.contributor)

    page = client.get(create_url(world))

    assert "awaited_recommendation" not in page.context["form"].initial
    assert f'<option value="{world.rec_2.pk}" selected>' not in page.text
    assert "Recommendation 1 depends on Safe to share? – recommendation 2." in page.text


def test_what_is_awaited_is_revealed_under_awaiting_national_guidance_only(world, client):
    """A GOV.UK conditional reveal: hidden until "Awaiting national guidance" is chosen, and
    shown (with what was typed) when the form comes back with that status."""
    client.force_login(world.contributor)
    html = client.get(create_url(world)).text
    radio = html[html.index('value="awaiting_national"') - 120:html.index("conditional-awaited")]
    assert 'aria-controls="conditional-awaited"' in html
    assert 'type="radio" value="awaiting_national"' in radio
    reveal = html.index('<div class="govuk-radios__conditional govuk-radios__conditional--hidden" '
                        'id="conditional-awaited">')
    # Inside the status's radios, straight after its item, and holding the three fields.
    assert html.index('value="awaiting_national"') < reveal < html.index('value="completed"')
    assert reveal < html.index('id="id_awaited_recommendation"') < html.index('value="completed"')
    assert html.count("What are you waiting for?") == 1

    again = client.post(create_url(world), form_data(
        status=Status.AWAITING_NATIONAL, awaited_recommendation="", awaited_organisation="",
        awaiting="",
    ))
    assert again.status_code == 200
    assert ('<div class="govuk-radios__conditional" id="conditional-awaited">'
            in again.text)


def test_the_primary_button_comes_first_and_enter_still_saves_a_draft(world, client):
    client.force_login(world.contributor)
    html = client.get(create_url(world)).text
    buttons = html[html.index('<div class="govuk-button-group">'):]
    hidden_draft = buttons.index('<button type="submit" name="action" value="draft" hidden')
    submit = buttons.index('value="submit" class="govuk-button"')
    draft = buttons.index('value="draft" class="govuk-button govuk-button--secondary"')
    assert hidden_draft < submit < draft


def test_a_posted_update_keeps_its_references(world, client):
    client.force_login(world.contributor)
    client.post(create_url(world), form_data(
        status=Status.AWAITING_NATIONAL, awaited_recommendation=world.rec_2.pk,
        awaited_organisation=world.home_office.pk, awaiting="The review",
    ))
    update = ResponseUpdate.objects.get()
    assert (update.awaited_recommendation, update.awaited_organisation, update.awaiting) == (
        world.rec_2, world.home_office, "The review"
    )


def test_the_timeline_names_what_is_awaited_and_free_text_stays_readable(world, client):
    await_(world, awaited_recommendation=world.rec_2)
    await_(world, recommendation=world.rec_5, awaiting="College of Policing guidance")
    client.force_login(world.other_contributor)

    page = client.get(response_url(world)).text
    assert "Waiting for:" in page
    assert world.rec_2.get_absolute_url() in page
    assert "College of Policing guidance" in client.get(
        response_url(world, recommendation=world.rec_5)
    ).text


# The flag appearing and clearing


def test_the_flag_appears_when_a_national_body_publishes_and_clears_on_a_newer_update(
    home_office_staff, client
):
    world = home_office_staff
    await_(world, awaited_recommendation=world.rec_2)
    client.force_login(world.contributor)
    assert BANNER not in client.get(response_url(world)).text
    assert BANNER not in client.get(reverse("home")).text

    home_office_publishes(world)

    page = client.get(response_url(world)).text
    assert f"{BANNER} {today_in_words()}: review your status" in page
    home = client.get(reverse("home"))
    landed, = home.context["guidance_landed"]
    assert landed.response.organisation == world.force_a
    assert "the guidance you were waiting for was published on" in home.text

    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     as_of=datetime.date(2021, 6, 1), status=Status.IN_PROGRESS)

    assert BANNER not in client.get(response_url(world)).text
    assert client.get(reverse("home")).context["guidance_landed"] == []


def test_a_newer_update_still_awaiting_it_clears_the_flag_until_the_guidance_moves_again(
    home_office_staff
):
    world = home_office_staff
    await_(world, awaited_recommendation=world.rec_2)
    home_office_publishes(world)
    await_(world, awaited_recommendation=world.rec_2, as_of=datetime.date(2021, 6, 1))
    assert guidance_landed(organisation_ids=[world.force_a.pk]) == []

    home_office_publishes(world, as_of=datetime.date(2021, 7, 1))
    assert len(guidance_landed(organisation_ids=[world.force_a.pk])) == 1


def test_guidance_published_before_the_organisation_said_it_waits_does_not_flag(
    home_office_staff
):
    world = home_office_staff
    home_office_publishes(world)
    await_(world, awaited_recommendation=world.rec_2)
    assert guidance_landed(organisation_ids=[world.force_a.pk]) == []


def test_drafts_of_the_national_body_do_not_count(home_office_staff):
    world = home_office_staff
    await_(world, awaited_recommendation=world.rec_2)
    home_office_publishes(world, state="draft")
    assert guidance_landed(organisation_ids=[world.force_a.pk]) == []


def test_a_closed_national_response_counts_as_landed(home_office_staff):
    world = home_office_staff
    home_office_publishes(world, status=Status.COMPLETED)
    await_(world, awaited_recommendation=world.rec_2)
    assert guidance_landed(organisation_ids=[world.force_a.pk]) == []

    evidence_services.response_review(
        response=Response.objects.get(organisation=world.home_office),
        reviewer=world.reviewer, outcome=ReviewOutcome.CLOSED,
    )
    assert len(guidance_landed(organisation_ids=[world.force_a.pk])) == 1


def test_a_named_body_and_recommendation_wait_for_that_body_only(home_office_staff):
    world = home_office_staff
    await_(world, awaited_recommendation=world.rec_2, awaited_organisation=world.hmicfrs)
    home_office_publishes(world)
    assert guidance_landed(organisation_ids=[world.force_a.pk]) == []


def test_a_body_alone_lands_when_it_publishes_on_the_same_super_complaint(home_office_staff):
    world = home_office_staff
    other_report = Recommendation.objects.create(
        super_complaint=world.super_complaint.__class__.objects.create(
            slug="other", title="Other", short_title="Other", complainants="Someone",
        ),
        number="1", text="<p>Other.</p>",
    )
    other_report.recipient_groups.add(world.home_office_group)
    await_(world, awaited_organisation=world.home_office)

    home_office_publishes(world, recommendation=other_report)
    assert guidance_landed(organisation_ids=[world.force_a.pk]) == []

    home_office_publishes(world)
    assert len(guidance_landed(organisation_ids=[world.force_a.pk])) == 1


def test_only_the_waiting_organisations_members_see_the_banner(home_office_staff, client):
    world = home_office_staff
    await_(world, awaited_recommendation=world.rec_2)
    home_office_publishes(world)

    for outsider in (world.other_contributor, world.reviewer):
        client.force_login(outsider)
        assert BANNER not in client.get(response_url(world)).text
        assert client.get(reverse("home")).context["guidance_landed"] == []
    client.force_login(world.viewer)
    assert BANNER in client.get(response_url(world)).text


def test_a_description_alone_never_flags(home_office_staff):
    world = home_office_staff
    await_(world, awaiting="Home Office review")
    home_office_publishes(world)
    assert guidance_landed(organisation_ids=[world.force_a.pk]) == []


# Counts for the overview


def test_organisations_waiting_are_counted_per_awaited_recommendation(home_office_staff):
    world = home_office_staff
    await_(world, awaited_recommendation=world.rec_2)
    await_(world, recommendation=world.rec_5, awaited_recommendation=world.rec_2)
    await_(world, organisation=world.force_b, awaited_recommendation=world.rec_2)
    await_(world, organisation=world.force_b, recommendation=world.rec_5,
           awaited_organisation=world.home_office)

    assert organisations_awaiting() == [(world.rec_2, 2)]
    assert organisations_awaiting(super_complaint=world.super_complaint) == [(world.rec_2, 2)]


# Queries


@pytest.mark.parametrize("waiting", [1, 10])
def test_the_selectors_run_a_fixed_number_of_queries(
    home_office_staff, django_assert_num_queries, waiting
):
    world = home_office_staff
    for number in range(waiting):
        recommendation = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"x{number}", order=10 + number,
            text="<p>More.</p>",
        )
        recommendation.recipient_groups.add(world.chief_constables)
        await_(world, recommendation=recommendation, awaited_recommendation=world.rec_2)
    await_(world, awaited_organisation=world.home_office)
    home_office_publishes(world)
    response = Response.objects.get(organisation=world.force_a, recommendation=world.rec_1)

    with django_assert_num_queries(2):
        assert len(guidance_landed(organisation_ids=[world.force_a.pk])) == waiting + 1
    with django_assert_num_queries(2):
        assert guidance_landed_on_response(response=response) is not None
    with django_assert_num_queries(2):
        assert organisations_awaiting() == [(world.rec_2, 1)]


# The dashboard and the overview


def test_the_dashboard_flags_landed_guidance_and_the_overview_counts_the_waiting(
    home_office_staff, client
):
    world = home_office_staff
    await_(world, awaited_recommendation=world.rec_2)
    await_(world, organisation=world.force_b, awaited_recommendation=world.rec_2)
    home_office_publishes(world)
    client.force_login(world.contributor)

    dashboard = client.get(reverse("reporting:dashboard"))
    landed, = dashboard.context["guidance_landed"]
    assert landed.response.organisation == world.force_a
    assert "The guidance you were waiting for has been published" in dashboard.text

    other = client.get(reverse("reporting:dashboard_organisation", args=["force-b"]))
    assert "The guidance they were waiting for has been published" in other.text

    overview = client.get(reverse("reporting:overview"))
    assert overview.context["awaited"] == [(world.rec_2, 2)]
    assert "Recommendations organisations are waiting for" in overview.text


@pytest.mark.parametrize("page", ["reporting:dashboard", "reporting:overview", "home", "response"])
def test_pages_with_guidance_awaited_make_the_same_queries_at_1x_and_10x(
    home_office_staff, client, page
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = home_office_staff
    client.force_login(world.contributor)
    url = response_url(world) if page == "response" else reverse(page)
    await_(world, awaited_recommendation=world.rec_2)
    counts = []
    for waiting in (1, 10):
        while Response.objects.filter(current_status=Status.AWAITING_NATIONAL).count() < waiting:
            number = Recommendation.objects.count()
            recommendation = Recommendation.objects.create(
                super_complaint=world.super_complaint, number=f"y{number}", order=50 + number,
                text="<p>More.</p>",
            )
            recommendation.recipient_groups.add(world.chief_constables)
            await_(world, recommendation=recommendation, awaited_recommendation=world.rec_2)
        home_office_publishes(world)
        cache.clear()  # each count on an empty cache: a cached one may count changes only
        # Each a first visit to the dashboard: one within a minute of the last writes nothing.
        DashboardVisit.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            text = client.get(url).text.lower()
            assert BANNER.lower() in text or page == "reporting:overview"
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_home_banner_lists_twenty_and_counts_the_rest(home_office_staff, client):
    world = home_office_staff
    for number in range(21):
        recommendation = Recommendation.objects.create(
            super_complaint=world.super_complaint, number=f"z{number}", order=80 + number,
            text="<p>More.</p>",
        )
        recommendation.recipient_groups.add(world.chief_constables)
        await_(world, recommendation=recommendation, awaited_recommendation=world.rec_2)
    home_office_publishes(world)
    client.force_login(world.contributor)

    page = client.get(reverse("home")).text

    assert page.count("the guidance you were waiting for was published on") == 20
    assert "And 1 more, among the responses awaiting national guidance" in page
