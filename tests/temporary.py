"""The suite's temporary folders (tmp_path, and in them the SQLite databases, uploads and
audit anchors) in memory when the host has a memory-backed /dev/shm.

The SQLite databases keep the settings money needs (WAL, synchronous=FULL), so every
commit asks the disk to flush; on a disk shared with other work each flush can wait a long
time, and the suite commits after nearly every step. In memory a flush returns at once,
while the database behaves the same in every other way. A `--basetemp` given on the
command line wins; without enough room in /dev/shm the folders stay where pytest puts them.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

MEMORY = Path("/dev/shm")
ROOM_NEEDED = 1 << 30  # bytes free in /dev/shm before the suite puts its folders there
PREFIX = "wnf-pytest-"


def in_memory_folder() -> Path | None:
    """A new folder of this run's own in /dev/shm, or None when there is none to be had."""
    try:
        if shutil.disk_usage(MEMORY).free < ROOM_NEEDED:
            return None
        return Path(tempfile.mkdtemp(prefix=PREFIX, dir=MEMORY))
    except OSError:  # no /dev/shm, or not writable
        return None


def choose_basetemp(config: pytest.Config) -> None:
    """Before pytest makes its temporary folders: put them in memory, unless the run (or,
    for a pytest-xdist worker, its controller) has chosen where."""
    if config.option.basetemp is not None:
        return
    folder = in_memory_folder()
    if folder is not None:
        config.option.basetemp = str(folder)
        config.stash[_CHOSEN] = folder


def remove_basetemp(config: pytest.Config) -> None:
    """The folder chosen above goes at the end of the run (pytest would keep its own last
    three in /tmp, but memory is scarcer than disk)."""
    folder = config.stash.get(_CHOSEN, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


_CHOSEN = pytest.StashKey[Path]()
