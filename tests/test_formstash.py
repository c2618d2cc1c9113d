"""
Typed text survives a session that expired or a CSRF check that failed (core/formstash.py).
"""

import datetime
import re
from html import unescape

import pytest
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from core import formstash
from responses.choices import Status
from responses.models import Response, ResponseUpdate
from tests.conftest import draft_update, sign_in_with_password
from tests.responses.helpers import create_url

EXPIRED_BANNER = "You were signed out before your update was saved. Check what you typed"
SIGN_IN_BANNER = "Sign in again: what you typed comes back for you to check and save."
CSRF_BANNER = "Your form expired before it was saved."
NARRATIVE = "A long account of the work.\n\nSecond paragraph:\n- first action\n- second action"


def typed(**overrides):
    data = {
        "as_of_day": "3", "as_of_month": "4", "as_of_year": "2022",
        "status": Status.IN_PROGRESS, "narrative": NARRATIVE,
        "position_provided_by": "DCI Smith", "marking": "OFFICIAL", "action": "submit",
    }
    data.update(overrides)
    return data


def expire_sessions():
    """What the session timing out does: the browser still sends a cookie the server forgot."""
    Session.objects.all().delete()


# What a browser sends with a form posted from one of this site's own pages.
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def sign_in(client, user, next_url, carried=()):
    """Sign in with the sign-in form, posting back the typed text it carries (`carried`)."""
    page = sign_in_with_password(client, user, next_url, **dict_of_lists(carried))
    assert page.headers["Location"] == next_url


def dict_of_lists(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def carried_inputs(html):
    """The hidden inputs of the sign-in form that carry typed text, as (name, value)."""
    return [
        (unescape(name), unescape(value))
        for name, value in re.findall(
            r'<input type="hidden" name="(typed-text:[^"]*)" value="([^"]*)">', html
        )
    ]


# Session expired


def test_a_signed_out_post_goes_to_sign_in_and_the_text_comes_back_once(world, client):
    client.force_login(world.contributor)
    url = create_url(world)
    expire_sessions()

    page = client.post(url, typed())

    # The sign-in page, there and then, carrying the text: nothing stored meanwhile.
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert SIGN_IN_BANNER in html
    assert f'name="next" value="{url}"' in html
    assert page.headers["Cache-Control"] == "no-store"
    carried = carried_inputs(html)
    assert ("typed-text:narrative", NARRATIVE) in carried
    assert not any(name.endswith(("csrfmiddlewaretoken", ":action")) for name, _ in carried)
    assert not Session.objects.exists()
    assert not Response.objects.exists() and not ResponseUpdate.objects.exists()

    sign_in(client, world.contributor, url, carried)
    html = client.get(url).content.decode()
    assert EXPIRED_BANNER in html
    assert f"{NARRATIVE}</textarea>" in html
    assert 'value="DCI Smith"' in html
    assert 'name="as_of_day" type="text" inputmode="numeric" value="3"' in html
    assert 'value="in_progress" checked' in html
    # Put back for checking, not submitted: no errors, and nothing saved.
    assert "There is a problem" not in html
    assert not ResponseUpdate.objects.exists()

    again = client.get(url).content.decode()
    assert EXPIRED_BANNER not in again
    assert NARRATIVE not in again


def test_signed_out_posts_create_no_session_rows(world, client):
    """Posting signed out, with a valid CSRF token, again and again, stores nothing."""
    client = Client(enforce_csrf_checks=True)
    url = create_url(world)
    client.get(reverse("login"))  # a visitor's CSRF cookie, as the sign-in page sets
    token = client.cookies["csrftoken"].value

    answers = [
        client.post(url, {**typed(narrative="x" * 50_000), "csrfmiddlewaretoken": token},
                    **SAME_ORIGIN).status_code
        for _ in range(3)
    ]

    assert not Session.objects.exists()
    assert answers == [200, 200, 200]  # the sign-in page, carrying the text


def test_a_wrong_password_keeps_carrying_the_text(world, client):
    client.force_login(world.contributor)
    url = create_url(world)
    expire_sessions()
    carried = carried_inputs(client.post(url, typed()).content.decode())

    page = client.post(reverse("login"), {"username": world.contributor.username,
                                          "password": "wrong", "next": url,
                                          **dict_of_lists(carried)})

    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert carried_inputs(page.content.decode()) == carried
    sign_in(client, world.contributor, url, carried)
    assert f"{NARRATIVE}</textarea>" in client.get(url).content.decode()


def test_text_carried_to_a_form_that_keeps_none_is_not_stashed(world, client):
    url = reverse("workflow:response_review",
                  args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug])

    sign_in(client, world.approver, url, [("typed-text:comment", "Some text")])

    assert formstash.SESSION_KEY not in client.session


