import datetime

import pytest
from django.http import QueryDict
from django.utils import timezone

from evidence.forms import ResponseReviewForm
from responses.choices import STATUS_DEFINITIONS, Marking, ReviewOutcome, Status
from responses.forms import (
    ResponseUpdateForm,
    ReturnUpdateForm,
    initial_from_data,
)
from responses.models import AWAITING_REQUIRED
from tests.conftest import draft_update


def data(**overrides):
    values = {
        "as_of_day": "14", "as_of_month": "1", "as_of_year": "2022",
        "status": Status.IN_PROGRESS, "narrative": "", "awaiting": "",
        "position_provided_by": "", "marking": Marking.OFFICIAL, "lead": "",
        "portal_reference": "",
    }
    values.update(overrides)
    return values


def errors(**overrides):
    form = ResponseUpdateForm(data(**overrides))
    form.is_valid()
    return form.errors


def test_a_complete_update_is_valid_and_gives_the_services_their_fields():
    form = ResponseUpdateForm(data(narrative="One\ntwo\n\n- a\n- b", position_provided_by=" DCC ",
                                   public="on", lead="DCI Smith", evidence_submitted="on"))

    assert form.is_valid(), form.errors
    assert form.update_fields() == {
        "as_of": datetime.date(2022, 1, 14),
        "as_of_precision": "day",
        "status": Status.IN_PROGRESS,
        "narrative": "<p>One<br>two</p><ul><li>a</li><li>b</li></ul>",
        "awaiting": "",
        "awaited_recommendation": None,
        "awaited_organisation": None,
        "position_provided_by": "DCC",
        "marking": Marking.OFFICIAL,
        "public": True,
        "evidence_submitted": True,
        # The response's details travel with the update until it is published.
        "lead": "DCI Smith",
        "portal_reference": "",
    }
    assert form.response_fields() == {"lead": "DCI Smith", "portal_reference": ""}


def test_typed_markup_is_escaped_not_interpreted():
    form = ResponseUpdateForm(data(narrative="<script>alert(1)</script>"))

    assert form.is_valid()
    assert "<script>" not in form.update_fields()["narrative"]
    assert "&lt;script&gt;" in form.update_fields()["narrative"]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter the date as of which this position is true"),
        # A month and year alone is a month-only date; a day without its month is not.
        ("", "", "2022", "The date must include a month"),
        ("1", "", "2022", "The date must include a month"),
        ("1", "", "", "The date must include a month and year"),
        ("31", "2", "2022", "The date must be a real date"),
        ("1", "13", "2022", "The date must be a real date"),
        ("a", "4", "2022", "The date must be a real date"),
        ("1", "4", "22", "Year must include 4 numbers"),
    ],
)
def test_the_date_explains_what_is_wrong(day, month, year, message):
    assert errors(as_of_day=day, as_of_month=month, as_of_year=year)["as_of"] == [message]


def test_the_date_cannot_be_in_the_future():
    future = datetime.date.today() + datetime.timedelta(days=2)

    assert errors(as_of_day=str(future.day), as_of_month=str(future.month),
                  as_of_year=str(future.year))["as_of"] == ["The date cannot be in the future"]


