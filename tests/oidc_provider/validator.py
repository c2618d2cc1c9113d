"""The test provider's claims: email, name, the tenant, amr, and the deliberately faulty ones."""

import time

from oauth2_provider.oauth2_validators import OAuth2Validator


def _groups(user):
    return set(user.groups.values_list("name", flat=True))


class TestProviderValidator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scopes

    def get_additional_claims(self, request):
        user = request.user
        groups = _groups(user)
        claims = {
            "email": user.email,
            "email_verified": True,
            "name": user.get_full_name(),
            "preferred_username": user.username,
        }
        tenants = [name.removeprefix("tenant:") for name in groups if name.startswith("tenant:")]
        if tenants:
            claims["tid"] = tenants[0]
        claims["amr"] = ["pwd", "mfa"] if "mfa" in groups else ["pwd"]
        return claims

    def get_id_token_dictionary(self, token, token_handler, request):
        claims, expiration_time = super().get_id_token_dictionary(token, token_handler, request)
        groups = _groups(request.user)
        if "faulty:audience" in groups:
            # For another service, yet naming this client as the authorised party: only a check
            # of the audience itself refuses it.
            claims["aud"] = "another-service"
            claims["azp"] = request.client.client_id
        if "faulty:expired" in groups:
            claims["exp"] = int(time.time()) - 3600
        return claims, expiration_time
