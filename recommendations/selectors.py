"""Reads that cross relations: recipients, progress, lists for pages."""

from collections import defaultdict

from .models import Organisation, RecipientGroup, Recommendation


def _organisation_ids_for_groups(groups, organisations):
    """Expand (kind, organisation_id) pairs, excluding "all recipients", to organisation ids."""
    ids = set()
    for kind, organisation_id in groups:
        if kind == RecipientGroup.Kind.POLICE_FORCES:
            ids.update(o.pk for o in organisations if o.kind == Organisation.Kind.POLICE_FORCE)
        elif kind == RecipientGroup.Kind.LOCAL_POLICING_BODIES:
            ids.update(
                o.pk for o in organisations if o.kind == Organisation.Kind.LOCAL_POLICING_BODY
            )
        elif kind == RecipientGroup.Kind.ORGANISATION and organisation_id is not None:
            ids.add(organisation_id)
    return ids


def expected_organisations_by_recommendation(recommendations):
    """
    Return {recommendation pk: [Organisation, ...]} sorted by name: who is expected to respond.

    Computed from the recipient groups of each recommendation, never stored. "All recipients" is
    the union of the other recommendations of the same super-complaint. Two queries, whatever the
    number of recommendations: one for the groups of every recommendation of the super-complaints
    involved, one for the active organisations.
    """
    recommendations = list(recommendations)
    if not recommendations:
        return {}
    super_complaint_ids = {r.super_complaint_id for r in recommendations}
    through = Recommendation.recipient_groups.through
    rows = through.objects.filter(
        recommendation__super_complaint_id__in=super_complaint_ids
    ).values_list(
        "recommendation_id",
        "recommendation__super_complaint_id",
        "recipientgroup__kind",
        "recipientgroup__organisation_id",
    )
    groups_by_recommendation = defaultdict(list)
    recommendations_by_super_complaint = defaultdict(set)
    for recommendation_id, super_complaint_id, kind, organisation_id in rows:
        groups_by_recommendation[recommendation_id].append((kind, organisation_id))
        recommendations_by_super_complaint[super_complaint_id].add(recommendation_id)

    organisations = list(Organisation.objects.active())
    by_id = {o.pk: o for o in organisations}
    own_ids = {
        rec_id: _organisation_ids_for_groups(groups, organisations)
        for rec_id, groups in groups_by_recommendation.items()
    }

    result = {}
    for recommendation in recommendations:
        groups = groups_by_recommendation.get(recommendation.pk, [])
        ids = set(own_ids.get(recommendation.pk, set()))
        if any(kind == RecipientGroup.Kind.ALL_RECIPIENTS for kind, _ in groups):
            for other_id in recommendations_by_super_complaint[recommendation.super_complaint_id]:
                if other_id != recommendation.pk:
                    ids |= own_ids.get(other_id, set())
        result[recommendation.pk] = sorted(
            (by_id[i] for i in ids if i in by_id), key=lambda o: o.name
        )
    return result


def recommendation_expected_organisations(*, recommendation):
    """Return the organisations expected to respond to one recommendation, sorted by name."""
    return expected_organisations_by_recommendation([recommendation])[recommendation.pk]
