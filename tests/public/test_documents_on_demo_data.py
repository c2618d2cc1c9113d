"""
The three documents, generated from the fixtures' real Safe to share? data, carry the seeds'
facts: read back from the .docx with python-docx (recommendation text, statuses, dates, marking).
The demo fixtures are loaded once for the module.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from recommendations.models import Organisation
from responses import services
from responses.choices import Marking, Status
from tests.conftest import DEMO_FIXTURES, fixtures_loaded_once_per_module
from tests.public.helpers import docx_text

demo_data = fixtures_loaded_once_per_module(*DEMO_FIXTURES)


@pytest.fixture
def demo(demo_data, db):
    """The reference and demo fixtures, loaded once for the module; each test's rows roll back."""


def _word(client, name, *args, query=""):
    page = client.get(reverse(name, args=args) + query)
    assert page.status_code == 200, page.status_code
    assert page["Content-Disposition"].startswith("attachment; filename=")
    return docx_text(page.content)


def test_the_opcc_response_page_carries_seed_001s_facts(demo, client):
    word = _word(client, "public:response_page_docx", "safe-to-share", "warwickshire-pcc")
    body = word["body"]

    assert word["header"] == word["footer"] == "OFFICIAL"
    assert "Response to super-complaint by Liberty and Southall Black Sisters" in body
    # Recommendation 1, to chief constables: Warwickshire Police's answer, Completed.
    # The super-complaint's own introduction: who made it, when, what it concerns (issue 22).
    assert ("On 18 December 2018, Liberty and Southall Black Sisters made a super-complaint to "
            "Her Majesty's Chief Inspector of Constabulary.") in body
    assert "It concerned two features of policing" in body
    # Recipients as people write them, as the seed does.
    assert "Recommendation 1. To chief constables" in body
    assert "Recommendation 3. To the Home Office and the NPCC" in body
    assert "Recommendation 5. To chief constables and police and crime commissioners" in body
    # The notes to each recommendation, under its text.
    rec_1 = body[body.index("Recommendation 1."):body.index("Recommendation 2.")]
    assert "Notes to recommendation 1" in rec_1
    assert "This recommendation to stop information sharing only applies to victims" in rec_1
    assert "As an interim measure, pending the outcome of recommendation 2" in body
    assert "Pending the outcome of Recommendation 2, Warwickshire Police has issued" in body
    assert "Status: Completed (as of 1 December 2021)" in body
    # Recommendation 4: the response, then the later dated update, then the status.
    rec_4 = body[body.index("Recommendation 4."):body.index("Recommendation 5.")]
    assert "All victims of crime in Warwickshire are provided" in rec_4
    assert "Update (1 December 2021): " in rec_4
    assert "Following the recent NCA Director General Sec 5 tasking" in rec_4
    assert rec_4.index("All victims of crime") < rec_4.index("Update (1 December 2021)")
    assert "Status: In progress – nearing completion (as of 1 December 2021)" in rec_4
    # Recommendation 6, to PCCs: the office's own answer, In progress.
    rec_6 = body[body.index("Recommendation 6."):body.index("Recommendation 7.")]
    assert "The OPCC has commissioned a new Victim Needs Assessment" in rec_6
    assert "Status: In progress (as of 1 December 2021)" in rec_6
    # Recommendations 2, 3 and 7 are to other bodies: listed, without a response.
    rec_2 = body[body.index("Recommendation 2."):body.index("Recommendation 3.")]
    assert "Review the legal framework and policy" in rec_2
    assert "Addressed to other bodies" in rec_2 and "Status:" not in rec_2
    rec_8 = body[body.index("Recommendation 8."):]
    assert "APCC received several queries" in rec_8 and "Status: Completed" in rec_8