def test_the_text_of_a_draft_being_edited_wins_over_the_stored_draft(world, client):
    update = draft_update(world, organisation=world.force_a, recommendation=world.rec_1,
                          as_of=datetime.date(2021, 1, 1), status=Status.NOT_STARTED,
                          narrative="<p>Old words.</p>")
    url = reverse("workflow:update_edit", args=[update.pk])
    client.force_login(world.contributor)
    expire_sessions()

    page = client.post(url, typed(narrative="New words typed for an hour."))
    sign_in(client, world.contributor, url, carried_inputs(page.content.decode()))
    html = client.get(url).content.decode()

    assert "New words typed for an hour.</textarea>" in html
    assert "Old words." not in html
    update.refresh_from_db()
    assert update.narrative == "<p>Old words.</p>"


def test_someone_else_signing_in_does_not_get_the_form(world, client):
    client.force_login(world.contributor)
    url = create_url(world)
    expire_sessions()
    page = client.post(url, typed())

    sign_in(client, world.other_contributor, url, carried_inputs(page.content.decode()))

    assert client.get(url).status_code == 403


def test_a_signed_out_post_to_an_ordinary_view_is_not_kept(world, client):
    url = reverse("workflow:response_review",
                  args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug])

    page = client.post(url, {"outcome": "closed", "comment": "Some text"})

    assert page.status_code == 302
    assert page.headers["Location"].startswith(reverse("login"))
    assert formstash.SESSION_KEY not in client.session


# CSRF failed


def test_a_failed_csrf_check_shows_the_form_again_with_the_text(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    url = create_url(world)

    page = client.post(url, typed(), **SAME_ORIGIN)

    assert page.status_code == 303
    assert page.headers["Location"] == url
    assert not ResponseUpdate.objects.exists() and not Response.objects.exists()
    html = client.get(url).content.decode()
    assert CSRF_BANNER in html
    assert f"{NARRATIVE}</textarea>" in html
    assert not ResponseUpdate.objects.exists()
    assert CSRF_BANNER not in client.get(url).content.decode()


def test_resubmitting_the_refilled_form_saves_it(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    url = create_url(world)
    client.post(url, typed(), **SAME_ORIGIN)

    token = client.get(url).context["csrf_token"]
    page = client.post(url, {**typed(), "csrfmiddlewaretoken": str(token)})

    assert page.status_code == 302
    assert ResponseUpdate.objects.get().narrative.startswith("<p>A long account")


def test_a_failed_csrf_check_elsewhere_is_a_403_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.approver)
    url = reverse("workflow:response_review",
                  args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug])

    page = client.post(url, {"outcome": "closed"}, **SAME_ORIGIN)

    assert page.status_code == 403
    assert "This form has expired" in page.content.decode()
    assert formstash.SESSION_KEY not in client.session


def test_a_forged_post_without_a_session_stashes_nothing(world):
    client = Client(enforce_csrf_checks=True)

    page = client.post(create_url(world), typed())

    assert page.status_code == 403
    assert not Session.objects.exists()


