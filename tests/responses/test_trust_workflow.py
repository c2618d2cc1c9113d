"""
Regression tests for the workflow flaws a hostile sweep found: sign-off defeated by editing,
unsigned details leaking, lost updates, and 500s when actions race on one update.

The race tests run real threads against PostgreSQL (each thread has its own connection); SQLite's
in-memory test database is private to one connection, so they are skipped there, while the
sequential versions of the same rules run on both databases.
"""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.http import Http404
from django.urls import reverse

from responses import services
from responses.choices import WorkflowState
from responses.models import Response, ResponseUpdate
from tests.conftest import draft_update, published_update, submitted_update
from tests.responses.helpers import form_data, sign_off_data

# 1. Four eyes


def test_an_approver_who_changes_a_draft_cannot_then_sign_it_off(world, response):
    draft = draft_update(world, response)

    services.response_update_edit(
        update=draft, editor=world.approver, submit=True, narrative="<p>Approver's words.</p>"
    )
    with pytest.raises(PermissionDenied, match="wrote yourself"):
        services.response_update_publish(update=draft, approver=world.approver)

    draft.refresh_from_db()
    assert draft.state == WorkflowState.AWAITING_SIGN_OFF
    assert draft.author == world.approver
    assert set(draft.editors.all()) == {world.contributor, world.approver}


def test_the_same_defeat_through_the_pages_is_refused(world, client, response):
    draft = draft_update(world, response)
    client.force_login(world.approver)

    edit = client.post(reverse("workflow:update_edit", args=[draft.pk]),
                       form_data(narrative="Replaced by the approver.", action="submit",
                                 version=draft.version))
    assert edit.status_code == 302
    approve = client.post(reverse("workflow:update_sign_off", args=[draft.pk]),
                          sign_off_data(draft))

    assert approve.status_code == 403
    assert ResponseUpdate.objects.get(pk=draft.pk).state == WorkflowState.AWAITING_SIGN_OFF


def test_submitting_without_changing_the_content_keeps_the_author(world, response):
    draft = draft_update(world, response)

    services.response_update_edit(
        update=draft, editor=world.approver, submit=True, narrative=draft.narrative
    )
    published = services.response_update_publish(update=draft, approver=world.approver)

    assert published.author == world.contributor
    assert published.signed_off_by == world.approver


def test_an_approver_who_changed_a_draft_cannot_sign_it_off_after_the_contributor_did_too(
    world, response
):
    draft = draft_update(world, response)
    services.response_update_edit(
        update=draft, editor=world.approver, narrative="<p>Approver's suggestion.</p>"
    )
    services.response_update_edit(
        update=draft, editor=world.contributor, submit=True,
        narrative="<p>Contributor's final words.</p>",
    )

    with pytest.raises(PermissionDenied, match="wrote yourself"):
        services.response_update_publish(update=draft, approver=world.approver)
    published = services.response_update_publish(update=draft, approver=_second_approver(world))
    assert published.state == WorkflowState.PUBLISHED


def test_an_approvers_words_resubmitted_with_one_character_changed_are_not_theirs_to_sign_off(
    world, client, response
):
    draft = draft_update(world, response, author=world.approver,
                         narrative="<p>The approver's own position.</p>")
    services.response_update_edit(
        update=draft, editor=world.contributor, submit=True,
        narrative="<p>The approver's own position!</p>",
    )
    draft.refresh_from_db()
    assert draft.author == world.contributor
    client.force_login(world.approver)

    page = client.get(reverse("workflow:response_detail", args=["safe-to-share", "1", "force-a"]))
    assert "Approve and publish" not in page.text
    assert not ResponseUpdate.objects.signable_by(world.approver).exists()
    home = client.get(reverse("home"))
    assert "Waiting for your sign-off" not in home.text
    approve = client.post(reverse("workflow:update_sign_off", args=[draft.pk]),
                          sign_off_data(draft))

    assert approve.status_code == 403
    assert "You cannot sign off an update you wrote yourself" in approve.text
    draft.refresh_from_db()
    assert draft.state == WorkflowState.AWAITING_SIGN_OFF
    assert draft.signed_off_by is None


def test_an_approver_cannot_sign_off_their_words_after_a_contributor_only_attached_a_file(
    world, response
):
    from tests.evidence.helpers import attach

    draft = draft_update(world, response, author=world.approver,
                         narrative="<p>The approver's own position.</p>")
    attach(world, draft, user=world.contributor)
    services.response_update_edit(update=draft, editor=world.contributor, submit=True)

    with pytest.raises(PermissionDenied, match="wrote yourself"):
        services.response_update_publish(update=draft, approver=world.approver)
    draft.refresh_from_db()
    assert draft.state == WorkflowState.AWAITING_SIGN_OFF


