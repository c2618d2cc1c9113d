"""Fixtures shared by the tests of the responses app."""

import pytest

from responses import services


@pytest.fixture
def response(world):
    """Force A's (still empty) response to recommendation 1."""
    return services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_a)
