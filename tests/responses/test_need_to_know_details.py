"""
A response's lead and portal reference are those of its current update: when that update is
OFFICIAL-SENSITIVE they are need-to-know like its text. A reader without the need sees that
they are withheld, on the response page (and its history), the comparison, side by side, the
exports and the open-data API, and searching finds nothing by them; the public never sees
them.
"""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from public.docx import DOCX_CONTENT_TYPE
from responses.choices import Marking, Status
from tests.conftest import published_update
from tests.public.helpers import docx_text, public_urls
from tests.responses.helpers import response_url

OLD_LEAD, OLD_REFERENCE = "DCI Open Lead", "#10001"
SENSITIVE_LEAD, SENSITIVE_REFERENCE = "DS Covert Lead", "#77777"
WITHHELD = (SENSITIVE_LEAD, SENSITIVE_REFERENCE, OLD_LEAD, OLD_REFERENCE)
# What the reader sees in their place.
WITHHELD_DETAIL = "Withheld (OFFICIAL-SENSITIVE)"


@pytest.fixture
def sensitive(world):
    """Force A on rec 1: a public update, then an OFFICIAL-SENSITIVE one, now current."""
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     as_of=datetime.date(2021, 5, 1), status=Status.IN_PROGRESS,
                     narrative="<p>Open words.</p>", public=True,
                     lead=OLD_LEAD, portal_reference=OLD_REFERENCE)
    return published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                            as_of=datetime.date(2021, 6, 1), status=Status.IN_PROGRESS,
                            narrative="<p>Sensitive words.</p>",
                            marking=Marking.OFFICIAL_SENSITIVE,
                            lead=SENSITIVE_LEAD, portal_reference=SENSITIVE_REFERENCE)


def rec_url(world, name):
    return reverse(name, args=[world.super_complaint.slug, world.rec_1.number])


def xlsx_text(content):
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True)
        for value in row if value is not None
    )


def read_everywhere(client, world):
    """{where: what the reader gets} from every place a lead or reference is shown."""
    export = rec_url(world, "responses:recommendation_export")
    organisation_export = reverse("responses:organisation_export", args=[world.force_a.slug])
    api = reverse("api:response_detail",
                  args=[world.super_complaint.slug, world.rec_1.number, world.force_a.slug])
    return {
        "response page": client.get(response_url(world)).text,
        "comparison": client.get(rec_url(world, "responses:recommendation_detail")).text,
        "side by side": client.get(rec_url(world, "responses:recommendation_compare"),
                                   {"organisation": ["force-a", "force-b"]}).text,
        "comparison CSV": client.get(export, {"format": "csv"}).content.decode("utf-8-sig"),
        "comparison XLSX": xlsx_text(client.get(export, {"format": "xlsx"}).content),
        "organisation CSV": client.get(organisation_export, {"format": "csv"})
        .content.decode("utf-8-sig"),
        "organisation XLSX": xlsx_text(
            client.get(organisation_export, {"format": "xlsx"}).content
        ),
        "API response": client.get(api).text,
        "API list": client.get(reverse("api:response_list")).text,
        "home": client.get(reverse("home")).text,
    }


def test_a_reader_without_the_need_to_know_never_gets_them(client, world, sensitive):
    client.force_login(world.other_contributor)

    shown = read_everywhere(client, world)

    leaks = [(where, words) for where, text in shown.items() for words in WITHHELD
             if words in text]
    assert leaks == []
    for where in ("response page", "comparison", "comparison CSV", "organisation CSV",
                  "comparison XLSX", "organisation XLSX"):
        assert WITHHELD_DETAIL in shown[where], where
    api = client.get(reverse("api:response_detail", args=[
        world.super_complaint.slug, world.rec_1.number, world.force_a.slug])).json()
    assert api["lead"] is None and api["portal_reference"] is None
    assert api["status"] == Status.IN_PROGRESS  # that it exists, and how it stands


@pytest.mark.parametrize("reader", ["contributor", "opcc_contributor", "reviewer"])
def test_the_organisation_its_paired_body_and_reviewers_get_them(client, world, sensitive,
                                                                 reader):
    client.force_login(getattr(world, reader))

    shown = read_everywhere(client, world)

    for where in ("response page", "comparison CSV", "organisation CSV", "comparison XLSX",
                  "API response"):
        assert SENSITIVE_LEAD in shown[where], (reader, where)
        assert SENSITIVE_REFERENCE in shown[where], (reader, where)
    assert SENSITIVE_LEAD in shown["comparison"]
    assert WITHHELD_DETAIL not in shown["response page"]


def test_searching_by_a_withheld_lead_finds_nothing(client, world, sensitive):
    url = rec_url(world, "responses:recommendation_detail")
    client.force_login(world.other_contributor)
    page = client.get(url, {"q": "Covert Lead"})
    assert [row.slug for row in page.context["comparison"].rows] == []

    client.force_login(world.reviewer)
    page = client.get(url, {"q": "Covert Lead"})
    assert [row.slug for row in page.context["comparison"].rows] == ["force-a"]


def test_a_lead_of_an_official_update_is_read_and_found_by_everyone(client, world):
    published_update(world, organisation=world.force_a, recommendation=world.rec_1,
                     lead=OLD_LEAD, portal_reference=OLD_REFERENCE)
    client.force_login(world.other_contributor)

    page = client.get(response_url(world)).text
    found = client.get(rec_url(world, "responses:recommendation_detail"), {"q": "Open Lead"})

    assert OLD_LEAD in page and OLD_REFERENCE in page
    assert [row.slug for row in found.context["comparison"].rows] == ["force-a"]


def test_the_public_pages_never_show_them(client, world, sensitive):
    for name, url in public_urls(world).items():
        page = client.get(url)
        assert page.status_code == 200, name
        if page["Content-Type"] == DOCX_CONTENT_TYPE:
            text = "\n".join(docx_text(page.content).values())
        else:
            text = page.content.decode()
        assert [words for words in WITHHELD if words in text] == [], name
