import pytest

from responses import services


@pytest.fixture
def response(world):
    return services.response_get_or_create(recommendation=world.rec_1, organisation=world.force_a)
