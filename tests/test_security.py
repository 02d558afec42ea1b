"""Security baseline: headers, CSRF, friendly errors, static caching and compression."""

import re
from pathlib import Path

import brotli
import pytest

from tests.conftest import PASSPHRASE, csrf_from
from webapp.accounts.models import Role
from webapp.core.urls import safe_path
from webapp.journal.services import create_goal


def test_security_headers_on_pages(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_no_inline_script_or_style_in_pages(client, make_user, login):
    login(make_user())
    for url in ("/", "/me", "/login", "/offline"):
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert "<style" not in html and "style=" not in html
        assert not re.search(r"\son[a-z]+=", html)


def test_htmx_runs_without_eval(client):
    html = client.get("/login").text
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html


def test_csrf_is_required_on_state_changes(app, make_user):
    trainee = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        http = app.test_client()
        refused = http.post("/login", data={"username": trainee.username, "passphrase": PASSPHRASE})
        assert refused.status_code == 400  # a friendly "form expired" page, not signed in
        assert http.get("/").status_code == 302
        token = csrf_from(http.get("/login").text)
        signed = http.post(
            "/login",
            data={"username": trainee.username, "passphrase": PASSPHRASE, "csrf_token": token},
        )
        assert signed.status_code == 303
        # htmx sends the token in a header; without it a logout is refused with a friendly page.
        no_token = http.post("/logout", headers={"Accept-Language": "en"})
        assert no_token.status_code == 400
        assert "This form has expired" in no_token.text
        page = http.get("/").text
        header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        assert http.post("/logout", headers={"X-CSRFToken": header_token}).status_code == 303
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_not_found_is_friendly_and_translated(client):
    response = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "does not exist" in response.text
    assert "Traceback" not in response.text


def test_unexpected_error_is_friendly_500(app, client, make_user, login, monkeypatch):
    login(make_user())
    from webapp.home import routes

    def boom(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(routes, "render_template", boom)
    response = client.get("/")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert "Passerelle" in response.text


def test_static_files_have_hashed_urls_and_long_cache(client):
    html = client.get("/login").text
    css_url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{10})"', html).group(1)
    response = client.get(css_url)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response.close()


def test_pages_and_scripts_are_compressed(client):
    page = client.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = client.get("/login").text
    htmx = re.search(r'src="(/static/js/htmx[^"]+)"', html).group(1)
    script = client.get(htmx, headers={"Accept-Encoding": "br"})
    assert script.headers["Content-Encoding"] == "br"
    script.close()


def test_static_files_are_compressed_at_brotli_best_once(client):
    """Immutable under their hashed address, so compressed as hard as brotli goes: fewer bytes
    on every first load, and the same bytes again from memory for the next phone."""
    html = client.get("/login").text
    htmx = re.search(r'src="(/static/js/htmx[^"]+)"', html).group(1)
    raw = Path("static/js/htmx-2.0.11.min.js").read_bytes()
    first = client.get(htmx, headers={"Accept-Encoding": "gzip, br"})
    again = client.get(htmx, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    assert brotli.decompress(first.data) == raw
    assert len(first.data) == len(brotli.compress(raw, quality=11)) < len(raw) // 3
    assert again.data == first.data
    plain = client.get(htmx)  # a client that takes no brotli gets the file as it is
    assert "Content-Encoding" not in plain.headers and plain.data == raw
    for response in (first, again, plain):
        response.close()


def test_password_field_keeps_autocomplete_hints(client):
    html = client.get("/login").text
    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="username"' in html


def test_staff_pages_are_not_cached(client, make_user, make_group, login):
    login(make_user(Role.TEACHER, group=make_group()))
    assert client.get("/groups").headers["Cache-Control"] == "no-store"


# --- issue 11, hole 10: HSTS, Secure cookies, the public URL, hidden SQL parameters ------------


def _set_cookie(response, name):
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}="))


def test_hsts_only_over_https(app):
    http = app.test_client()
    assert "Strict-Transport-Security" not in http.get("/login").headers
    secure = http.get("/login", base_url="https://passerelle.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_cookies_are_secure_when_the_request_is_https(app, make_user):
    trainee = make_user()
    data = {"username": trainee.username, "passphrase": PASSPHRASE}
    over_https = app.test_client().post("/login", data=data, base_url="https://passerelle.example")
    assert "Secure" in _set_cookie(over_https, "session")
    assert "Secure" in _set_cookie(over_https, "passerelle_device")
    over_http = app.test_client().post("/login", data=data)
    assert "Secure" not in _set_cookie(over_http, "session")


def test_https_public_url_makes_cookies_secure_by_default(monkeypatch, tmp_path):
    from webapp import config

    monkeypatch.setenv("PUBLIC_URL", "https://passerelle.example.org")
    settings = config.from_environment(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("PUBLIC_URL", "")
    assert not config.from_environment(str(tmp_path))["SESSION_COOKIE_SECURE"]


def test_forwarded_proto_is_believed_only_from_trusted_proxies(app):
    from webapp import create_app

    untrusted = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in untrusted.headers
    from webapp.extensions import db

    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1})
    try:
        trusted = proxied.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" in trusted.headers
    finally:
        with proxied.app_context():
            db.engine.dispose()


def test_login_card_links_use_the_public_url_not_the_host_header(
    app, client, make_user, make_group, login
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    evil = "http://evil.example"  # the attacker's Host header, on every request
    client.post(
        "/login", data={"username": teacher.username, "passphrase": PASSPHRASE}, base_url=evil
    )
    app.config["PUBLIC_URL"] = "https://passerelle.example.org"
    try:
        cards = client.post(
            f"/groups/{group.id}/trainees/new",
            data={"names": "Samir Benali", "request_id": "host"},
            base_url=evil,
        )
    finally:
        app.config["PUBLIC_URL"] = ""
    assert "evil.example" not in cards.text
    assert "https://passerelle.example.org/login?u=samir.b" in cards.text


def test_public_url_defaults_to_the_dev_server_never_the_host_header(app):
    from webapp.core.urls import public_url

    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert public_url("accounts.login", u="a") == "http://127.0.0.1:5000/login?u=a"
    app.config["PUBLIC_URL"] = "https://example.org/passerelle/"
    try:
        with app.test_request_context("/", headers={"Host": "evil.example"}):
            assert public_url("accounts.login") == "https://example.org/passerelle/login"
    finally:
        app.config["PUBLIC_URL"] = ""


def test_database_errors_do_not_log_sql_parameters(ctx):
    import pytest
    import sqlalchemy as sa

    from webapp.extensions import db

    with pytest.raises(sa.exc.StatementError) as error:
        db.session.execute(
            sa.text("SELECT * FROM no_such_table WHERE note = :note"),
            {"note": "private journal text"},
        )
    db.session.rollback()
    assert "private journal text" not in str(error.value)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/x",
        "//evil.example/x",
        "/\\evil.example/x",  # browsers read a backslash as a slash
        "\\\\evil.example",
        "/\t/evil.example",  # and drop tabs and line breaks
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        None,
    ],
)
def test_a_return_address_never_leaves_the_site(target):
    assert safe_path(target, "/fallback") == "/fallback"