def test_an_update_awaiting_sign_off_cannot_be_rewritten_in_the_django_admin(
    world, client, response
):
    from django.contrib.auth import get_user_model

    from tests.responses.test_admin_workflow import change_url, update_form

    update = submitted_update(world, response, narrative="<p>As submitted.</p>")
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "x"))

    page = client.get(change_url(update))
    assert page.status_code == 200
    assert 'name="narrative"' not in page.text  # shown, not editable
    rewrite = client.post(change_url(update), update_form(update, narrative="<p>Admin's.</p>"))

    assert rewrite.status_code == 403
    update.refresh_from_db()
    assert update.narrative == "<p>As submitted.</p>"
    published = services.response_update_publish(update=update, approver=world.approver)
    assert published.narrative == "<p>As submitted.</p>"


def test_an_approver_who_changed_a_draft_in_the_django_admin_cannot_sign_it_off(
    world, client, response
):
    from tests.responses.test_admin_workflow import change_url, update_form

    world.approver.is_staff = world.approver.is_superuser = True
    world.approver.save()
    draft = draft_update(world, response, narrative="<p>The contributor's.</p>")
    client.force_login(world.approver)

    saved = client.post(change_url(draft), update_form(draft, narrative="<p>The admin's.</p>"))
    assert saved.status_code == 302
    draft.refresh_from_db()
    assert draft.narrative == "<p>The admin's.</p>"
    assert world.approver in draft.editors.all()
    assert draft.version == 2
    services.response_update_edit(update=draft, editor=world.contributor, submit=True)

    with pytest.raises(PermissionDenied, match="wrote yourself"):
        services.response_update_publish(update=draft, approver=world.approver)


# Sign-off from a stale page


def _shown_sign_off_version(page, update):
    """The version the sign-off forms of `update` on a response page carry."""
    import re

    form = page.text.split(reverse("workflow:update_sign_off", args=[update.pk]), 1)[1]
    return int(re.search(r'name="version" value="(\d+)"', form).group(1))


def test_approving_from_a_page_opened_before_a_return_and_rewrite_publishes_nothing(
    world, client, response
):
    update = submitted_update(world, response, narrative="<p>Text X.</p>")
    page_url = reverse("workflow:response_detail", args=["safe-to-share", "1", "force-a"])
    client.force_login(world.approver)
    opened = client.get(page_url)
    assert "Text X." in opened.text
    seen = _shown_sign_off_version(opened, update)

    services.response_update_return(update=update, approver=_second_approver(world),
                                    comment="Rewrite it.")
    services.response_update_edit(update=update, editor=world.contributor, submit=True,
                                  narrative="<p>Text Y.</p>")
    approve = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                          {"action": "approve", "version": seen})

    assert approve.status_code == 409
    assert "This update has changed since you opened the page, so nothing has been published" in (
        approve.text
    )
    assert f'href="#update-{update.pk}">Read the update as it is now</a>' in approve.text
    assert "Text Y." in approve.text
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF
    assert update.signed_off_by != world.approver
    response.refresh_from_db()
    assert response.current_update is None

    # Having read Y, the approver signs it off from the page shown now.
    again = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                        {"action": "approve", "version": _shown_sign_off_version(approve, update)})
    assert again.status_code == 302
    update.refresh_from_db()
    assert (update.state, update.narrative) == (WorkflowState.PUBLISHED, "<p>Text Y.</p>")


def test_returning_from_a_stale_page_returns_nothing_and_keeps_the_comment(
    world, client, response
):
    update = submitted_update(world, response, narrative="<p>Text X.</p>")
    seen = update.version
    services.response_update_return(update=update, approver=_second_approver(world),
                                    comment="Rewrite it.")
    services.response_update_edit(update=update, editor=world.contributor, submit=True,
                                  narrative="<p>Text Y.</p>")
    client.force_login(world.approver)

    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       {"action": "return", "version": seen, "comment": "X is wrong."})

    assert page.status_code == 409
    assert "so it has not been returned" in page.text
    assert "X is wrong.</textarea>" in page.text
    update.refresh_from_db()
    assert update.state == WorkflowState.AWAITING_SIGN_OFF


