"""
Bad input gets a clear answer, never a 500: dates that overflow or are not ASCII digits, control
characters in URLs and filters, and text over its limit.
"""

import datetime

import pytest
from django.urls import reverse

from evidence.forms import ResponseReviewForm
from responses.forms import (
    COMMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    ResponseUpdateForm,
    ReturnUpdateForm,
)
from responses.models import ResponseUpdate
from tests.responses import helpers

pytestmark = pytest.mark.django_db


def update_data(**overrides):
    return helpers.form_data(**{
        "as_of_day": "14", "as_of_month": "1", "as_of_year": "2022",
        "position_provided_by": "", **overrides,
    })



# --- Dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        # A number too big for datetime.date raised OverflowError: a 500.
        ("1", "1", "99999999999999999999", "Year must include 4 numbers"),
        ("99999999999999999999", "1", "2021", "The date must be a real date"),
        ("1", "99999999999999999999", "2021", "The date must be a real date"),
        # int() takes these; they are not what a person meant by a year.
        ("1", "1", "+202", "The date must be a real date"),
        ("1", "1", "２０２１", "The date must be a real date"),
        ("１", "1", "2021", "The date must be a real date"),
        ("1", "1", "2_02", "The date must be a real date"),
        ("1", "1", "-202", "The date must be a real date"),
        ("1", "1", "202", "Year must include 4 numbers"),
        ("1", "1", "20211", "Year must include 4 numbers"),
        ("001", "1", "2021", "The date must be a real date"),
        ("1", "1", "0202", "Year must be between 1900 and 2100"),
        ("1", "1", "1899", "Year must be between 1900 and 2100"),
    ],
)
def test_a_date_takes_only_ascii_digits_of_the_right_length(day, month, year, message):
    form = ResponseUpdateForm(update_data(as_of_day=day, as_of_month=month, as_of_year=year))

    assert not form.is_valid()
    assert form.errors["as_of"] == [message]


def test_the_first_and_last_years_are_accepted():
    for year in ("1900", "2000"):
        form = ResponseUpdateForm(update_data(as_of_year=year))
        assert form.is_valid(), form.errors


def test_a_huge_year_on_the_form_page_is_an_error_not_a_500(world, client):
    client.force_login(world.contributor)

    page = client.post(helpers.create_url(world),
                       update_data(as_of_year="9" * 40, narrative="Kept."))

    assert page.status_code == 200
    assert "Year must include 4 numbers" in page.text
    assert "Kept.</textarea>" in page.text
    assert not ResponseUpdate.objects.exists()


# --- Control characters ----------------------------------------------------------------------

def bad_urls(world):
    slug, number = world.super_complaint.slug, world.rec_1.number
    recommendation = reverse("responses:recommendation_detail", args=[slug, number])
    matrix = reverse("responses:matrix", args=[slug])
    return [
        f"/super-complaints/{slug}/recommendations/%00/",
        f"/super-complaints/{slug}/recommendations/{number}/%00/",
        "/super-complaints/%00/matrix/",
        "/organisations/%00/",
        f"{recommendation}?q=%00",
        f"{recommendation}?q=a%00b",
        f"{recommendation}?region=%00",
        f"{recommendation}?%00=1",
        f"{matrix}?q=%00",
        f"{reverse('responses:recommendation_export', args=[slug, number])}?q=%00",
        f"{reverse('responses:matrix_export', args=[slug])}?q=%00",
        f"{recommendation}?q=%01",
        "/updates/1/edit/%00",
    ]


def test_a_nul_byte_in_a_url_or_a_filter_is_a_400_with_a_plain_message(world, client):
    client.force_login(world.contributor)

    for url in bad_urls(world):
        page = client.get(url)
        assert page.status_code == 400, url
        assert page["Content-Type"].startswith("text/plain")
        assert "character that is not allowed" in page.text


def test_a_nul_byte_is_refused_before_sign_in_too(world, client):
    page = client.get(f"/super-complaints/{world.super_complaint.slug}/recommendations/%00/")

    assert page.status_code == 400