def test_the_force_and_its_office_answer_recommendation_5_together(demo, client):
    body = _word(client, "public:response_page_docx", "safe-to-share", "warwickshire-pcc")["body"]
    rec_5 = body[body.index("Recommendation 5."):body.index("Recommendation 6.")]

    assert "Warwickshire Police response:" in rec_5
    assert "Warwickshire Police have reviewed their Domestic Abuse communications plan" in rec_5
    assert "Office of the Warwickshire Police and Crime Commissioner response:" in rec_5
    assert "OPCC Warwickshire will provide ongoing support to force communications" in rec_5
    assert rec_5.count("Status: Completed (as of 1 December 2021)") == 2


def test_the_pcc_letter_carries_seed_003s_facts(demo, client):
    word = _word(client, "public:letter_docx", "safe-to-share", "south-yorkshire-mayor",
                 query="?date=2022-01-14&reference=PCC/SC/1")
    body = word["body"]

    assert word["header"] == word["footer"] == "OFFICIAL"
    # The office's letterhead and address block, as on seed 003 (issue 22).
    assert body.startswith(
        "South Yorkshire Police and Crime Commissioner\n"
        "Carbrook House, Carbrook Hall Road, Sheffield, South Yorkshire S9 2EH\n"
        "Tel: 0114 2964150\nEmail: thepcc@southyorkshire-pcc.gov.uk\n"
        "www.southyorkshire-pcc.gov.uk\nTo: The Home Secretary\n14 January 2022\n"
    )
    assert "Our reference: PCC/SC/1" in body
    assert "Dear Home Secretary" in body
    # The office as it was named on the letter's date, not the Mayor it passed to in 2024.
    assert ("Response from Dr Alan Billings, Police and Crime Commissioner for South Yorkshire, "
            "to the HMICFRS Report: Safe to share?") in body
    assert "Mayor" not in body
    # A letter sent by the office carries no "Made for publication" banner.
    assert "Made for publication" not in body
    # The closing sentence is printed once: the office's own answer already says it.
    assert body.count("I will continue to monitor progress against these recommendations.") == 1
    assert "update from South Yorkshire Police" in body
    assert "South Yorkshire Police are still awaiting the College of Policing guidance." in body
    assert "Once the College of Policing guidance is received South Yorkshire Police" in body
    assert "Both South Yorkshire Police and the Office of the Police and Crime Commissioner" in body
    assert body.count("Status: Awaiting national guidance (as of 14 January 2022)") == 2
    assert "Status: In progress (as of 14 January 2022)" in body
    # Only the recommendations the force or the office answered: 1, 4 and 5.
    for number in ("1", "4", "5"):
        assert f"Recommendation {number} – To" in body
    assert "Recommendation 2 – To" not in body and "Recommendation 6 – To" not in body
    assert body.rstrip().endswith("Dr Alan Billings\nSouth Yorkshire Police and Crime Commissioner")


def test_a_letter_gives_the_position_on_its_date(demo, client):
    body = _word(client, "public:letter_docx", "safe-to-share", "south-yorkshire-mayor",
                 query="?date=2021-06-01")["body"]

    assert "We are still awaiting the CoP guidance" in body  # the May 2021 update
    assert "South Yorkshire Police are still awaiting the College of Policing" not in body


def test_the_office_passed_to_the_mayor_keeps_its_history(demo, client):
    body = _word(client, "public:letter_docx", "safe-to-share", "south-yorkshire-mayor",
                 query="?date=2024-06-01")["body"]

    assert "Response from Oliver Coppard, Mayor of South Yorkshire, to" in body
    assert "South Yorkshire Police are still awaiting the College of Policing guidance." in body
    assert body.rstrip().endswith("Oliver Coppard\nMayor of South Yorkshire")
    holder = Organisation.objects.get(slug="south-yorkshire-mayor").office_holder_on(
        datetime.date(2022, 1, 14)
    )
    assert holder.name == "Dr Alan Billings"


