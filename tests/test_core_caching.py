"""
The fingerprints of core.caching, built from what each app registers, say the same as the
fingerprints they replace and change with every write a kept page shows.
"""

import pytest

from core import caching
from responses.models import ResponseUpdate
from tests.conftest import draft_update, published_update
from tracker import fingerprints


def test_every_scope_has_its_parts_registered_by_the_apps():
    for scope in ("data", "super_complaint", "recommendation", "response"):
        assert caching.parts(scope), scope


def test_an_unknown_scope_is_refused():
    with pytest.raises(KeyError, match="no part is registered"):
        caching.fingerprint("nonsense")


def test_each_scope_changes_with_a_write_in_it_and_not_with_one_elsewhere(world):
    update = published_update(world, recommendation=world.rec_1, organisation=world.force_a)
    response = update.response
    arguments = {"super_complaint": world.super_complaint.pk, "recommendation": world.rec_1.pk,
                 "response": response.pk, "organisation": world.force_a.pk}
    before = {scope: caching.fingerprint(scope, **arguments)
              for scope in ("data", "super_complaint", "recommendation", "response")}

    draft_update(world, response)  # a draft: seen on the response page and its comparison

    after = {scope: caching.fingerprint(scope, **arguments) for scope in before}
    assert after["response"] != before["response"]
    assert after["recommendation"] != before["recommendation"]
    assert ResponseUpdate.objects.filter(response=response).count() == 2

    # A publication for another recommendation keeps this recommendation's and response's.
    published_update(world, recommendation=world.rec_5, organisation=world.force_b,
                     author=world.other_contributor, approver=world.other_approver)
    again = {scope: caching.fingerprint(scope, **arguments) for scope in before}
    assert again["response"] == after["response"]
    assert again["recommendation"] == after["recommendation"]
    assert again["data"] != after["data"]
    assert again["super_complaint"] != after["super_complaint"]


def test_the_scopes_see_what_the_old_fingerprints_saw(world):
    update = published_update(world, recommendation=world.rec_1, organisation=world.force_a)
    assert len(caching.fingerprint("data")) >= len(fingerprints.data_fingerprint())
    assert len(caching.fingerprint("response", response=update.response_id,
                                   recommendation=world.rec_1.pk,
                                   super_complaint=world.super_complaint.pk,
                                   organisation=world.force_a.pk)) == 9
