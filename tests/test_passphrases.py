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
    common = sorted(passphrases.common_passwords())[0]
    assert len(common) >= 12
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
