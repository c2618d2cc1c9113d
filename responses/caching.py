"""What responses and their updates add to the fingerprints of kept pages (core.caching)."""

from core.caching import quoted, register_part
from recommendations.models import Recommendation

from .models import Chaser, ExtensionRequest, Response, ResponseReview, ResponseUpdate


def register():
    by_response = f"{quoted('response_id')} = %s"
    in_recommendation = (
        f"{quoted('response_id')} IN (SELECT {quoted('id')} FROM {quoted(Response)} "
        f"WHERE {quoted('recommendation_id')} = %s)"
    )

    # Any publication, review or new response changes the responses' greatest pk or latest
    # change (two index look-ups over 60,000 rows); requests for more time and chasing letters
    # are listed on the overview and the response pages.
    register_part("data", Response, summary="latest")
    register_part("data", ExtensionRequest)
    register_part("data", Chaser)

    # A few organisations' own answers ("organisations": a list of pks), with their requests for
    # more time and chasing letters: what home and an organisation's page say of their own.
    # (Whether guidance they await has landed is kept under "data", as national bodies answer.)
    of_organisations = f"{quoted('organisation_id')} IN (%s)"
    register_part("organisations", Response, where=of_organisations, arguments=("organisations",))
    for model in (ExtensionRequest, Chaser):
        register_part(
            "organisations", model,
            where=(f"{quoted('response_id')} IN (SELECT {quoted('id')} FROM {quoted(Response)} "
                   f"WHERE {of_organisations})"),
            arguments=("organisations",),
        )

    register_part(
        "super_complaint", Response,
        where=(f"{quoted('recommendation_id')} IN (SELECT {quoted('id')} FROM "
               f"{quoted(Recommendation)} WHERE {quoted('super_complaint_id')} = %s)"),
        arguments=("super_complaint",),
    )

    register_part("recommendation", Response, where=f"{quoted('recommendation_id')} = %s",
                  arguments=("recommendation",))
    # The reader's own position says when an update awaits sign-off: an update submitted
    # changes no response.
    register_part("recommendation", ResponseUpdate, where=in_recommendation,
                  arguments=("recommendation",))

    register_part("response", Response, where=f"{quoted('id')} = %s", arguments=("response",))
    for model in (ResponseUpdate, ResponseReview, ExtensionRequest, Chaser):
        register_part("response", model, where=by_response, arguments=("response",))
