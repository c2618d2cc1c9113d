"""`manage.py clear_import_files [--days N]`: forget uploads nobody confirmed, and old bytes."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from imports.models import ImportFile


class Command(BaseCommand):
    help = (
        "Delete uploads for import that were never confirmed and are older than --days (7 by "
        "default), and drop the bytes of applied ones that old (their name, SHA-256, uploader "
        "and summary stay). Safe to run from a scheduler: a second run does nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days, **options):
        before = timezone.now() - datetime.timedelta(days=days)
        old = ImportFile.objects.filter(created_at__lt=before)
        deleted, _ = old.filter(applied_at__isnull=True).delete()
        emptied = old.filter(applied_at__isnull=False).exclude(content=b"").update(content=b"")
        self.stdout.write(f"{deleted} unconfirmed uploads deleted, {emptied} applied uploads "
                          "emptied.")
