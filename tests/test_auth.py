"""Sign-in that fits the people: sessions, throttling, remember-me, idle timeout, reset codes."""

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import PASSPHRASE
from webapp.accounts.auth import _load_user, start_session
from webapp.accounts.models import AuthSession, ResetCode, Role, User
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.privacy.models import AuditEvent


def _set_cookie(response, name: str) -> str:
    return next(
        cookie for cookie in response.headers.getlist("Set-Cookie") if cookie.startswith(f"{name}=")
    )


def test_sign_in_with_passphrase_opens_home(client, make_user, login):
    trainee = make_user(display_name="Samir Benali")
    response = login(trainee)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Samir" in home.text


def test_a_trainee_in_two_groups_is_in_both_at_every_request(client, make_user, make_group, login):
    """The user is loaded with their groups in one query (a join: one row per group), and
    every group is there, not just the first row's; the home names the latest."""
    autumn, spring = make_group(name="Automne"), make_group(name="Printemps")
    spring.starts_on += timedelta(days=30)
    trainee = make_user(group=autumn)
    trainee.groups.append(spring)
    db.session.commit()
    with client.application.test_request_context():
        start_session(trainee, remember=False)
        token = trainee.session_token
    db.session.expunge_all()  # as a new request finds it: nothing loaded yet
    with client.application.test_request_context():
        loaded = _load_user(token)
        assert [group.name for group in loaded.groups] == ["Automne", "Printemps"]
    login(trainee)
    assert "Printemps" in client.get("/").text


def test_wrong_passphrase_gets_message_next_to_field(client, make_user):
    trainee = make_user()
    response = client.post("/login", data={"username": trainee.username, "passphrase": "nope"})
    assert response.status_code == 200
    assert 'id="passphrase-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert client.get("/").status_code == 302  # still signed out


def test_empty_form_gets_messages_not_500(client):
    response = client.post("/login", data={})
    assert response.status_code == 200
    assert 'id="username-error"' in response.text


def test_login_card_link_fills_username(client):
    response = client.get("/login?u=fatou.d")
    assert 'value="fatou.d"' in response.text


def test_username_is_not_case_sensitive(client, make_user, login):
    make_user(username="kevin.m")
    response = client.post("/login", data={"username": " Kevin.M ", "passphrase": PASSPHRASE})
    assert response.status_code == 303


def test_new_session_id_at_login_and_logout_revokes_it(app, client, make_user, login):
    trainee = make_user()
    login(trainee)
    stolen = client.get_cookie("session").value
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 1
    client.post("/logout")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 0
    # A copy of the old cookie is worthless after logout.
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_session_cookie_is_httponly_and_lax(client, make_user, login):
    response = login(make_user())
    cookie = _set_cookie(response, "session")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # not remembered: ends with the browser


def test_remember_this_phone_keeps_session_30_days(client, make_user, login):
    response = login(make_user(), remember=True)
    assert "Expires" in _set_cookie(response, "session")
    row = db.session.scalar(sa.select(AuthSession))
    lifetime = row.expires_at.replace(tzinfo=None) - row.created_at.replace(tzinfo=None)
    assert timedelta(days=29) < lifetime <= timedelta(days=30)


