"""
Make the test provider's database: `python -m tests.oidc_provider.seed <description.json>`.

The description: {"clients": [{"client_id", "client_secret", "redirect_uris": [...],
"post_logout_redirect_uris": [...]}], "users": [{"username", "email", "password", "first_name",
"last_name", "groups": [...]}]}.
"""

import json
import os
import sys

import django


def main(path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    with open(path) as file:
        description = json.load(file)
    for client in description["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(client["redirect_uris"]),
            post_logout_redirect_uris=" ".join(client.get("post_logout_redirect_uris", [])),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
    for person in description["users"]:
        user = User.objects.create_user(
            username=person["username"], email=person["email"], password=person["password"],
            first_name=person.get("first_name", ""), last_name=person.get("last_name", ""),
            is_active=person.get("is_active", True),
        )
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])


if __name__ == "__main__":
    main(sys.argv[1])
