"""People are named by full name, never by username; organisations in banners by full name."""

from django.template import Context, Template
from django.urls import reverse

from accounts.models import Membership
from tests.conftest import make_user, published_update, submitted_update
from tests.responses.helpers import response_url, sign_off_data


def render(user, default=None):
    argument = f':"{default}"' if default else ""
    return Template("{% load govuk %}{{ user|person" + argument + " }}").render(
        Context({"user": user}))


def test_a_person_is_named_by_full_name_then_email_never_username(world):
    named = make_user("essex.contributor", last_name="Okafor", email="c.okafor@example.org")
    unnamed = make_user("kent.contributor", email="lead@kent.example.org")
    unnamed.first_name = ""
    assert render(named) == "Essex.Contributor Okafor"
    assert render(unnamed) == "lead@kent.example.org"
    assert render(None, "A reviewer") == "A reviewer"


def test_the_timeline_never_shows_a_username(client, world):
    author = make_user("essex.contributor", world.force_a, Membership.Role.CONTRIBUTOR,
                       last_name="Okafor")
    author.first_name = "Chloe"
    author.save()
    published_update(world, organisation=world.force_a, recommendation=world.rec_1, author=author)
    client.force_login(world.viewer)
    page = client.get(response_url(world)).text
    assert "Chloe Okafor" in page
    assert "essex.contributor" not in page


def test_a_return_banner_names_the_organisation_in_full(client, world):
    update = submitted_update(world, organisation=world.force_a, recommendation=world.rec_1)
    client.force_login(world.approver)
    client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                sign_off_data(update, "return", comment="Add the dates."))
    assert "Update returned to Force A Police" in client.get(response_url(world)).text
