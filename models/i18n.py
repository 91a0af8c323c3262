"""Words defined as data (state and action names, roles, ledger kinds…) are English here and
translated where a person reads them."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks `message` for `make translations` (pybabel's -k N_) and returns it unchanged: the
    word is stored and compared in English and translated at display (gettext(word))."""
    return message
