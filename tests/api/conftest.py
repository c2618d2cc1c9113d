import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no request counted against the API's rate limits."""
    cache.clear()
    yield
    cache.clear()
