"""Who must respond, computed from the real reference data."""

import pytest

from recommendations.models import Organisation, Recommendation
from recommendations.selectors import recommendation_expected_organisations
from tests.conftest import REFERENCE_FIXTURES, fixtures_loaded_once_per_module

reference_data_loaded = fixtures_loaded_once_per_module(*REFERENCE_FIXTURES)


@pytest.fixture
def reference_data(reference_data_loaded, db):
    """The reference fixtures, loaded once for the module; each test's changes roll back."""


def expected(number, super_complaint="safe-to-share"):
    recommendation = Recommendation.objects.get(
        super_complaint__slug=super_complaint, number=number
    )
    return recommendation_expected_organisations(recommendation=recommendation)


def test_safe_to_share_recommendation_1_expects_all_44_forces(reference_data):
    organisations = expected("1")
    assert len(organisations) == 44
    assert {o.kind for o in organisations} == {Organisation.Kind.POLICE_FORCE}
    assert "btp" in {o.slug for o in organisations}


def test_safe_to_share_recommendation_5_expects_forces_and_local_policing_bodies(reference_data):
    organisations = expected("5")
    kinds = [o.kind for o in organisations]
    assert kinds.count(Organisation.Kind.POLICE_FORCE) == 44
    assert kinds.count(Organisation.Kind.LOCAL_POLICING_BODY) == 44


def test_safe_to_share_recommendation_3_expects_the_home_office_and_the_npcc(reference_data):
    assert sorted(o.slug for o in expected("3")) == ["home-office", "npcc"]


def test_a_disbanded_force_is_no_longer_expected(reference_data):
    Organisation.objects.filter(slug="south-yorkshire").update(active=False)
    assert "south-yorkshire" not in {o.slug for o in expected("1")}
    assert len(expected("1")) == 43
