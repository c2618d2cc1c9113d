"""The reminder emails preference on "Your account" (issue 8, section 4)."""

from django.urls import reverse

from reminders.models import Frequency, ReminderPreference

URL = reverse("reminder_preference")


def test_the_account_page_shows_the_weekly_default_and_links_to_change_it(world, client):
    client.force_login(world.contributor)
    page = client.get(reverse("account")).text
    assert "Reminder emails" in page
    assert "Weekly" in page
    assert URL in page


def test_a_person_chooses_how_often_and_only_for_themselves(world, client):
    client.force_login(world.contributor)
    assert client.get(URL).context["form"].initial == {"frequency": Frequency.WEEKLY}

    response = client.post(URL, {"frequency": "daily", "user": world.approver.pk})

    assert response.status_code == 302
    assert ReminderPreference.objects.get(user=world.contributor).frequency == Frequency.DAILY
    assert not ReminderPreference.objects.filter(user=world.approver).exists()
    assert 'value="daily" checked' in client.get(URL).text


def test_no_choice_is_an_error_in_the_summary(world, client):
    client.force_login(world.contributor)
    page = client.post(URL, {"frequency": "hourly"})
    assert page.status_code == 200
    assert "There is a problem" in page.text
    assert not ReminderPreference.objects.exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(world, client):
    response = client.post(URL, {"frequency": "never"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert not ReminderPreference.objects.exists()


def test_people_who_get_no_reminders_are_told_so(world, client):
    client.force_login(world.viewer)
    assert "Reminders go to contributors and approvers" in client.get(URL).text


def test_a_change_of_preference_is_in_the_audit_log(world, client):
    from auditlog.models import LogEntry

    client.force_login(world.contributor)
    client.post(URL, {"frequency": "never"})

    entry = LogEntry.objects.get_for_object(
        ReminderPreference.objects.get(user=world.contributor)
    ).get()
    assert entry.actor == world.contributor
    assert entry.changes_dict["frequency"] == ["None", "never"]
