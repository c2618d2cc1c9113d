"""
The bare view the HTTP benchmark (scripts/benchmark_http.py) compares every page with: the same
middleware, session and sign-in as a real page, and no work of its own. Mounted only when
BENCHMARK_VIEWS=True.
"""

from django.http import HttpResponse


def bare(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")
