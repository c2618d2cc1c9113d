"""
The GOV.UK partials in templates/partials/, rendered on their own and read as a user's browser
would get them.
"""

import re

from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from pytest_django.asserts import assertInHTML

from responses.forms import DateInputField


class UpdateForm(forms.Form):
    """A small form for rendering the partials, with the project's own date field and widget."""

    as_of = DateInputField(label="Date of this update", help_text="For example, 27 3 2025")
    status = forms.ChoiceField(
        choices=[("not_started", "Not started"), ("completed", "Completed")],
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(widget=forms.Textarea, help_text="What has been done")
    public = forms.BooleanField(required=False, label="Publish this update")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].option_hints = {"completed": "Implemented; evidence described."}

    def clean(self):
        raise forms.ValidationError("Someone else changed this response. Check it again.")


def invalid_form():
    form = UpdateForm(data={
        "as_of_day": "31", "as_of_month": "2", "as_of_year": "2025",
        "status": "completed",
        "narrative": "",
    })
    assert not form.is_valid()
    return form


def test_error_summary_links_each_field_error_to_its_input():
    html = render_to_string("partials/_error_summary.html", {"form": invalid_form()})

    assert "There is a problem" in html
    assertInHTML('<a href="#id_narrative">This field is required.</a>', html)
    # A date links to its first box, which exists, not to the group around the boxes.
    assertInHTML('<a href="#id_as_of_day">The date must be a real date</a>', html)
    # An error about the whole form has nothing to link to.
    assertInHTML("<li>Someone else changed this response. Check it again.</li>", html)


def test_error_summary_is_absent_when_the_form_is_fine():
    form = UpdateForm(data={})
    form.errors.clear()  # a bound form without errors

    assert render_to_string("partials/_error_summary.html", {"form": form}).strip() == ""


def test_field_keeps_typed_textarea_text_with_its_line_breaks_after_an_error():
    form = UpdateForm(data={"narrative": "First line\r\nSecond line", "status": "nonsense"})
    form.is_valid()
    form.add_error("narrative", "Narrative is too short")

    html = render_to_string("partials/_field.html", {"field": form["narrative"]})

    assert "First line\r\nSecond line</textarea>" in html
    assert 'class="govuk-form-group govuk-form-group--error"' in html
    assert re.search(r'<textarea[^>]*class="govuk-textarea govuk-textarea--error"', html)
    assert 'aria-describedby="id_narrative-hint id_narrative-error"' in html
    assertInHTML(
        '<p id="id_narrative-error" class="govuk-error-message">'
        '<span class="govuk-visually-hidden">Error:</span> Narrative is too short</p>',
        html,
    )
    assertInHTML('<div id="id_narrative-hint" class="govuk-hint">What has been done</div>', html)


def test_field_draws_radios_in_a_fieldset_with_a_hint_under_each_option():
    form = invalid_form()

    html = render_to_string("partials/_field.html", {"field": form["status"]})

    assertInHTML('<legend class="govuk-fieldset__legend">Status</legend>', html)
    # The first radio carries the field's own id, so the error summary can link to it.
    assertInHTML(
        '<input class="govuk-radios__input" id="id_status" name="status" type="radio"'
        ' value="not_started">',
        html,
    )
    assertInHTML(
        '<input class="govuk-radios__input" id="id_status-2" name="status" type="radio"'
        ' value="completed" checked aria-describedby="id_status-2-item-hint">',
        html,
    )
    assertInHTML(
        '<div id="id_status-2-item-hint" class="govuk-hint govuk-radios__hint">'
        "Implemented; evidence described.</div>",
        html,
    )


def test_field_draws_a_boolean_as_a_single_small_checkbox():
    html = render_to_string("partials/_field.html", {"field": UpdateForm()["public"]})

    assert "govuk-checkboxes govuk-checkboxes--small" in html
    assertInHTML(
        '<label class="govuk-label govuk-checkboxes__label" for="id_public">'
        "Publish this update</label>",
        html,
    )


