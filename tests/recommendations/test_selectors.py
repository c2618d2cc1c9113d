from recommendations.models import Recommendation
from recommendations.selectors import (
    expected_organisations_by_recommendation,
    recommendation_expected_organisations,
)


def slugs(organisations):
    return sorted(o.slug for o in organisations)


def test_chief_constables_expand_to_every_active_force(world):
    assert slugs(recommendation_expected_organisations(recommendation=world.rec_1)) == [
        "force-a", "force-b",
    ]


def test_a_named_body_group_expands_to_that_body(world):
    assert slugs(recommendation_expected_organisations(recommendation=world.rec_2)) == [
        "home-office"
    ]


def test_two_groups_give_the_union(world):
    assert slugs(recommendation_expected_organisations(recommendation=world.rec_5)) == [
        "force-a", "force-a-pcc", "force-b",
    ]


def test_all_recipients_is_the_union_of_the_other_recommendations(world):
    rec = Recommendation.objects.create(
        super_complaint=world.super_complaint, number="9", order=9, text="<p>All.</p>"
    )
    rec.recipient_groups.add(world.all_recipients)

    assert slugs(recommendation_expected_organisations(recommendation=rec)) == [
        "force-a", "force-a-pcc", "force-b", "home-office",
    ]


def test_a_recommendation_without_groups_expects_nobody(world):
    rec = Recommendation.objects.create(
        super_complaint=world.super_complaint, number="10", order=10, text="<p>x</p>"
    )
    assert recommendation_expected_organisations(recommendation=rec) == []


def test_expanding_many_recommendations_takes_two_queries(world, django_assert_num_queries):
    recommendations = list(Recommendation.objects.all())
    with django_assert_num_queries(2):
        expected = expected_organisations_by_recommendation(recommendations)
    assert len(expected) == 3


def test_unnumbered_recommendations_read_as_such(world):
    rec = Recommendation(super_complaint=world.super_complaint, number="unnumbered-2")
    assert rec.label == "Unnumbered recommendation (2)"
    assert rec.heading == "Unnumbered recommendation (2)"
    assert rec.short_label == "Unnumbered (2)"
    assert world.rec_1.label == "Recommendation 1"
    assert world.rec_1.short_label == "Rec 1"


def test_an_unnumbered_recommendation_is_named_by_its_short_title(world):
    """Issue 22: "Unnumbered recommendation (2)" told nobody which recommendation it was."""
    untitled = Recommendation(
        super_complaint=world.super_complaint, number="unnumbered-2",
        text="<p>Chief constables should consider what legal support they need to use "
             "protective measures.</p>",
    )
    titled = Recommendation(super_complaint=world.super_complaint, number="unnumbered-1",
                            title="Monitoring of recommendations", text="<p>a. Report.</p>")

    assert untitled.label == untitled.heading == (
        "Chief constables should consider what legal support they need to…")
    assert titled.label == titled.heading == "Monitoring of recommendations"
    world.rec_1.title = "Interim measure"
    assert world.rec_1.heading == "Recommendation 1: Interim measure"
