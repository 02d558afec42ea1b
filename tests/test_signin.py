"""Issue 14: sign-in forgiving within NIST rules. Passphrases compared in a normal form (case,
accents, spaces and separators ignored), old hashes migrated at sign-in, and the login card's QR
code signing a trainee in with the card alone."""

import hashlib
import string

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st

from webapp.accounts import passphrases, services
from webapp.accounts.models import Role, User
from webapp.core.templating import qr_svg
from webapp.core.urls import public_url
from webapp.extensions import db
from webapp.privacy.models import AuditEvent

REFUSED = "This card does not sign you in."

# --- the normal form: a pure function ---------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "Soleil Café  jardin",
        "soleil-cafe-jardin",
        "  SOLEIL CAFÉ JARDIN  ",
        "soleil – café — jardin",  # dashes a phone's keyboard makes of "-"
        "soleil_cafe.jardin",
        "soleil\u00a0cafe\tjardin",  # no-break space, tab
        "ｓｏｌｅｉｌ-ｃａｆｅ-ｊａｒｄｉｎ",  # full-width letters
        "soleil-cafe\u0301-jardin",  # the accent typed as a combining mark
        "-soleil--cafe-jardin-",
    ],
)
def test_ways_of_typing_the_same_three_words_are_one_phrase(typed):
    assert passphrases.normalise(typed) == "soleil-cafe-jardin"


def test_ligatures_count_as_their_letters():
    assert passphrases.normalise("Cœur Sœur Ex-æquo") == "coeur-soeur-ex-aequo"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("soleil-cafe-jardin", "soleil-cafe-jardins"),  # a letter more
        ("soleil-cafe-jardin", "jardin-cafe-soleil"),  # the order counts
        ("soleil-cafe-jardin", "soleilcafe-jardin"),  # a missing separator is another phrase
        ("soleil-cafe-jardin", "soleil-cafe-jardin1"),
    ],
)
def test_letters_and_their_order_still_count(one, other):
    assert passphrases.normalise(one) != passphrases.normalise(other)


FRENCH = string.ascii_lowercase + "àâçéèêëîïôûùüÿœæ"
SEPARATORS = [" ", "  ", "-", " - ", "_", ".", "\u2013", "\u00a0", "\t"]


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    # check() relies on it: a phrase that differs from its normal form is nobody's normal form.
    once = passphrases.normalise(text)
    assert passphrases.normalise(once) == once


@given(st.text())
def test_the_normal_form_has_no_capital_space_or_loose_separator(text):
    normal = passphrases.normalise(text)
    assert normal == normal.casefold()
    assert not any(char.isspace() for char in normal)
    assert not normal.startswith("-") and not normal.endswith("-") and "--" not in normal


@given(
    st.lists(st.text(FRENCH, min_size=1, max_size=10), min_size=1, max_size=5),
    st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4),
    st.booleans(),
)
def test_separators_case_and_accents_never_matter(words, separators, shout):
    canonical = passphrases.normalise("-".join(words))
    typed = "".join(word + separators[index % 4] for index, word in enumerate(words)).strip()
    typed = typed.upper() if shout else typed
    assert passphrases.normalise(typed) == canonical
    assert canonical.isascii()  # accents and ligatures gone


def test_the_length_rule_counts_the_normal_form(ctx):
    assert passphrases.problem("ab   cd   ef") is not None  # 12 typed, "ab-cd-ef" stored
    assert passphrases.problem("Soleil Café Jardin") is None


# --- hashing the normal form, and hashes made before it ----------------------------------------


def _raw_hash(phrase: str) -> str:
    """A hash as made before issue 14: of the phrase exactly as typed."""
    return passphrases._hasher().hash(phrase)


def test_a_new_hash_opens_with_any_way_of_typing_the_words(ctx):
    stored = passphrases.hash_passphrase("Soleil Café  jardin")
    assert passphrases.check(stored, "soleil-cafe-jardin") == passphrases.Check(matched=True)
    assert passphrases.check(stored, "SOLEIL CAFE JARDIN").matched
    assert not passphrases.check(stored, "soleil-cafe-jardins").matched


