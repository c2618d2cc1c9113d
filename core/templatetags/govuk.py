"""
Template helpers for the GOV.UK Design System partials in templates/partials/.

They turn Django form fields and pages into the small facts the partials need (which component
to draw, element ids, page links); the markup itself stays in the templates.
"""

from django import forms
from django.template import Library

register = Library()


@register.filter
def person(user, default="Not recorded"):
    """A user's full name (their email if the account has none): never a username."""
    from core.people import person_name

    return person_name(user, default)

@register.filter
def govuk_kind(field):
    """Name the GOV.UK component that draws this bound field's widget."""
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.MultiWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    return "input"


@register.filter
def error_anchor(field):
    """Return the id the error summary links to: the field's first focusable input."""
    widget = field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return field.auto_id + widget.widgets_names[0]
    return field.auto_id


@register.filter
def describedby(field):
    """Return the ids of the field's hint and error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


# The class of each widget's element in GOV.UK Frontend; all but the checkbox have an --error form.
WIDGET_CLASSES = {
    "input": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


@register.simple_tag
def govuk_widget(field, classes=""):
    """
    Render the field's own widget (so its attributes, such as autocomplete, stay) with the GOV.UK
    class, its error modifier, any extra `classes`, and aria-describedby for the hint and error.
    """
    kind = govuk_kind(field)
    base = WIDGET_CLASSES.get(kind, "")
    css = [field.field.widget.attrs.get("class", ""), base, classes]
    if field.errors and kind != "checkbox":
        css.append(f"{base}--error")
    attrs = {"class": " ".join(c for c in css if c)}
    if described := describedby(field):
        attrs["aria-describedby"] = described
    return field.as_widget(attrs=attrs)


@register.filter
def choice_items(field):
    """
    List a radios or checkboxes field's options as dicts (id, value, label, checked, hint, hint_id).

    The first option's id is the field's own id, so the error summary can link to it; hints come
    from an optional `option_hints` dict {value: hint} on the form field.
    """
    hints = getattr(field.field, "option_hints", {}) or {}
    items = []
    for widget in field.subwidgets:
        value, label = widget.data["value"], widget.choice_label
        if value in ("", None) and label == "---------":
            continue
        item_id = field.auto_id if not items else f"{field.auto_id}-{len(items) + 1}"
        hint = hints.get(value) or hints.get(str(value))
        items.append({
            "id": item_id,
            "value": "" if value is None else value,
            "label": label,
            "checked": widget.data["selected"],
            "hint": hint,
            "hint_id": f"{item_id}-item-hint" if hint else "",
        })
    return items


@register.filter
def date_parts(field):
    """
    List a day/month/year MultiWidget field's inputs as dicts (name, id, label, value, width).

    Names and ids come from the widget's subwidget names: `as_of_day` and `id_as_of_day`.
    The value is what the user typed, so a rejected date comes back as entered.
    """
    widget = field.field.widget
    value = field.value()
    if not isinstance(value, (list, tuple)):
        value = widget.decompress(value)
    parts = []
    for index, suffix in enumerate(widget.widgets_names):
        name = suffix.lstrip("_")
        part_value = value[index] if index < len(value) else None
        parts.append({
            "name": field.html_name + suffix,
            "id": field.auto_id + suffix,
            "label": name.capitalize(),
            "value": "" if part_value is None else part_value,
            "width": 4 if name == "year" else 2,
        })
    return parts


@register.filter
def page_items(page_obj):
    """List the page numbers to link to, with Paginator.ELLIPSIS where numbers are left out."""
    return list(
        page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    )


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page", query=None):
    """
    The query string ("?region=Wales&page=3") of page `number` of a list paged by `param`:
    `query` (a QueryDict; the request's GET by default) with only `param` changed, so a page
    with two lists (the overview's) pages each by its own parameter and keeps the filters.
    """
    if query is None:
        query = context["request"].GET
    query = query.copy()
    query[param] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def nav_state(context, view_name, section):
    """
    Return the aria-current value for a navigation item: "page" on its own page, "true" in its
    section (a view named with the same prefix, or a `nav_section` context variable), else "".
    """
    match = getattr(context.get("request"), "resolver_match", None)
    current = match.view_name if match else ""
    if current == view_name:
        return "page"
    prefix = view_name.rsplit("_", 1)[0] + "_"
    if (current and "_" in view_name and current.startswith(prefix)) or (
        context.get("nav_section") == section
    ):
        return "true"
    return ""


@register.filter
def duration_in_words(value):
    """Say a timedelta as people do: "15 minutes", "1 hour", "2 hours 30 minutes"."""
    if not value:
        return ""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)
