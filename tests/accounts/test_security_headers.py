"""Content-Security-Policy on every page; signed-in responses are never cached."""

import gzip
import re
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent


def directives(response):
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_every_page_has_a_strict_content_security_policy(client, world):
    for page in (client.get(reverse("login")), client.get(reverse("password_reset"))):
        policy = directives(page)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]


def test_signed_in_pages_have_the_policy_too(client, world):
    client.force_login(world.contributor)
    assert directives(client.get(reverse("home")))["script-src"] == ["'self'"]


def test_pages_carry_no_inline_script(client, world):
    client.force_login(world.contributor)
    html = client.get(reverse("home")).text
    tags = re.findall(r"<script\b[^>]*>", html)
    assert tags, "the home page loads its scripts: none found means the pattern is wrong"
    for tag in tags:
        assert "src=" in tag, tag
    assert 'src="/static/js-enabled.js"' in html
    assert (ROOT / "static" / "js" / "js-enabled.js").read_text().count("js-enabled") == 1


def test_the_admin_has_no_inline_script(client, world):
    world.approver.is_staff = world.approver.is_superuser = True
    world.approver.save()
    client.force_login(world.approver)
    for url in (reverse("admin:index"), reverse("admin:auth_user_changelist"),
                reverse("admin:auth_user_change", args=[world.contributor.pk])):
        page = client.get(url)
        assert page.status_code == 200
        tags = re.findall(r"<script\b[^>]*>", page.text)
        assert tags, ("the admin loads its scripts: none found means the pattern is wrong", url)
        for tag in tags:
            assert "src=" in tag, (url, tag)


def test_signed_in_pages_and_exports_are_never_stored(client, world):
    client.force_login(world.contributor)
    urls = [
        reverse("home"),
        reverse("account"),
        reverse("responses:matrix_export", args=[world.super_complaint.slug]),
        reverse("responses:recommendation_export",
                args=[world.super_complaint.slug, world.rec_1.number]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_signed_out_responses_and_static_files_keep_their_caching(client, world):
    # (Every page needs signing in today, so a signed-out visitor only gets redirects.)
    assert "no-store" not in client.get(reverse("home")).headers.get("Cache-Control", "")
    client.force_login(world.contributor)
    static = client.get("/static/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_pages_and_exports_are_compressed_for_clients_that_accept_it(client, world):
    client.force_login(world.contributor)
    for url in (world.super_complaint.get_absolute_url(),
                reverse("responses:matrix_export", args=[world.super_complaint.slug])):
        plain = client.get(url)
        compressed = client.get(url, headers={"accept-encoding": "gzip"})
        assert compressed.headers["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in compressed.headers["Vary"]
        assert gzip.decompress(compressed.content).startswith(plain.content[:40])
        assert "Content-Encoding" not in plain.headers
