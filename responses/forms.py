"""
Forms of the staff workflow. They check what was typed; the services decide who may write it.
"""

import datetime
import itertools
import re
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.richtext import html_to_plain_text, plain_text_to_html
from recommendations.models import Organisation, Recommendation

from .choices import (
    STATUS_DEFINITIONS,
    DatePrecision,
    Marking,
    Status,
    WorkflowState,
)
from .models import ResponseUpdate

# Bounds of the free-text boxes, in characters as typed. Generous for a real answer; they stop a
# pasted document (or a script) from filling the database and every page that shows the text.
NARRATIVE_MAX_LENGTH = 20_000
COMMENT_MAX_LENGTH = 5_000


def too_long(label, limit):
    """The GOV.UK message for text over its limit."""
    return f"{label} must be {limit:,} characters or fewer"


class Textarea(forms.Textarea):
    """
    A textarea without the `maxlength` attribute Django adds from the field's `max_length`.

    Browsers cut pasted text at `maxlength` without a word (GOV.UK advises against it): the
    server refuses over-long text instead, with an error and everything typed kept.
    """

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs.pop("maxlength", None)
        return attrs


class MonthOnlyDate(datetime.date):
    """A date of which only the month is known ("May 2021"): the first day of that month."""

    precision = DatePrecision.MONTH


def date_with_precision(value):
    """Split a date from DateInputField into (a plain date, its precision)."""
    if value is None:
        return None, DatePrecision.DAY
    precision = getattr(value, "precision", DatePrecision.DAY)
    return datetime.date(value.year, value.month, value.day), precision


