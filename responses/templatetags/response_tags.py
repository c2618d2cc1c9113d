"""Template filters for responses: status words and colours come from responses/choices.py."""

from django import template
from django.utils.safestring import mark_safe

from core.richtext import html_excerpt

from .. import choices

register = template.Library()


@register.filter
def status_label(code):
    """The label of a status code; a blank or missing status reads "No response yet"."""
    return choices.status_label(code)


@register.simple_tag
def withheld_text():
    """What a reader without a need to know sees instead of OFFICIAL-SENSITIVE text."""
    return choices.WITHHELD_TEXT


@register.simple_tag
def withheld_detail():
    """What such a reader sees instead of the lead or portal reference of that text."""
    return choices.WITHHELD_DETAIL


@register.filter
def status_short_label(code):
    """The on-screen short form of a status's label, for tags in tables."""
    return choices.status_short_label(code)


@register.filter
def status_tag_class(code):
    """The GOV.UK tag modifier of a status code (grey for no response yet)."""
    return choices.status_tag_class(code)


@register.filter
def rag_tag_class(rag):
    """The GOV.UK tag modifier of a RAG rating: green, amber (orange), red or grey."""
    return choices.RAG_TAG_CLASSES.get(rag, "")


@register.filter
def excerpt(value, words=40):
    """The first `words` words of rich text, as plain text, redaction marks read as withheld."""
    return choices.show_redaction_marks(html_excerpt(value, words=int(words)))


@register.filter
def as_of(value, precision="day"):
    """An update's date, "27 May 2021" or "May 2021" when only the month is known."""
    return choices.format_as_of(value, precision)


@register.filter
def as_of_short(value, precision="day"):
    """An update's date with the month abbreviated, "27 May 2021" or "May 2021"."""
    return choices.format_as_of(value, precision, short=True)


@register.filter
def marking_label(code):
    """How a protective marking is printed: "OFFICIAL - REDACTED" for the redacted one."""
    return choices.marking_label(code)


@register.filter(is_safe=True)
def show_redactions(value):
    """
    Sanitised rich text with each redaction mark shown as a visible "[text withheld]", so a
    reader sees where words were taken out. The text is already sanitised HTML (the field
    sanitises it), and the replacement is fixed markup.
    """
    return mark_safe(choices.show_redaction_marks(
        value, f'<span class="app-redacted">{choices.REDACTION_SHOWN_AS}</span>'
    ))
