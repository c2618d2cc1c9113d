"""
Backup and restore drill: back up the database and the evidence files, restore both into a fresh
database and folder, and prove the copy identical, with timings and sizes.

    DATABASE_URL=postgres://... .venv/bin/python scripts/backup_drill.py --media-root media/
    .venv/bin/python scripts/backup_drill.py --add-evidence 2000   # national-scale drill

1. Backup: `pg_dump -Fc` (a consistent snapshot of the whole database, compressed), then the
   evidence folder as a tar file with a SHA-256 list. The database first: evidence files are only
   ever added under new names (never overwritten), so every file the dump names is in the archive
   taken after it.
2. Restore: a fresh database (`<name>_restore`, dropped first if there) with `pg_restore -j 2`,
   and the archive unpacked into a fresh folder.
3. Compare: every table's row count and a checksum of all its rows (the audit log's included),
   in the original and the copy; every evidence row's file in the restored folder against the
   SHA-256 the row recorded; a sample of pages (signed in and public) rendered from each, equal
   once the CSRF tokens are taken out; the restored copy's readiness check (/-/ready) answers 200.

Prints each step's time and each file's size. Exits 1 if anything differs. PostgreSQL only.
With --add-evidence N it first attaches N generated files (20 to 400 KB, PDF-typed) to published
updates that have none, so a drill at national scale has evidence files to carry.
"""

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--media-root", help="the evidence folder (default: MEDIA_ROOT)")
    parser.add_argument("--out", default=str(ROOT / "backup-drill"),
                        help="where the backup and the restored folder go")
    parser.add_argument("--pages", type=int, default=40, help="pages to compare")
    parser.add_argument("--add-evidence", type=int, default=0)
    parser.add_argument("--render", help=argparse.SUPPRESS)  # internal: one side's pages
    return parser.parse_args()


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()


def mib(path):
    return Path(path).stat().st_size / 1024 / 1024


def timed(label, function, *args):
    started = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - started
    print(f"  {label}: {seconds:.1f} s", flush=True)
    return result, seconds


def table_fingerprints(url):
    """{table: (rows, checksum of every row)} of every table in the public schema."""
    import psycopg

    fingerprints = {}
    with psycopg.connect(url) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            # Each row as text, hashed, the hashes sorted: the same rows give the same sum
            # whatever order the copy keeps them in.
            count, checksum = connection.execute(
                f'SELECT count(*), md5(coalesce(string_agg(h, \'\' ORDER BY h), \'\')) '
                f'FROM (SELECT md5(t::text) AS h FROM "{table}" t) rows'
            ).fetchone()
            fingerprints[table] = (count, checksum)
    return fingerprints