def test_a_return_address_on_the_site_is_followed():
    assert safe_path("/journal/goals/3?tab=steps#s2", "/x") == "/journal/goals/3?tab=steps#s2"


@pytest.mark.parametrize("back", ["/\\evil.example", "//evil.example"])
def test_a_journal_switch_does_not_send_anyone_to_another_site(client, make_user, login, back):
    trainee = make_user()
    login(trainee)
    goal = create_goal(trainee, "g-1", "CCP 1", ["employment"], "", None, [])
    response = client.post(f"/journal/goals/{goal.id}/share", data={"share": "1", "back": back})
    assert response.status_code == 303
    assert response.headers["Location"] == "/journal"


def test_an_error_page_says_honestly_whether_a_write_was_kept(
    app, client, make_user, login, monkeypatch
):
    from datetime import date

    import sqlalchemy as sa

    from webapp.journal import services

    login(make_user())
    EN = {"Accept-Language": "en"}
    entry = {"mood": "3", "day": date.today().isoformat()}

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "write_entry", broken)
    sent = client.post("/journal/write", data={**entry, "client_id": "e-500"}, headers=EN)
    assert sent.status_code == 500 and "was not saved" in sent.text

    def database_away(*args, **kwargs):
        raise sa.exc.OperationalError("INSERT", {}, ConnectionRefusedError("restarting"))

    monkeypatch.setattr(services, "write_entry", database_away)
    away = client.post("/journal/write", data={**entry, "client_id": "e-503"}, headers=EN)
    assert away.status_code == 503 and away.headers["Retry-After"] == "5"
    assert "nothing was saved" in away.text and "restarting" not in away.text
