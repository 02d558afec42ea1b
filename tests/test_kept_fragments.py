"""Parts of pages made once and kept (webapp.core.fragments): a lesson's text and useful words (per
version of the lesson, language and set of its author's recordings), a question card's heading
(per version of the question, language, answered or not). The page is the same as one made
afresh, shows a teacher's edit, a new bank version and a new recording at once, and keeps
nothing personal."""

import re
import time
from datetime import date

import sqlalchemy as sa
from flask import template_rendered
from markupsafe import escape

from tests.conftest import PASSPHRASE, csrf_from
from tests.test_glossary import _question_with_terms
from tests.test_lessons import lessons, trainee  # noqa: F401 (fixtures)
from tests.test_own_voice import own, send, tone  # noqa: F401 (own is a fixture)
from webapp.accounts.models import Role
from webapp.core import audio, fragments
from webapp.extensions import db
from webapp.lessons import voice
from webapp.lessons.forms import STARTER
from webapp.revision import services as revision

SPEAKER = re.compile(r'<a class="speak[^"]*" href="([^"]+)" data-say="([^"]+)"')


def page(http, url="/lessons/test-cuisine"):
    response = http.get(url)
    assert response.status_code == 200
    # Each form's client id is new at every view, the form token at every second; the rest of
    # the page must be the same.
    html = re.sub(r'name="client_id" value="[0-9a-f]{32}"', 'name="client_id"', response.text)
    html = re.sub(r'name="shown_at" value="\d+"', 'name="shown_at"', html)
    return html.replace(csrf_token_of(html), "token")


def csrf_token_of(html):
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def link_of(html, words):
    return dict((said, href) for href, said in SPEAKER.findall(html))[words]


def test_the_kept_text_is_the_text_made_afresh_in_each_language(app, client, trainee):  # noqa: F811
    made = []

    def record(_sender, template, context, **_extra):
        made.append(template.name)

    template_rendered.connect(record, app)
    try:
        fragments.forget()
        seen = {}
        for locale, translation in (
            ("fr", None),
            ("en", "The knife cuts the vegetables."),
            ("ar", "السكين يقطع الخضار."),
        ):
            trainee.locale = locale
            db.session.commit()
            afresh = page(client)  # made now: the first view in this language
            assert page(client) == afresh
            assert "Le <strong>couteau</strong> coupe les légumes." in afresh
            if translation:
                assert translation in afresh
            else:
                assert "The knife" not in afresh and "السكين" not in afresh
            seen[locale] = afresh
        assert made.count("lessons/_text.html") == 3  # once a language, not at every view
        for locale, afresh in seen.items():  # each language its own text, kept side by side
            trainee.locale = locale
            db.session.commit()
            assert page(client) == afresh
        assert made.count("lessons/_text.html") == 3
    finally:
        template_rendered.disconnect(record, app)


def test_what_each_person_did_stays_theirs(app, client, trainee, make_user, login):  # noqa: F811
    client.post("/lessons/test-cuisine/exercises/single", data={"choice": "un verre"})
    mine = page(client)
    assert "exercise--wrong" in mine
    other = app.test_client()
    login(make_user(), http=other)
    theirs = page(other)
    assert "exercise--wrong" not in theirs
    assert "Le <strong>couteau</strong> coupe les légumes." in theirs


def test_a_teachers_edit_shows_at_once(app, make_user, make_group, login):
    group = make_group()
    teacher, reader = app.test_client(), app.test_client()
    login(make_user(Role.TEACHER, group=group), http=teacher)
    login(make_user(group=group), http=reader)
    assert teacher.post("/lessons/new", data={"source": STARTER}).status_code == 303
    assert "Une deuxième idée." in page(reader, "/lessons/app-ma-lecon")
    edited = STARTER.replace("Une deuxième idée.", "Une **autre** idée.")
    assert teacher.post("/lessons/app-ma-lecon/edit", data={"source": edited}).status_code == 303
    shown = page(reader, "/lessons/app-ma-lecon")
    assert "Une <strong>autre</strong> idée." in shown and "deuxième" not in shown
    assert link_of(shown, "Une autre idée.")
    fragments.forget()
    assert page(reader, "/lessons/app-ma-lecon") == shown


def test_the_authors_new_recording_is_heard_at_once(app, own, login):  # noqa: F811
    http, lesson = own["http"], own["lesson"]
    reader = app.test_client()
    login(own["trainee"], http=reader)
    words = "La casserole va sur le feu."
    assert "/voice/" not in link_of(page(reader, f"/lessons/{lesson.id}"), words)
    line = next(line for line in voice.lines(lesson) if line.text == words)
    assert send(http, lesson.id, line.words, tone(1.0)).status_code == 303
    shown = page(reader, f"/lessons/{lesson.id}")
    assert link_of(shown, words).startswith("/voice/")
    assert f'class="speak speak--own" href="{link_of(shown, words)}"' in shown
    assert http.post(f"/lessons/{lesson.id}/voice/remove", data={"words": line.words}).status_code
    assert "speak--own" not in page(reader, f"/lessons/{lesson.id}")


