"""
Rich text in and out: every narrative, recommendation text and note is sanitised HTML.

Sanitising happens in the database field (`RichTextField`), so the admin, fixtures, importers and
forms all go through it: there is no way in that skips it.
"""

import copy
import html
import re

import nh3
from django.db import models
from django.db.models import Value

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(value):
    """Return `value` with every tag, attribute and URL scheme outside the allow-list removed."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")


def plain_text_to_html(text):
    """
    Turn text typed into a textarea into paragraphs and bullet lists.

    A blank line starts a new paragraph; lines starting "-", "*", "•" or "1." form a list.
    Everything typed is escaped first, so no markup a user types is ever interpreted.
    """
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    parts = []
    for block in blocks:
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_BULLET.match(line) for line in lines):
            items = "".join(
                f"<li>{html.escape(_BULLET.sub('', line).strip())}</li>" for line in lines
            )
            parts.append(f"<ul>{items}</ul>")
        else:
            body = "<br>".join(html.escape(line.strip()) for line in lines)
            parts.append(f"<p>{body}</p>")
    return sanitise_html("".join(parts))


def html_to_plain_text(value):
    """Inverse of `plain_text_to_html`, for putting a stored draft back into a textarea."""
    if not value:
        return ""
    text = re.sub(r"<li[^>]*>", "- ", value)
    text = re.sub(r"</li>", "\n", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = re.sub(r"</p>|</ul>|</ol>", "\n\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_excerpt(value, words=40):
    """Return the first `words` words of sanitised HTML as plain text, with an ellipsis if cut."""
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", value or ""))).strip()
    tokens = text.split(" ")
    if len(tokens) <= words:
        return text
    return " ".join(tokens[:words]) + "…"


def _sanitised(value):
    """
    Sanitise a value on its way to the database.

    A str is sanitised, and so is the str of a `Value(...)`. Any other expression (`F("text")`,
    `Concat(...)`, a subquery) is computed by the database, so it cannot be checked here: it is
    passed through untouched. Only code writes expressions (bulk updates, data migrations), never
    a user's input; copying another rich-text column copies text sanitised when it was stored.
    """
    if isinstance(value, Value):
        if isinstance(value.value, str):
            value = copy.copy(value)
            value.value = sanitise_html(value.value)
        return value
    if hasattr(value, "resolve_expression") or hasattr(value, "as_sql"):
        return value
    return sanitise_html(value)


class RichTextField(models.TextField):
    """A TextField whose value is sanitised with nh3 whenever it is written to the database."""

    def pre_save(self, model_instance, add):
        value = _sanitised(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def get_db_prep_save(self, value, connection):
        # Raw saves (loaddata) skip pre_save, and QuerySet.update() passes its values (and its
        # expressions) straight here: sanitise here as well so neither can bypass it.
        return super().get_db_prep_save(_sanitised(value), connection)
