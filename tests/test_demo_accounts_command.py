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


@pytest.mark.django_db
def test_it_prints_the_two_factor_keys_of_the_accounts_that_need_them():
    call_command("loaddata", "organisations", "demo_accounts", verbosity=0)

    output = run_command()

    keyed = [line.split(":")[0].strip() for line in output.splitlines()
             if line.startswith("  ") and ":" in line]
    assert keyed == ["force.approver", "hmicfrs.reviewer", "admin"]
    assert "--code USERNAME" in output
    assert run_command() == output  # running it again keeps the same keys


@pytest.mark.django_db
def test_the_printed_code_signs_the_demo_approver_in(client):
    call_command("loaddata", "organisations", "demo_accounts", verbosity=0)
    run_command()
    out = StringIO()
    call_command("demo_accounts", code="force.approver", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()

    client.post("/accounts/sign-in/", {"username": "force.approver",
                                       "password": "demo-password-2026"})
    response = client.post("/accounts/two-factor/", {"otp_token": code})

    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_code_for_an_account_that_is_not_a_demo_one():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo_accounts", code="someone.real", stdout=StringIO())


@pytest.mark.django_db
def test_it_prints_the_organisations_and_order_the_readme_gives():
    """A newcomer reads the README's table and then `make run`'s: the two must agree."""
    import re
    from pathlib import Path

    call_command("loaddata", "organisations", "demo_accounts", verbosity=0)
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    readme_table = readme.split("| user | organisation | role |", 1)[1].split("\n\n", 1)[0]
    documented = [re.match(r"\| `([^`]+)` \| ([^|(]+?)\s*(?:\(|\|)", line).groups()
                  for line in readme_table.splitlines()[2:]]
    printed_table = run_command().split("-\n", 1)[1].split("\n\n", 1)[0]
    printed = [line.split(None, 1) for line in printed_table.splitlines()]
    assert len(documented) == 6, documented  # the admin and the five demo users
    assert [username for username, _ in documented] == [username for username, _ in printed]
    for (username, organisation), (_, line) in zip(documented, printed, strict=True):
        if organisation != "–":
            assert line.startswith(organisation), (username, organisation, line)