def test_a_nul_byte_in_the_session_cookie_is_a_400(world, client):
    # A quoted cookie's octal escape is unquoted by the cookie parser into a real NUL.
    page = client.get(reverse("login"),
                      HTTP_COOKIE='sessionid="\\000abcdefghijklmnopqrstuvwxyz"')

    assert page.status_code == 400


def test_ordinary_filters_with_tabs_and_accents_still_work(world, client):
    client.force_login(world.contributor)
    url = reverse("responses:recommendation_detail",
                  args=[world.super_complaint.slug, world.rec_1.number])

    assert client.get(url, {"q": "Forcé\tA"}).status_code == 200


def test_a_nul_byte_in_a_posted_field_is_a_form_error_with_the_text_kept(world, client):
    client.force_login(world.contributor)

    page = client.post(helpers.create_url(world), update_data(narrative="Before\x00after",
                                                      position_provided_by="DCI \x00Brown"))

    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert "Null characters are not allowed." in page.text
    assert not ResponseUpdate.objects.exists()


def test_a_nul_byte_in_a_sign_in_is_a_form_error(world, client):
    page = client.post(reverse("login"), {"username": "ali\x00ce", "password": "x"})

    assert page.status_code == 200


# --- Lengths ---------------------------------------------------------------------------------

def test_a_narrative_over_the_limit_is_refused_with_everything_typed_kept(world, client):
    client.force_login(world.contributor)
    narrative = "word " * (NARRATIVE_MAX_LENGTH // 5) + "over"

    page = client.post(helpers.create_url(world), update_data(narrative=narrative, lead="Supt X"))

    assert page.status_code == 200
    assert f"Narrative must be {NARRATIVE_MAX_LENGTH:,} characters or fewer" in page.text
    assert f"{narrative.strip()}</textarea>" in page.text
    assert 'value="Supt X"' in page.text
    assert not ResponseUpdate.objects.exists()


def test_a_narrative_at_the_limit_is_accepted():
    form = ResponseUpdateForm(update_data(narrative="x" * NARRATIVE_MAX_LENGTH))

    assert form.is_valid(), form.errors


def test_the_narrative_box_does_not_cut_pasted_text_in_the_browser(world, client):
    client.force_login(world.contributor)

    page = client.get(helpers.create_url(world))

    assert 'name="narrative"' in page.text
    assert "maxlength" not in page.text.split('name="narrative"')[1].split(">")[0]
    assert "maxlength" not in page.text.split('name="narrative"')[0].rsplit("<", 1)[1]


def test_return_and_review_comments_are_bounded():
    long = "x" * (COMMENT_MAX_LENGTH + 1)

    returned = ReturnUpdateForm({"comment": long}, update_pk=1)
    reviewed = ResponseReviewForm({"outcome": "closed", "comment": long})

    assert f"The reason must be {COMMENT_MAX_LENGTH:,} characters or fewer" in (
        returned.errors["comment"]
    )
    assert reviewed.errors["comment"] == [
        f"Comment must be {COMMENT_MAX_LENGTH:,} characters or fewer"
    ]


def test_every_free_text_field_of_the_workflow_forms_is_bounded():
    free_text = [
        (form, name, field)
        for form in (ResponseUpdateForm(), ReturnUpdateForm(update_pk=1), ResponseReviewForm())
        for name, field in form.fields.items()
        if type(field).__name__ == "CharField"
    ]
    # The update's awaiting, narrative, position, lead and reference, and the two comments.
    assert len(free_text) == 7, [name for _, name, _ in free_text]
    for form, name, field in free_text:
        assert field.max_length, f"{type(form).__name__}.{name} has no max_length"


def test_a_date_today_is_accepted():
    today = datetime.date.today()
    form = ResponseUpdateForm(update_data(as_of_day=str(today.day), as_of_month=str(today.month),
                                          as_of_year=str(today.year)))

    assert form.is_valid(), form.errors
