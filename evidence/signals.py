"""
A stored evidence file goes when its row goes, once the deletion is committed: a rolled-back
deletion (a refused removal, a failed draft deletion) leaves the file in place.

Rows are deleted only by removing a file from a draft or by deleting a draft
(evidence.services, responses.services.response_update_delete); nothing else deletes a stored
file.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import EvidenceFile


@receiver(post_delete, sender=EvidenceFile, dispatch_uid="evidence-delete-stored-file")
def delete_stored_file(sender, instance, **kwargs):
    name = instance.file.name
    storage = instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