def test_expired_session_is_refused(client, make_user, login):
    login(make_user())
    db.session.execute(sa.update(AuthSession).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    assert client.get("/").status_code == 302


def test_staff_are_signed_out_after_30_idle_minutes(client, make_user, login, make_group):
    teacher = make_user(Role.TEACHER, group=make_group())
    login(teacher)
    with client.session_transaction() as session:
        session["seen"] = (utcnow() - timedelta(minutes=31)).timestamp()
    response = client.get("/groups")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/groups").status_code == 302


def test_trainees_have_no_idle_timeout(client, make_user, login):
    login(make_user())
    with client.session_transaction() as session:
        session["seen"] = (utcnow() - timedelta(hours=5)).timestamp()
    assert client.get("/").status_code == 200


def _teacher_and_trainee(make_group, make_user):
    group = make_group()
    return make_user(Role.TEACHER, group=group), make_user(group=group, username="nadia.k")


def test_reset_code_flow(app, client, make_group, make_user, login):
    teacher, trainee = _teacher_and_trainee(make_group, make_user)
    login(teacher)
    page = client.post(f"/trainees/{trainee.id}/reset-code")
    code = page.text.split('class="code"')[1].split(">")[1].split("<")[0]
    assert len(code) == 8
    assert (
        db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.subject_id == trainee.id))
        == "reset_code_issued"
    )

    phone = app.test_client()
    new = "velo-rouge-fromage"
    response = phone.post(
        "/reset",
        data={"username": "nadia.k", "code": code.lower(), "passphrase": new, "confirm": new},
    )
    assert response.status_code == 303
    assert phone.post("/login", data={"username": "nadia.k", "passphrase": new}).status_code == 303
    # Single use.
    again = app.test_client().post(
        "/reset",
        data={"username": "nadia.k", "code": code, "passphrase": new + "s", "confirm": new + "s"},
    )
    assert again.status_code == 200
    assert 'id="code-error"' in again.text


