"""
The reference fixtures (organisations, recipient groups, super-complaints and recommendations) and
the demo fixtures (responses, accounts) load cleanly, load twice without duplicating anything, and
hold what the seeds say.
"""

import csv
import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import Membership
from core.richtext import sanitise_html
from recommendations.models import Organisation, RecipientGroup, Recommendation, SuperComplaint
from recommendations.selectors import expected_organisations_by_recommendation
from responses.choices import Marking, WorkflowState
from responses.models import Response, ResponseUpdate
from tests.conftest import fixtures_loaded_once_per_module, loaddata

FIXTURES = [
    "organisations",
    "recipient_groups",
    "super_complaints",
    "office_holders",
    "demo_responses",
    "demo_accounts",
]
FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"
ORGANISATIONS_CSV = FIXTURES_DIR / "source" / "organisations.csv"
DEMO_PASSWORD = "demo-password-2026"
MODELS = [
    Organisation,
    RecipientGroup,
    SuperComplaint,
    Recommendation,
    Recommendation.recipient_groups.through,
    Recommendation.depends_on.through,
    Response,
    ResponseUpdate,
    get_user_model(),
    Membership,
]


def load_fixtures():
    loaddata(*FIXTURES)


def row_counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


def recommendation(number, super_complaint="safe-to-share"):
    return Recommendation.objects.get_by_natural_key(super_complaint, number)


fixtures_loaded = fixtures_loaded_once_per_module(*FIXTURES)


@pytest.fixture
def loaded(fixtures_loaded, db):
    """Every fixture, loaded once for the module; what a test changes is rolled back after it."""


def test_every_organisation_in_the_csv_is_loaded(loaded):
    with open(ORGANISATIONS_CSV, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))

    assert Organisation.objects.count() == len(rows) == 97
    for row in rows:
        organisation = Organisation.objects.get(slug=row["slug"])
        assert (organisation.name, organisation.kind, organisation.notes) == (
            row["name"],
            row["kind"],
            row["notes"],
        )


def test_police_forces_are_the_43_territorial_forces_and_btp(loaded):
    forces = Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE)

    assert forces.count() == 44
    assert forces.filter(slug="btp").exists()
    assert forces.exclude(region="National").count() == 43


def test_local_policing_bodies_are_one_per_force_including_btpa(loaded):
    # 43 PCCs or equivalents for the territorial forces, plus the British Transport Police
    # Authority, which the CSV files under local policing bodies so that BTP has a pair.
    assert Organisation.objects.filter(kind=Organisation.Kind.LOCAL_POLICING_BODY).count() == 44
    assert Organisation.objects.filter(kind=Organisation.Kind.NATIONAL_BODY).count() == 9


def test_every_paired_organisation_points_back(loaded):
    paired = Organisation.objects.filter(paired__isnull=False).select_related("paired")

    assert paired.count() == 88
    for organisation in paired:
        assert organisation.paired.paired_id == organisation.pk, organisation.slug
        assert organisation.paired.kind != organisation.kind


def test_every_force_is_paired_with_a_local_policing_body(loaded):
    forces = Organisation.objects.filter(kind=Organisation.Kind.POLICE_FORCE)
    assert forces.count() == 44
    for force in forces.select_related("paired"):
        assert force.paired is not None, force.slug
        assert force.paired.kind == Organisation.Kind.LOCAL_POLICING_BODY


def test_organisations_fixture_is_what_the_build_script_writes():
    """The committed JSON is regenerated from the CSV by scripts/build_organisations_fixture.py."""
    import importlib.util

    path = Path(settings.BASE_DIR) / "scripts" / "build_organisations_fixture.py"
    spec = importlib.util.spec_from_file_location("build_organisations_fixture", path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)

    built = script.build(script.read_rows(ORGANISATIONS_CSV))

    assert json.loads((FIXTURES_DIR / "organisations.json").read_text()) == built


def test_no_fixture_row_has_a_primary_key_except_response_updates():
    paths = sorted(FIXTURES_DIR.glob("*.json"))
    assert {path.stem for path in paths} >= set(FIXTURES), paths
    for path in paths:
        for row in json.loads(path.read_text()):
            if row["model"] == "responses.responseupdate":
                assert isinstance(row["pk"], int)
            else:
                assert "pk" not in row, (path.name, row["model"])


def test_loading_fixtures_twice_does_not_duplicate_rows(loaded):
    first = row_counts()

    load_fixtures()

    assert row_counts() == first
    assert first["recommendations.Organisation"] == 97
    assert first["recommendations.Recommendation"] == 30
    assert first["responses.Response"] == 15
    assert first["responses.ResponseUpdate"] == 19


def test_loading_fixtures_again_updates_rows_in_place(loaded):
    organisation = Organisation.objects.get(slug="south-yorkshire")
    Organisation.objects.filter(pk=organisation.pk).update(name="Renamed")
    rec = recommendation("1")
    rec.recipient_groups.clear()

    load_fixtures()

    assert Organisation.objects.get(pk=organisation.pk).name == "South Yorkshire Police"
    assert set(rec.recipient_groups.values_list("slug", flat=True)) == {"chief-constables"}


