"""
A kept part every publication redraws (core.fragments.cached_fragment with `fingerprint`):
while another process holds the redraw, a reader gets the part as last drawn instead of
drawing it too; otherwise, and in one process, it is drawn afresh for the new fingerprint.
"""

import pytest
from django.core.cache import cache

from core import fragments

TEMPLATE = "test-part.html"
KEY = ("dashboard", 7)


@pytest.fixture(autouse=True)
def drawn_as_text(monkeypatch):
    """Draw the context as text: what is tested is which drawing is served, not the template."""
    monkeypatch.setattr(fragments, "render_to_string", lambda name, values: f"drawn {values['v']}")
    cache.clear()
    yield
    cache.clear()


def part(version, fingerprint, key=KEY, keep=True):
    return str(fragments.cached_fragment(
        TEMPLATE, key=key, context=lambda: {"v": version}, keep=keep, fingerprint=fingerprint
    ))


def another_process_is_drawing(key=KEY):
    lock = fragments._cache_key("fragment-latest", TEMPLATE, key) + ":drawing"
    assert cache.add(lock, 1, 10)
    return lock


def test_a_new_fingerprint_is_drawn_afresh_and_kept():
    assert part(1, ("a",)) == "drawn 1"
    assert part(2, ("a",)) == "drawn 1"  # kept
    assert part(2, ("b",)) == "drawn 2"  # a publication: drawn again
    assert part(3, ("b",)) == "drawn 2"


def test_while_another_process_redraws_the_last_drawing_is_served_and_not_kept():
    assert part(1, ("a",)) == "drawn 1"
    lock = another_process_is_drawing()

    assert part(2, ("b",)) == "drawn 1"  # served as it was just before
    cache.delete(lock)  # the other process is done (it would have kept its drawing)
    assert part(3, ("b",)) == "drawn 3"  # nothing was kept under "b" meanwhile
    assert part(4, ("b",)) == "drawn 3"


def test_with_nothing_drawn_before_a_reader_draws_even_during_a_redraw():
    another_process_is_drawing(key=("dashboard", 8))
    assert part(1, ("a",), key=("dashboard", 8)) == "drawn 1"


def test_a_part_not_worth_keeping_is_never_served_to_others():
    assert part(1, ("a",), keep=lambda values: False) == "drawn 1"
    another_process_is_drawing()
    # Nothing kept, nothing to serve in its place: drawn again.
    assert part(2, ("b",), keep=lambda values: False) == "drawn 2"


def test_the_lock_is_released_after_a_drawing_that_fails():
    def failing():
        raise RuntimeError("database gone")

    assert part(0, ("z",)) == "drawn 0"
    with pytest.raises(RuntimeError):
        fragments.cached_fragment(TEMPLATE, key=KEY, context=failing, fingerprint=("a",))
    # Were the lock still held, the drawing of "z" would be served.
    assert part(1, ("a",)) == "drawn 1"
