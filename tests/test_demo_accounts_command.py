"""`manage.py demo_accounts`, which `make run` calls to say how to sign in."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

HEADING = "Demo accounts (demo data only – never load demo_accounts into production)"


def run_command():
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_lists_every_loaded_demo_account_with_its_organisation_role_and_password():
    call_command("loaddata", "organisations", "demo_accounts", verbosity=0)

    output = run_command()

    lines = output.splitlines()
    assert lines[0] == HEADING
    rows = {line.split()[0]: line for line in lines if line.split() and "." in line.split()[0]}
    assert "South Yorkshire Police" in rows["force.contributor"]
    assert "Contributor" in rows["force.contributor"]
    assert "Approver" in rows["force.approver"]
    assert "South Yorkshire Mayor" in rows["opcc.contributor"]
    assert "HMICFRS" in rows["hmicfrs.reviewer"]
    assert "Reviewer" in rows["hmicfrs.reviewer"]
    assert "West Mercia Police" in rows["other.contributor"]
    assert any(line.startswith("admin ") and "superuser" in line for line in lines)
    assert "demo-password-2026" in output


@pytest.mark.django_db
def test_it_lists_only_the_demo_accounts_that_exist():
    call_command("loaddata", "organisations", "demo_accounts", verbosity=0)
    get_user_model().objects.filter(username="force.approver").delete()
    get_user_model().objects.create_user(username="someone.real", password="x-long-password-1")

    output = run_command()

    assert "force.contributor" in output
    assert "force.approver" not in output
    assert "someone.real" not in output


@pytest.mark.django_db
def test_it_says_how_to_load_them_when_none_are_loaded():
    output = run_command()

    assert output.startswith(HEADING)
    assert "loaddata demo_accounts" in output
    assert "demo-password-2026" not in output
