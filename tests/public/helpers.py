"""What the tests of the public pages and documents share: every public URL, and the secrets."""

import datetime

from django.urls import reverse

from responses import services
from responses.choices import Marking, Status
from tests.conftest import draft_update, published_update, submitted_update

# Words of updates the public must never read, each in a different non-public state.
SECRETS = {
    "draft": "DRAFT-WORDS-NEVER-PUBLIC",
    "awaiting sign-off": "AWAITING-SIGN-OFF-WORDS",
    "returned": "RETURNED-WORDS-NEVER-PUBLIC",
    "sensitive": "SENSITIVE-WORDS-NEVER-PUBLIC",
    "not marked public": "NOT-CLEARED-WORDS",
}


def write_secrets(world, response):
    """Give `response` one update in each state the public must never see."""
    draft_update(world, response, narrative=f"<p>{SECRETS['draft']}</p>",
                 as_of=datetime.date(2022, 1, 1), public=True)
    returned = submitted_update(world, response, narrative=f"<p>{SECRETS['returned']}</p>",
                                as_of=datetime.date(2022, 1, 2), public=True)
    services.response_update_return(update=returned, approver=world.approver, comment="No.")
    published_update(world, response, narrative=f"<p>{SECRETS['sensitive']}</p>",
                     as_of=datetime.date(2022, 1, 3), marking=Marking.OFFICIAL_SENSITIVE,
                     status=Status.COMPLETED)
    published_update(world, response, narrative=f"<p>{SECRETS['not marked public']}</p>",
                     as_of=datetime.date(2022, 1, 4), public=False, status=Status.COMPLETED)
    # Last: a force has one update awaiting sign-off at a time.
    submitted_update(world, response, narrative=f"<p>{SECRETS['awaiting sign-off']}</p>",
                     as_of=datetime.date(2022, 1, 5), public=True)


def public_urls(world, organisation=None):
    """Every public page, feed and document that could show `organisation`'s words."""
    organisation = organisation or world.force_a
    sc, rec = world.super_complaint.slug, world.rec_1.number
    lpb = organisation.paired if organisation.kind == "police_force" else organisation
    return {
        "super-complaints": reverse("public:supercomplaint_list"),
        "super-complaint": reverse("public:supercomplaint_detail", args=[sc]),
        "recommendation": reverse("public:recommendation_detail", args=[sc, rec]),
        "organisations": reverse("public:organisation_list"),
        "organisation": reverse("public:organisation_detail", args=[organisation.slug]),
        "response": reverse("public:response_detail", args=[sc, rec, organisation.slug]),
        "organisation feed": reverse("public:organisation_feed", args=[organisation.slug]),
        "super-complaint feed": reverse("public:supercomplaint_feed", args=[sc]),
        "response page": reverse("public:response_page", args=[sc, organisation.slug]),
        "response page docx": reverse("public:response_page_docx", args=[sc, organisation.slug]),
        "overview": reverse("public:overview", args=[organisation.slug]),
        "overview docx": reverse("public:overview_docx", args=[organisation.slug]),
        "letter": reverse("public:letter", args=[sc, lpb.slug]) + "?date=2022-06-01",
        "letter docx": reverse("public:letter_docx", args=[sc, lpb.slug]) + "?date=2022-06-01",
    }


def docx_text(content):
    """Every paragraph of a .docx, its header and its footer, as text."""
    import io

    import docx

    document = docx.Document(io.BytesIO(content))
    section = document.sections[0]
    return {
        "header": "\n".join(p.text for p in section.header.paragraphs),
        "footer": "\n".join(p.text for p in section.footer.paragraphs),
        "body": "\n".join(p.text for p in document.paragraphs),
    }
