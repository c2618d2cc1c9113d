"""The public pages and feeds: what visitors read without signing in, and what never does."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from recommendations.models import Organisation
from responses import services
from responses.choices import Marking, Status
from responses.models import ResponseUpdate
from tests.conftest import published_update
from tests.public.helpers import SECRETS, public_urls, write_secrets


@pytest.fixture
def force_a_response(world):
    return services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_a)


def _text(page):
    if page["Content-Type"].startswith("application/vnd.openxmlformats"):
        from tests.public.helpers import docx_text

        return "\n".join(docx_text(page.content).values())
    return page.content.decode()


def test_public_means_published_public_and_not_sensitive(world, force_a_response):
    # Published first: once the secrets are written, one of them awaits sign-off, and one
    # update of a response waits at a time.
    shown = published_update(world, force_a_response, narrative="<p>Cleared.</p>", public=True,
                             as_of=datetime.date(2021, 6, 1))
    write_secrets(world, force_a_response)

    assert list(ResponseUpdate.objects.public()) == [shown]


@pytest.mark.parametrize("secret", list(SECRETS))
def test_no_public_url_feed_or_document_shows_a_non_public_update(world, client,
                                                                   force_a_response, secret):
    write_secrets(world, force_a_response)

    for name, url in public_urls(world).items():
        page = client.get(url)
        assert page.status_code in (200, 404), (name, page.status_code)
        if page.status_code == 200:
            assert SECRETS[secret] not in _text(page), (name, secret)


def test_every_item_without_a_public_update_is_not_found(world, client, force_a_response):
    write_secrets(world, force_a_response)
    urls = public_urls(world)

    for name in ("response", "response page", "response page docx", "overview",
                 "overview docx", "letter", "letter docx"):
        assert client.get(urls[name]).status_code == 404, name


def test_the_public_position_is_the_latest_public_update_not_the_current_status(
    world, client, force_a_response
):
    published_update(world, force_a_response, narrative="<p>Training has begun.</p>",
                     public=True, status=Status.IN_PROGRESS, as_of=datetime.date(2021, 6, 1))
    write_secrets(world, force_a_response)  # later, completed, but not public
    force_a_response.refresh_from_db()
    assert force_a_response.current_status == Status.COMPLETED

    html = client.get(public_urls(world)["recommendation"]).content.decode()

    assert "In progress" in html and "1 June 2021" in html
    assert "Completed" not in html
    assert "Training has begun." in html


def test_the_recommendation_page_lists_every_expected_organisation(world, client,
                                                                  force_a_response):
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True)

    html = client.get(public_urls(world)["recommendation"]).content.decode()

    assert "Force A Police" in html and "Force B Constabulary" in html
    assert html.count("No public response yet") == 1  # Force B
    assert reverse("public:response_detail", args=["safe-to-share", "1", "force-a"]) in html
    assert "Disbanded Police" not in html


def test_the_response_page_shows_the_public_history_and_the_paired_body_beside_it(world, client):
    force = services.response_get_or_create(recommendation=world.rec_5,
                                            organisation=world.force_a)
    office = services.response_get_or_create(recommendation=world.rec_5,
                                             organisation=world.lpb_a)
    published_update(world, force, narrative="<p>First words.</p>", public=True,
                     as_of=datetime.date(2021, 5, 1))
    published_update(world, force, narrative="<p>Later words.</p>", public=True,
                     as_of=datetime.date(2021, 12, 1), status=Status.COMPLETED)
    published_update(world, office, author=world.opcc_contributor,
                     approver=_office_approver(world), narrative="<p>OPCC words.</p>",
                     public=True)

    url = reverse("public:response_detail", args=["safe-to-share", "5", "force-a"])
    html = client.get(url).content.decode()

    assert html.index("Later words.") < html.index("First words.")  # newest first
    assert "Force A PCC's response" in html and "OPCC words." in html
    assert html.index("First words.") < html.index("OPCC words.")


def _office_approver(world):
    from accounts.models import Membership
    from tests.conftest import make_user

    return make_user("oscar", world.lpb_a, Membership.Role.APPROVER)


def test_the_organisation_page_lists_its_answers_and_office_holders(world, client,
                                                                   force_a_response):
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True,
                     status=Status.COMPLETED)
    world.lpb_a.office_holders.create(name="Ann Example", title="Force A PCC",
                                      started_on=datetime.date(2016, 5, 12),
                                      ended_on=datetime.date(2024, 5, 6))
    world.lpb_a.office_holders.create(name="Mo Mayor", title="Mayor of Force A",
                                      started_on=datetime.date(2024, 5, 7))

    force_html = client.get(public_urls(world)["organisation"]).content.decode()
    office_html = client.get(
        reverse("public:organisation_detail", args=["force-a-pcc"])
    ).content.decode()

    assert "Recommendation 1" in force_html and "Completed" in force_html
    assert "Recommendation 5" in force_html and "No public response yet" in force_html
    assert "Ann Example, Force A PCC: 12 May 2016 to 6 May 2024" in office_html
    assert "Mo Mayor, Mayor of Force A: 7 May 2024 to now" in office_html


def test_the_feeds_carry_new_public_updates_only(world, client, force_a_response):
    published_update(world, force_a_response, narrative="<p>Cleared for all.</p>", public=True,
                     as_of=datetime.date(2021, 6, 1))
    write_secrets(world, force_a_response)

    for name in ("organisation feed", "super-complaint feed"):
        page = client.get(public_urls(world)[name])
        feed = page.content.decode()
        assert page["Content-Type"].startswith("application/atom+xml")
        assert feed.count("<entry>") == 1, name
        assert "Cleared for all." in feed
        assert "/public/super-complaints/safe-to-share/recommendations/1/force-a/#update-" in feed


def test_a_visitor_gets_cacheable_pages_with_an_etag(world, client, force_a_response):
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True)

    for name, url in public_urls(world).items():
        page = client.get(url)
        assert page.status_code == 200, name
        assert "public" in page["Cache-Control"] and "max-age=300" in page["Cache-Control"]
        assert page.has_header("ETag"), name
        assert not page.cookies, name  # no session, no CSRF cookie: nothing personal cached
        assert client.get(url, HTTP_IF_NONE_MATCH=page["ETag"]).status_code == 304, name


def test_a_public_page_carries_no_form(world, client):
    html = client.get(reverse("public:supercomplaint_list")).content.decode()

    assert "<form" not in html and "csrfmiddlewaretoken" not in html


def test_a_signed_in_users_public_pages_are_not_stored_by_the_browser(
    world, client, force_a_response
):
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True)
    client.force_login(world.contributor)

    for name, url in public_urls(world).items():
        page = client.get(url)

        assert page.status_code == 200, name
        assert page["Cache-Control"] == "no-store", name
        # Never stored, so no ETag to hash (each copy differs by its CSRF token anyway).
        assert not page.has_header("ETag"), name


def test_visitors_are_offered_the_public_pages(world, client):
    start = client.get(reverse("home")).content.decode()
    public = client.get(reverse("public:supercomplaint_list")).content.decode()

    assert reverse("public:supercomplaint_list") in start
    assert reverse("public:organisation_list") in start
    assert f'href="{reverse("public:organisation_list")}"' in public  # the service navigation
    assert f'href="{reverse("responses:supercomplaint_list")}"' not in public


def test_an_action_for_a_national_body_is_shown_as_an_action(world, client):
    action = world.super_complaint.recommendations.create(number="action-1", order=9,
                                                          text="<p>Update the APP.</p>")
    college = Organisation.objects.create(slug="college-of-policing", name="College of Policing",
                                          short_name="College", kind="national_body")
    action.recipient_groups.create(slug="college", name="College of Policing",
                                   kind="organisation", organisation=college)

    html = client.get(public_urls(world)["super-complaint"]).content.decode()

    assert "Action 1" in html and "To:</strong> College of Policing" in html


def test_a_redacted_update_shows_where_words_were_withheld(world, client, force_a_response):
    published_update(world, force_a_response, public=True, marking=Marking.OFFICIAL_REDACTED,
                     narrative="<p>We met [redacted] on Tuesday.</p>")

    html = client.get(public_urls(world)["response"]).content.decode()

    assert "We met <span class=\"app-redacted\">[text withheld]</span> on Tuesday." in html
    assert "OFFICIAL - REDACTED" in html
    assert "[redacted]" not in html


def test_the_organisation_page_offers_only_documents_with_something_public(world, client,
                                                                           force_a_response):
    url = public_urls(world)["organisation"]
    overview = reverse("public:overview", args=["force-a"])
    response_page = reverse("public:response_page", args=["safe-to-share", "force-a"])
    write_secrets(world, force_a_response)

    html = client.get(url).content.decode()
    assert overview not in html and response_page not in html

    # The update awaiting sign-off is decided first: one update of a response waits at a time.
    services.response_update_return(update=ResponseUpdate.objects.awaiting_sign_off().get(),
                                    approver=world.approver, comment="Not yet.")
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True)
    html = client.get(url).content.decode()
    assert overview in html and response_page in html


def test_the_staff_organisation_page_links_to_its_documents(world, client):
    client.force_login(world.other_contributor)

    page = client.get(reverse("responses:organisation_detail", args=["force-a-pcc"]))
    html = page.content.decode()

    assert reverse("documents:overview", args=["force-a-pcc"]) in html
    assert reverse("documents:response_page", args=["safe-to-share", "force-a-pcc"]) in html
    assert reverse("documents:letter", args=["safe-to-share", "force-a-pcc"]) in html


def test_parts_of_a_recommendation_addressed_to_different_bodies(world, client):
    whole = world.super_complaint.recommendations.create(
        number="unnumbered-1", order=20, title="Monitoring of recommendations",
        text="<p>a. The Home Office to report. b. The NPCC to collate.</p>",
    )
    part_a = world.super_complaint.recommendations.create(
        number="unnumbered-1a", order=20, part_of=whole, text="<p>a. The Home Office to report.</p>"
    )
    part_a.recipient_groups.add(world.home_office_group)
    part_b = world.super_complaint.recommendations.create(
        number="unnumbered-1b", order=20, part_of=whole, text="<p>b. The NPCC to collate.</p>"
    )
    part_b.recipient_groups.add(world.chief_constables)

    html = client.get(public_urls(world)["super-complaint"]).content.decode()

    # Named by their short titles (issue 22), the whole by its title.
    assert ">Monitoring of recommendations</a>" in html
    assert "each of its parts (a, b), below, to its own bodies" in html
    part_a, part_b = (">a. The Home Office to report.</a>", ">b. The NPCC to collate.</a>")
    assert html.index(part_a) < html.index(part_b)
    part_a_html = html.split(part_a)[1].split(part_b)[0]
    assert "To:</strong> Home Office</p>" in part_a_html
    part_b_html = html.split(part_b)[1]
    assert "To:</strong> Chief constables</p>" in part_b_html


def test_a_feed_lists_the_newest_sign_off_first_and_unsigned_ones_last(world, client,
                                                                       force_a_response):
    first = published_update(world, force_a_response, narrative="<p>First.</p>", public=True,
                             as_of=datetime.date(2021, 6, 1))
    published_update(world, force_a_response, narrative="<p>Second.</p>", public=True,
                     as_of=datetime.date(2021, 5, 1))
    ResponseUpdate.objects.filter(pk=first.pk).update(signed_off_at=None)

    feed = client.get(public_urls(world)["organisation feed"]).content.decode()

    assert feed.index("Second.") < feed.index("First.")


def test_the_staff_response_page_shows_a_redacted_update_as_withheld(world, client,
                                                                     force_a_response):
    published_update(world, force_a_response, marking=Marking.OFFICIAL_REDACTED,
                     narrative="<p>Met [REDACTED] twice.</p>")
    client.force_login(world.other_contributor)

    html = client.get(force_a_response.get_absolute_url()).content.decode()

    assert "<strong>OFFICIAL - REDACTED</strong> – some words were withheld" in html
    assert 'Met <span class="app-redacted">[text withheld]</span> twice.' in html


def test_the_update_form_offers_the_redacted_marking(world, client):
    client.force_login(world.contributor)

    html = client.get(reverse("workflow:update_create",
                              args=["safe-to-share", "1", "force-a"])).content.decode()

    assert 'value="OFFICIAL-REDACTED"' in html and "OFFICIAL - REDACTED" in html
    assert "type [redacted] where they were taken out" in html


def test_the_same_word_document_is_the_same_file_a_second_later(world, client,
                                                                 force_a_response):
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True)
    url = public_urls(world)["response page docx"]

    with time_machine.travel("2026-01-01 10:00:00", tick=False):
        first = client.get(url)
    with time_machine.travel("2026-01-01 10:00:05", tick=False):
        second = client.get(url)

    assert first.content == second.content
    assert first["ETag"] == second["ETag"]


def test_only_a_local_policing_body_writes_a_letter_and_its_date_must_be_a_date(
    world, client, force_a_response
):
    published_update(world, force_a_response, narrative="<p>Done.</p>", public=True)

    assert client.get(reverse("public:letter", args=["safe-to-share", "force-a"])).status_code \
        == 404
    letter = reverse("public:letter", args=["safe-to-share", "force-a-pcc"])
    assert client.get(letter + "?date=2022-13-01").status_code == 404
    assert client.get(letter + "?date=2022-06-01").status_code == 200


def test_a_change_of_office_holder_is_in_the_audit_trail(world):
    from auditlog.models import LogEntry

    holder = world.lpb_a.office_holders.create(name="Ann Example", title="Force A PCC",
                                               started_on=datetime.date(2016, 5, 12))
    holder.ended_on = datetime.date(2024, 5, 6)
    holder.save()

    entries = LogEntry.objects.get_for_object(holder)
    assert entries.count() == 2
    assert "ended_on" in entries.first().changes_dict
