"""Issue 11, attacked again after the merge: each test replays an attack that worked."""

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from tests.conftest import PASSPHRASE
from webapp.accounts import throttle
from webapp.accounts.models import Role, SignInThrottle
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.live import services as live
from webapp.live.models import LivePlayer
from webapp.live.nicknames import nickname_keys
from webapp.privacy import services as privacy
from webapp.privacy.models import AuditEvent

EN = {"Accept-Language": "en"}


@pytest.fixture
def room(app, make_group, make_user, bank):
    group = make_group()
    trainee = make_user(group=group, display_name="Fatou Diallo", username="fatou.d")
    volunteer = make_user(Role.VOLUNTEER, group=group)
    session = live.create_session(volunteer, group, scopes=["1"], count=2, client_id="rt-room")
    return {"group": group, "trainee": trainee, "volunteer": volunteer, "live": session}


# --- erasure and retention: a nickname's keys are the nickname -----------------------------


def _keys_left(nickname: str) -> list[str]:
    keys = set(nickname_keys(nickname))
    rows = db.session.execute(sa.select(LivePlayer.nickname_key, LivePlayer.skeleton_key))
    return [key for row in rows for key in row if key in keys]


def test_an_erased_trainees_nickname_cannot_be_recovered_from_its_keys(room):
    """The keys are unsalted hashes of the nickname: "Fafa du 93" is found again by hashing
    guesses. Erasure renames the player; its keys must go with the name."""
    live.join(room["live"], "Fafa du 93", room["trainee"])
    privacy.erase_user(room["trainee"].id)
    assert _keys_left("Fafa du 93") == []
    assert len(live.players(room["live"])) == 1  # the anonymous score stays


def test_retention_forgets_a_guests_nickname_keys_too(app, room):
    live.join(room["live"], "Kenza la guest", AnonymousUserMixin())
    room["live"].ended_at = utcnow()
    db.session.commit()
    live.forget_guest_nicknames(utcnow())
    db.session.commit()
    assert _keys_left("Kenza la guest") == []
    # A renamed player can still be told apart from the others (keys stay unique).
    live.join(room["live"], "Kenza la guest", room["trainee"])
    assert len(live.players(room["live"])) == 2


def test_erasure_forgets_the_sign_in_counts_of_the_username(app, client, room):
    """sign_in_throttle holds a keyed hash of the username and the time of the last tries."""
    for _ in range(3):
        client.post("/login", data={"username": "fatou.d", "passphrase": "pas-la-bonne-phrase"})
        client.post(
            "/reset",
            data={
                "username": "fatou.d",
                "code": "ABCDEFGH",
                "passphrase": "une-phrase-neuve-assez-longue",
                "confirm": "une-phrase-neuve-assez-longue",
            },
        )
    mine = {throttle._key("login", "fatou.d"), throttle._key("reset", "fatou.d")}
    stored = set(db.session.scalars(sa.select(SignInThrottle.key)))
    assert mine <= stored  # the attack left both counts
    privacy.erase_user(room["trainee"].id)
    assert not mine & set(db.session.scalars(sa.select(SignInThrottle.key)))


# --- lookalike nicknames: invisible characters -------------------------------------------


@pytest.mark.parametrize(
    "lookalike",
    [
        "Sa\u034fmir",  # combining grapheme joiner: invisible
        "Samir\ufe0f",  # variation selector: invisible
        "S\u17b4amir",  # Khmer inherent vowel: invisible
        "Samir\u3164",  # Hangul filler: a blank
        "Samir\u115f",  # Hangul choseong filler: a blank
        "Samir\u2800",  # Braille blank: a blank
    ],
)
def test_nicknames_that_differ_only_by_invisible_characters_clash(app, lookalike):
    assert set(nickname_keys(live.clean_nickname(lookalike))) & set(nickname_keys("Samir"))


def test_an_invisible_lookalike_is_refused_in_the_room(app, room):
    live.join(room["live"], "Samir", room["trainee"])
    with pytest.raises(live.Refused, match="taken"):
        live.join(room["live"], "Sa\u034fmir", AnonymousUserMixin())


def test_a_nickname_of_invisible_characters_only_is_refused(app, client, room):
    room["live"].group_id = None
    db.session.commit()
    response = client.post(
        f"/join/{room['live'].code}", data={"nickname": "\u3164\u3164\u034f\u034f"}, headers=EN
    )
    assert response.status_code == 200 and "Use 2 to 20 characters." in response.text


# --- a detached host has no power left over a group's session -----------------------------