def test_reset_code_expires_after_15_minutes(app, client, make_group, make_user, login):
    teacher, trainee = _teacher_and_trainee(make_group, make_user)
    login(teacher)
    page = client.post(f"/trainees/{trainee.id}/reset-code")
    code = page.text.split('class="code"')[1].split(">")[1].split("<")[0]
    db.session.execute(sa.update(ResetCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    new = "velo-rouge-fromage"
    response = app.test_client().post(
        "/reset", data={"username": "nadia.k", "code": code, "passphrase": new, "confirm": new}
    )
    assert 'id="code-error"' in response.text


def test_reset_refuses_weak_or_mismatched_passphrase(client):
    response = client.post(
        "/reset",
        data={"username": "a", "code": "ABCDEFGH", "passphrase": "short", "confirm": "other"},
    )
    assert 'id="passphrase-error"' in response.text
    assert 'id="confirm-error"' in response.text


def test_change_passphrase_from_account_page(client, make_user, login):
    trainee = make_user()
    login(trainee)
    bad = client.post(
        "/me",
        data={
            "current": "not-it-at-all",
            "passphrase": "nouveau-chemin-vert",
            "confirm": "nouveau-chemin-vert",
        },
    )
    assert 'id="current-error"' in bad.text
    good = client.post(
        "/me",
        data={
            "current": PASSPHRASE,
            "passphrase": "nouveau-chemin-vert",
            "confirm": "nouveau-chemin-vert",
        },
    )
    assert good.status_code == 303


def test_next_parameter_cannot_leave_the_site(client, make_user):
    trainee = make_user()
    response = client.post(
        "/login?next=https://evil.example/x",
        data={"username": trainee.username, "passphrase": PASSPHRASE},
    )
    assert response.headers["Location"] == "/"


# --- issue 11, hole 4: guessing is slowed down per account, never locks the owner out ---------

WRONG = "wrong-guess-xyz"


def _try(http, username, passphrase=WRONG, **headers):
    return http.post(
        "/login",
        data={"username": username, "passphrase": passphrase},
        headers={"Accept-Language": "en", **headers},
    )


def test_slowdown_grows_after_five_failures_and_says_when(app, make_user, monkeypatch):
    from webapp.accounts import throttle

    clock = [1_000_000]
    monkeypatch.setattr(throttle, "now_seconds", lambda: clock[0])
    trainee = make_user()
    guesser = app.test_client()
    for _ in range(5):
        assert _try(guesser, trainee.username).status_code == 200  # wrong, said next to the field
    slowed = _try(guesser, trainee.username)
    assert slowed.status_code == 429
    assert re.search(r"Try again in 1 second, at \d\d:\d\d:\d\d", slowed.text)
    clock[0] += 1
    assert _try(guesser, trainee.username).status_code == 200  # checked again, and wrong
    assert "Try again in 2 seconds" in _try(guesser, trainee.username).text
    clock[0] += 2
    _try(guesser, trainee.username)
    assert "Try again in 4 seconds" in _try(guesser, trainee.username).text


def test_wait_grows_and_is_capped(app):
    from webapp.accounts.throttle import Rule, wait_after

    rule = Rule(free=5, cap=900, forget=86400)
    assert [wait_after(n, rule) for n in range(9)] == [0, 0, 0, 0, 0, 1, 2, 4, 8]
    assert wait_after(14, rule) == 512 and wait_after(15, rule) == 900
    assert wait_after(10_000, rule) == 900


def test_owner_on_a_known_device_gets_in_after_20_wrong_guesses_elsewhere(
    app, make_user, login, monkeypatch
):
    from webapp.accounts import throttle

    clock = [2_000_000]
    monkeypatch.setattr(throttle, "now_seconds", lambda: clock[0])
    trainee = make_user(username="samir.b")  # a predictable username
    phone = app.test_client()
    login(trainee, http=phone)
    phone.post("/logout")
    guesser = app.test_client()
    for _ in range(20):
        _try(guesser, "samir.b")
        clock[0] += 1
    assert _try(guesser, "samir.b").status_code == 429  # the guesser is slowed down
    assert _try(phone, "samir.b", PASSPHRASE).status_code == 303  # the owner is not


def test_owner_with_a_reset_code_gets_in_from_a_known_device_while_someone_guesses(
    app, client, make_group, make_user, login, monkeypatch
):
    from webapp.accounts import throttle

    monkeypatch.setattr(throttle, "now_seconds", lambda: 3_000_000)
    teacher, trainee = _teacher_and_trainee(make_group, make_user)
    phone = app.test_client()
    login(trainee, http=phone)
    phone.post("/logout")
    guesser = app.test_client()
    for _ in range(10):
        _try(guesser, "nadia.k")
        guesser.post(
            "/reset",
            data={
                "username": "nadia.k",
                "code": "AAAAAAAA",
                "passphrase": "velo-rouge-fromage",
                "confirm": "velo-rouge-fromage",
            },
        )
    assert _try(guesser, "nadia.k").status_code == 429
    login(teacher)
    page = client.post(f"/trainees/{trainee.id}/reset-code")
    code = page.text.split('class="code"')[1].split(">")[1].split("<")[0]
    new = "velo-rouge-fromage"
    done = phone.post(
        "/reset", data={"username": "nadia.k", "code": code, "passphrase": new, "confirm": new}
    )
    assert done.status_code == 303
    assert _try(phone, "nadia.k", new).status_code == 303


def test_classroom_behind_one_address_keeps_signing_in_while_one_device_guesses(
    app, make_user, login, monkeypatch
):
    from webapp.accounts import throttle

    monkeypatch.setattr(throttle, "now_seconds", lambda: 4_000_000)
    app.config["LOGIN_IP_FREE_TRIES"] = 10
    try:
        classroom = [make_user() for _ in range(4)]
        phones = {}
        for trainee in classroom:  # each has signed in on their phone before
            phones[trainee.id] = app.test_client()
            login(trainee, http=phones[trainee.id])
            phones[trainee.id].post("/logout")
        guesser = app.test_client()  # same address: every test client is 127.0.0.1
        for number in range(30):
            _try(guesser, classroom[number % 4].username)
            _try(guesser, f"nobody{number}")
        assert _try(guesser, "someone.else").status_code == 429  # the address is slowed down
        for trainee in classroom:
            assert _try(phones[trainee.id], trainee.username, PASSPHRASE).status_code == 303
    finally:
        app.config["LOGIN_IP_FREE_TRIES"] = 100


def test_a_newcomer_behind_a_guessing_address_waits_a_minute_at_most(app, make_user, monkeypatch):
    """A first day: a trainee who never signed in on this phone, behind the classroom's router,
    while someone there keeps guessing: the address's wait is capped, the account is not."""
    from webapp.accounts import throttle

    clock = [6_000_000]
    monkeypatch.setattr(throttle, "now_seconds", lambda: clock[0])
    app.config["LOGIN_IP_FREE_TRIES"] = 10
    try:
        newcomer = make_user()
        guesser = app.test_client()
        for number in range(40):  # a wrong guess every ten seconds on made-up accounts
            _try(guesser, f"nobody{number}")
            clock[0] += 10
        phone = app.test_client()
        assert _try(phone, newcomer.username, PASSPHRASE).status_code == 429
        clock[0] += 61
        assert _try(phone, newcomer.username, PASSPHRASE).status_code == 303
    finally:
        app.config["LOGIN_IP_FREE_TRIES"] = 100


def test_unknown_and_known_usernames_are_slowed_alike(app, make_user, monkeypatch):
    from webapp.accounts import throttle

    monkeypatch.setattr(throttle, "now_seconds", lambda: 5_000_000)
    make_user(username="real.one")
    answers = {}
    for name in ("real.one", "made.up"):
        http = app.test_client()
        answers[name] = [_try(http, name).status_code for _ in range(7)]
    assert answers["real.one"] == answers["made.up"] == [200] * 5 + [429] * 2


def test_concurrent_guesses_are_all_counted(app, make_user, monkeypatch):
    """24 guesses at once: exactly the 5 free ones are checked, none slips past the count."""
    import threading

    from argon2 import PasswordHasher

    from webapp.accounts import throttle
    from webapp.accounts.models import SignInThrottle

    monkeypatch.setattr(throttle, "now_seconds", lambda: 6_000_000)
    trainee = make_user()
    checked, lock = [], threading.Lock()
    real_verify = PasswordHasher.verify

    def counting_verify(self, stored, passphrase):
        with lock:
            checked.append(passphrase)
        return real_verify(self, stored, passphrase)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    start, statuses = threading.Barrier(24), []

    def guess(number):
        http = app.test_client()
        start.wait()
        statuses.append(_try(http, trainee.username, f"{WRONG}-{number}").status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200] * 5 + [429] * 19
    assert len(checked) == 5
    counts = db.session.scalars(sa.select(SignInThrottle.failures)).all()
    assert sorted(counts) == [5, 5]  # the account's count and the address's: all 5 checked


def test_sign_ins_failures_and_slowdowns_are_audited_without_passphrase(
    app, make_user, login, monkeypatch
):
    from webapp.accounts import throttle

    monkeypatch.setattr(throttle, "now_seconds", lambda: 7_000_000)
    trainee = make_user()
    login(trainee, http=app.test_client())
    guesser = app.test_client()
    for _ in range(6):
        _try(guesser, trainee.username, "secret-guess-123")
    _try(guesser, "nobody.here", "secret-guess-123")
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.detail).order_by(
            AuditEvent.id
        )
    ).all()
    actions = [event.action for event in events]
    assert actions.count("sign_in") == 1
    assert actions.count("sign_in_failed") == 6  # 5 for the account, 1 for the unknown name
    slowed = [event for event in events if event.action == "sign_in_slowed_down"]
    assert [(event.subject_id, event.detail) for event in slowed] == [(trainee.id, "count=login")]
    assert not any("secret" in event.detail or "nobody" in event.detail for event in events)


