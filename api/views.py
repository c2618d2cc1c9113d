"""
The read-only open-data API, /api/v1/. Views are configuration: a selector from
`responses.selectors.open_data`, a serializer and a FilterSet. Only GET, HEAD and OPTIONS are
answered; anything else is 405.
"""

import hashlib

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator
from rest_framework import generics
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from core.site import absolute_url
from responses.selectors import open_data

from . import filtersets, serializers
from .schema import OpenDataSchema

READ_ONLY_METHODS = ["get", "head", "options"]


class OpenDataView:
    """
    What every API view shares: read-only methods; `ETag` (a hash of the body) and
    `Last-Modified` (the newest change among the rows served) so a client can poll with
    `If-None-Match` or `If-Modified-Since` and get 304; `Vary` on who is asking; and no caching
    of what a signed-in caller (session or token) was given.
    """

    http_method_names = READ_ONLY_METHODS
    schema = OpenDataSchema()

    def last_modified_of(self, objects):
        times = [o.updated_at for o in objects if getattr(o, "updated_at", None)]
        self.last_modified = max(times) if times else None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ("Accept", "Authorization", "Cookie"))
        if request.user and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:40])
        response["ETag"] = etag
        last_modified = getattr(self, "last_modified", None)
        if last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return get_conditional_response(
            request._request,
            etag=etag,
            last_modified=int(last_modified.timestamp()) if last_modified else None,
            response=response,
        )


class OpenDataListView(OpenDataView, generics.ListAPIView):
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        page = self.prepare(page)
        self.last_modified_of(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def prepare(self, objects):
        """Add what a serializer needs that the queryset cannot give (a hook)."""
        return objects


class OpenDataDetailView(OpenDataView, generics.RetrieveAPIView):
    def retrieve(self, request, *args, **kwargs):
        instance = self.prepare([self.get_object()])[0]
        self.last_modified_of([instance])
        return ApiResponse(self.get_serializer(instance).data)

    def prepare(self, objects):
        return objects


class ApiRootView(OpenDataView, APIView):
    """Where the resources are."""

    schema = None

    def get(self, request):
        def link(name):
            return absolute_url(reverse(f"api:{name}"))

        return ApiResponse({
            "super_complaints": link("supercomplaint_list"),
            "recommendations": link("recommendation_list"),
            "organisations": link("organisation_list"),
            "responses": link("response_list"),
            "schema": link("schema"),
            "documentation": link("docs"),
        })


class SuperComplaintListView(OpenDataListView):
    """Every super-complaint, with its deadlines."""

    serializer_class = serializers.SuperComplaintSerializer
    filterset_class = filtersets.SuperComplaintFilterSet

    def get_queryset(self):
        return open_data.super_complaints()


class SuperComplaintDetailView(OpenDataDetailView):
    """One super-complaint, by slug."""

    serializer_class = serializers.SuperComplaintSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return open_data.super_complaints()


class OrganisationListView(OpenDataListView):
    """Forces, local policing bodies and national bodies."""

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filtersets.OrganisationApiFilterSet

    def get_queryset(self):
        return open_data.organisations()


class OrganisationDetailView(OpenDataDetailView):
    """One organisation, by slug."""

    serializer_class = serializers.OrganisationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return open_data.organisations()


class RecommendationListView(OpenDataListView):
    """Recommendations with their recipient groups and the organisations expected to respond."""

    serializer_class = serializers.RecommendationSerializer
    filterset_class = filtersets.RecommendationFilterSet

    def get_queryset(self):
        return open_data.recommendations()

    def prepare(self, objects):
        return open_data.with_expected_organisations(objects)


class RecommendationDetailView(OpenDataDetailView):
    """One recommendation, by its super-complaint's slug and its number as printed."""

    serializer_class = serializers.RecommendationSerializer

    def get_queryset(self):
        return open_data.recommendations()

    def get_object(self):
        return get_object_or_404(
            self.get_queryset(),
            super_complaint__slug=self.kwargs["slug"],
            number=self.kwargs["number"],
        )

    def prepare(self, objects):
        return open_data.with_expected_organisations(objects)


class ResponseListView(OpenDataListView):
    """
    Responses with their published update history, deadline state and review outcome.
    Signed out: only responses with a published, public, OFFICIAL update, and only those
    updates.
    """

    serializer_class = serializers.ResponseSerializer
    filterset_class = filtersets.ResponseFilterSet

    def get_queryset(self):
        return open_data.responses(user=self.request.user)

    def prepare(self, objects):
        user = self.request.user
        return open_data.with_deadlines(
            open_data.with_details_withheld(objects, user=user), user=user
        )


class ResponseDetailView(OpenDataDetailView):
    """One organisation's response to a recommendation, with the updates the caller may read."""

    serializer_class = serializers.ResponseSerializer

    def get_queryset(self):
        return open_data.responses(user=self.request.user)

    def get_object(self):
        return get_object_or_404(
            self.get_queryset(),
            recommendation__super_complaint__slug=self.kwargs["slug"],
            recommendation__number=self.kwargs["number"],
            organisation__slug=self.kwargs["organisation"],
        )

    def prepare(self, objects):
        user = self.request.user
        return open_data.with_deadlines(
            open_data.with_details_withheld(objects, user=user), user=user
        )


class ApiDocsView(TemplateView):
    """
    The API's documentation as a page of the service, drawn on the server from the OpenAPI
    schema: no Swagger or Redoc script, so it works under the strict Content-Security-Policy
    and without JavaScript.
    """

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        operations = []
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                operations.append({
                    "method": method.upper(),
                    "path": path,
                    "id": operation["operationId"],
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                })
        return super().get_context_data(
            info=schema["info"], operations=operations, **kwargs
        )