def test_a_detached_host_can_no_longer_run_or_read_the_groups_session(
    app, client, room, login, make_user
):
    admin = make_user(Role.ADMIN)
    login(room["volunteer"])
    code = room["live"].code
    assert client.get(f"/live/{code}/host").status_code == 200
    desk = app.test_client()
    login(admin, http=desk)
    desk.post(
        f"/groups/{room['group'].id}/staff",
        data={"user_id": room["volunteer"].id, "action": "detach"},
    )
    for method, url in (
        ("GET", f"/live/{code}/host"),
        ("GET", f"/live/{code}/results"),
        ("POST", f"/live/{code}/advance"),
    ):
        assert client.open(url, method=method, data={"version": 1}).status_code == 404, url
    assert code not in client.get("/live").text


def test_a_host_keeps_a_session_open_to_anyone(app, client, make_user, login, bank):
    volunteer = make_user(Role.VOLUNTEER)
    session = live.create_session(volunteer, None, scopes=["1"], count=2, client_id="rt-open")
    login(volunteer)
    assert client.get(f"/live/{session.code}/host").status_code == 200


# --- "Who saw my data" names what happened ------------------------------------------------


def test_who_saw_my_data_says_what_happened_in_plain_words(client, room, login):
    trainee = room["trainee"]
    for _ in range(6):  # someone guesses: the sign-in is slowed down
        client.post("/login", data={"username": "fatou.d", "passphrase": "pas-la-bonne-phrase"})
    client.post(
        "/reset",
        data={
            "username": "fatou.d",
            "code": "ABCDEFGH",
            "passphrase": "une-phrase-neuve-assez-longue",
            "confirm": "une-phrase-neuve-assez-longue",
        },
    )
    db.session.execute(sa.delete(SignInThrottle))
    db.session.commit()
    login(trainee)
    client.post(
        "/me",
        data={
            "current": "tulipe-orange-camion",
            "passphrase": "girafe-violette-tambour",
            "confirm": "girafe-violette-tambour",
        },
    )
    page = client.get("/privacy/seen", headers=EN).text
    assert "Someone from the workshop did something" not in page
    assert "Fatou Diallo did something" not in page
    assert "Sign-in to your account was slowed down after many wrong tries." in page
    assert "You changed your passphrase." in page


def test_my_data_names_each_sign_in_and_wrong_code_in_plain_words(client, room, login):
    client.post(
        "/reset",
        data={
            "username": "fatou.d",
            "code": "ABCDEFGH",
            "passphrase": "une-phrase-neuve-assez-longue",
            "confirm": "une-phrase-neuve-assez-longue",
        },
    )
    login(room["trainee"])
    what = [line["what"] for line in client.get("/privacy/my-data.json", headers=EN).json["audit"]]
    assert "Fatou Diallo signed in to your account." in what
    assert "Someone typed a wrong reset code for your account." in what
    assert not [line for line in what if "did something" in line], what


# --- the admin's audit search: a wildcard is a character -----------------------------------


@pytest.mark.parametrize("typed", ["%", "_", "%a%"])
def test_an_audit_search_for_a_wildcard_names_no_one(app, client, room, login, make_user, typed):
    """ilike() took '%' and '_' as wildcards: searching '%' told every trainee that the admin
    had searched the audit log for their name."""
    login(make_user(Role.ADMIN))
    page = client.get("/admin/audit", query_string={"trainee": typed})
    assert page.status_code == 200
    told = db.session.scalars(
        sa.select(AuditEvent.subject_id).where(AuditEvent.action == "audit_log_searched")
    )
    assert list(told) == []


def test_an_audit_search_still_finds_part_of_a_name(app, client, room, login, make_user):
    login(make_user(Role.ADMIN))
    client.get("/admin/audit", query_string={"trainee": "diall"})
    told = db.session.scalars(
        sa.select(AuditEvent.subject_id).where(AuditEvent.action == "audit_log_searched")
    )
    assert list(told) == [room["trainee"].id]


# --- a lost phone: the teacher's code works on a new one, whoever guesses --------------------


