"""What the reference data adds to the fingerprints of kept pages (core.caching)."""

from core.caching import quoted, register_part

from .models import OfficeHolder, Organisation, RecipientGroup, Recommendation, SuperComplaint


def register():
    links = Recommendation.recipient_groups.through
    link_recommendation = quoted(links._meta.get_field("recommendation").column)
    in_super_complaint = (
        f"{link_recommendation} IN (SELECT {quoted('id')} FROM {quoted(Recommendation)} "
        f"WHERE {quoted('super_complaint_id')} = %s)"
    )
    by_pk = f"{quoted('id')} = %s"

    # Every list and summary names organisations and recommendations, and who is expected to
    # answer comes from the recipient groups and the office holders sign the letters.
    for scope in ("data", "organisations"):
        for model in (Recommendation, SuperComplaint, Organisation, OfficeHolder, RecipientGroup):
            register_part(scope, model)
        register_part(scope, links, summary="links")

    register_part("super_complaint", Recommendation, where=f"{quoted('super_complaint_id')} = %s",
                  arguments=("super_complaint",))
    register_part("super_complaint", links, where=in_super_complaint,
                  arguments=("super_complaint",), summary="links")
    register_part("super_complaint", Organisation)
    # Its own row: the matrix keeps the super-complaint under its address (found_by_address).
    register_part("super_complaint", SuperComplaint, where=by_pk, arguments=("super_complaint",))

    # A recommendation's comparison shows it and its super-complaint (title, due dates), and
    # keeps them under its address (responses.selectors.comparison.recommendation_heading).
    register_part("recommendation", Recommendation, where=by_pk, arguments=("recommendation",))
    register_part(
        "recommendation", SuperComplaint,
        where=f"{quoted('id')} IN (SELECT {quoted('super_complaint_id')} "
              f"FROM {quoted(Recommendation)} WHERE {quoted('id')} = %s)",
        arguments=("recommendation",),
    )
    register_part("recommendation", links, where=f"{link_recommendation} = %s",
                  arguments=("recommendation",), summary="links")
    register_part("recommendation", Organisation)

    # A response's page shows its recommendation, super-complaint (due dates) and organisation.
    register_part("response", Recommendation, where=by_pk, arguments=("recommendation",))
    register_part("response", SuperComplaint, where=by_pk, arguments=("super_complaint",))
    register_part("response", Organisation, where=by_pk, arguments=("organisation",))
