import pytest

from tests.conftest import make_user


@pytest.fixture
def admin_user(world):
    return make_user("ada", is_staff=True)