def test_recipient_groups_cover_forces_pccs_national_bodies_and_all_recipients(loaded):
    kinds = Counter(RecipientGroup.objects.values_list("kind", flat=True))

    assert kinds == {
        RecipientGroup.Kind.POLICE_FORCES: 1,
        RecipientGroup.Kind.LOCAL_POLICING_BODIES: 1,
        RecipientGroup.Kind.ORGANISATION: 8,
        RecipientGroup.Kind.ALL_RECIPIENTS: 1,
    }
    for group in RecipientGroup.objects.filter(kind=RecipientGroup.Kind.ORGANISATION):
        assert group.organisation.kind == Organisation.Kind.NATIONAL_BODY
        assert group.slug == group.organisation.slug
    assert RecipientGroup.objects.get(slug="chief-constables").name == "Chief constables"
    assert len(set(RecipientGroup.objects.values_list("order", flat=True))) == 11


def test_eight_super_complaints_with_the_unreported_one_under_investigation(loaded):
    assert SuperComplaint.objects.count() == 8
    assert SuperComplaint.objects.filter(report_published_on__isnull=False).count() == 7
    latest = SuperComplaint.objects.get(slug="delays-in-sexual-offence-investigations")
    assert latest.status == SuperComplaint.Status.UNDER_INVESTIGATION
    assert not latest.recommendations.exists()
    assert SuperComplaint.objects.get(slug="police-response-to-stalking").status == (
        SuperComplaint.Status.REPORT_PUBLISHED
    )


def test_safe_to_share_has_eight_recommendations_in_printed_order(loaded):
    safe_to_share = SuperComplaint.objects.get(slug="safe-to-share")

    numbers = list(safe_to_share.recommendations.in_order().values_list("number", flat=True))

    assert numbers == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert safe_to_share.report_published_on.isoformat() == "2020-12-17"


def test_safe_to_share_recipient_groups_are_as_printed(loaded):
    def groups(number):
        return set(recommendation(number).recipient_groups.values_list("slug", flat=True))

    assert groups("1") == {"chief-constables"}
    assert groups("2") == {"home-office"}
    assert groups("3") == {"home-office", "npcc"}
    assert groups("4") == {"chief-constables"}
    assert groups("5") == {"chief-constables", "police-and-crime-commissioners"}
    assert groups("6") == {"police-and-crime-commissioners"}
    assert groups("7") == {"home-office"}
    assert groups("8") == {"all-recipients"}


def test_recommendation_1_keeps_its_notes_as_a_list(loaded):
    rec = recommendation("1")

    assert rec.text.startswith("<p>As an interim measure, pending the outcome of recommendation 2")
    assert rec.notes.startswith("<ul><li>This recommendation to stop information sharing")
    assert rec.notes.count("<li>") == 4


def test_dependencies_are_the_ones_the_recommendation_text_names(loaded):
    depends = {
        rec.number: {other.number for other in rec.depends_on.all()}
        for rec in SuperComplaint.objects.get(slug="safe-to-share").recommendations.all()
    }

    assert depends == {
        "1": {"2"},
        "2": set(),
        "3": set(),
        "4": {"3"},
        "5": set(),
        "6": set(),
        "7": set(),
        "8": set(),
    }


def test_stalking_recommendations_are_due_by_27_march_2025(loaded):
    stalking = Recommendation.objects.filter(super_complaint__slug="police-response-to-stalking")

    assert sorted(stalking.values_list("number", flat=True)) == ["10", "15", "7"]
    assert {rec.due_on.isoformat() for rec in stalking} == {"2025-03-27"}
    assert "7.1 Processes" in recommendation("7", "police-response-to-stalking").text


def test_unnumbered_recommendations_say_their_number_is_not_printed(loaded):
    unnumbered = Recommendation.objects.filter(number__startswith="unnumbered-")

    assert unnumbered.filter(super_complaint__slug="a-duty-to-protect").count() == 9
    assert unnumbered.filter(super_complaint__slug="hestia-modern-slavery").count() == 2
    for rec in unnumbered:
        assert "does not print this recommendation’s number" in rec.notes


def test_rich_text_is_already_clean_and_has_no_script(loaded):
    values = [
        value
        for text, notes in Recommendation.objects.values_list("text", "notes")
        for value in (text, notes)
    ] + list(ResponseUpdate.objects.values_list("narrative", flat=True))

    assert len(values) == 30 * 2 + 19
    for value in values:
        assert "<script" not in value.lower()
        assert sanitise_html(value) == value


def test_rich_text_in_the_fixture_files_is_stored_unchanged(loaded):
    """Nothing in the fixtures is silently dropped by the sanitiser on the way in."""
    values = [
        row["fields"][field]
        for name in ("super_complaints.json", "demo_responses.json")
        for row in json.loads((FIXTURES_DIR / name).read_text())
        for field in ("text", "notes", "narrative")
        if field in row["fields"]
    ]
    assert len(values) == 30 * 2 + 19  # each recommendation's text and notes, each narrative
    for value in values:
        assert sanitise_html(value) == value