def test_a_recording_made_since_is_linked(app, make_user, make_group, login, monkeypatch):
    """As every speaker link (core.speech.audio_url): a recording this process makes is linked
    at once, one another process made within the minute."""
    group = make_group()
    teacher, reader = app.test_client(), app.test_client()
    login(make_user(Role.TEACHER, group=group), http=teacher)
    login(make_user(group=group), http=reader)
    here, elsewhere = "Une phrase enregistrée ici.", "Une phrase enregistrée ailleurs."
    source = STARTER.replace("Une phrase courte. Une idée par phrase.", here).replace(
        "Une deuxième idée.", elsewhere
    )
    assert teacher.post("/lessons/new", data={"source": source}).status_code == 303
    url = "/lessons/app-ma-lecon"
    before = page(reader, url)
    assert link_of(before, here).startswith("/audio/say?")
    assert link_of(before, elsewhere).startswith("/audio/say?")

    def made(text):  # a recording's file, as audio.record leaves it
        path = audio.path_for(app.config["AUDIO_DIR"], audio.key(text, "fr-FR"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"OggS")
        return f"/audio/{path.stem}.opus"

    recorded_here = made(here)
    monkeypatch.setattr(audio, "made_here", audio.made_here + 1)  # this process recorded it
    assert link_of(page(reader, url), here) == recorded_here
    recorded_elsewhere = made(elsewhere)  # another instance recorded it: known within a minute
    later = time.monotonic() + 61
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert link_of(page(reader, url), elsewhere) == recorded_elsewhere


def test_a_question_card_is_the_same_kept_and_follows_its_version(app, client, make_user, login):
    question = _question_with_terms()
    revision.load_bank([question])
    reader = make_user()
    login(reader)
    fragments.forget()
    afresh = page(client, "/revision/review/offline")
    assert f'<li id="g-{question["id"]}-' in afresh  # its trade words, glossed and listed
    assert page(client, "/revision/review/offline") == afresh
    reader.locale = "en"
    db.session.commit()
    english = page(client, "/revision/review/offline")
    assert "trade word" in english and "mot du métier" not in english
    reader.locale = "fr"
    db.session.commit()
    assert page(client, "/revision/review/offline") == afresh
    changed = question["question"] + " Vraiment ?"
    revision.load_bank([{**question, "question": changed}])  # a new version of the bank
    said = {said for _href, said in SPEAKER.findall(page(client, "/revision/review/offline"))}
    assert str(escape(changed)) in said and str(escape(question["question"])) not in said


CHECKIN = re.compile(r'<form method="post" action="/welcome/checkin".*?</form>', re.S)
QUICK_ADD = re.compile(
    r'<form method="post" action="/" class="card stack quick-add".*?</form>', re.S
)  # noqa: E501
TILES = re.compile(r'<ul class="tiles">.*?</ul>', re.S)
QUICK_ADD_ON_BUDGET = re.compile(
    r'<form method="post" action="/budget/entries" class="card stack quick-add".*?</form>', re.S
)


def test_the_homes_forms_are_each_persons_own_made_once(app, make_user, make_group, monkeypatch):
    """The home's quick add (kept per language, day and set of categories) and a new trainee's
    check-in (per language) are filled in at each visit: each session gets its own form token,
    which the server takes, and a fresh client id; a trainee's own category shows only on their
    home; the quick add is the form the template makes for them."""
    from flask import render_template

    from webapp.budget import forms as budget_forms
    from webapp.budget.models import Entry, OwnCategory
    from webapp.candidates.models import WelcomeCheckin

    fragments.forget()
    group = make_group()
    amina, karim = make_user(group=group), make_user(group=group)
    db.session.add(OwnCategory(user_id=karim.id, name="Pressing", picture="👔"))
    db.session.commit()
    # First seen with CSRF off (as the other tests run): forms kept without a token...
    without = app.test_client()
    without.post("/login", data={"username": amina.username, "passphrase": PASSPHRASE})
    assert 'name="csrf_token"' not in QUICK_ADD.search(without.get("/").text).group(0)
    # ... are never given where forms carry one.
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    seen, checked = {}, set()
    for person in (amina, karim, amina):
        http = app.test_client()
        login_page = http.get("/login").text
        http.post(
            "/login",
            data={
                "csrf_token": csrf_from(login_page),
                "username": person.username,
                "passphrase": PASSPHRASE,
            },
        )
        home = http.get("/").text
        form = QUICK_ADD.search(home).group(0)
        token = csrf_token_of(home)
        assert f'name="csrf_token" type="hidden" value="{token}"' in form
        client_id = re.search(r'name="client_id" type="hidden" value="([0-9a-f]{32})"', form)[1]
        assert client_id not in seen.values()
        seen[(person.username, len(seen))] = client_id
        assert ("Pressing" in form) is (person is karim)
        with app.test_request_context():
            expected = budget_forms.entry_form(person)
            expected.client_id.data, expected.csrf_token.current_token = client_id, token
            made = render_template("budget/_quick_add.html", form=expected, quick_add_on_home=True)
        assert form == QUICK_ADD.search(made).group(0)
        sent = http.post(
            "/",
            data={
                "csrf_token": token,
                "client_id": client_id,
                "amount": "3",
                "category": "food",
                "kind": "expense",
                "day": date.today().isoformat(),  # the form's own date
            },
        )
        assert sent.status_code == 303, sent.text
        if person.id in checked:  # done today: the card says so instead
            assert CHECKIN.search(home) is None
            continue
        checked.add(person.id)
        checkin = CHECKIN.search(home).group(0)
        assert f'name="csrf_token" type="hidden" value="{token}"' in checkin
        checkin_id = re.search(r'name="client_id" type="hidden" value="([0-9a-f]{32})"', checkin)[1]
        assert checkin_id not in seen.values()
        seen[("checkin", len(seen))] = checkin_id
        answered = {"csrf_token": token, "client_id": checkin_id, "mood": "4", "needs_help": "no"}
        assert http.post("/welcome/checkin", data=answered).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Entry)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WelcomeCheckin)) == 2
    # Each language its own kept form: the built-in categories in the reader's words.
    words = (("en", "Housing aid"), ("ar", "مساعدة السكن"), ("fr", "Aide au logement"))
    for locale, housing in words:
        amina.locale = locale  # (the last home seen: http is hers)
        db.session.commit()
        form = QUICK_ADD.search(http.get("/").text).group(0)
        assert housing in form and "Pressing" not in form