def test_the_sign_off_services_refuse_a_version_the_approver_did_not_read(world, response):
    update = submitted_update(world, response)
    services.response_update_return(update=update, approver=_second_approver(world),
                                    comment="Redo")
    services.response_update_edit(update=update, editor=world.contributor, submit=True,
                                  narrative="<p>New.</p>")

    with pytest.raises(services.StaleSignOff) as refused:
        services.response_update_publish(update=update, approver=world.approver,
                                         expected_version=1)
    assert refused.value.current.narrative == "<p>New.</p>"
    with pytest.raises(services.StaleSignOff):
        services.response_update_return(update=update, approver=world.approver,
                                        comment="No", expected_version=1)
    assert ResponseUpdate.objects.get(pk=update.pk).state == WorkflowState.AWAITING_SIGN_OFF


def test_a_sign_off_that_does_not_say_which_version_is_refused(world, client, response):
    update = submitted_update(world, response)
    client.force_login(world.approver)

    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       {"action": "approve"})

    assert page.status_code == 400
    assert ResponseUpdate.objects.get(pk=update.pk).state == WorkflowState.AWAITING_SIGN_OFF


# 2. Unsigned details


def test_a_drafts_lead_and_reference_reach_nobody_before_sign_off(world, client, response):
    published_update(world, response, lead="DCI Published", portal_reference="#1")
    draft_update(world, response, lead="DCI Unsigned", portal_reference="#999",
                 as_of=datetime.date(2021, 6, 1))

    response.refresh_from_db()
    assert (response.lead, response.portal_reference) == ("DCI Published", "#1")
    client.force_login(world.other_contributor)
    for url in (
        reverse("workflow:response_detail", args=["safe-to-share", "1", "force-a"]),
        world.rec_1.get_absolute_url(),
        reverse("responses:recommendation_export", args=["safe-to-share", "1"]),
        world.rec_1.get_absolute_url() + "?q=Unsigned",
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert b"DCI Unsigned" not in page.content
        assert b"#999" not in page.content


def test_a_late_sign_off_of_an_older_update_keeps_the_current_details(world, response):
    newer = submitted_update(world, response, as_of=datetime.date(2021, 9, 1), lead="DCI New")
    services.response_update_publish(update=newer, approver=world.approver)
    older = submitted_update(world, response, as_of=datetime.date(2021, 3, 1), lead="DCI Old")
    services.response_update_publish(update=older, approver=world.approver)

    response.refresh_from_db()
    assert response.lead == "DCI New"


# 3. Lost updates


def test_a_save_on_a_stale_copy_is_refused_showing_both_versions(world, client, response):
    draft = draft_update(world, response)
    opened_at = draft.version
    client.force_login(world.contributor)
    first = client.post(reverse("workflow:update_edit", args=[draft.pk]),
                        form_data(narrative="First person's text.", version=opened_at))
    assert first.status_code == 302

    client.force_login(world.approver)
    second = client.post(reverse("workflow:update_edit", args=[draft.pk]),
                         form_data(narrative="Second person's text.", version=opened_at))

    assert second.status_code == 409
    assert "changed this update while you were editing it" in second.text
    assert "First person&#x27;s text." in second.text or "First person's text." in second.text
    assert "Second person&#x27;s text." in second.text or "Second person's text." in second.text
    draft.refresh_from_db()
    assert draft.narrative == "<p>First person's text.</p>"

    # Having seen both, saving again replaces theirs deliberately.
    version = second.context["form"].data["version"]
    third = client.post(reverse("workflow:update_edit", args=[draft.pk]),
                        form_data(narrative="Second person's text.", version=version))
    assert third.status_code == 302
    draft.refresh_from_db()
    assert draft.narrative == "<p>Second person's text.</p>"


def test_the_service_refuses_a_stale_version(world, response):
    draft = draft_update(world, response)
    services.response_update_edit(update=draft, editor=world.contributor,
                                  expected_version=1, narrative="<p>One.</p>")
    with pytest.raises(services.StaleUpdate) as refused:
        services.response_update_edit(update=draft, editor=world.approver,
                                      expected_version=1, narrative="<p>Two.</p>")
    assert refused.value.current.narrative == "<p>One.</p>"


# 4. Vanished or moved on: 404 and 409, never 500


def test_an_update_deleted_meanwhile_is_not_found(world, client, response):
    draft = draft_update(world, response)
    stale_copy = ResponseUpdate.objects.get(pk=draft.pk)
    services.response_update_delete(update=draft, user=world.contributor)

    for call in (
        lambda: services.response_update_edit(update=stale_copy, editor=world.contributor,
                                              narrative="<p>x</p>"),
        lambda: services.response_update_publish(update=stale_copy, approver=world.approver),
        lambda: services.response_update_return(update=stale_copy, approver=world.approver,
                                                comment="No"),
        lambda: services.response_update_delete(update=stale_copy, user=world.contributor),
    ):
        with pytest.raises(Http404):
            call()

    client.force_login(world.approver)
    page = client.post(reverse("workflow:update_sign_off", args=[draft.pk]),
                       sign_off_data(draft))
    assert page.status_code == 404


def test_approving_an_update_returned_meanwhile_is_a_conflict(world, client, response):
    update = submitted_update(world, response)
    other_approver = _second_approver(world)
    services.response_update_return(update=update, approver=other_approver, comment="Redo")
    client.force_login(world.approver)

    page = client.post(reverse("workflow:update_sign_off", args=[update.pk]),
                       {"action": "approve", "version": update.version})

    assert page.status_code == 409
    assert "Only an update awaiting sign-off can be signed off." in page.text


def _second_approver(world):
    from accounts.models import Membership
    from tests.conftest import make_user

    return make_user("erin", world.force_a, Membership.Role.APPROVER)


# Real races (PostgreSQL only)

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="threads need a shared database; SQLite's in-memory test database is per connection",
)


