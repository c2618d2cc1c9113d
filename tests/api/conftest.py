import datetime

import pytest
from django.core.cache import cache

from responses.choices import Marking, Status
from tests.conftest import draft_update, published_update, submitted_update


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no request counted against the API's rate limits."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def data(world):
    """
    Force A: rec 1 has a public update (May) then a later OFFICIAL-SENSITIVE one (June), and a
    draft; rec 5 only a published update that is not public. Force B: rec 1 awaits sign-off.
    """
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     as_of=datetime.date(2021, 5, 1), status=Status.IN_PROGRESS,
                     narrative="<p>Public May position.</p>", public=True, lead="DCI Smith")
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     as_of=datetime.date(2021, 6, 1), status=Status.COMPLETED,
                     narrative="<p>Sensitive June position.</p>",
                     marking=Marking.OFFICIAL_SENSITIVE, lead="DCI Smith")
    draft_update(world, organisation=world.force_a, recommendation=world.rec_1,
                 as_of=datetime.date(2021, 7, 1), narrative="<p>Draft July words.</p>")
    published_update(world, organisation=world.force_a, recommendation=world.rec_5,
                     as_of=datetime.date(2021, 5, 1), narrative="<p>Internal position.</p>")
    submitted_update(world, organisation=world.force_b, recommendation=world.rec_1,
                     author=world.other_contributor, narrative="<p>Awaiting sign-off.</p>")
    return world
