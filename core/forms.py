"""Helpers for forms that every app's views share."""

from django.core.exceptions import NON_FIELD_ERRORS


def add_service_errors(form, error):
    """
    Put a service's ValidationError on the form: on the field it names when the form has one
    (through the form's `service_error_fields` where the names differ), else above the form.
    """
    renamed = getattr(form, "service_error_fields", {})
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            name = renamed.get(name, name)
            form.add_error(name if name in form.fields else NON_FIELD_ERRORS, errors)
    else:
        form.add_error(None, error)