def test_behind_a_trusted_proxy_each_client_has_its_own_address(app, make_user, monkeypatch):
    from webapp import create_app
    from webapp.accounts import throttle

    monkeypatch.setattr(throttle, "now_seconds", lambda: 8_000_000)
    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1, "LOGIN_IP_FREE_TRIES": 3})
    try:
        http = proxied.test_client()
        for number in range(5):
            _try(http, f"nobody{number}", **{"X-Forwarded-For": "203.0.113.7"})
        assert _try(http, "nobody9", **{"X-Forwarded-For": "203.0.113.7"}).status_code == 429
        assert _try(http, "nobody9", **{"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    finally:
        with proxied.app_context():
            db.engine.dispose()


# --- hole 5: the same work for known and unknown usernames -----------------------------------


def test_unknown_username_costs_the_same_hashing_as_a_known_one(client, make_user, monkeypatch):
    from argon2 import PasswordHasher

    make_user(username="known.person")
    calls = []
    real_verify, real_hash = PasswordHasher.verify, PasswordHasher.hash
    monkeypatch.setattr(
        PasswordHasher, "verify", lambda self, *a: calls.append("verify") or real_verify(self, *a)
    )
    monkeypatch.setattr(
        PasswordHasher,
        "hash",
        lambda self, *a, **k: calls.append("hash") or real_hash(self, *a, **k),
    )
    work = {}
    for name in ("known.person", "unknown.person"):
        calls.clear()
        _try(client, name)
        work[name] = list(calls)
    assert work["known.person"] == work["unknown.person"] == ["verify"]


# --- hole 9: a new passphrase signs out the other devices ------------------------------------


def test_changing_passphrase_signs_out_other_devices_and_keeps_this_one(
    app, client, make_user, login
):
    trainee = make_user()
    other_phone = app.test_client()
    login(trainee, http=other_phone)
    login(trainee)
    assert other_phone.get("/").status_code == 200
    new = "nouveau-chemin-vert"
    assert (
        client.post(
            "/me", data={"current": PASSPHRASE, "passphrase": new, "confirm": new}
        ).status_code
        == 303
    )
    assert client.get("/").status_code == 200  # this device stays signed in
    assert other_phone.get("/").status_code == 302  # the other one is signed out
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuthSession)) == 1
    assert db.session.scalar(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
        "passphrase_changed"
    )


