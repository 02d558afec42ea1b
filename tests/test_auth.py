"""Sign-in that fits the people: sessions, throttling, remember-me, idle timeout, reset codes."""

import re
from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import PASSPHRASE
from webapp.accounts.models import AuthSession, ResetCode, Role
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.privacy.models import AuditEvent


def _set_cookie(response, name: str) -> str:
    return next(cookie for cookie in response.headers.getlist("Set-Cookie")
                if cookie.startswith(f"{name}="))


def test_sign_in_with_passphrase_opens_home(client, make_user, login):
    trainee = make_user(display_name="Samir Benali")
    response = login(trainee)
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Samir" in home.text


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
    assert db.session.scalar(
        sa.select(AuditEvent.action).where(AuditEvent.subject_id == trainee.id)
    ) == "reset_code_issued"

    phone = app.test_client()
    new = "velo-rouge-fromage"
    response = phone.post("/reset", data={"username": "nadia.k", "code": code.lower(),
                                          "passphrase": new, "confirm": new})
    assert response.status_code == 303
    assert phone.post("/login", data={"username": "nadia.k", "passphrase": new}).status_code == 303
    # Single use.
    again = app.test_client().post("/reset", data={"username": "nadia.k", "code": code,
                                                   "passphrase": new + "s", "confirm": new + "s"})
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
    response = app.test_client().post("/reset", data={"username": "nadia.k", "code": code,
                                                      "passphrase": new, "confirm": new})
    assert 'id="code-error"' in response.text


def test_reset_refuses_weak_or_mismatched_passphrase(client):
    response = client.post("/reset", data={"username": "a", "code": "ABCDEFGH",
                                           "passphrase": "short", "confirm": "other"})
    assert 'id="passphrase-error"' in response.text
    assert 'id="confirm-error"' in response.text


def test_change_passphrase_from_account_page(client, make_user, login):
    trainee = make_user()
    login(trainee)
    bad = client.post("/me", data={"current": "not-it-at-all", "passphrase": "nouveau-chemin-vert",
                                   "confirm": "nouveau-chemin-vert"})
    assert 'id="current-error"' in bad.text
    good = client.post("/me", data={"current": PASSPHRASE, "passphrase": "nouveau-chemin-vert",
                                    "confirm": "nouveau-chemin-vert"})
    assert good.status_code == 303


def test_next_parameter_cannot_leave_the_site(client, make_user):
    trainee = make_user()
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": trainee.username, "passphrase": PASSPHRASE})
    assert response.headers["Location"] == "/"
