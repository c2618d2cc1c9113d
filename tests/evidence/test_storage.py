"""Where evidence is stored: the media folder by default, a private bucket when configured."""

from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

from evidence.models import EvidenceFile
from responses import services
from tests.conftest import draft_update
from tracker.settings import evidence_storage_settings

from .helpers import attach


def test_by_default_files_go_to_the_media_folder_which_nothing_serves(
    monkeypatch, settings, world, client
):
    monkeypatch.delenv("EVIDENCE_S3_BUCKET", raising=False)
    update = draft_update(world, services.response_get_or_create(
        recommendation=world.rec_1, organisation=world.force_a))
    evidence = attach(world, update)
    client.force_login(world.contributor)

    configured = evidence_storage_settings()
    storage = EvidenceFile._meta.get_field("file").storage

    assert configured["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert isinstance(storage, FileSystemStorage)
    assert storage.location == str(settings.MEDIA_ROOT)
    assert (settings.MEDIA_ROOT / evidence.file.name).exists()
    # Only the download view hands a file out.
    for path in (f"/{evidence.file.name}", f"/media/{evidence.file.name}"):
        assert client.get(path).status_code == 404


def test_a_bucket_from_the_environment_keeps_files_private(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("EVIDENCE_S3_BUCKET", "tracker-evidence")
    monkeypatch.setenv("EVIDENCE_S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("EVIDENCE_S3_REGION", "eu-west-2")
    monkeypatch.setenv("EVIDENCE_S3_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("EVIDENCE_S3_SECRET_ACCESS_KEY_FILE", str(secret))

    configured = evidence_storage_settings()
    storage = S3Storage(**configured["OPTIONS"])

    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage.bucket_name == "tracker-evidence"
    assert storage.endpoint_url == "https://s3.example.org"
    assert storage.secret_key == "s3cr3t"
    assert storage.default_acl == "private"
    assert storage.file_overwrite is False
