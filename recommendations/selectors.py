"""Reads that cross relations: who is expected to respond to which recommendation."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from .models import Organisation, RecipientGroup, Recommendation

GROUP_KIND_TO_ORGANISATION_KIND = {
    RecipientGroup.Kind.POLICE_FORCES: Organisation.Kind.POLICE_FORCE,
    RecipientGroup.Kind.LOCAL_POLICING_BODIES: Organisation.Kind.LOCAL_POLICING_BODY,
}


@dataclass(frozen=True)
class Audience:
    """
    Who a recommendation is addressed to, without listing them: whole kinds of organisation
    ("every police force") plus named organisations. Answers "is this organisation expected?"
    and "how many are expected?" in constant time, which the pages that look across every
    recommendation need (1,200 recommendations x 97 organisations at national scale).
    """

    kinds: frozenset = frozenset()
    organisation_ids: frozenset = frozenset()

    def __or__(self, other):
        return Audience(self.kinds | other.kinds, self.organisation_ids | other.organisation_ids)

    def includes(self, organisation_id, kind):
        return kind in self.kinds or organisation_id in self.organisation_ids

    def count(self, active):
        """How many of the active organisations ({id: kind}) are expected."""
        by_kind = Counter(active.values())
        named = sum(
            1 for pk in self.organisation_ids if pk in active and active[pk] not in self.kinds
        )
        return sum(by_kind[kind] for kind in self.kinds) + named


def audiences_by_recommendation(recommendations):
    """
    Return {recommendation pk: Audience}, from the recipient groups, in one query.

    "All recipients" is the union of the other recommendations of the same super-complaint.
    """
    recommendations = list(recommendations)
    if not recommendations:
        return {}
    through = Recommendation.recipient_groups.through
    rows = through.objects.filter(
        recommendation__super_complaint_id__in={r.super_complaint_id for r in recommendations}
    ).values_list(
        "recommendation_id",
        "recommendation__super_complaint_id",
        "recipientgroup__kind",
        "recipientgroup__organisation_id",
    )
    own = defaultdict(Audience)
    wants_all = set()
    by_super_complaint = defaultdict(set)
    for recommendation_id, super_complaint_id, group_kind, organisation_id in rows:
        by_super_complaint[super_complaint_id].add(recommendation_id)
        if group_kind == RecipientGroup.Kind.ALL_RECIPIENTS:
            wants_all.add(recommendation_id)
        elif group_kind in GROUP_KIND_TO_ORGANISATION_KIND:
            kind = GROUP_KIND_TO_ORGANISATION_KIND[group_kind]
            own[recommendation_id] |= Audience(kinds=frozenset([kind]))
        elif organisation_id is not None:
            own[recommendation_id] |= Audience(organisation_ids=frozenset([organisation_id]))

    audiences = {}
    for recommendation in recommendations:
        audience = own.get(recommendation.pk, Audience())
        if recommendation.pk in wants_all:
            for other_id in by_super_complaint[recommendation.super_complaint_id]:
                if other_id != recommendation.pk:
                    audience |= own.get(other_id, Audience())
        audiences[recommendation.pk] = audience
    return audiences


def active_organisation_kinds():
    """Return {organisation id: kind} for every active organisation (one query)."""
    return dict(Organisation.objects.active().values_list("pk", "kind"))


def expected_organisations_by_recommendation(recommendations):
    """
    Return {recommendation pk: [Organisation, ...]} sorted by name: who is expected to respond.

    Computed from the recipient groups, never stored; inactive organisations are left out.
    Two queries whatever the number of recommendations.
    """
    recommendations = list(recommendations)
    audiences = audiences_by_recommendation(recommendations)
    if not audiences:
        return {}
    organisations = list(Organisation.objects.active().order_by("name"))
    return {
        pk: [o for o in organisations if audience.includes(o.pk, o.kind)]
        for pk, audience in audiences.items()
    }


def recommendation_expected_organisations(*, recommendation):
    """Return the organisations expected to respond to one recommendation, sorted by name."""
    return expected_organisations_by_recommendation([recommendation])[recommendation.pk]
