"""
The views the HTTP benchmark (scripts/benchmark_http.py) compares every page with, mounted only
when BENCHMARK_VIEWS=True: the bare view has the same middleware, session and sign-in as a real
page and no work of its own; the shell view adds the page shell every page pays for (base.html,
its navigation and the context processors) around one paragraph.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template.response import TemplateResponse


# Open to visitors too: the public pages are compared with it read signed out.
@login_not_required
def bare(request):
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


def shell(request):
    return TemplateResponse(request, "bench/shell.html")
