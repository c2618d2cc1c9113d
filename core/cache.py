"""
Django's Redis cache, with one Redis client per connection pool rather than one per call.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every get and set, and
each build copies redis-py's table of about 170 reply parsers: a tenth of a millisecond a call,
several calls a page. A client is only the pool and that table, safe to share between threads
(redis-py takes a connection from the pool for each command), so one per pool does the same work.

Each call to Redis is timed for the metrics (core.metrics): the time a page spends in its cache.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

from core import metrics


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def _timed(operation):
    """Django's method `operation`, timed into the cache metric (core.metrics)."""
    method = getattr(DjangoRedisCache, operation)

    def timed(self, *args, **kwargs):
        return metrics.time_cache_call(operation, method, self, *args, **kwargs)

    timed.__name__ = timed.__qualname__ = operation
    timed.__doc__ = method.__doc__
    return timed


# Every call that reaches Redis; Django's other methods (get_or_set, incr_version...) are built
# on these, so each round trip is timed once.
for _operation in ("add", "get", "set", "touch", "delete", "get_many", "has_key", "incr",
                   "set_many", "delete_many", "clear"):
    setattr(RedisCache, _operation, _timed(_operation))