def test_a_teacher_code_lets_the_owner_in_from_a_new_phone_while_someone_guesses(
    app, client, room, make_user, login, monkeypatch
):
    """Someone kept the account's counts full (one guess every 15 minutes is enough), so the
    owner who lost their phone was refused on a new one, with the teacher's code too."""
    monkeypatch.setattr(throttle, "now_seconds", lambda: 3_000_000)
    teacher = make_user(Role.TEACHER, group=room["group"])
    new = "girafe-violette-tambour"
    guesser = app.test_client()
    for number in range(10):
        ip = {"REMOTE_ADDR": f"10.2.0.{number}"}
        guesser.post(
            "/login", data={"username": "fatou.d", "passphrase": "pas-la-bonne"}, environ_base=ip
        )
        guesser.post(
            "/reset",
            data={"username": "fatou.d", "code": "AAAAAAAA", "passphrase": new, "confirm": new},
            environ_base=ip,
        )
    login(teacher)
    page = client.post(f"/trainees/{room['trainee'].id}/reset-code")
    code = page.text.split('class="code"')[1].split(">")[1].split("<")[0]
    phone = app.test_client()  # a new phone: never signed in here
    done = phone.post(
        "/reset", data={"username": "fatou.d", "code": code, "passphrase": new, "confirm": new}
    )
    assert done.status_code == 303, done.text
    assert phone.post("/login", data={"username": "fatou.d", "passphrase": new}).status_code == 303
    # The guesser gets no new tries from it: a wrong code is still counted and slowed.
    again = [
        guesser.post(
            "/reset",
            data={"username": "fatou.d", "code": "BBBBBBBB", "passphrase": new, "confirm": new},
        ).status_code
        for _ in range(7)
    ]
    assert again[-1] == 429


def test_another_hosts_request_id_does_not_hand_over_their_session(
    app, client, room, login, make_user
):
    """The session's client id was looked up for anyone: replaying it on /live/new answered
    with the other host's session (its code in the redirect)."""
    other = make_user(Role.VOLUNTEER, group=room["group"])
    login(other)
    response = client.post(
        "/live/new",
        data={
            "group_id": room["group"].id,
            "scopes": ["1"],
            "count": 2,
            "time_limit": 0,
            "client_id": "rt-room",
        },
    )
    assert response.status_code == 303
    assert room["live"].code not in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200  # their own session


def test_another_teachers_request_id_still_assigns_to_my_group(
    app, client, make_group, make_user, login
):
    """Assign looked the client id up for anyone: with another teacher's id, 'Assigned' was
    shown and nothing was assigned."""
    from webapp.dashboard.models import Assignment
    from webapp.dashboard.services import assign

    mine, theirs = make_group(), make_group()
    teacher, other = make_user(Role.TEACHER, group=mine), make_user(Role.TEACHER, group=theirs)
    assign(other, theirs, "their-id", "module", "fle-a1", None, "", [])
    login(teacher)
    response = client.post(
        f"/dashboard/groups/{mine.id}/assign",
        data={"target": "module:fle-a1", "client_id": "their-id"},
    )
    assert response.status_code == 303
    groups = db.session.scalars(sa.select(Assignment.group_id))
    assert sorted(groups) == sorted([mine.id, theirs.id])


def test_a_guest_named_like_an_erased_player_does_not_break_erasure_or_the_purge(app, room):
    """Erased and purged players are renamed "~<id>"; a guest could take such a name first,
    and the rename then broke on the room's unique nicknames (erasure and purge failed)."""
    trainee_player, _token = live.join(room["live"], "Fafa du 93", room["trainee"])
    guest, _token = live.join(room["live"], f"~{trainee_player.id + 2}", AnonymousUserMixin())
    other, _token = live.join(room["live"], f"~{trainee_player.id}", AnonymousUserMixin())
    privacy.erase_user(room["trainee"].id)
    room["live"].ended_at = utcnow()
    db.session.commit()
    live.forget_guest_nicknames(utcnow())
    db.session.commit()
    names = [player.nickname for player in live.players(room["live"])]
    assert len(set(names)) == 3


# --- Arabic plurals: 11 to 99 take the "many" form ----------------------------------------


def test_arabic_counts_from_11_to_99_use_the_many_form(client):
    """The catalog's Plural-Forms sent 11-99 to 'other' and 100-102 to 'many': the notice
    said "12 شهر" for "12 months" (it is "12 شهرًا")."""
    page = client.get("/privacy", headers={"Accept-Language": "ar"}).text
    assert "بعد 12 شهرًا من نهاية مجموعتك" in page
    assert "بياناتك لمدة 24 شهرًا." in page


def test_the_projector_join_link_and_qr_ignore_the_host_header(app, client, room):
    """A forged Host header must not put another address on the projector or in its QR code."""
    code = room["live"].code
    evil = "http://evil.example"  # every request of this phone names that host
    client.post(
        "/login",
        base_url=evil,
        data={"username": room["volunteer"].username, "passphrase": PASSPHRASE},
    )
    app.config["PUBLIC_URL"] = "https://passerelle.example.org"
    try:
        page = client.get(f"/live/{code}/host", base_url=evil).text
    finally:
        app.config["PUBLIC_URL"] = None
    assert f"https://passerelle.example.org/join/{code}" in page
    assert "evil.example" not in page