def test_the_budget_pages_quick_add_is_kept_and_filled_in_for_each_visit(app, client, make_user):
    """The month's quick add is the home's kept form, sent to the month's own address: each
    visit gets a fresh client id, and it is the form the template makes for the person; a form
    refused comes back with what was typed, not the kept one."""
    from flask import render_template

    from webapp.budget import forms as budget_forms

    fragments.forget()
    person = make_user()
    client.post("/login", data={"username": person.username, "passphrase": PASSPHRASE})
    forms = [QUICK_ADD_ON_BUDGET.search(client.get("/budget").text).group(0) for _ in range(2)]
    ids = [re.search(r'name="client_id" type="hidden" value="([0-9a-f]{32})"', f)[1] for f in forms]
    assert ids[0] != ids[1]
    with app.test_request_context():
        expected = budget_forms.entry_form(person)
        expected.client_id.data = ids[1]
        made = render_template("budget/_quick_add.html", form=expected, quick_add_on_home=False)
    assert forms[1] == QUICK_ADD_ON_BUDGET.search(made).group(0)
    refused = client.post("/budget/entries", data={"client_id": "x1", "amount": "lots"})
    assert refused.status_code == 200 and 'value="lots"' in refused.text


def test_the_homes_tiles_are_each_roles_own_in_each_language(app, make_user, make_group):
    """The tiles are made once per role and language: after a trainee's home, a teacher's
    still has the teacher's tiles, and a trainee who reads English has them in English."""
    fragments.forget()
    group = make_group()
    people = {role: make_user(role, group=group) for role in (Role.TRAINEE, Role.TEACHER)}
    tiles = {}
    for role in (Role.TRAINEE, Role.TEACHER, Role.TRAINEE):
        http = app.test_client()
        http.post("/login", data={"username": people[role].username, "passphrase": PASSPHRASE})
        tiles[role] = TILES.search(http.get("/").text).group(0)
    mine, teacher = tiles[Role.TRAINEE], tiles[Role.TEACHER]
    assert "Rejoindre un quiz" in mine and 'href="/welcome/my-photo"' not in mine
    assert 'href="/welcome/my-photo"' in teacher and 'href="/papers/shared"' in teacher
    assert "Rejoindre un quiz" not in teacher and "Mes papiers" in mine
    people[Role.TRAINEE].locale = "en"
    db.session.commit()
    http = app.test_client()
    http.post("/login", data={"username": people[Role.TRAINEE].username, "passphrase": PASSPHRASE})
    english = TILES.search(http.get("/").text).group(0)
    assert "My papers" in english and "Mes papiers" not in english
