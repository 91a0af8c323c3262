"""Secrets kept encrypted at rest: the users' TOTP secrets.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under keys from the
environment (TOTP_ENCRYPTION_KEYS, newest first), which create_app hands to `use_keys`.
MultiFernet seals with the first key and opens with any of them, so a key is rotated
by putting the new one first, re-sealing every secret (`flask security rotate-totp-key`)
and then dropping the old one. A database copied without the key holds no usable secret.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SealBroken(RuntimeError):
    """A sealed value that none of the configured keys opens."""


_box: MultiFernet | None = None


def use_keys(keys: Sequence[str]) -> None:
    """Seal with the first key from now on; open with any of them."""
    global _box
    _box = MultiFernet([Fernet(key) for key in keys])


def _keys() -> MultiFernet:
    if _box is None:
        raise SealBroken("No encryption key is configured (TOTP_ENCRYPTION_KEYS).")
    return _box


def seal(plain: str) -> str:
    return _keys().encrypt(plain.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _keys().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SealBroken("A sealed secret does not open with any key of "
                         "TOTP_ENCRYPTION_KEYS: was the key it was sealed with removed?") from None


def reseal(sealed: str) -> str:
    """The same secret sealed with the first key (rotation)."""
    try:
        return _keys().rotate(sealed.encode()).decode()
    except InvalidToken:
        raise SealBroken("A sealed secret does not open with any key of "
                         "TOTP_ENCRYPTION_KEYS.") from None