@pytest.mark.parametrize("headers", [
    {"HTTP_ORIGIN": "https://attacker.example"},
    {"HTTP_ORIGIN": "null"},
    {"HTTP_REFERER": "https://attacker.example/forged.html"},
    {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
    {},  # neither header: cannot be shown to come from this site
], ids=["foreign-origin", "null-origin", "foreign-referer", "other-scheme", "no-headers"])
def test_a_cross_site_post_in_a_live_session_prefills_nothing(world, headers):
    """A forged post riding the victim's session gets the plain 403 and leaves no stash."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    url = create_url(world)

    page = client.post(url, typed(narrative="Text chosen by an attacker"), **headers)

    assert page.status_code == 403
    assert "This form has expired" in page.content.decode()
    assert formstash.SESSION_KEY not in client.session
    html = client.get(url).content.decode()
    assert CSRF_BANNER not in html
    assert "Text chosen by an attacker" not in html


def test_a_same_site_referer_without_origin_still_rescues_the_text(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    url = create_url(world)

    page = client.post(url, typed(), HTTP_REFERER=f"http://testserver{url}")

    assert page.status_code == 303
    assert CSRF_BANNER in client.get(url).content.decode()


def test_a_trusted_origin_rescues_the_text(world, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.org"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.contributor)
    url = create_url(world)

    page = client.post(url, typed(), HTTP_ORIGIN="https://tracker.example.org")

    assert page.status_code == 303
    assert CSRF_BANNER in client.get(url).content.decode()


# The stash itself


def post_request(path, data, session=None):
    request = RequestFactory().post(path, data)
    request.session = session if session is not None else {}
    return request


def test_the_stash_leaves_out_the_token_and_the_button_and_keeps_repeated_values():
    request = post_request("/form/", {"csrfmiddlewaretoken": "x", "action": "submit",
                                      "narrative": "Text", "tag": ["a", "b"]})

    assert formstash.stash(request, formstash.SIGNED_OUT)

    data, banner = formstash.pop(request)
    assert dict(data.lists()) == {"narrative": ["Text"], "tag": ["a", "b"]}
    assert banner.startswith("You were signed out")
    assert formstash.pop(request) == (None, "")
    assert formstash.SESSION_KEY not in request.session


def test_an_oversized_post_is_not_stashed():
    request = post_request("/form/", {"narrative": "x" * (formstash.MAX_STASH_BYTES + 1)})

    assert not formstash.stash(request, formstash.CSRF_FAILED)
    assert formstash.SESSION_KEY not in request.session


def test_a_stash_belongs_to_its_path_and_only_the_newest_few_are_kept():
    session = {}
    for number in range(formstash.MAX_STASHES + 2):
        formstash.stash(post_request(f"/form/{number}/", {"n": str(number)}, session),
                        formstash.CSRF_FAILED)

    assert len(session[formstash.SESSION_KEY]) == formstash.MAX_STASHES
    assert formstash.pop(post_request("/form/0/", {}, session)) == (None, "")
    assert formstash.pop(post_request("/elsewhere/", {}, session)) == (None, "")
    data, _ = formstash.pop(post_request("/form/6/", {}, session))
    assert data["n"] == "6"


def test_views_are_marked_by_a_class_attribute():
    def unmarked(request):
        return HttpResponse()

    class View:
        keeps_typed_text = True

    def as_view(request):
        return HttpResponse()

    as_view.view_class = View

    assert formstash.keeps_typed_text(as_view)
    assert not formstash.keeps_typed_text(unmarked)


@pytest.mark.parametrize("name", ["update_create", "update_edit"])
def test_the_update_forms_keep_typed_text(name):
    from workflow.views import responses as workflow

    view = {"update_create": workflow.UpdateCreateView,
            "update_edit": workflow.UpdateEditView}[name]
    assert formstash.keeps_typed_text(view.as_view())
    assert not formstash.keeps_typed_text(workflow.UpdateSignOffView.as_view())


def test_the_middleware_sits_between_authentication_and_login_required(settings):
    middleware = settings.MIDDLEWARE
    position = middleware.index("core.formstash.FormStashMiddleware")
    assert middleware[position - 1] == "django.contrib.auth.middleware.AuthenticationMiddleware"
    assert middleware[position + 1] == "django.contrib.auth.middleware.LoginRequiredMiddleware"
    assert settings.CSRF_FAILURE_VIEW == "core.formstash.csrf_failure"
