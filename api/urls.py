from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"


def public(view_class, **initkwargs):
    """Open to signed-out callers: the API decides itself what each caller may read."""
    return login_not_required(view_class.as_view(**initkwargs))


# /api/v1/...
api_patterns = [
    path("super-complaints/", public(views.SuperComplaintListView),
         name="supercomplaint_list"),
    path("super-complaints/<slug:slug>/", public(views.SuperComplaintDetailView),
         name="supercomplaint_detail"),
    path("super-complaints/<slug:slug>/recommendations/<str:number>/",
         public(views.RecommendationDetailView), name="recommendation_detail"),
    path("super-complaints/<slug:slug>/recommendations/<str:number>/responses/"
         "<slug:organisation>/", public(views.ResponseDetailView), name="response_detail"),
    path("recommendations/", public(views.RecommendationListView), name="recommendation_list"),
    path("organisations/", public(views.OrganisationListView), name="organisation_list"),
    path("organisations/<slug:slug>/", public(views.OrganisationDetailView),
         name="organisation_detail"),
    path("responses/", public(views.ResponseListView), name="response_list"),
]


@login_not_required
def not_found(request):
    """
    An address under /api/v1/ that names no resource (a slug with a space, an unknown path):
    a JSON 404 like the API's own, as its schema says, rather than the site's HTML page.
    """
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("", public(views.ApiRootView), name="root"),
    *api_patterns,
    path("schema/", public(SpectacularAPIView, http_method_names=["get", "head", "options"]),
         name="schema"),
    path("docs/", login_not_required(views.ApiDocsView.as_view()), name="docs"),
    # Last. Ending in a slash, so that an address without one is still sent to it first.
    re_path(r"^.*/$", not_found),
]
