"""What evidence files add to the fingerprints of kept pages (core.caching)."""

from core.caching import quoted, register_part
from responses.models import ResponseUpdate

from .models import EvidenceFile


def register():
    # A response's page lists its updates' files.
    register_part(
        "response", EvidenceFile,
        where=(f"{quoted('update_id')} IN (SELECT {quoted('id')} FROM {quoted(ResponseUpdate)} "
               f"WHERE {quoted('response_id')} = %s)"),
        arguments=("response",),
    )