def test_the_date_accepts_spaces_and_leading_zeros():
    form = ResponseUpdateForm(data(as_of_day=" 03", as_of_month="04 ", as_of_year="2022"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["as_of"] == datetime.date(2022, 4, 3)


def test_a_status_and_a_marking_are_required():
    found = errors(status="", marking="")

    assert found["status"] == ["Select the status of the response"]
    assert found["marking"] == ["Select the protective marking"]


def test_not_accepted_needs_an_explanation():
    assert errors(status=Status.NOT_ACCEPTED, narrative="  ")["narrative"] == [
        "Explain why no action will be taken"
    ]
    assert not errors(status=Status.NOT_ACCEPTED, narrative="Outside our remit.")


def test_awaiting_national_guidance_needs_what_is_awaited():
    assert errors(status=Status.AWAITING_NATIONAL)["awaiting"] == [AWAITING_REQUIRED]
    form = ResponseUpdateForm(data(status=Status.AWAITING_NATIONAL, awaiting="Recommendation 2"))
    assert form.is_valid()
    assert form.update_fields()["awaiting"] == "Recommendation 2"


def test_what_is_awaited_is_dropped_when_the_status_does_not_need_it():
    form = ResponseUpdateForm(data(status=Status.COMPLETED, awaiting="Recommendation 2"))

    assert form.is_valid()
    assert form.update_fields()["awaiting"] == ""


def test_a_sensitive_update_cannot_be_public():
    assert errors(marking=Marking.OFFICIAL_SENSITIVE, public="on")["public"]
    assert not errors(marking=Marking.OFFICIAL_SENSITIVE)


def test_a_new_form_starts_with_today_and_official():
    form = ResponseUpdateForm()

    assert form["as_of"].value() == timezone.localdate()
    assert form["marking"].value() == Marking.OFFICIAL


def test_each_status_carries_its_definition_as_a_hint():
    hints = ResponseUpdateForm().fields["status"].option_hints

    assert set(hints) == set(Status.values)
    assert hints[Status.NOT_ACCEPTED] == STATUS_DEFINITIONS[Status.NOT_ACCEPTED]


def test_editing_a_draft_starts_from_its_plain_text(world, response):
    update = draft_update(
        world, response, as_of=datetime.date(2021, 3, 2),
        lead="DCI Smith", portal_reference="#1",
        status=Status.AWAITING_NATIONAL, awaiting="Home Office review",
        narrative="<p>One &amp; two<br>three</p><ul><li>a</li></ul>",
    )

    initial = ResponseUpdateForm.initial_for_update(update)

    assert initial["narrative"] == "One & two\nthree\n\n- a"
    assert initial["as_of"] == datetime.date(2021, 3, 2)
    assert initial["awaiting"] == "Home Office review"
    assert (initial["lead"], initial["portal_reference"]) == ("DCI Smith", "#1")
    # Saving it unchanged gives the same HTML back.
    form = ResponseUpdateForm(data(narrative=initial["narrative"],
                                   status=Status.AWAITING_NATIONAL, awaiting="x"))
    assert form.is_valid()
    assert form.update_fields()["narrative"] == update.narrative


def test_posted_values_become_initial_values_without_validation():
    posted = QueryDict(mutable=True)
    posted.update(data(as_of_month="13", narrative="Typed", public="on"))

    initial = initial_from_data(ResponseUpdateForm, posted)
    form = ResponseUpdateForm(initial=initial)

    assert initial["as_of"] == ["14", "13", "2022"]
    assert initial["public"] is True
    assert form["narrative"].value() == "Typed"
    assert not form.is_bound and not form.errors


def test_returning_needs_a_comment_and_each_return_form_has_its_own_ids():
    form = ReturnUpdateForm({"comment": " "}, update_pk=7)

    assert not form.is_valid()
    assert form.errors["comment"] == ["Say why the update is being returned"]
    assert form["comment"].auto_id == "id_return_7_comment"


def test_a_review_returning_a_response_needs_a_comment():
    returned = ResponseReviewForm({"outcome": ReviewOutcome.RETURNED, "comment": ""})
    closed = ResponseReviewForm({"outcome": ReviewOutcome.CLOSED, "comment": ""})
    reopened = ResponseReviewForm({"outcome": ReviewOutcome.OPEN})

    assert returned.errors["comment"] == ["Say what more evidence is needed"]
    assert closed.is_valid()
    assert "outcome" in reopened.errors


def test_a_too_long_return_comment_gets_one_message():
    form = ReturnUpdateForm({"comment": "x" * 6000}, update_pk=3)

    assert not form.is_valid()
    assert len(form.errors["comment"]) == 1


def test_a_month_and_year_without_a_day_is_a_month_only_date():
    from responses.forms import ResponseUpdateForm

    form = ResponseUpdateForm(data={
        "as_of_day": "", "as_of_month": "5", "as_of_year": "2021",
        "status": "in_progress", "marking": "OFFICIAL",
    })
    assert form.is_valid(), form.errors
    fields = form.update_fields()
    assert (fields["as_of"], fields["as_of_precision"]) == (datetime.date(2021, 5, 1), "month")
    assert type(fields["as_of"]) is datetime.date


@pytest.mark.parametrize(("day", "month", "year", "message"), [
    ("", "13", "2021", "The date must be a real date"),
    ("", "5", "21", "Year must include 4 numbers"),
])
def test_a_month_only_date_still_needs_a_real_month_and_year(day, month, year, message):
    from responses.forms import ResponseUpdateForm

    form = ResponseUpdateForm(data={
        "as_of_day": day, "as_of_month": month, "as_of_year": year,
        "status": "in_progress", "marking": "OFFICIAL",
    })
    assert form.errors["as_of"] == [message]
