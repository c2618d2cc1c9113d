"""
A kept public page every publication makes stale (public.caching): while another process draws it
again, a reader gets the page as it was last drawn for the same address and reader, instead of
drawing it too; once that drawing is done, the new page is served.
"""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.caching import cache_key
from public.caching import VISITOR

ADDRESS = reverse("public:supercomplaint_list")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def another_process_is_drawing(reader, address):
    lock = cache_key("public-page-latest", reader, address) + ":drawing"
    assert cache.add(lock, 1, 10)
    return lock


def rename(world, title):
    world.super_complaint.short_title = title
    world.super_complaint.save()


@pytest.mark.django_db
def test_while_another_process_redraws_a_public_page_the_last_drawing_is_served(client, world):
    rename(world, "Before the publication")
    assert "Before the publication" in client.get(ADDRESS).content.decode()
    rename(world, "After the publication")  # the data's fingerprint changes
    lock = another_process_is_drawing(VISITOR, ADDRESS)

    served = client.get(ADDRESS)
    assert served.status_code == 200
    assert "Before the publication" in served.content.decode()

    cache.delete(lock)  # the other process is done
    assert "After the publication" in client.get(ADDRESS).content.decode()


@pytest.mark.django_db
def test_the_last_drawing_of_another_address_or_reader_is_never_served(client, world):
    rename(world, "Before the publication")
    client.get(ADDRESS)  # kept for visitors
    rename(world, "After the publication")
    another_process_is_drawing("signed-in", ADDRESS)
    another_process_is_drawing(VISITOR, ADDRESS + "?page=1")

    client.force_login(world.contributor)
    assert "After the publication" in client.get(ADDRESS).content.decode()
    client.logout()
    assert "After the publication" in client.get(ADDRESS + "?page=1").content.decode()
