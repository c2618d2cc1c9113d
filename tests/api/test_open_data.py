"""The read-only open-data API: who reads what, filters, pages, polling, limits, the schema."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from knox.models import AuthToken

from evidence import services as evidence_services
from responses.choices import ReviewOutcome
from responses.models import Response
from tests.conftest import published_update
from tests.responses.test_browse_views import grow


def api(name, *args):
    return reverse(f"api:{name}", args=args)


def responses_of(client, **params):
    return client.get(api("response_list"), params).json()["results"]


def test_anonymous_callers_read_only_published_public_official_updates(client, data):
    results = responses_of(client)
    assert [(r["recommendation"], r["organisation"]) for r in results] == [("1", "force-a")]
    (response,) = results
    assert [u["narrative"] for u in response["updates"]] == ["<p>Public May position.</p>"]
    # The current position is the latest update they may read, not the sensitive one.
    assert response["status"] == "in_progress"
    assert response["status_on"] == "2021-05-01"
    assert response["lead"] is None and response["portal_reference"] is None
    body = client.get(api("response_list")).content.decode()
    for hidden in ("Sensitive June", "Draft July", "Internal position", "Awaiting sign-off",
                   "completed"):
        assert hidden not in body


def test_anonymous_callers_cannot_reach_a_hidden_response_directly(client, data):
    response = client.get(api("response_detail", "safe-to-share", "5", "force-a"))
    assert response.status_code == 404
    response = client.get(api("response_detail", "safe-to-share", "1", "force-b"))
    assert response.status_code == 404


def test_a_reviewer_with_a_session_gets_every_published_update_but_never_drafts(client, data):
    client.force_login(data.reviewer)
    results = responses_of(client)
    assert [(r["recommendation"], r["organisation"]) for r in results] == [
        ("1", "force-a"), ("5", "force-a"),
    ]
    assert [u["narrative"] for u in results[0]["updates"]] == [
        "<p>Sensitive June position.</p>", "<p>Public May position.</p>",
    ]
    assert results[0]["status"] == "completed"
    assert results[0]["lead"] == "DCI Smith"
    body = client.get(api("response_list")).content.decode()
    assert "Draft July" not in body and "Awaiting sign-off" not in body


def test_a_caller_without_a_need_to_know_never_reads_sensitive_text(client, data):
    client.force_login(data.outsider)
    results = responses_of(client)
    narratives = [u["narrative"] for r in results for u in r["updates"]]
    assert "<p>Public May position.</p>" in narratives
    assert "<p>Sensitive June position.</p>" not in narratives
    assert "Sensitive June" not in client.get(api("response_list")).content.decode()


def test_the_writing_organisation_gets_no_drafts_from_the_api_either(client, data):
    client.force_login(data.contributor)
    body = client.get(api("response_list")).content.decode()
    assert "Draft July" not in body


def test_a_session_owing_its_two_factor_code_reads_as_anonymous(client, data):
    from tests.conftest import force_login_without_two_factor

    force_login_without_two_factor(client, data.approver)  # approvers must use two-factor
    results = responses_of(client)
    assert [u["narrative"] for u in results[0]["updates"]] == ["<p>Public May position.</p>"]


def test_a_token_reads_every_published_update_and_a_revoked_one_is_refused(client, data):
    token_row, token = AuthToken.objects.create(user=data.outsider)
    headers = {"Authorization": f"Token {token}"}
    results = client.get(api("response_list"), headers=headers).json()["results"]
    assert len(results) == 2
    assert AuthToken.objects.get().digest != token  # only a hash is kept

    token_row.delete()
    response = client.get(api("response_list"), headers=headers)
    assert response.status_code == 401


def test_signed_in_answers_are_never_cached_and_vary_on_the_caller(client, data):
    _, token = AuthToken.objects.create(user=data.outsider)
    response = client.get(api("response_list"), headers={"Authorization": f"Token {token}"})
    assert response["Cache-Control"] == "no-store"
    assert {"Authorization", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}
    assert "no-store" not in client.get(api("response_list")).get("Cache-Control", "")


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_are_refused(client, data, method):
    _, token = AuthToken.objects.create(user=data.contributor)
    assert getattr(client, method)(api("response_list")).status_code == 405
    response = getattr(client, method)(
        api("response_list"), headers={"Authorization": f"Token {token}"}
    )
    assert response.status_code == 405
    assert Response.objects.count() == 3


def test_a_session_post_without_its_csrf_token_is_refused(data):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(data.contributor)
    response = client.post(api("response_list"))
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"organisation": "force-a"}, [("1", "force-a"), ("5", "force-a")]),
        ({"recommendation": "5", "super_complaint": "safe-to-share"}, [("5", "force-a")]),
        ({"status": "completed"}, [("1", "force-a")]),
        ({"status": ["completed", "in_progress"]}, [("1", "force-a"), ("5", "force-a")]),
        ({"region": "South West"}, []),
        ({"kind": "local_policing_body"}, []),
        ({"super_complaint": "another"}, []),
    ],
)
def test_responses_filter_like_the_pages(client, data, params, expected):
    client.force_login(data.outsider)
    results = responses_of(client, **params)
    assert [(r["recommendation"], r["organisation"]) for r in results] == expected


def test_anonymous_status_filter_reads_the_position_they_may_see(client, data):
    assert responses_of(client, status="completed") == []
    assert len(responses_of(client, status="in_progress")) == 1


def test_a_bad_filter_value_is_a_400_naming_it(client, data):
    response = client.get(api("response_list"), {"kind": "spaceship"})
    assert response.status_code == 400
    assert "kind" in response.json()


def test_the_review_outcome_is_part_of_the_response(client, data):

    response = Response.objects.get(organisation=data.force_a, recommendation=data.rec_1)
    evidence_services.response_review(response=response, reviewer=data.reviewer,
                             outcome=ReviewOutcome.CLOSED, comment="Accepted.")
    (result,) = responses_of(client)
    assert result["review_outcome"] == "closed"
    assert result["reviewed_at"]


def test_recommendations_have_recipient_groups_and_expected_organisations(client, data):
    response = client.get(api("recommendation_detail", "safe-to-share", "5"))
    body = response.json()
    assert body["super_complaint"] == "safe-to-share"
    assert [g["slug"] for g in body["recipient_groups"]] == ["chief-constables", "pccs"]
    # By name, as on the pages: "Force A PCC" before "Force A Police".
    assert body["expected_organisations"] == ["force-a-pcc", "force-a", "force-b"]
    assert body["due_dates"] == [
        {"date": "2021-02-11", "applies_to": "local policing bodies"},
        {"date": "2021-06-17", "applies_to": "police forces"},
    ]
    listing = client.get(api("recommendation_list"), {"super_complaint": "safe-to-share"}).json()
    assert [r["number"] for r in listing["results"]] == ["1", "2", "5"]
    assert listing["results"][1]["expected_organisations"] == ["home-office"]


def test_a_response_has_its_deadline_state(client, data):
    (result,) = responses_of(client)
    assert result["deadline"]["due_on"] == "2021-06-17"
    # Signed out, the position is the public "in progress" of May 2021: stale by now.
    assert result["deadline"]["state"] == "stale"
    assert result["deadline"]["label"].startswith("Stale: no update for ")
    # Signed in, it is the completed June one, first signed off today: answered late.
    client.force_login(data.outsider)
    deadline = responses_of(client)[0]["deadline"]
    assert deadline["state"] == "answered_late"
    assert deadline["label"].startswith("Answered ")


def test_super_complaints_and_organisations_use_slugs(client, data):
    body = client.get(api("supercomplaint_detail", "safe-to-share")).json()
    assert body["short_title"] == "Safe to share?"
    assert body["progress_update_due_on"] == "2021-06-17"
    assert body["url"].endswith("/api/v1/super-complaints/safe-to-share/")
    organisation = client.get(api("organisation_detail", "force-a")).json()
    assert organisation["paired"] == "force-a-pcc"
    listing = client.get(api("organisation_list"), {"kind": "national_body"}).json()
    assert [o["slug"] for o in listing["results"]] == ["hmicfrs", "home-office"]


def test_lists_are_paginated(client, data):
    first = client.get(api("organisation_list"), {"page_size": 2}).json()
    assert first["count"] == 6
    assert len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert [o["slug"] for o in second["results"]] == ["force-b", "gone"]


def test_conditional_get_answers_304_until_something_is_published(client, data):
    url = api("response_list")
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304

    # A minute later (Last-Modified counts whole seconds).
    with time_machine.travel(datetime.timedelta(minutes=1)):
        # Recommendation 5: Force B's answer to recommendation 1 awaits sign-off, and one
        # update of a response waits at a time.
        published_update(data, organisation=data.force_b, recommendation=data.rec_5,
                         author=data.other_contributor, approver=data.other_approver,
                         as_of=datetime.date(2021, 8, 1), public=True)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 200


def test_anonymous_callers_are_rate_limited_sooner_than_signed_in_ones(client, data, settings):
    settings.API_ANONYMOUS_RATE = "2/minute"
    settings.API_SIGNED_IN_RATE = "4/minute"
    url = api("supercomplaint_list")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    client.force_login(data.outsider)
    assert [client.get(url).status_code for _ in range(5)] == [200, 200, 200, 200, 429]


def test_the_schema_and_the_documentation_page_are_public(client, data):
    schema = client.get(api("schema"), {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/responses/" in paths
    assert set(paths["/api/v1/responses/"]) == {"get"}
    docs = client.get(api("docs"))
    assert docs.status_code == 200
    assert "/api/v1/super-complaints/{slug}/recommendations/{number}/" in docs.text
    assert "<script" not in docs.text.split("</main>")[0].split("<main")[1]


def test_the_root_lists_the_resources(client, data):
    body = client.get(api("root")).json()
    assert body["responses"].endswith("/api/v1/responses/")


API_QUERY_COUNTS = {
    # Anonymous: the page and its count, and the page's prefetches.
    "supercomplaint_list": 2,
    "organisation_list": 2,
    "recommendation_list": 6,  # + recipient groups, dependencies, audiences, organisations
    "response_list": 3,  # + the readable updates
    "supercomplaint_detail": 1,
    "recommendation_detail": 5,
    "response_detail": 2,
}
API_URLS = {
    "supercomplaint_list": lambda: api("supercomplaint_list"),
    "organisation_list": lambda: api("organisation_list"),
    "recommendation_list": lambda: api("recommendation_list"),
    "response_list": lambda: api("response_list"),
    "supercomplaint_detail": lambda: api("supercomplaint_detail", "safe-to-share"),
    "recommendation_detail": lambda: api("recommendation_detail", "safe-to-share", "1"),
    "response_detail": lambda: api("response_detail", "safe-to-share", "1", "force-a"),
}
# A signed-in caller costs the session and the user, and for a session, no more; reading
# responses, also their memberships (whose OFFICIAL-SENSITIVE text they need to know).
SIGNED_IN_EXTRA = 2
NEED_TO_KNOW_EXTRA = {"response_list": 1, "response_detail": 1}


@pytest.mark.parametrize("factor", [1, 10])
@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("name", sorted(API_URLS))
def test_the_api_runs_a_fixed_number_of_queries(client, data, django_assert_num_queries,
                                                name, signed_in, factor):
    grow(data, factor)
    if signed_in:
        client.force_login(data.outsider)
    expected = API_QUERY_COUNTS[name] + (
        SIGNED_IN_EXTRA + NEED_TO_KNOW_EXTRA.get(name, 0) if signed_in else 0
    )
    with django_assert_num_queries(expected):
        response = client.get(API_URLS[name]())
    assert response.status_code == 200


def test_every_link_the_api_gives_is_under_site_url_whatever_the_host(client, data, settings):
    # Django checks a Host's name against ALLOWED_HOSTS but not its port; a shared cache in
    # front of the API would keep links to that port for every later caller.
    settings.SITE_URL = "https://tracker.example.org"
    host = {"HTTP_HOST": "testserver:6666"}
    root = client.get(api("root"), **host).json()
    listing = client.get(api("organisation_list"), {"page_size": 2, "page": 2}, **host).json()
    detail = client.get(api("response_detail", "safe-to-share", "1", "force-a"), **host).json()

    links = [*root.values(), listing["next"], listing["previous"], detail["url"],
             *(o["url"] for o in listing["results"])]
    assert all(link.startswith("https://tracker.example.org/api/v1/") for link in links), links
    assert listing["next"] == (
        "https://tracker.example.org/api/v1/organisations/?page=3&page_size=2"
    )
    assert listing["previous"] == "https://tracker.example.org/api/v1/organisations/?page_size=2"