def test_an_old_hash_opens_with_the_phrase_as_typed_and_asks_for_a_rehash(ctx):
    stored = _raw_hash("Soleil Café Jardin")
    assert passphrases.check(stored, "Soleil Café Jardin") == passphrases.Check(True, rehash=True)
    assert not passphrases.check(stored, "Soleil Cafe Jardin").matched  # not until migrated
    assert not passphrases.check(None, "Soleil Café Jardin").matched


def test_an_old_hash_of_a_card_phrase_already_opens_every_way(ctx):
    # Cards were always lowercase words joined by "-": their hashes need no migration at all.
    stored = _raw_hash("tulipe-orange-camion")
    assert passphrases.check(stored, "Tulipe Orange Camion") == passphrases.Check(matched=True)


def test_old_hash_is_replaced_at_sign_in_then_any_form_works(app, client, make_user):
    trainee = make_user(username="nadia.k")
    trainee.password_hash = _raw_hash("Ma Belle Étoile 2026")
    db.session.commit()
    response = client.post(
        "/login", data={"username": "nadia.k", "passphrase": "Ma Belle Étoile 2026"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    stored = db.session.get(User, trainee.id).password_hash
    assert stored != _raw_hash("x") and stored.startswith("$argon2id$")
    assert passphrases.check(stored, "ma-belle-etoile-2026") == passphrases.Check(matched=True)
    other = app.test_client()
    again = other.post("/login", data={"username": "nadia.k", "passphrase": "ma belle etoile 2026"})
    assert again.status_code == 303


def test_a_wrong_old_style_guess_costs_the_same_for_known_and_unknown_names(
    client, make_user, monkeypatch
):
    make_user(username="known.person")
    calls = []
    real = PasswordHasher.verify
    monkeypatch.setattr(
        PasswordHasher, "verify", lambda self, *a: calls.append("verify") or real(self, *a)
    )
    work = {}
    for name in ("known.person", "unknown.person"):
        calls.clear()
        client.post("/login", data={"username": name, "passphrase": "Wrong Guess Here"})
        work[name] = list(calls)
    assert work["known.person"] == work["unknown.person"] == ["verify", "verify"]


# --- the card's QR code -----------------------------------------------------------------------


@pytest.fixture
def carded(make_group, make_user):
    """A teacher's group with one trainee just given a card; returns (teacher, group, card)."""
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    [card] = services.create_trainees(teacher, group, ["Aïcha Ben Ali"], "req-1")
    return teacher, group, card


def _card(http, token: str):
    """What the card page's button sends (app.js put the token from the #fragment in the form)."""
    return http.post("/card", data={"token": token}, headers={"Accept-Language": "en"})


def _holder(card) -> User:
    return db.session.scalar(sa.select(User).where(User.username == card.username))


def test_card_token_is_long_random_and_stored_only_as_a_hash(carded):
    _, _, card = carded
    assert len(card.card_token) >= 22  # 43 URL-safe characters: 256 random bits (>= 128)
    holder = _holder(card)
    assert holder.card_token_hash == hashlib.sha256(card.card_token.encode()).hexdigest()
    row = db.session.execute(sa.select(User.__table__).where(User.id == holder.id)).one()
    assert not any(card.card_token in str(value) for value in row)


def test_a_new_card_prints_the_token_only_inside_its_qr_code(
    app, client, login, carded, monkeypatch
):
    teacher, group, card = carded
    made = []
    real = services.new_card_token
    monkeypatch.setattr(
        services, "new_card_token", lambda user: made.append(real(user)) or made[-1]
    )
    login(teacher)
    page = client.post(f"/groups/{group.id}/cards", data={"trainee": _holder(card).id}).text
    [token] = made
    with app.test_request_context():
        scan = public_url("accounts.card_sign_in", u=card.username) + "#" + token
        typed = public_url("accounts.login", u=card.username)
    qr = str(qr_svg(scan))  # the same text gives the same symbol: this is what gets scanned
    assert qr in page
    assert token not in page.replace(qr, "")  # never as text, and no old token either
    assert card.card_token not in page
    assert typed in page  # under the code: the address to type, without the token


def test_card_page_shows_a_button_and_signs_in_only_on_post(client, carded):
    _, _, card = carded
    page = client.get(f"/card?u={card.username}")
    assert page.status_code == 200
    assert "data-card-sign-in hidden" in page.text  # app.js shows it when a token came
    assert f'href="/login?u={card.username}"' in page.text  # without JavaScript: type it
    assert client.get("/").status_code == 302  # a GET signed no one in
    response = _card(client, card.card_token)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Aïcha" in client.get("/").text


def test_card_sign_in_is_audited_without_the_token(client, carded):
    _, _, card = carded
    _card(client, card.card_token)
    _card(client, card.card_token + "x")
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.detail)).all()
    assert ("sign_in", "card") in [(event.action, event.detail) for event in events]
    assert "card_sign_in_failed" in [event.action for event in events]
    assert not any(card.card_token[:10] in event.detail for event in events)