def add_evidence(count):
    """Attach `count` generated files to published updates without evidence (data building)."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from evidence.models import EvidenceFile
    from responses.models import ResponseUpdate

    user = get_user_model().objects.order_by("pk").first()
    updates = list(ResponseUpdate.objects.filter(state="published", evidence_files=None)
                   .order_by("pk").values_list("pk", flat=True)[:count])
    random.seed(25)
    total = 0
    for number, pk in enumerate(updates):
        size = random.randint(20, 400) * 1024
        content = b"%PDF-1.4\n" + random.randbytes(size - 9)
        evidence = EvidenceFile(
            update_id=pk, title=f"Evidence {number}", original_name=f"evidence-{number}.pdf",
            extension="pdf", content_type="application/pdf", size=size,
            sha256=hashlib.sha256(content).hexdigest(), uploaded_by=user,
        )
        evidence.file.save(evidence.original_name, ContentFile(content), save=False)
        evidence.save()
        total += size
    print(f"  added {len(updates)} evidence files, {total / 1024 / 1024:.0f} MiB")


def sample_paths(count):
    """Pages to compare: recommendations, responses, organisations, and the public pages."""
    from recommendations.models import Organisation, Recommendation
    from responses.models import Response, response_url

    random.seed(7)
    paths = ["/", "/super-complaints/", "/public/", "/api/v1/super-complaints/"]
    recommendations = list(Recommendation.objects.order_by("pk").values_list("pk", flat=True))
    for pk in random.sample(recommendations, min(count // 3, len(recommendations))):
        paths.append(Recommendation.objects.get(pk=pk).get_absolute_url())
    responses = list(Response.objects.order_by("pk").values_list("pk", flat=True))
    for pk in random.sample(responses, min(count // 3, len(responses))):
        response = Response.objects.select_related("recommendation", "organisation").get(pk=pk)
        paths.append(response_url(response.recommendation, response.organisation))
    for slug in Organisation.objects.order_by("?").values_list("slug", flat=True)[:count // 6]:
        paths.append(f"/organisations/{slug}/")
    return paths


def reader_username():
    """A member of an organisation to read the pages signed in (one is made if none exists)."""
    from django.contrib.auth import get_user_model

    from accounts.models import Membership
    from recommendations.models import Organisation

    username = (Membership.objects.filter(user__is_active=True).order_by("pk")
                .values_list("user__username", flat=True).first())
    if username:
        return username
    user, _ = get_user_model().objects.get_or_create(username="backup.drill")
    Membership.objects.get_or_create(user=user, organisation=Organisation.objects.order_by("pk")
                                     .first(), defaults={"role": Membership.Role.CONTRIBUTOR})
    return user.username


def render(spec_path):
    """In a child process, on one side's database: readiness, then each page's fingerprint."""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts import twofactor
    from evidence.models import EvidenceFile

    spec = json.loads(Path(spec_path).read_text())
    client = Client(HTTP_X_FORWARDED_PROTO="https", SERVER_NAME="localhost")
    ready = client.get("/-/ready")
    result = {"ready": ready.status_code, "pages": {}, "files": {}}
    user = get_user_model().objects.get(username=spec["username"])
    signed_in = Client(HTTP_X_FORWARDED_PROTO="https", SERVER_NAME="localhost")
    signed_in.force_login(user)
    session = signed_in.session
    session[twofactor.VERIFIED] = "backup-drill"
    session.save()
    token = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"|csrftoken=[^;]+')
    for who, browser in (("signed-in", signed_in), ("public", client)):
        for path in spec["paths"]:
            answer = browser.get(path)
            body = token.sub(b"", answer.content)
            result["pages"][f"{who} {path}"] = [answer.status_code,
                                                hashlib.sha256(body).hexdigest()]
    storage = EvidenceFile._meta.get_field("file").storage
    for evidence in EvidenceFile.objects.order_by("pk"):
        try:
            with storage.open(evidence.file.name) as handle:
                digest = hashlib.sha256(handle.read()).hexdigest()
        except OSError:
            digest = "missing"
        result["files"][evidence.pk] = [digest, evidence.sha256]
    Path(spec["out"]).write_text(json.dumps(result))


def render_side(database_url, media_root, spec, out):
    spec = {**spec, "out": str(out)}
    spec_path = out.with_suffix(".spec.json")
    spec_path.write_text(json.dumps(spec))
    env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media_root),
           # Each side's own memory cache: a shared Redis would hand the copy the original's
           # kept pages and hide a difference.
           "REDIS_URL": "", "LOG_LEVEL": "ERROR", "ALLOWED_HOSTS": "localhost,testserver",
           "SECURE_SSL_REDIRECT": "False", "USE_X_FORWARDED_PROTO": "True"}
    subprocess.run([sys.executable, __file__, "--render", str(spec_path)], env=env, check=True)
    return json.loads(out.read_text())


def main():
    args = parse_args()
    if args.render:
        render(args.render)
        return 0
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("The drill needs PostgreSQL: set DATABASE_URL=postgres://...")
    setup_django()
    from django.conf import settings

    media_root = Path(args.media_root or settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    if args.add_evidence:
        add_evidence(args.add_evidence)
    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    restore_name = f"{name}_restore"
    restore_url = parts._replace(path=f"/{restore_name}").geturl()
    admin_url = parts._replace(path="/postgres").geturl()
    spec = {"paths": sample_paths(args.pages), "username": reader_username()}
    from django.db import connections

    connections.close_all()

    print(f"backup of {name} and {media_root}", flush=True)
    dump, evidence_tar = out / "database.dump", out / "evidence.tar"
    _, dump_seconds = timed("pg_dump -Fc", subprocess.run,
                            ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), url])
    _, tar_seconds = timed("evidence files (tar)", subprocess.run,
                           ["tar", "-cf", str(evidence_tar), "-C", str(media_root), "."])
    files = [p for p in media_root.rglob("*") if p.is_file()]
    (out / "evidence.sha256").write_text("".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(media_root)}\n"
        for p in files))
    print(f"  sizes: database dump {mib(dump):.1f} MiB, evidence archive "
          f"{mib(evidence_tar):.1f} MiB ({len(files)} files)")

    print(f"restore into {restore_name} and a fresh folder", flush=True)
    import psycopg

    def restore_database():
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{restore_name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{restore_name}"')
        subprocess.run(["pg_restore", "-j", "2", "--no-owner", "--exit-on-error", "-d",
                        restore_url, str(dump)], check=True)
        with psycopg.connect(restore_url, autocommit=True) as connection:
            connection.execute("ANALYZE")  # the planner's statistics are not in a dump

    restored_media = out / "restored-media"
    restored_media.mkdir()
    _, restore_seconds = timed("pg_restore -j 2 (and ANALYZE)", restore_database)
    _, untar_seconds = timed("evidence files (untar)", subprocess.run,
                             ["tar", "-xf", str(evidence_tar), "-C", str(restored_media)])

    print("compare", flush=True)
    problems = []
    (original, copy), compare_seconds = timed(
        "every table's rows and checksum", lambda: (table_fingerprints(url),
                                                    table_fingerprints(restore_url)))
    for table, fingerprint in original.items():
        if copy.get(table) != fingerprint:
            problems.append(f"table {table}: {fingerprint} then {copy.get(table)}")
    rows = sum(count for count, _ in original.values())
    audit = original.get("auditlog_logentry", (0, ""))[0]
    print(f"  {len(original)} tables, {rows} rows ({audit} audit log entries): "
          f"{'identical' if not problems else f'{len(problems)} differ'}")
    (before, after), render_seconds = timed(
        f"{len(spec['paths'])} pages x 2 (signed in and public) from each side",
        lambda: (render_side(url, media_root, spec, out / "original.json"),
                 render_side(restore_url, restored_media, spec, out / "restored.json")))
    different = [page for page in before["pages"] if before["pages"][page] != after["pages"][page]]
    problems += [f"page differs: {page}" for page in different]
    statuses = sorted({status for status, _ in after["pages"].values()})
    print(f"  pages: {len(before['pages']) - len(different)} of {len(before['pages'])} identical "
          f"(answers {statuses})")
    bad_files = [pk for pk, (digest, recorded) in after["files"].items() if digest != recorded]
    problems += [f"evidence file {pk}: checksum differs or missing" for pk in bad_files]
    print(f"  evidence files: {len(after['files']) - len(bad_files)} of {len(after['files'])} "
          "match the SHA-256 their row recorded")
    if after["ready"] != 200:
        problems.append(f"the restored copy's /-/ready answered {after['ready']}")
    print(f"  restored copy /-/ready: {after['ready']}")

    backup_total = dump_seconds + tar_seconds
    restore_total = restore_seconds + untar_seconds
    print(f"backup {backup_total:.1f} s, restore {restore_total:.1f} s, checks "
          f"{compare_seconds + render_seconds:.1f} s; {len(problems)} differences")
    for problem in problems[:20]:
        print("   ", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
