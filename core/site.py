"""
The service's own address, SITE_URL, as the start of every absolute link it writes.

Never the Host header of a request: Django checks the host name against ALLOWED_HOSTS but not
the port, so `Host: tracker.example.org:6666` is accepted, and a page kept in the cache (a feed)
or a document would carry links to that port to every later reader.
"""

from django.conf import settings


def absolute_url(path):
    """`path` (an address on this site, starting with /) as an absolute link under SITE_URL."""
    return settings.SITE_URL.rstrip("/") + path