def test_revoked_card_is_refused_like_an_unknown_one(app, client, login, carded):
    teacher, group, card = carded
    teacher_http = app.test_client()
    login(teacher, http=teacher_http)
    holder_id = _holder(card).id
    revoked = teacher_http.post(
        f"/trainees/{holder_id}/card-qr/revoke", data={"group_id": group.id}
    )
    assert revoked.status_code == 303
    assert db.session.get(User, holder_id).card_token_hash is None
    replay = _card(client, card.card_token)
    unknown = _card(client, "A" * 43)
    assert replay.status_code == unknown.status_code == 404
    assert REFUSED in replay.text
    assert replay.text.replace(card.card_token, "") == unknown.text.replace("A" * 43, "")
    assert card.card_token not in replay.text
    assert client.get("/").status_code == 302
    # The passphrase printed on the card still works.
    assert (
        client.post(
            "/login", data={"username": card.username, "passphrase": card.passphrase}
        ).status_code
        == 303
    )


def test_a_new_card_makes_a_new_token_and_the_old_one_is_refused(app, client, login, carded):
    teacher, group, card = carded
    [new] = services.reissue_cards(teacher, [_holder(card)])
    assert new.card_token and new.card_token != card.card_token
    assert _card(client, card.card_token).status_code == 404
    assert _card(client, new.card_token).status_code == 303


def test_a_card_token_never_opens_a_staff_account(client, make_user, make_group, carded):
    teacher, group, _ = carded
    for role in (Role.TEACHER, Role.VOLUNTEER, Role.ADMIN):
        staff = make_user(role, group=group)
        assert services.new_card_token(staff) is None  # staff cards carry no token...
        forged = f"forged-{role.value}-token-123456"
        staff.card_token_hash = hashlib.sha256(forged.encode()).hexdigest()
        db.session.commit()  # ...and one put there by other means is refused all the same
        response = _card(client, forged)
        assert response.status_code == 404 and REFUSED in response.text
    assert client.get("/").status_code == 302


def test_staff_cards_have_no_qr_sign_in(app, make_user, make_group):
    group = make_group()
    admin = make_user(Role.ADMIN)
    card = services.create_staff(admin, "Karim Haddad", "karim.h", Role.TEACHER, group.site, [])
    assert card.card_token is None
    assert (
        db.session.scalar(sa.select(User).where(User.username == "karim.h")).card_token_hash is None
    )


def test_card_tries_are_slowed_like_sign_ins(app, carded, monkeypatch):
    from webapp.accounts import throttle

    monkeypatch.setattr(throttle, "now_seconds", lambda: 9_000_000)
    monkeypatch.setitem(app.config, "LOGIN_IP_FREE_TRIES", 3)
    guesser = app.test_client()
    for number in range(3):
        assert guesser.post("/card", data={"token": f"guess-{number}"}).status_code == 404
    slowed = _card(guesser, "guess-4")
    assert slowed.status_code == 429 and "Too many wrong tries" in slowed.text
    _, _, card = carded  # even a right card waits: the try is not checked while slowed down
    assert _card(guesser, card.card_token).status_code == 429


def test_a_card_on_a_shared_phone_signs_the_previous_person_out(
    app, client, login, carded, make_user
):
    _, group, card = carded
    other = make_user(group=group, display_name="Samir Benali")
    login(other)
    assert _card(client, card.card_token).status_code == 303
    home = client.get("/").text
    assert "Aïcha" in home and "Samir" not in home