def race(*actions):
    """Run the actions at the same moment, each in its own thread; return their results."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            results[index] = ("ok", action())
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_edits_lose_nothing_silently(world, response):
    draft = draft_update(world, response)
    results = race(*(
        lambda n=n: services.response_update_edit(
            update=draft, editor=world.contributor, expected_version=draft.version,
            narrative=f"<p>Editor {n}.</p>",
        )
        for n in range(10)
    ))

    saved = [value for kind, value in results if kind == "ok"]
    refused = [value for kind, value in results if kind == "error"]
    assert len(saved) == 1
    assert len(refused) == 9
    assert all(isinstance(error, services.StaleUpdate) for error in refused)
    assert ResponseUpdate.objects.get(pk=draft.pk).narrative == saved[0].narrative


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_approve_and_return_racing_never_deadlock(world, response):
    other_approver = _second_approver(world)
    for attempt in range(10):
        update = submitted_update(world, response, as_of=datetime.date(2021, 5, 1 + attempt))
        results = race(
            lambda u=update: services.response_update_publish(update=u, approver=world.approver),
            lambda u=update: services.response_update_return(
                update=u, approver=other_approver, comment="Not yet"
            ),
        )
        errors = [value for kind, value in results if kind == "error"]
        assert len(errors) == 1, results
        assert isinstance(errors[0], ValidationError), errors
        update.refresh_from_db()
        assert update.state in {WorkflowState.PUBLISHED, WorkflowState.RETURNED}
    response.refresh_from_db()
    latest = response.updates.published().order_by("-as_of", "-created_at").first()
    assert response.current_update_id == (latest.pk if latest else None)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_delete_racing_with_edit_and_sign_off_gives_not_found_not_errors(world, response):
    for _ in range(5):
        draft = submitted_update(world, response)
        results = race(
            lambda d=draft: services.response_update_delete(update=d, user=world.contributor),
            lambda d=draft: services.response_update_publish(update=d, approver=world.approver),
            lambda d=draft: services.response_update_edit(
                update=d, editor=world.contributor, narrative="<p>Late edit.</p>"
            ),
        )
        for kind, value in results:
            if kind == "error":
                assert isinstance(value, Http404 | ValidationError), results
    assert Response.objects.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_three_racing_posts_of_one_form_write_one_draft(world):
    import uuid

    token = uuid.uuid4()
    results = race(*(
        lambda: services.response_update_create(
            recommendation=world.rec_1, organisation=world.force_a, author=world.contributor,
            form_token=token, as_of=datetime.date(2021, 5, 1), status="in_progress",
            narrative="<p>Once.</p>",
        )
        for _ in range(3)
    ))

    assert [kind for kind, _ in results] == ["ok", "ok", "ok"], results
    assert len({value.pk for _, value in results}) == 1
    assert ResponseUpdate.objects.count() == 1
    assert Response.objects.count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_racing_submissions_leave_one_update_awaiting_sign_off(world, response):
    drafts = [draft_update(world, response, narrative=f"<p>Draft {n}.</p>") for n in range(4)]
    results = race(*(
        lambda d=draft: services.response_update_edit(update=d, editor=world.contributor,
                                                      submit=True)
        for draft in drafts
    ))

    refused = [value for kind, value in results if kind == "error"]
    assert len(refused) == 3, results
    assert all(isinstance(error, ValidationError) for error in refused), refused
    assert ResponseUpdate.objects.awaiting_sign_off().count() == 1