def test_date_input_gives_back_what_was_typed_with_error_styling():
    html = render_to_string("partials/_date_input.html", {"field": invalid_form()["as_of"]})

    assert 'aria-describedby="id_as_of-hint id_as_of-error"' in html
    assertInHTML('<legend class="govuk-fieldset__legend">Date of this update</legend>', html)
    assertInHTML(
        '<input class="govuk-input govuk-date-input__input govuk-input--width-2 '
        'govuk-input--error" id="id_as_of_day" name="as_of_day" type="text" '
        'inputmode="numeric" value="31">',
        html,
    )
    assertInHTML(
        '<input class="govuk-input govuk-date-input__input govuk-input--width-4 '
        'govuk-input--error" id="id_as_of_year" name="as_of_year" type="text" '
        'inputmode="numeric" value="2025">',
        html,
    )


def test_status_tags_carry_the_status_colour_and_its_label():
    def tag(**context):
        return render_to_string("partials/_status_tag.html", context).strip()

    assert tag(status="completed", label="Completed") == (
        '<strong class="govuk-tag govuk-tag--green">Completed</strong>'
    )
    assert 'class="govuk-tag govuk-tag--teal">In progress – nearing' in tag(
        status="nearing_completion", label="In progress – nearing completion"
    )
    assert 'class="govuk-tag govuk-tag--red">Not started<' in tag(
        status="not_started", label="Not started"
    )
    assert 'class="govuk-tag govuk-tag--yellow">' in tag(
        status="awaiting_national", label="Awaiting national guidance"
    )
    assert tag(status="in_progress", label="In progress") == (
        '<strong class="govuk-tag">In progress</strong>'
    )
    assert tag(no_response=True) == (
        '<strong class="govuk-tag govuk-tag--grey">No response yet</strong>'
    )
    assert 'class="govuk-tag govuk-tag--orange">In progress<' in tag(
        status="in_progress", label="In progress", rag="amber"
    )


def test_pagination_keeps_the_filters_and_marks_the_current_page():
    request = RequestFactory().get("/responses/", {"region": "North East", "page": "5"})
    page = Paginator(range(200), 10).page(5)

    html = render_to_string(
        "partials/_pagination.html", {"page_obj": page, "request": request}
    )

    assert 'aria-label="Pagination"' in html
    assert 'href="?region=North+East&amp;page=4" rel="prev"' in html
    assert 'href="?region=North+East&amp;page=6" rel="next"' in html
    assertInHTML(
        '<a class="govuk-link govuk-pagination__link" href="?region=North+East&amp;page=5"'
        ' aria-label="Page 5" aria-current="page">5</a>',
        html,
    )
    assertInHTML(
        '<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>',
        html,
        count=2,
    )


def test_pagination_is_absent_for_a_single_page():
    request = RequestFactory().get("/responses/")
    page = Paginator(range(3), 10).page(1)

    html = render_to_string("partials/_pagination.html", {"page_obj": page, "request": request})

    assert html.strip() == ""


def test_summary_list_escapes_plain_values():
    html = render_to_string(
        "partials/_summary_list.html",
        {"rows": [("Lead", "DCI <Smith>"), ("Reference", "#17527")]},
    )

    assertInHTML(
        '<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Lead</dt>'
        '<dd class="govuk-summary-list__value">DCI &lt;Smith&gt;</dd></div>',
        html,
    )


def test_back_link_says_back_unless_told_otherwise():
    html = render_to_string("partials/_back_link.html", {"href": "/organisations/"})

    assertInHTML('<a href="/organisations/" class="govuk-back-link">Back</a>', html)


def test_the_service_navigation_links_every_section_and_marks_the_current_one(client, world):
    """base.html's links come from URLs reversed once per process (tracker.context_processors)."""
    from django.urls import reverse

    client.force_login(world.contributor)
    html = client.get(reverse("responses:organisation_list")).text
    for name in ("home", "reporting:dashboard", "reporting:overview",
                 "responses:supercomplaint_list", "account"):
        assert f'href="{reverse(name)}"' in html, name
    assert (f'href="{reverse("responses:organisation_list")}" aria-current="page"') in html
    assert f'action="{reverse("logout")}"' in html

    client.logout()
    html = client.get(reverse("public:organisation_list")).text
    assert f'href="{reverse("public:organisation_list")}" aria-current="page"' in html
    assert f'href="{reverse("login")}"' in html
