from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in, two-factor, invitations, memberships, throttling and people."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    # The label the accounts had while they lived in the project package (tracker): it names
    # their table (tracker_membership), migrations, permissions and audit entries, so a database
    # made before the move needs no migration.
    label = "tracker"
    verbose_name = "Users and memberships"

    def ready(self):
        from accounts import signals  # noqa: F401  (sign-in clocks, deactivation, two-factor)
