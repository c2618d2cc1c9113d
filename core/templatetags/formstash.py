"""The sign-in form's part in keeping typed text (core.formstash)."""

from django.template import Library

from core import formstash

register = Library()


@register.simple_tag(takes_context=True)
def carried_typed_text(context):
    """
    [(name, value)] of the hidden inputs carrying typed text through the sign-in form: those
    the signed-out POST gave (`carried_text`), or those the sign-in form was posted with, so a
    wrong password loses nothing.
    """
    given = context.get("carried_text")
    if given is not None:
        return given
    return formstash.carried_fields(context.get("request"))