def test_every_response_shows_its_latest_published_update(loaded):
    responses = Response.objects.all()
    assert responses.count() == 15
    for response in responses:
        latest = response.updates.published().order_by("-as_of", "-created_at", "-pk").first()

        assert latest is not None
        assert response.current_update_id == latest.pk
        assert response.current_status == latest.status
        assert response.current_status_on == latest.as_of


def test_every_demo_update_is_published_and_unattributed(loaded):
    updates = ResponseUpdate.objects.all()
    assert updates.count() == 19
    for update in updates:
        assert update.state == WorkflowState.PUBLISHED
        assert update.marking in {Marking.OFFICIAL, Marking.OFFICIAL_REDACTED}
        assert update.author_id is None
        assert update.signed_off_by_id is None


def test_redacted_west_mercia_updates_stay_off_public_pages(loaded):
    updates = ResponseUpdate.objects.filter(
        response__organisation__slug__in=["west-mercia", "west-mercia-pcc"]
    )

    assert updates.count() == 5
    # Seed 004 is marked "OFFICIAL - REDACTED" on every page; the rest is plain OFFICIAL.
    assert set(updates.values_list("marking", flat=True)) == {Marking.OFFICIAL_REDACTED}
    assert not ResponseUpdate.objects.exclude(pk__in=updates).exclude(
        marking=Marking.OFFICIAL
    ).exists()
    assert not updates.filter(public=True).exists()
    assert not ResponseUpdate.objects.exclude(pk__in=updates).filter(public=False).exists()


def test_every_demo_response_is_to_a_recommendation_addressed_to_its_organisation(loaded):
    responses = list(Response.objects.select_related("recommendation", "organisation"))
    expected = expected_organisations_by_recommendation({r.recommendation for r in responses})

    assert len(responses) == 15
    for response in responses:
        assert response.organisation in expected[response.recommendation.pk], str(response)


def test_south_yorkshire_responses_carry_portal_references_and_two_dated_positions(loaded):
    responses = Response.objects.filter(organisation__slug="south-yorkshire")

    assert {r.recommendation.number: r.portal_reference for r in responses} == {
        "1": "#17527",
        "4": "#17573",
        "5": "#17616",
    }
    for response in responses:
        assert response.lead == "DCI Deborah Mahmood, in consultation with OPCC"
        dates = [u.as_of.isoformat() for u in response.updates.order_by("as_of")]
        assert dates == ["2021-05-01", "2022-01-14"]
    rec_1 = responses.get(recommendation__number="1")
    assert rec_1.current_status == "awaiting_national"
    assert rec_1.current_update.awaiting == "College of Policing guidance"


def test_warwickshire_update_paragraph_is_a_later_update(loaded):
    response = Response.objects.get_by_natural_key("safe-to-share", "4", "warwickshire")

    statuses = [(u.as_of.isoformat(), u.status) for u in response.updates.order_by("as_of")]

    assert statuses == [("2021-06-17", "in_progress"), ("2021-12-01", "nearing_completion")]


def test_demo_accounts_have_one_role_each(loaded):
    roles = {
        (m.user.username, m.organisation.slug): m.role
        for m in Membership.objects.select_related("user", "organisation")
    }

    assert roles == {
        ("force.contributor", "south-yorkshire"): Membership.Role.CONTRIBUTOR,
        ("force.approver", "south-yorkshire"): Membership.Role.APPROVER,
        ("opcc.contributor", "south-yorkshire-mayor"): Membership.Role.CONTRIBUTOR,
        ("hmicfrs.reviewer", "hmicfrs"): Membership.Role.REVIEWER,
        ("other.contributor", "west-mercia"): Membership.Role.CONTRIBUTOR,
    }
    assert Organisation.objects.get(slug="south-yorkshire").paired.slug == "south-yorkshire-mayor"


def test_demo_admin_is_a_superuser_without_membership(loaded):
    admin = get_user_model().objects.get(username="admin")

    assert admin.is_staff and admin.is_superuser
    assert not admin.memberships.exists()
    assert not get_user_model().objects.exclude(username="admin").filter(is_staff=True).exists()


def test_demo_accounts_sign_in_with_the_demo_password(loaded):
    users = get_user_model().objects.all()

    assert users.count() == 6
    for user in users:
        assert user.password.startswith("pbkdf2_sha256$")
        assert user.check_password(DEMO_PASSWORD), user.username
        assert user.email == f"{user.username}@example.com"


def test_updates_written_after_loading_get_fresh_primary_keys(loaded):
    """The explicit update pks must not block new rows (PostgreSQL sequences are reset)."""
    response = Response.objects.get_by_natural_key("safe-to-share", "1", "south-yorkshire")

    update = ResponseUpdate.objects.create(
        response=response, as_of="2022-06-01", status="in_progress", narrative="<p>Draft.</p>"
    )

    assert update.pk > ResponseUpdate.objects.exclude(pk=update.pk).order_by("-pk").first().pk
