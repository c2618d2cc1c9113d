from django import template

from tracker.richtext import html_excerpt

from ..choices import STATUS_DEFINITIONS, Status

register = template.Library()

STATUS_LABELS = dict(Status.choices)


@register.filter
def status_label(code):
    """The label of a status code; a blank or missing status reads "No response yet"."""
    return STATUS_LABELS.get(code, "No response yet")


@register.filter
def status_definition(code):
    return STATUS_DEFINITIONS.get(code, "")


@register.filter
def excerpt(value, words=40):
    """The first `words` words of rich text, as plain text."""
    return html_excerpt(value, words=int(words))