def test_new_passphrase_cannot_be_built_from_the_users_name(client, make_user, login):
    trainee = make_user(username="samir.b", display_name="Samir Benali")
    login(trainee)
    response = client.post(
        "/me",
        data={
            "current": PASSPHRASE,
            "passphrase": "Benali Samir 2026!",
            "confirm": "Benali Samir 2026!",
        },
        headers={"Accept-Language": "en"},
    )
    assert 'id="passphrase-error"' in response.text
    assert "from your name" in response.text


# --- hole 3: a renewed card or a used reset code ends sessions and is told once --------------


def _sign_in_page(http, user, passphrase):
    response = _try(http, user.username, passphrase)
    assert response.status_code == 303
    return http.get("/", headers={"Accept-Language": "en"}).text


def test_card_reissue_ends_sessions_and_the_trainee_is_told_once(
    app, client, make_group, make_user, login
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group, display_name="Karima Haddad")
    trainee = make_user(group=group, locale="en")
    phone = app.test_client()
    assert "renewed" not in _sign_in_page(phone, trainee, PASSPHRASE)  # first sign-in: nothing
    login(teacher)
    cards = client.post(f"/groups/{group.id}/cards", data={"trainee": [str(trainee.id)]})
    new = re.findall(r'class="login-card__secret">([^<]+)</dd>', cards.text)[1]
    assert phone.get("/").status_code == 302  # all the trainee's sessions ended
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "card_reissued"))
    assert (event.actor_id, event.subject_id) == (teacher.id, trainee.id)

    page = _sign_in_page(phone, trainee, new)
    assert re.search(
        r"Your card was renewed by Karima Haddad on \w+ \d+, \d{4}\. Not you\? "
        r"Tell the workshop\.",
        page,
    )
    phone.post("/logout")
    assert "renewed" not in _sign_in_page(phone, trainee, new)  # told once


def test_used_reset_code_is_told_with_the_teachers_name(app, client, make_group, make_user, login):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group, display_name="Karima Haddad")
    trainee = make_user(group=group, username="nadia.k", locale="fr")
    phone = app.test_client()
    _sign_in_page(phone, trainee, PASSPHRASE)
    login(teacher)
    page = client.post(f"/trainees/{trainee.id}/reset-code")
    code = page.text.split('class="code"')[1].split(">")[1].split("<")[0]
    new = "velo-rouge-fromage"
    thief = app.test_client()
    assert (
        thief.post(
            "/reset", data={"username": "nadia.k", "code": code, "passphrase": new, "confirm": new}
        ).status_code
        == 303
    )
    assert phone.get("/").status_code == 302
    page = _sign_in_page(phone, trainee, new)
    assert "Karima Haddad" in page and "atelier" in page  # in the trainee's language


