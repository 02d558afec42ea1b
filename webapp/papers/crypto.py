"""Envelope encryption of the papers, as pure functions on bytes (AES-256-GCM, `cryptography`).

Each trainee has a data key of their own (random, 256 bits). Their documents are encrypted with
it; the data key itself is stored only wrapped (encrypted) by a master key that lives in the
configuration, never in the database. Stealing the database (or a backup of it) gives no
document; rotating the master key re-wraps the small data keys, not the documents.

Every sealed value is bound to where it belongs by AES-GCM's associated data: a wrapped data
key to its owner, a document's bytes to their owner, document and part. A row copied onto
another person or document does not open (InvalidTag), it does not show someone else's paper.

Layout: a wrapped key is nonce (12) + ciphertext (32) + tag (16) = 60 bytes; a sealed blob is
version (1) + nonce (12) + ciphertext + tag (16): 29 bytes more than the plaintext.
Nonces are random 96-bit values; a trainee's key seals a few dozen blobs, far from the 2^32
limit NIST SP 800-38D sets for random nonces under one key.
"""

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32
WRAPPED_BYTES = NONCE_BYTES + KEY_BYTES + TAG_BYTES
SEAL_OVERHEAD = len(VERSION) + NONCE_BYTES + TAG_BYTES
# For debug and tests only (config refuses it elsewhere): anyone reading this file knows it.
DEV_MASTER_KEY = base64.urlsafe_b64encode(b"passerelle-dev-only-not-a-secret").decode()

__all__ = ["InvalidTag", "Keyring"]


class BadMasterKey(ValueError):
    """A configured master key that is not 32 bytes in URL-safe base64."""


def parse_master_key(text: str) -> bytes:
    """The 32 bytes of a master key written in URL-safe base64 (`flask papers new-master-key`)."""
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raise BadMasterKey from None
    if len(key) != KEY_BYTES:
        raise BadMasterKey
    return key


def new_master_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def key_id(master: bytes) -> str:
    """A short public name for a master key, stored beside each data key it wrapped: which key
    opens a row is known without trying them all. A hash: it tells nothing about the key."""
    return hashlib.sha256(b"passerelle-papers-master-key-id:" + master).hexdigest()[:16]


def _key_context(user_id: int) -> bytes:
    return f"passerelle/papers/data-key/user={user_id}".encode()


def document_context(user_id: int, document_id: int, part: str) -> bytes:
    return f"passerelle/papers/v1/user={user_id}/document={document_id}/{part}".encode()


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap(master: bytes, data_key: bytes, user_id: int) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, data_key, _key_context(user_id))


def unwrap(master: bytes, wrapped: bytes, user_id: int) -> bytes:
    """The data key; InvalidTag if the master key is wrong or the row is not this user's."""
    nonce, sealed = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
    return AESGCM(master).decrypt(nonce, sealed, _key_context(user_id))


def seal(data_key: bytes, plaintext: bytes, context: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(data_key).encrypt(nonce, plaintext, context)


def open_sealed(data_key: bytes, blob: bytes, context: bytes) -> bytes:
    """The plaintext; InvalidTag if the blob was changed, or belongs to another context."""
    if blob[:1] != VERSION:
        raise InvalidTag
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    return AESGCM(data_key).decrypt(nonce, sealed, context)


@dataclass(frozen=True)
class Keyring:
    """The master keys the app knows: the current one wraps new data keys; older ones (kept
    during a rotation) still unwrap what they wrapped until `flask papers rotate-master-key`
    has re-wrapped it."""

    current: bytes
    older: tuple[bytes, ...] = ()

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def by_id(self, wanted: str) -> bytes | None:
        return next((k for k in (self.current, *self.older) if key_id(k) == wanted), None)

    @classmethod
    def from_config(cls, current: str, older: str = "") -> "Keyring":
        return cls(
            parse_master_key(current),
            tuple(parse_master_key(text) for text in older.replace(",", " ").split()),
        )
