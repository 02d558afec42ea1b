"""The passphrase rule and the generator used for login cards."""

import pytest

from webapp.accounts import passphrases


def test_generated_passphrases_are_long_common_words(ctx):
    for _ in range(50):
        phrase = passphrases.generate()
        parts = phrase.split("-")
        assert len(phrase) >= passphrases.MIN_LENGTH
        assert len(parts) == 3
        assert all(part in passphrases.words() for part in parts)
        assert passphrases.problem(phrase) is None


def test_generated_passphrases_differ(ctx):
    assert len({passphrases.generate() for _ in range(30)}) == 30


@pytest.mark.parametrize(
    ("phrase", "accepted"),
    [
        ("short words", False),  # 11 characters
        ("twelve chars", True),  # exactly 12, no composition rules
        ("x" * 128 + "", False),  # too few different characters
        ("ma maison bleue au bord de la mer", True),
        ("a" * 129, False),
    ],
)
def test_length_and_variety_rule(ctx, phrase, accepted):
    assert (passphrases.problem(phrase) is None) is accepted


def test_common_passwords_are_refused(ctx):
    common = next(
        word
        for word in passphrases.common_password_lines()
        if len(word) >= 12 and len(set(word)) >= 4
    )
    assert passphrases.problem(common) is not None
    assert passphrases.problem(common.upper()) is not None


def test_username_inside_the_passphrase_is_refused(ctx):
    assert passphrases.problem("samir.b-cuisine-2026", "samir.b") is not None


def test_hash_is_argon2id_and_verifies(ctx):
    stored = passphrases.hash_passphrase("tulipe-orange-camion")
    assert stored.startswith("$argon2id$")
    assert passphrases.verify(stored, "tulipe-orange-camion")
    assert not passphrases.verify(stored, "tulipe-orange-camio")
    assert not passphrases.verify(None, "tulipe-orange-camion")
    assert not passphrases.verify("not a hash", "tulipe-orange-camion")


# --- issue 11, hole 9: a real blocklist, normalised forms, the user's names, the app's name ---


def test_blocklist_is_a_real_list_of_at_least_100000_passwords(ctx):
    common = passphrases.common_passwords()
    assert len(common) >= 100_000
    assert all(word in common for word in ("123456", "password", "azerty", "motdepasse"))
    assert "tulipe-orange-camion" not in common


@pytest.mark.parametrize(
    "phrase",
    [
        "password12345",
        "Passerelle2026!",
        "123456789abc",
        "PASSWORD12345",
        "azertyuiop2026",
        "motdepasse123!",
        "soleil123456",
        "  Password12345  ",
        "2026!!passerelle",
    ],
)
def test_common_passwords_and_their_variants_are_refused(ctx, phrase):
    assert passphrases.problem(phrase) is not None


@pytest.mark.parametrize(
    "phrase",
    [
        "samir.b-2026!!",
        "Samir Benali 2026",
        "benali-samir-123",
        "SAMIRBENALI!!!",
        "Samir.Benali.2026.ok",
    ],
)
def test_the_users_own_names_are_refused(ctx, phrase):
    assert passphrases.problem(phrase, "samir.b", "Samir Benali") is not None


def test_names_inside_a_real_passphrase_are_fine(ctx):
    assert passphrases.problem("samir aime la cuisine du sud", "samir.b", "Samir Benali") is None
    assert passphrases.problem("velo-rouge-fromage", "nadia.k", "Nadia Kaci") is None


def test_variants_strip_what_is_stuck_around_a_word(ctx):
    assert "passerelle" in passphrases.variants("Passerelle2026!")
    assert "password" in passphrases.variants("!!Password12345")
    assert "motdepasse" in passphrases.variants("mot de passe")
