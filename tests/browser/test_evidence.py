"""Evidence in a real browser: attach two files, submit, approve, a reviewer downloads one and
closes the response citing it; axe on every page."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from evidence.models import EvidenceFile
from responses.models import Response, ResponseReview

from .conftest import sign_in, sign_out

pytestmark = pytest.mark.browser

RESPONSE = "/super-complaints/safe-to-share/recommendations/4/south-yorkshire/"
POLICY = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
FIGURES = b"Month,Officers trained\nJanuary,120\nFebruary,135\n"
DISGUISED = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def attach(page, title, name, content, mime):
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("File", exact=True).set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )
    page.get_by_role("button", name="Attach file").click()


def test_evidence_is_attached_published_downloaded_and_cited(
    demo_data, new_page, check_accessibility, tmp_path
):
    page = new_page()
    sign_in(page, "force.contributor")
    page.goto(RESPONSE)
    page.locator("a", has_text="Add an update").click()
    page.get_by_label("Completed", exact=True).check()
    page.locator("#id_narrative").fill("Policy rewritten and every officer trained.")
    page.get_by_label("Evidence has been submitted to HMICFRS for review").check()
    page.get_by_role("button", name="Save draft and attach files").click()
    expect(page.get_by_role("heading", name="Evidence files")).to_be_visible()
    check_accessibility(page, "evidence-files")

    # An HTML page named .pdf is refused; the title typed survives.
    attach(page, "Domestic abuse policy", "policy.pdf", DISGUISED, "application/pdf")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.get_by_text("The selected file is not a real PDF").first).to_be_visible()
    assert page.get_by_label("Title", exact=True).input_value() == "Domestic abuse policy"
    check_accessibility(page, "evidence-files-error")

    page.get_by_label("File", exact=True).set_input_files(
        {"name": "policy.pdf", "mimeType": "application/pdf", "buffer": POLICY}
    )
    page.get_by_role("button", name="Attach file").click()
    expect(page.get_by_text("File attached: Domestic abuse policy")).to_be_visible()
    attach(page, "Training figures", "figures.csv", FIGURES, "text/csv")
    expect(page.get_by_text("File attached: Training figures")).to_be_visible()
    assert EvidenceFile.objects.count() == 2
    check_accessibility(page, "evidence-files-two")

    page.get_by_role("link", name="check the update and submit it for sign-off").click()
    page.get_by_role("button", name="Submit for sign-off").click()
    expect(page.get_by_text("Update submitted for sign-off")).to_be_visible()
    check_accessibility(page, "response-with-evidence")
    sign_out(page)

    approver = new_page()
    sign_in(approver, "force.approver")
    approver.goto(RESPONSE)
    expect(approver.get_by_role("link", name="Training figures")).to_be_visible()
    approver.get_by_role("button", name="Approve and publish").click()
    expect(approver.get_by_text("Update published")).to_be_visible()

    reviewer = new_page()
    sign_in(reviewer, "hmicfrs.reviewer")
    reviewer.goto("/")
    expect(reviewer.get_by_role("heading", name="Evidence waiting for review")).to_be_visible()
    check_accessibility(reviewer, "home-evidence-awaiting-review")
    # A task of the reviewer's: the link goes to the review form on the response page.
    reviewer.get_by_role("link", name="South Yorkshire – Safe to share? – recommendation 4"
                         ).first.click()
    assert reviewer.url.endswith(RESPONSE + "#review")
    check_accessibility(reviewer, "response-review-with-evidence")
    with reviewer.expect_download() as download_info:
        reviewer.get_by_role("link", name="Domestic abuse policy").first.click()
    download = download_info.value
    assert download.suggested_filename == "policy.pdf"
    saved = Path(tmp_path) / "downloaded.pdf"
    download.save_as(saved)
    policy = EvidenceFile.objects.get(title="Domestic abuse policy")
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == policy.sha256
    expect(reviewer.get_by_text(policy.sha256).first).to_be_visible()

    reviewer.get_by_label("Close – evidence accepted").check()
    reviewer.get_by_label("Domestic abuse policy (policy.pdf", exact=False).check()
    reviewer.get_by_label("Comment").fill("Policy seen and accepted.")
    reviewer.get_by_role("button", name="Save review decision").click()
    expect(reviewer.get_by_text("Response closed")).to_be_visible()
    expect(reviewer.get_by_text("Evidence considered:")).to_be_visible()
    check_accessibility(reviewer, "response-closed-with-evidence")

    review = ResponseReview.objects.get(response__organisation__slug="south-yorkshire",
                                        response__recommendation__number="4")
    assert list(review.considered_evidence.all()) == [policy]
    assert Response.objects.get(pk=review.response_id).review_outcome == "closed"
