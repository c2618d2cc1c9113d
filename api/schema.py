"""
How the OpenAPI schema (drf-spectacular) describes the API: its two ways of signing in, and
every answer an operation can give besides its 200 (OpenDataSchema).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, serializers


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TwoFactorSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <token>`: a token an administrator issued to you.",
        }


class ErrorSerializer(serializers.Serializer):
    """What a refusal says: `{"detail": "..."}`."""

    detail = serializers.CharField()

    class Meta:
        ref_name = "Error"


# A 400 names each filter it refused with its messages ({"kind": ["Select a valid choice..."]}),
# or says what was wrong with the request as a whole ({"detail": "..."}).
BAD_REQUEST_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

# Response headers, each with the codes it comes with.
RESPONSE_HEADERS = [
    OpenApiParameter(
        "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304],
        description="A hash of the body: send it back in `If-None-Match` to get 304 if unchanged.",
    ),
    OpenApiParameter(
        "Last-Modified", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304],
        description="The newest change among the rows served, for `If-Modified-Since`.",
    ),
    OpenApiParameter(
        "WWW-Authenticate", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[401],
        description="`Token`",
    ),
    OpenApiParameter(
        "Retry-After", OpenApiTypes.INT, OpenApiParameter.HEADER, response=[429],
        description="Seconds until the next request is allowed.",
    ),
]


class OpenDataSchema(AutoSchema):
    """
    Every operation's answers, not only its 200: what the API actually sends for a repeated
    request (304), a refused filter or address (400), a refused token (401), nothing to show
    (404) and too many requests (429), each a JSON body. No operation answers 403: every
    resource is open to signed-out callers, who read less.
    """

    def get_response_serializers(self):
        listing = isinstance(self.view, generics.ListAPIView)
        return {
            200: super().get_response_serializers(),
            304: OpenApiResponse(description=(
                "Not modified: the `If-None-Match` (ETag) or `If-Modified-Since` sent matches."
            )),
            400: OpenApiResponse(BAD_REQUEST_SCHEMA, description=(
                "A filter value it does not know, each named with its messages, or a control "
                "character in the address." if listing else
                "A control character in the address."
            )),
            401: OpenApiResponse(ErrorSerializer, description=(
                "The `Authorization` token is unknown, revoked or expired. Without a token the "
                "API answers as to anyone signed out."
            )),
            404: OpenApiResponse(ErrorSerializer, description=(
                "No such page of results (`page` past the last), or no such address."
                if listing else
                "No such resource, or none the caller may read (signed out: one with no "
                "published, public, OFFICIAL update)."
            )),
            429: OpenApiResponse(ErrorSerializer, description=(
                "Too many requests: signed out per address, signed in per user or token."
            )),
        }

    def get_override_parameters(self):
        return [*super().get_override_parameters(), *RESPONSE_HEADERS]
