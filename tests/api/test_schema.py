"""
The OpenAPI schema tells the truth: fields that can be null say so, every operation lists the
answers it can give besides 200, and real answers, refusals included, validate against it.
"""

import copy
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from jsonschema import Draft202012Validator
from knox.models import AuthToken

from recommendations.models import SuperComplaint
from responses.models import ResponseUpdate

OPERATIONS = {
    "super-complaints": "/api/v1/super-complaints/",
    "super-complaint": "/api/v1/super-complaints/{slug}/",
    "recommendations": "/api/v1/recommendations/",
    "recommendation": "/api/v1/super-complaints/{slug}/recommendations/{number}/",
    "organisations": "/api/v1/organisations/",
    "organisation": "/api/v1/organisations/{slug}/",
    "responses": "/api/v1/responses/",
    "response": (
        "/api/v1/super-complaints/{slug}/recommendations/{number}/responses/{organisation}/"
    ),
}


@pytest.fixture
def schema(tmp_path):
    """The schema as `manage.py spectacular` writes it for the published documentation."""
    path = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path), "--validate")
    return json.loads(path.read_text())


def _as_json_schema(node):
    """
    OpenAPI 3.0 to JSON Schema: `nullable: true` becomes a "null" type, and an object with
    properties allows no others, so an undocumented field fails the test too.
    """
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        node = {"anyOf": [node, {"type": "null"}]}
    elif "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    return node


def _validator(schema, path, status):
    answer = schema["paths"][path]["get"]["responses"][str(status)]
    target = answer["content"]["application/json"]["schema"]
    # The document's components stay where the schema's $refs point.
    document = _as_json_schema(copy.deepcopy(schema))
    return Draft202012Validator({**document, **_as_json_schema(target)})


def test_every_field_that_can_be_null_says_so(schema):
    properties = {name: component.get("properties", {})
                  for name, component in schema["components"]["schemas"].items()}
    for component, field in [
        ("Organisation", "paired"),  # national bodies have no pair
        ("Update", "published_at"),  # no sign-off recorded (updates loaded as published)
        ("SuperComplaint", "comments_due_on"),  # no report published yet
        ("SuperComplaint", "progress_update_due_on"),
        ("SuperComplaint", "submitted_on"),
        ("SuperComplaint", "report_published_on"),
        ("Response", "lead"),  # withheld from signed-out callers
        ("Response", "portal_reference"),
        ("Response", "reviewed_at"),
        ("Deadline", "due_on"),
        ("Deadline", "days"),
        ("PaginatedResponseList", "next"),
        ("PaginatedResponseList", "previous"),
    ]:
        assert properties[component][field].get("nullable") is True, (component, field)


def test_every_operation_documents_its_refusals_as_json(schema):
    for name, path in OPERATIONS.items():
        answers = schema["paths"][path]["get"]["responses"]
        assert {"200", "304", "400", "401", "404", "429"} <= set(answers), name
        # Every resource is open to signed-out callers: nothing is ever forbidden.
        assert "403" not in answers, name
        for status in ("400", "401", "404", "429"):
            assert answers[status]["description"], (name, status)
            assert "application/json" in answers[status]["content"], (name, status)
        assert "Retry-After" in answers["429"]["headers"], name
        assert "WWW-Authenticate" in answers["401"]["headers"], name


@pytest.mark.parametrize("signed_in", [False, True])
def test_real_answers_validate_against_the_schema(client, data, schema, signed_in):
    # Nulls in every field that can hold one: a national body has no pair, a super-complaint
    # whose report is not yet published has no due dates, and an update loaded as published
    # has no recorded sign-off.
    SuperComplaint.objects.create(slug="not-yet", title="Not yet", short_title="Not yet")
    ResponseUpdate.objects.filter(state="published").update(signed_off_at=None)
    if signed_in:
        client.force_login(data.outsider)
    answers = {
        "super-complaints": client.get(reverse("api:supercomplaint_list")),
        "super-complaint": client.get(reverse("api:supercomplaint_detail", args=["not-yet"])),
        "recommendations": client.get(reverse("api:recommendation_list")),
        "recommendation": client.get(
            reverse("api:recommendation_detail", args=["safe-to-share", "5"])
        ),
        "organisations": client.get(reverse("api:organisation_list")),
        "organisation": client.get(reverse("api:organisation_detail", args=["hmicfrs"])),
        "responses": client.get(reverse("api:response_list")),
        "response": client.get(
            reverse("api:response_detail", args=["safe-to-share", "1", "force-a"])
        ),
    }
    for name, answer in answers.items():
        assert answer.status_code == 200, name
        errors = [e.message for e in _validator(schema, OPERATIONS[name], 200).iter_errors(
            answer.json())]
        assert errors == [], name
    assert answers["organisation"].json()["paired"] is None
    assert answers["super-complaint"].json()["comments_due_on"] is None
    assert answers["response"].json()["updates"][0]["published_at"] is None


def test_refusals_are_the_json_the_schema_describes(client, data, schema, settings):
    _, token = AuthToken.objects.create(user=data.outsider)
    responses = OPERATIONS["responses"]
    organisation = OPERATIONS["organisation"]
    refusals = [
        # A filter value the API does not know, named in the answer.
        (client.get(responses, {"kind": "spaceship"}), responses, 400),
        # A control character anywhere in the address.
        (client.get(responses, {"organisation": "\x00"}), responses, 400),
        (client.get("/api/v1/organisations/force%00a/"), organisation, 400),
        # Past the last page; no such resource; a slug no resource could have.
        (client.get(responses, {"page": 99}), responses, 404),
        (client.get("/api/v1/organisations/no-such-body/"), organisation, 404),
        (client.get("/api/v1/organisations/not%20a%20slug/"), organisation, 404),
        # An unknown token, and a revoked one.
        (client.get(responses, headers={"Authorization": "Token not-a-token"}), responses, 401),
    ]
    AuthToken.objects.all().delete()
    refusals.append(
        (client.get(responses, headers={"Authorization": f"Token {token}"}), responses, 401)
    )
    settings.API_ANONYMOUS_RATE = "1/minute"
    client.get(responses)
    refusals.append((client.get(responses), responses, 429))

    for answer, path, status in refusals:
        assert answer.status_code == status, (path, status, answer.content)
        assert answer["Content-Type"] == "application/json", (path, status)
        errors = [e.message for e in _validator(schema, path, status).iter_errors(answer.json())]
        assert errors == [], (path, status, answer.json())
