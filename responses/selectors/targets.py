"""
Finding what one response's address names: its recommendation, organisation and (if any)
response, and one update with all three. Every page and action on a response starts here.
"""

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404

from core.caching import fingerprint, found_by_address
from recommendations.models import Organisation, Recommendation
from recommendations.selectors import recommendation_expected_organisations

from ..models import Response, ResponseUpdate, response_url


@dataclass
class ResponseTarget:
    """A recommendation and an organisation that answers (or is expected to answer) it."""

    recommendation: Recommendation
    organisation: Organisation
    response: Response | None

    @property
    def url(self):
        """Its response page (which exists before the Response row does)."""
        return response_url(self.recommendation, self.organisation)


def response_target_get(*, super_complaint_slug, number, organisation_slug):
    """
    Return the recommendation, organisation and (if any) response behind a response URL.

    404 unless the organisation is expected to respond or has responded anyway (a response row
    survives its organisation leaving a recipient group). One query when there is a response;
    otherwise four or six.
    """
    response = (
        Response.objects.filter(
            recommendation__super_complaint__slug=super_complaint_slug,
            recommendation__number=number,
            organisation__slug=organisation_slug,
        )
        .select_related("recommendation__super_complaint", "organisation", "reviewed_by")
        .first()
    )
    if response is not None:
        return ResponseTarget(response.recommendation, response.organisation, response)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related("super_complaint"),
        super_complaint__slug=super_complaint_slug,
        number=number,
    )
    organisation = get_object_or_404(Organisation, slug=organisation_slug)
    expected = recommendation_expected_organisations(recommendation=recommendation)
    if organisation.pk not in {o.pk for o in expected}:
        raise Http404("This organisation is not expected to respond to this recommendation.")
    return ResponseTarget(recommendation, organisation, None)


def response_fingerprint(target):
    """The fingerprint of what a response's page is drawn from (core.caching's "response")."""
    return fingerprint(
        "response", response=target.response.pk if target.response else 0,
        recommendation=target.recommendation.pk,
        super_complaint=target.recommendation.super_complaint_id,
        organisation=target.organisation.pk,
    )


def response_target_kept(*, super_complaint_slug, number, organisation_slug):
    """
    (`response_target_get`, `response_fingerprint` of it) for the response page: one query
    while the target is kept, under its address, with the fingerprint it was found at. The
    fingerprint reads the very rows found (the response, its recommendation, super-complaint
    and organisation, by pk), so a changed slug or number, a deleted response or any other write
    to them shows as a changed fingerprint, and the target is found afresh (two queries).
    An organisation yet to answer has no response to key on: found afresh every time.
    """
    return found_by_address(
        ("response", super_complaint_slug, str(number), organisation_slug),
        lambda: response_target_get(
            super_complaint_slug=super_complaint_slug, number=number,
            organisation_slug=organisation_slug,
        ),
        response_fingerprint,
        keep=lambda target: target.response is not None,
    )


def response_target_by_pk(*, pk):
    """The target of a response found by its pk (one query), or None when there is none."""
    response = (
        Response.objects.select_related("recommendation__super_complaint", "organisation")
        .filter(pk=pk)
        .first()
    )
    if response is None:
        return None
    return ResponseTarget(response.recommendation, response.organisation, response)


def response_update_get(*, pk):
    """Return one update with its response, recommendation and organisation (one query)."""
    return get_object_or_404(
        ResponseUpdate.objects.select_related(
            "response__recommendation__super_complaint", "response__organisation", "author"
        ),
        pk=pk,
    )
