"""The protective markings of the Government Security Classifications, as the site uses them."""

from django.db import models


class Marking(models.TextChoices):
    """
    Protective markings, least sensitive first. "OFFICIAL - REDACTED" is an OFFICIAL text from
    which some words were withheld (West Mercia's response, seed 004): it may be published, and
    shows where the words were taken out (`REDACTION_MARK`).
    """

    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_REDACTED = "OFFICIAL-REDACTED", "OFFICIAL - REDACTED"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"