class DateInputWidget(forms.MultiWidget):
    """
    The GOV.UK date input: day, month and year boxes named `<name>_day`, `<name>_month` and
    `<name>_year`; partials/_date_input.html draws them, with ids `id_<name>_day`, ...
    """

    def __init__(self, attrs=None):
        widgets = {"day": forms.TextInput, "month": forms.TextInput, "year": forms.TextInput}
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, MonthOnlyDate):
            return [None, str(value.month), str(value.year)]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class DateInputField(forms.MultiValueField):
    """
    A date typed into three boxes, with the GOV.UK error messages for each way it can be wrong.

    Every part is checked here rather than by three sub-fields, so one message describes the whole
    date ("The date must include a month") instead of three separate complaints. Only ASCII digits
    count: `int()` would also take "+202", " 2_021" or full-width "２０２１", and a huge number
    would overflow `datetime.date`.
    """

    widget = DateInputWidget
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "The date must include a {missing}",
        "invalid": "The date must be a real date",
        "year_digits": "Year must include 4 numbers",
        "year_range": "Year must be between {min_year} and {max_year}",
        "future": "The date cannot be in the future",
    }
    min_year = 1900
    max_year = 2100
    # Day and month: one or two digits; year: digits only, its length is checked on its own.
    _DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
    _DIGITS = re.compile(r"[0-9]+")

    def __init__(self, *, allow_future=True, allow_month_only=False, **kwargs):
        self.allow_future = allow_future
        # A month and year with the day left empty is a MonthOnlyDate ("May 2021").
        self.allow_month_only = allow_month_only
        super().__init__(
            fields=tuple(forms.CharField(required=False) for _ in range(3)),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        # Called only when at least one box holds something (or for an optional empty date).
        if not data_list or not any(part for part in data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [name for name, part in zip(("day", "month", "year"), (day, month, year),
                                              strict=True) if not part]
        month_only = self.allow_month_only and missing == ["day"]
        if missing and not month_only:
            if self.allow_month_only and "day" in missing:
                missing.remove("day")
            raise forms.ValidationError(
                self.error_messages["incomplete"].format(missing=" and ".join(missing)),
                code="incomplete",
            )
        invalid = forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not (month_only or self._DAY_OR_MONTH.fullmatch(day)):
            raise invalid
        if not self._DAY_OR_MONTH.fullmatch(month):
            raise invalid
        if not self._DIGITS.fullmatch(year):
            raise invalid
        if len(year) != 4:
            raise forms.ValidationError(self.error_messages["year_digits"], code="year_digits")
        if not self.min_year <= int(year) <= self.max_year:
            raise forms.ValidationError(
                self.error_messages["year_range"].format(
                    min_year=self.min_year, max_year=self.max_year
                ),
                code="year_range",
            )
        date_class = MonthOnlyDate if month_only else datetime.date
        try:
            value = date_class(int(year), int(month), 1 if month_only else int(day))
        except ValueError:
            raise invalid from None
        if not self.allow_future and value > timezone.localdate():
            raise forms.ValidationError(self.error_messages["future"], code="future")
        return value


class GroupedRecommendationIterator(forms.models.ModelChoiceIterator):
    """Recommendations in <optgroup>s, one per super-complaint, in the reports' order."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        queryset = self.queryset.select_related("super_complaint").order_by(
            "super_complaint__short_title", "super_complaint__pk", "order", "number"
        )
        for super_complaint, recommendations in itertools.groupby(
            queryset, key=lambda recommendation: recommendation.super_complaint
        ):
            yield (
                str(super_complaint),
                [self.choice(recommendation) for recommendation in recommendations],
            )


class AwaitedRecommendationField(forms.ModelChoiceField):
    """
    Any super-complaint's recommendation, as a select grouped by super-complaint: the no-JS
    form of the search that static/js/awaited.mjs makes of it.
    """

    iterator = GroupedRecommendationIterator

    def label_from_instance(self, recommendation):
        # The super-complaint is in each label, not only in the group: the search matches labels.
        words = f": {recommendation.title}" if recommendation.title else ""
        return f"{recommendation.super_complaint.short_title} – {recommendation.label}{words}"


class ResponseUpdateForm(forms.Form):
    """
    One dated update of a response, plus the response's lead and portal reference.

    The narrative is plain text (blank lines between paragraphs, "- " for bullets): it is turned
    into sanitised HTML by `update_fields()`, and back into plain text by `initial_for_update()`.
    """

    as_of = DateInputField(
        label="Date of this position",
        help_text=(
            "The date this position was true, not the day it is typed in, for example 27 3 2025. "
            "If you only know the month, leave the day empty: 3 2025"
        ),
        allow_future=False,
        allow_month_only=True,
        error_messages={"required": "Enter the date as of which this position is true"},
    )
    status = forms.ChoiceField(
        label="Status",
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the response"},
    )
    awaited_recommendation = AwaitedRecommendationField(
        label="Which recommendation are you waiting for?",
        help_text="Choose it from the list, or type its number or words to find it",
        queryset=Recommendation.objects.all(),
        required=False,
        empty_label="No recommendation",
        error_messages={"invalid_choice": "Choose a recommendation from the list"},
    )
    awaited_organisation = forms.ModelChoiceField(
        label="Which national body are you waiting for?",
        queryset=Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_BODY, active=True),
        required=False,
        empty_label="No national body",
        error_messages={"invalid_choice": "Choose a national body from the list"},
    )
    awaiting = forms.CharField(
        label="Describe what you are waiting for (optional)",
        help_text="For example, College of Policing guidance on sharing data",
        required=False,
        max_length=300,
    )
    narrative = forms.CharField(
        label="Narrative",
        help_text=(
            "What has been done and what is planned. Leave a blank line between paragraphs; "
            "start a line with - to make a bulleted list."
        ),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=Textarea(attrs={"rows": 12}),
        error_messages={"max_length": too_long("Narrative", NARRATIVE_MAX_LENGTH)},
    )
    position_provided_by = forms.CharField(
        label="Position provided by",
        help_text="For example, DCI Smith, in consultation with the OPCC",
        required=False,
        max_length=300,
    )
    marking = forms.ChoiceField(
        label="Protective marking",
        help_text=(
            "OFFICIAL - REDACTED: some words were withheld; type [redacted] where they were "
            "taken out."
        ),
        choices=Marking.choices,
        initial=Marking.OFFICIAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the protective marking"},
    )
    public = forms.BooleanField(
        label="Can be shown on public pages",
        help_text="Only once it is published, and never if it is OFFICIAL-SENSITIVE.",
        required=False,
    )
    evidence_submitted = forms.BooleanField(
        label="Evidence has been submitted to HMICFRS for review",
        help_text=(
            "Tick this even if the evidence was sent another way and no file is attached here."
        ),
        required=False,
    )
    lead = forms.CharField(
        label="Lead for this response (optional)",
        help_text="For example, DCI Smith, Public Protection",
        required=False,
        max_length=300,
    )
    portal_reference = forms.CharField(
        label="Monitoring portal reference (optional)",
        help_text="For example, #17527",
        required=False,
        max_length=50,
    )
    # The version of the update this form was made from (editing only): saving over a newer
    # version is refused rather than losing a colleague's text.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # One per form shown (new updates only): the same form posted twice writes one update
    # (services.response_update_create), with or without JavaScript.
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("form_token"):
            self.initial["form_token"] = uuid.uuid4()
        # Read by the `choice_items` filter of partials/_field.html: one hint under each radio.
        self.fields["status"].option_hints = {str(k): v for k, v in STATUS_DEFINITIONS.items()}
        if not self.is_bound and "as_of" not in self.initial:
            # Positions are often collected first and typed in later: say that today is only
            # a starting value, rather than let it pass unnoticed.
            today = timezone.localdate()
            self.initial["as_of"] = today
            self.fields["as_of"].help_text = (
                f"The date this position was true, which may be earlier than today. Today's "
                f"date ({today.day} {today.month} {today.year}) is filled in: change it if the "
                f"position is from an earlier date."
            )

    # The fields that say what an "Awaiting national guidance" update waits for.
    AWAITED_FIELDS = ("awaited_recommendation", "awaited_organisation", "awaiting")

    def clean(self):
        """
        Check the rules of a valid update as well, so every problem shows at once. They live on
        the model (`ResponseUpdate.clean()`), which the services enforce.
        """
        cleaned = super().clean()
        try:
            ResponseUpdate(**self._update_values(cleaned)).clean()
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def _update_values(self, data):
        status = data.get("status")
        as_of, as_of_precision = date_with_precision(data.get("as_of"))
        return {
            "as_of": as_of,
            "as_of_precision": as_of_precision,
            "status": status,
            "narrative": plain_text_to_html(data.get("narrative", "")),
            # What is awaited only means something while the status says so.
            "awaiting": (
                data.get("awaiting", "").strip() if status == Status.AWAITING_NATIONAL else ""
            ),
            "awaited_recommendation": (
                data.get("awaited_recommendation") if status == Status.AWAITING_NATIONAL else None
            ),
            "awaited_organisation": (
                data.get("awaited_organisation") if status == Status.AWAITING_NATIONAL else None
            ),
            "position_provided_by": data.get("position_provided_by", "").strip(),
            "marking": data.get("marking", ""),
            "public": data.get("public", False),
            "evidence_submitted": data.get("evidence_submitted", False),
            "lead": data.get("lead", "").strip(),
            "portal_reference": data.get("portal_reference", "").strip(),
        }

    def update_fields(self):
        """Return the keyword arguments of the update services, from valid data."""
        return self._update_values(self.cleaned_data)

    def renew_form_token(self):
        """
        Give a bound form a new token, for a form shown again to be saved as another update
        (the one it carried was used).
        """
        self.data = self.data.copy()
        self.data[self.add_prefix("form_token")] = str(uuid.uuid4())

    def response_fields(self):
        """The response's details as this update states them (part of `update_fields()`)."""
        fields = self.update_fields()
        return {"lead": fields["lead"], "portal_reference": fields["portal_reference"]}

    @staticmethod
    def initial_for_response(response, *, suggested_recommendation=None):
        """
        A new update starts from the response's published lead and reference, and suggests
        the recommendation this one depends on as the one awaited.
        """
        initial = {}
        if suggested_recommendation is not None:
            initial["awaited_recommendation"] = suggested_recommendation.pk
        if response is not None:
            initial.update(lead=response.lead, portal_reference=response.portal_reference)
        return initial

    @classmethod
    def initial_for_update(cls, update):
        """Initial values to edit a stored draft: the narrative goes back to plain text."""
        as_of = update.as_of
        if as_of and update.as_of_precision == DatePrecision.MONTH:
            as_of = MonthOnlyDate(as_of.year, as_of.month, 1)
        return {
            "as_of": as_of,
            "status": update.status,
            "awaiting": update.awaiting,
            "awaited_recommendation": update.awaited_recommendation_id,
            "awaited_organisation": update.awaited_organisation_id,
            "narrative": html_to_plain_text(update.narrative),
            "position_provided_by": update.position_provided_by,
            "marking": update.marking,
            "public": update.public,
            "evidence_submitted": update.evidence_submitted,
            "lead": update.lead,
            "portal_reference": update.portal_reference,
            "version": update.version,
        }


class ReturnUpdateForm(forms.Form):
    """
    An approver's reason for sending an update back. That a reason is needed is the model's rule
    (`ResponseUpdate.clean()`), checked here too and shown on `comment`.
    """

    comment = forms.CharField(
        label="Why are you returning it?",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=Textarea(attrs={"rows": 4}),
        error_messages={"max_length": too_long("The reason", COMMENT_MAX_LENGTH)},
    )
    # The model field each service error names, and the form field that shows it.
    service_error_fields = {"return_comment": "comment"}

    def __init__(self, *args, update_pk, **kwargs):
        # One of these forms per update on the page: ids must not clash, names stay "comment".
        self.update_pk = update_pk
        kwargs.setdefault("auto_id", f"id_return_{update_pk}_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if "comment" not in cleaned:  # already refused (too long): one message is enough
            return cleaned
        returned = ResponseUpdate(
            state=WorkflowState.RETURNED, return_comment=cleaned.get("comment", "").strip()
        )
        try:
            returned.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(self.service_error_fields.get(name, name), messages)
        return cleaned


def initial_from_data(form_class, data, **form_kwargs):
    """
    Turn posted values (a QueryDict) into `initial` for an unbound form of `form_class`.

    Used to put stashed text back into a form without validating it: nothing was submitted, so
    the page must not greet the user with errors.
    """
    form = form_class(**form_kwargs)
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }


