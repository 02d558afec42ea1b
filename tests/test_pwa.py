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


# --- The outbox protocol (notes: outbox-protocol.md): answers a script can trust, never a page.

from datetime import date  # noqa: E402

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from webapp.budget.models import Entry  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.journal.models import JournalEntry  # noqa: E402

OUTBOX = {"X-Outbox": "1"}


def journal_form(client_id="c-1", text="Bonne journée", mood="4"):
    return {
        "mood": mood,
        "text": text,
        "goal_id": "0",
        "day": date.today().isoformat(),
        "client_id": client_id,
    }


def rows(model, client_id):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.client_id == client_id)
    )


@pytest.fixture
def trainee(make_user, make_group, login):
    user = make_user(group=make_group(), display_name="Fatou Diallo")
    login(user)
    return user


def test_body_names_the_signed_in_user_but_never_on_the_cached_offline_page(client, trainee):
    assert f'data-user-id="{trainee.id}"' in client.get("/journal").text
    assert "data-user-id" not in client.get("/offline").text
    client.post("/logout")
    assert "data-user-id" not in client.get("/login").text


def test_token_is_fresh_uncached_and_says_whose_session(client, trainee):
    response = client.get("/outbox/token", headers=OUTBOX)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json["user"] == trainee.id and response.json["csrf"]
    client.post("/logout")
    gone = client.get("/outbox/token", headers=OUTBOX)
    assert (gone.status_code, gone.json, gone.headers["X-Outbox-Reason"]) == (
        401,
        {"reason": "signin"},
        "signin",
    )


def test_offline_home_holds_only_what_home_needs(client, trainee):
    response = client.get("/offline/home")
    assert response.headers["Cache-Control"] == "no-store"
    assert set(response.json) == {
        "user",
        "name",
        "next_lesson",
        "reviews_due",
        "saved_lessons",
        "week",  # the address of the week's offline copy (My week)
    }
    assert response.json["name"] == "Fatou" and response.json["user"] == trainee.id


@pytest.mark.parametrize(
    "path,form,model",
    [
        ("/journal/write", journal_form, JournalEntry),
        (
            "/budget/entries",
            lambda client_id: {
                "amount": "12,50",
                "category": "food",
                "kind": "expense",
                "day": date.today().isoformat(),
                "client_id": client_id,
            },
            Entry,
        ),
    ],
)
def test_stored_then_replayed_is_acknowledged_never_redirected(client, trainee, path, form, model):
    headers = OUTBOX | {"X-Outbox-User": str(trainee.id)}
    first = client.post(path, data=form("c-1"), headers=headers)
    assert first.status_code == 200
    assert (first.headers["X-Outbox-Ack"], first.headers["X-Outbox-State"]) == ("c-1", "stored")
    again = client.post(path, data=form("c-1"), headers=headers)
    assert (again.status_code, again.json) == (200, {"ack": "c-1", "state": "duplicate"})
    assert rows(model, "c-1") == 1


def test_ended_session_is_401_not_the_sign_in_page_and_nothing_is_lost(client, trainee):
    client.post("/logout")
    response = client.post("/journal/write", data=journal_form(), headers=OUTBOX)
    assert response.status_code == 401 and response.headers["X-Outbox-Reason"] == "signin"
    assert "X-Outbox-Ack" not in response.headers and rows(JournalEntry, "c-1") == 0


def test_someone_else_signed_in_is_409_and_nothing_is_stored(client, trainee, make_user):
    response = client.post(
        "/journal/write",
        data=journal_form(),
        headers=OUTBOX | {"X-Outbox-User": str(trainee.id + 1000)},
    )
    assert response.status_code == 409 and response.headers["X-Outbox-Reason"] == "other-user"
    assert rows(JournalEntry, "c-1") == 0


def test_stale_token_is_403_csrf_and_a_fresh_one_works(app, client, trainee):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        stale = client.post(
            "/journal/write", data=journal_form(), headers=OUTBOX | {"X-CSRFToken": "old"}
        )
        assert stale.status_code == 403 and stale.headers["X-Outbox-Reason"] == "csrf"
        token = client.get("/outbox/token", headers=OUTBOX).json["csrf"]
        fresh = client.post(
            "/journal/write", data=journal_form(), headers=OUTBOX | {"X-CSRFToken": token}
        )
        assert fresh.headers["X-Outbox-Ack"] == "c-1"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_invalid_is_422_with_messages_per_field(client, trainee):
    response = client.post(
        "/budget/entries",
        data={
            "amount": "abc",
            "category": "food",
            "kind": "expense",
            "client_id": "c-2",
            "day": date.today().isoformat(),
        },
        headers=OUTBOX,
    )
    assert response.status_code == 422 and response.json["reason"] == "invalid"
    assert response.json["errors"]["amount"] and rows(Entry, "c-2") == 0


def test_not_found_is_gone(client, trainee):
    response = client.post(
        "/lessons/no-such-lesson/exercises/x", data={"client_id": "c-3"}, headers=OUTBOX
    )
    assert response.status_code == 404 and response.headers["X-Outbox-Reason"] == "gone"


def test_without_the_header_forms_behave_as_before(client, trainee):
    response = client.post("/journal/write", data=journal_form())
    assert response.status_code == 303 and "X-Outbox-Ack" not in response.headers


def test_the_key_a_lesson_copy_carries_grades_like_the_server(app):
    """Filling a form from grading.form_key gives the server's right answer, for every type."""
    from pathlib import Path

    from werkzeug.datastructures import MultiDict

    from webapp.core import grading
    from webapp.lessons import content

    loaded, problems = content.read_lessons(Path(__file__).parent / "fixtures" / "lessons")
    assert problems == []
    kinds = set()
    for lesson in loaded:
        for item in lesson["exercises"]:
            form = MultiDict()
            for name, want in grading.form_key(item).items():
                if isinstance(want, list):
                    for value in want:
                        form.add(name, value)
                elif "num" in want:
                    form.add(name, grading.format_number(want["num"]))
                else:
                    form.add(name, want["any"][0])
            assert grading.is_correct(item, grading.answer_from_form(item, form)), item["id"]
            kinds.add(item["type"])
    assert kinds >= {"single", "multiple", "blank", "match", "order", "listen", "picture"}


def test_a_copy_saved_in_the_background_sets_no_cookie_and_is_only_the_signed_in_persons(
    client, trainee, make_user, login
):
    """The service worker keeps copies for one person; a copy asked after they signed out (or
    after someone else signed in) is refused bare: no sign-in page whose cookie could land after
    a new sign-in and undo it, no page of one person kept in another's copies."""
    asked_for_trainee = {"X-Outbox": "1", "X-Outbox-User": str(trainee.id)}
    assert client.get("/week/offline", headers=asked_for_trainee).status_code == 200
    client.post("/logout")
    signed_out = client.get("/week/offline", headers=asked_for_trainee)
    assert signed_out.status_code == 401 and "Set-Cookie" not in signed_out.headers
    assert b"<form" not in signed_out.data
    login(make_user(group=trainee.groups[0]))  # someone else on the same phone
    other = client.get("/week/offline", headers=asked_for_trainee)
    assert other.status_code == 409 and b"<html" not in other.data


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_page_gives_the_outbox_its_words_in_the_pages_language(client, language):
    """The outbox script reads what it says from the page (written once per language): the same
    JSON Jinja's tojson writes, safe inside the attribute, in the reader's language."""
    from html import unescape

    from webapp.pwa import outbox as outbox_words

    page = client.get("/login", headers={"Accept-Language": language}).text
    written = re.search(r"data-outbox-words='([^']*)'", page).group(1)
    said = json.loads(unescape(written))
    assert said["discard"] == {"fr": "Supprimer", "ar": said["discard"]}[language]
    assert said["discard"] != "Discard"  # translated, not the English source
    with client.application.test_request_context(headers={"Accept-Language": language}):
        template = client.application.jinja_env.from_string("{{ words|tojson }}")
        assert template.render(words=outbox_words.words()) == written