def test_the_overview_carries_seed_002s_shape(demo, client):
    word = _word(client, "public:overview_docx", "warwickshire")
    body = word["body"]

    assert word["header"] == word["footer"] == "OFFICIAL"
    assert "Super-complaints current overview" in body
    assert "17 December 2020: Safe to share?" in body
    # The STATUS line is the workflow state (issue 22), not a count.
    assert "STATUS – In progress: not yet submitted to HMICFRS for review." in body
    assert "recommendations completed" not in body
    assert "Status: In progress – nearing completion (as of 1 December 2021)" in body
    # The short form, as the seed: each recommendation and its status, not the positions' text.
    assert "Pending the outcome of Recommendation 2, Warwickshire Police has issued" not in body
    # Every super-complaint addressed to the force, with its date and title.
    assert "26 May 2021: The hidden victims" in body
    assert "24 August 2021: A duty to protect" in body
    # Unnumbered recommendations by their short titles (issue 22) and sub-parts a./b. as printed.
    assert "Unnumbered recommendation" not in body
    assert ("Chief constables should assure themselves that: a. their officers are… To chief "
            "constables") in body
    assert "a. their officers are fully supported" in body


def test_west_mercias_documents_are_marked_official_redacted(demo, client):
    user = get_user_model().objects.get(username="other.contributor")
    client.force_login(user)

    word = _word(client, "documents:response_page_docx", "safe-to-share", "west-mercia-pcc")

    assert word["header"] == word["footer"] == "OFFICIAL - REDACTED"
    assert "West Mercia Police response:" in word["body"]
    assert "Some words of this response were withheld (OFFICIAL - REDACTED)." in word["body"]
    # Not cleared for the public: no public document.
    client.logout()
    assert client.get(reverse("public:response_page", args=["safe-to-share",
                                                            "west-mercia-pcc"])).status_code == 404


def test_a_sensitive_update_marks_the_document_and_stays_out_of_one_for_publication(demo, client):
    users = get_user_model().objects
    contributor, approver = users.get(username="force.contributor"), users.get(
        username="force.approver")
    update = services.response_update_create(
        author=contributor, submit=True,
        recommendation=Organisation.objects.get(slug="south-yorkshire").responses.get(
            recommendation__number="1").recommendation,
        organisation=Organisation.objects.get(slug="south-yorkshire"),
        as_of=datetime.date(2022, 3, 1), status=Status.COMPLETED,
        narrative="<p>Sensitive operational detail.</p>", marking=Marking.OFFICIAL_SENSITIVE,
    )
    services.response_update_publish(update=update, approver=approver)
    # The Mayor's office is the force's paired body: it needs to know.
    client.force_login(users.get(username="opcc.contributor"))

    full = _word(client, "documents:letter_docx", "safe-to-share", "south-yorkshire-mayor",
                 query="?date=2022-06-01")
    published = _word(client, "documents:letter_docx", "safe-to-share", "south-yorkshire-mayor",
                      query="?date=2022-06-01&for=publication")

    assert full["header"] == full["footer"] == "OFFICIAL-SENSITIVE"
    assert "Sensitive operational detail." in full["body"]
    assert published["header"] == published["footer"] == "OFFICIAL"
    assert "Sensitive operational detail." not in published["body"]
    # No banner inside a letter (issue 22): the page says what was left out instead.
    assert "OFFICIAL-SENSITIVE content is left out" not in published["body"]
    page_for_publication = client.get(
        reverse("documents:letter", args=["safe-to-share", "south-yorkshire-mayor"])
        + "?date=2022-06-01&for=publication").content.decode()
    assert "OFFICIAL-SENSITIVE content is left out" in page_for_publication.split(
        '<article')[0]
    assert "Made for publication" not in page_for_publication.split('<article')[1]
    html = client.get(reverse("documents:letter", args=["safe-to-share", "south-yorkshire-mayor"])
                      + "?date=2022-06-01").content.decode()
    assert html.count('class="app-marking app-marking--') == 2
    assert html.count(">OFFICIAL-SENSITIVE</p>") == 2
    # The way to the version for publication keeps the letter's date.
    assert "?date=2022-06-01&amp;for=publication" in html

    # Another force has no need to know: its copy leaves the sensitive text out.
    client.force_login(users.get(username="other.contributor"))
    other = _word(client, "documents:letter_docx", "safe-to-share", "south-yorkshire-mayor",
                  query="?date=2022-06-01")
    assert "Sensitive operational detail." not in other["body"]


