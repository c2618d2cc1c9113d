"""
The need-to-know rule holds in the Django admin: an administrator who may not open a file (a
draft's outside its organisation, an OFFICIAL-SENSITIVE one without the need to know) sees that
it exists, its marking, size and state, never its title, name or hash, and gets no download.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Membership
from responses import services as response_services
from responses.choices import Marking
from tests.conftest import draft_update

from .helpers import attach, download_url

DRAFT_TITLE = "Draft covert plan"
SENSITIVE_TITLE = "Sensitive informant list"
OPEN_TITLE = "Published training records"
CHANGELIST = reverse("admin:evidence_evidencefile_changelist")


def change_url(evidence):
    return reverse("admin:evidence_evidencefile_change", args=[evidence.pk])


def publish(world, update):
    response_services.response_update_edit(update=update, editor=world.contributor, submit=True)
    return response_services.response_update_publish(update=update, approver=world.approver)


@pytest.fixture
def files(world, response):
    """A draft's file; a published update's OFFICIAL-SENSITIVE file and OFFICIAL file."""
    draft = attach(world, draft_update(world, response), title=DRAFT_TITLE,
                   name="draft-plan.pdf")
    other = response_services.response_get_or_create(recommendation=world.rec_5,
                                                     organisation=world.force_a)
    update = draft_update(world, other)
    sensitive = attach(world, update, title=SENSITIVE_TITLE, name="informants.pdf",
                       marking=Marking.OFFICIAL_SENSITIVE)
    official = attach(world, update, title=OPEN_TITLE, name="training.pdf")
    publish(world, update)
    return {"draft": draft, "sensitive": sensitive, "official": official}


def superuser(username, organisation=None, role=None):
    user = get_user_model().objects.create_superuser(username, f"{username}@example.org", "x")
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_an_administrator_without_the_need_to_know_sees_only_that_the_files_exist(
    client, world, files
):
    client.force_login(superuser("root"))

    listing = client.get(CHANGELIST).text
    pages = {name: client.get(change_url(evidence)) for name, evidence in files.items()}

    assert DRAFT_TITLE not in listing and SENSITIVE_TITLE not in listing
    assert OPEN_TITLE in listing
    for name in ("draft", "sensitive"):
        evidence, page = files[name], pages[name]
        assert page.status_code == 200
        for secret in (evidence.title, evidence.original_name, evidence.sha256,
                       evidence.file.name, download_url(evidence)):
            assert secret not in page.text, (name, secret)
        assert "Withheld: you do not need to know this file" in page.text
        assert evidence.marking in page.text  # that it exists, and how it is marked
    assert OPEN_TITLE in pages["official"].text
    assert download_url(files["official"]) in pages["official"].text


def test_searching_the_admin_by_a_title_finds_no_withheld_file(client, world, files):
    client.force_login(superuser("root"))

    page = client.get(CHANGELIST, {"q": "informant"})

    assert page.context["cl"].result_count == 0


def test_a_member_administrator_sees_their_organisations_files(client, world, files):
    client.force_login(superuser("admin-a", world.force_a, Membership.Role.VIEWER))

    listing = client.get(CHANGELIST).text
    page = client.get(change_url(files["sensitive"])).text

    assert DRAFT_TITLE in listing and SENSITIVE_TITLE in listing
    assert SENSITIVE_TITLE in page and files["sensitive"].sha256 in page
    assert download_url(files["sensitive"]) in page


def test_a_reviewer_administrator_sees_sensitive_files_but_not_drafts(client, world, files):
    client.force_login(superuser("admin-r", world.hmicfrs, Membership.Role.REVIEWER))

    listing = client.get(CHANGELIST).text

    assert SENSITIVE_TITLE in listing
    assert DRAFT_TITLE not in listing


def test_the_admin_shows_an_update_s_text_only_to_who_may_read_it(client, world):
    """Drafts and OFFICIAL-SENSITIVE text stay need-to-know in the admin too."""
    from django.urls import reverse

    from responses.models import ResponseUpdate
    from tests.conftest import draft_update, make_user, published_update

    draft = draft_update(world, recommendation=world.rec_1, organisation=world.force_a,
                         narrative="<p>Draft words nobody outside may read.</p>")
    sensitive = published_update(world, recommendation=world.rec_5,
                                 organisation=world.force_a, marking="OFFICIAL-SENSITIVE",
                                 narrative="<p>Sensitive words.</p>")
    outsider_admin = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(outsider_admin)
    for update, words in ((draft, "Draft words"), (sensitive, "Sensitive words")):
        page = client.get(reverse("admin:responses_responseupdate_change", args=[update.pk]))
        assert page.status_code == 200
        assert words not in page.text
        assert "Withheld: you do not need to know" in page.text
        assert client.post(reverse("admin:responses_responseupdate_change", args=[update.pk]),
                           {"narrative": "<p>Overwritten.</p>"}).status_code == 403
    found = client.get(reverse("admin:responses_responseupdate_changelist"), {"q": "Sensitive"})
    assert "0 updates" in found.text or "0 response updates" in found.text.lower()
    assert ResponseUpdate.objects.get(pk=draft.pk).narrative.startswith("<p>Draft words")

    # A member of the organisation who is also an administrator reads both.
    member_admin = make_user("member", world.force_a, "approver", is_staff=True,
                             is_superuser=True)
    client.force_login(member_admin)
    page = client.get(reverse("admin:responses_responseupdate_change", args=[sensitive.pk]))
    assert "Sensitive words" in page.text


def test_the_audit_log_in_the_admin_keeps_need_to_know_text_back(client, world):
    from auditlog.models import LogEntry
    from django.urls import reverse

    from tests.conftest import draft_update, make_user

    draft = draft_update(world, recommendation=world.rec_1, organisation=world.force_a,
                         narrative="<p>Draft words nobody outside may read.</p>")
    entry = next(e for e in LogEntry.objects.get_for_object(draft)
                 if "narrative" in e.changes_dict)

    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert page.status_code == 200
    assert "Draft words" not in page.text
    assert "narrative: withheld" in page.text
    found = client.get(reverse("admin:auditlog_logentry_changelist"), {"q": "Draft words"})
    assert f"/{entry.pk}/change/" not in found.text

    member_admin = make_user("member", world.force_a, "approver", is_staff=True,
                             is_superuser=True)
    client.force_login(member_admin)
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert "Draft words" in page.text
