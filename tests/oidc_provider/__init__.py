"""
A real OpenID Connect provider for the single sign-on tests: a small Django project with
django-oauth-toolkit's OIDC support, run as its own process on a loopback port (`fixtures.py`).

Its people are made by `seed.py` from a JSON description; groups give their tokens the claims
the tests need: "tenant:<id>" the Entra-style `tid` claim, "mfa" an `amr` of ["pwd", "mfa"],
and, to test that the service refuses them, "faulty:audience" (an ID token for another client)
and "faulty:expired" (an ID token that expired an hour ago). Each is a token the provider really
signs with its key.
"""
