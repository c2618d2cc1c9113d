"""How the service names a person: by full name, never by username (DESIGN.md: people, not
accounts). One home for pages, banners, emails and the audit history."""


def person_name(user, default="Not recorded"):
    """A user's full name; their email when an account has none; `default` for no user."""
    if user is None:
        return default
    return user.get_full_name() or user.email or default
