"""The installable shell: manifest, service worker, offline page."""

import json
import re


def test_manifest_lists_icons_that_exist(client):
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200
        image.close()


def test_service_worker_caches_shell_and_offline_page_only(client):
    response = client.get("/sw.js")
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    script = response.text
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", script).group(1))
    assert "/offline" in shell
    assert all(url.startswith("/static/") or url == "/offline" for url in shell)
    assert all("?v=" in url for url in shell if url.startswith("/static/"))
    for url in shell:
        file = client.get(url)
        assert file.status_code == 200
        file.close()


def test_service_worker_version_follows_static_files(client):
    html = client.get("/login").text
    css = re.search(r'href="(/static/css/app\.css\?v=\w+)"', html).group(1)
    assert css in client.get("/sw.js").text


def test_offline_page_speaks_three_languages_and_holds_nothing_personal(client, make_user, login):
    login(make_user(display_name="Fatou Diallo"))
    page = client.get("/offline").text
    assert 'lang="fr"' in page and 'lang="en"' in page and 'lang="ar"' in page
    assert "Fatou" not in page
    assert "bottom-nav" not in page
