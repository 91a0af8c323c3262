"""Anchors of the audit chain: its head, written down where the database cannot reach it.

`flask audit checkpoint` appends one line per anchor to the file FILE_NAME in the anchor
directory (AUDIT_ANCHOR_DIR), and emails it to the auditors:

    SEQ HASH TIME            e.g. 1234 9f86d08…b0f00a08 2026-12-06T03:00:00Z

The file is only ever appended to (opened for appending, synced to disk), so it may be
made append-only for everyone (`chattr +a`). Whoever can rewrite the database cannot
rewrite what was written here: a chain cut short of an anchor, emptied, or rewritten
before it no longer holds the anchor's event with the anchor's hash, and `verify` says so.
The latest anchor is the one with the highest SEQ, read from the file's tail alone, so
that a file of years of anchors costs nothing to consult.
"""

from __future__ import annotations

import os
import string
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FILE_NAME = "audit-anchors.txt"
HEADER = "# WNF Workflow audit chain anchors, one a line: SEQ HASH TIME (UTC). Append only.\n"
TAIL_BYTES = 64 * 1024  # about 700 anchors: far more than the newest needs
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_HEX = frozenset(string.hexdigits)

# What a person reads about an anchor or its file.
GIVEN_BY_HAND = "the checkpoint"
WRITTEN_AT = "the anchor written {time:%Y-%m-%d %H:%M} UTC"
BAD_LINE = "Line {number} of {path} is not an anchor (SEQ HASH TIME): {line!r}."
UNREADABLE = "The anchor file {path} cannot be read: {reason}."
UNWRITABLE = "The anchor file {path} cannot be written: {reason}."


class AnchorError(RuntimeError):
    """The anchor file cannot be read or written; the message says which and why."""


@dataclass(frozen=True)
class Anchor:
    """The chain's event `seq` had the hash `hash` (at `written_at`, if from a file)."""

    seq: int
    hash: str
    written_at: datetime | None = None

    @property
    def name(self) -> str:
        """How a message names it: 'the anchor written …' or 'the checkpoint'."""
        if self.written_at is None:
            return GIVEN_BY_HAND
        return WRITTEN_AT.format(time=self.written_at)

    @property
    def mark(self) -> str:
        """SEQ:HASH, as `flask audit verify --checkpoint` takes it."""
        return f"{self.seq}:{self.hash}"

    def line(self) -> str:
        when = (self.written_at or datetime.min).strftime(_TIME_FORMAT)
        return f"{self.seq} {self.hash} {when}\n"


def file_in(directory: str | os.PathLike) -> Path:
    return Path(directory) / FILE_NAME


def _parse(line: str, number: int, path: Path) -> Anchor:
    parts = line.split()
    try:
        seq, digest, when = parts
        if not seq.isdigit() or len(digest) != 64 or not _HEX.issuperset(digest):
            raise ValueError(line)
        return Anchor(int(seq), digest.lower(), datetime.strptime(when, _TIME_FORMAT))
    except ValueError:
        raise AnchorError(BAD_LINE.format(number=number, path=path, line=line)) from None


def latest(directory: str | os.PathLike | None) -> Anchor | None:
    """The anchor with the highest SEQ in the directory's file; None when there is none yet.

    Only the file's tail is read. A last line without its newline (a write cut short by a
    crash) is left out; any other line that is not an anchor is an AnchorError.
    """
    if not directory:
        return None
    path = file_in(directory)
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            start = max(0, size - TAIL_BYTES)
            handle.seek(start)
            tail = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AnchorError(UNREADABLE.format(path=path, reason=error.strerror)) from None
    lines = tail.split("\n")
    lines.pop()  # after the last newline: nothing, or an unfinished line
    first_line = 1
    if start > 0:
        lines.pop(0)  # the tail began within this line
        first_line = None
    best = None
    for offset, line in enumerate(lines):
        if not line.strip() or line.startswith("#"):
            continue
        number = first_line + offset if first_line else f"{offset + 1} of the last part"
        anchor = _parse(line, number, path)
        if best is None or anchor.seq >= best.seq:
            best = anchor
    return best


def append(directory: str | os.PathLike, anchor: Anchor) -> Path:
    """Add the anchor's line to the file (made, with its header, if new) and sync it."""
    path = file_in(directory)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            if handle.tell() == 0:
                handle.write(HEADER)
            handle.write(anchor.line())
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        raise AnchorError(UNWRITABLE.format(path=path, reason=error.strerror)) from None
    return path