def test_a_visitor_cannot_make_a_document_that_is_not_for_publication(demo, client):
    for name, args in (("documents:overview", ["south-yorkshire"]),
                       ("documents:overview_docx", ["south-yorkshire"]),
                       ("documents:response_page", ["safe-to-share", "south-yorkshire"]),
                       ("documents:letter_docx", ["safe-to-share", "south-yorkshire-mayor"])):
        page = client.get(reverse(name, args=args))
        assert page.status_code == 302 and "/accounts/sign-in/" in page["Location"], name


def test_a_letter_opens_with_the_commissioners_own_paragraphs(demo, client):
    opening = ("This super-complaint concerns migrant victims in vulnerable circumstances.\r\n\r\n"
               "I welcome the HMICFRS report.")
    for name in ("public:letter", "public:letter_docx"):
        page = client.get(reverse(name, args=["safe-to-share", "south-yorkshire-mayor"]),
                          {"date": "2022-01-14", "opening": opening})
        if name.endswith("docx"):
            body = docx_text(page.content)["body"]
        else:  # the letter itself, after the form that typed the opening
            body = page.content.decode().split("<article")[1]
            assert 'name="opening"' in page.content.decode()
        first = body.index("This super-complaint concerns migrant victims")
        assert body.index("Response from Dr Alan Billings") < first
        assert first < body.index("I welcome the HMICFRS report.")
        assert body.index("I welcome the HMICFRS report.") < body.index(
            "The following information provides an update")


def test_the_overviews_long_form_adds_each_positions_text(demo, client):
    short = _word(client, "public:overview_docx", "warwickshire")["body"]
    long = _word(client, "public:overview_docx", "warwickshire", query="?text=full")["body"]
    page = client.get(reverse("public:overview", args=["warwickshire"]) + "?text=full").text

    narrative = "Pending the outcome of Recommendation 2, Warwickshire Police has issued"
    assert narrative in long and narrative in page
    assert narrative not in short
    assert len(long) > len(short) + 5000
    # The same STATUS lines and statuses in both forms.
    for line in ("STATUS – In progress: not yet submitted to HMICFRS for review.",
                 "Status: In progress – nearing completion (as of 1 December 2021)"):
        assert line in short and line in long
    assert "Show the short form" in page
    assert "Show the long form" in client.get(
        reverse("public:overview", args=["warwickshire"])).text


def test_the_response_page_as_html_carries_the_introduction_notes_and_recipients(demo, client):
    page = client.get(reverse("public:response_page", args=["safe-to-share", "warwickshire-pcc"]))
    html = page.content.decode()

    assert "On 18 December 2018, Liberty and Southall Black Sisters made a super-complaint" in html
    assert "Recommendation 3. To the Home Office and the NPCC</h2>" in html
    assert "Notes to recommendation 1</h3>" in html
    assert "Made for publication" in html  # a page for publication, unlike a letter


def test_the_letter_and_overview_as_html_carry_the_seeds_structure(demo, client):
    letter = client.get(reverse("public:letter", args=["safe-to-share", "south-yorkshire-mayor"])
                        + "?date=2022-01-14").content.decode()
    article = letter.split("<article")[1]
    assert "Carbrook House, Carbrook Hall Road, Sheffield, South Yorkshire S9 2EH" in article
    assert ("Response from Dr Alan Billings, Police and Crime Commissioner for South Yorkshire, "
            "to the HMICFRS Report") in article
    assert "Mayor" not in article and "Mayor" not in letter.split("<title>")[1].split("</title>")[0]
    assert "Made for publication" not in article
    assert article.count("I will continue to monitor progress against these recommendations.") == 1

    overview = client.get(reverse("public:overview", args=["warwickshire"])).content.decode()
    assert "STATUS – In progress: not yet submitted to HMICFRS for review.</p>" in overview
    assert "recommendations completed" not in overview