def test_reset_code_stops_working_when_its_teacher_is_detached(
    app, client, make_group, make_user, login
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    make_user(group=group, username="nadia.k")
    trainee = db.session.scalar(sa.select(User).where(User.username == "nadia.k"))
    login(teacher)
    page = client.post(f"/trainees/{trainee.id}/reset-code")
    code = page.text.split('class="code"')[1].split(">")[1].split("<")[0]
    group.members.remove(teacher)
    db.session.commit()
    new = "velo-rouge-fromage"
    response = app.test_client().post(
        "/reset", data={"username": "nadia.k", "code": code, "passphrase": new, "confirm": new}
    )
    assert 'id="code-error"' in response.text


def test_reset_refuses_a_passphrase_made_of_the_name_and_keeps_the_code(
    app, client, make_group, make_user, login
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    trainee = make_user(group=group, username="nadia.k", display_name="Nadia Kaci")
    login(teacher)
    page = client.post(f"/trainees/{trainee.id}/reset-code")
    code = page.text.split('class="code"')[1].split(">")[1].split("<")[0]
    phone = app.test_client()
    weak = "Kaci Nadia 2026!"
    refused = phone.post(
        "/reset",
        data={"username": "nadia.k", "code": code, "passphrase": weak, "confirm": weak},
        headers={"Accept-Language": "en"},
    )
    assert 'id="passphrase-error"' in refused.text and "from your name" in refused.text
    new = "velo-rouge-fromage"
    assert (
        phone.post(
            "/reset", data={"username": "nadia.k", "code": code, "passphrase": new, "confirm": new}
        ).status_code
        == 303
    )


def test_a_class_signing_in_at_once_behind_one_address_is_never_told_to_wait(
    app, make_user, monkeypatch
):
    """Tries that straddle a second (one read the clock at :00, the next to finish at :01)
    are not failures: none of them may be slowed down."""
    from webapp.accounts import throttle

    clock = [9_500_000]
    monkeypatch.setattr(throttle, "now_seconds", lambda: clock[0])
    people = [make_user(username=f"stagiaire{n}") for n in range(3)]
    clock[0] += 1  # the first sign-in to finish read the clock a second later...
    assert _try(app.test_client(), people[0].username, PASSPHRASE).status_code == 303
    clock[0] -= 1  # ...than the next ones, still on their way
    for person in people[1:]:
        assert _try(app.test_client(), person.username, PASSPHRASE).status_code == 303


def test_pages_fetched_at_once_after_sign_in_share_one_form_token(
    app, client, make_user, monkeypatch
):
    """Right after signing in, a phone asks for the home while its service worker fetches the
    offline copies with the same cookie. They must not each make a form token: the last cookie
    set would refuse the home's forms (a "Seen" or a check-in tapped there was a 400)."""
    from tests.conftest import csrf_from

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    trainee = make_user()
    page = client.get("/login").text
    signed = client.post(
        "/login",
        data={
            "csrf_token": csrf_from(page),
            "username": trainee.username,
            "passphrase": PASSPHRASE,
        },
    )
    assert signed.status_code == 303
    after_sign_in = client.get_cookie("session").value
    token = csrf_from(client.get("/").text)  # the home, with the sign-in's cookie
    client.set_cookie("session", after_sign_in)  # the offline copy, asked at the same time
    client.get("/offline")  # its cookie (if it set one) is the one the phone keeps
    assert client.post("/week/seen", data={"csrf_token": token}).status_code == 303


def test_the_day_a_person_was_last_seen_is_their_day_in_paris(app, client, make_user, monkeypatch):
    """Signed in at 23:30 UTC on 1 December, it is already 2 December in Paris: the teacher's
    Today counts the days since in Paris days, so that is the day kept (not the server's)."""
    from datetime import UTC, date, datetime

    from webapp.core import time as clock

    person = make_user()
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(clock, "utcnow", lambda: late)
    client.post("/login", data={"username": person.username, "passphrase": PASSPHRASE})
    db.session.refresh(person)
    assert person.last_seen_on == date(2026, 12, 2)
    monkeypatch.setattr(clock, "utcnow", lambda: late.replace(hour=12))  # noon, in both
    person.last_seen_on = None
    db.session.commit()
    assert client.get("/").status_code == 200  # a visit: the day is noted again
    db.session.refresh(person)
    assert person.last_seen_on == date(2026, 12, 1)
