"""The suite's temporary folders (tmp_path, and in them the SQLite databases, uploads and
audit anchors) in memory when the host has a memory-backed /dev/shm.

The SQLite databases keep the settings money needs (WAL, synchronous=FULL), so every
commit asks the disk to flush; on a disk shared with other work each flush can wait a long
time, and the suite commits after nearly every step. In memory a flush returns at once,
while the database behaves the same in every other way. A `--basetemp` given on the
command line wins; without enough room in /dev/shm the folders stay where pytest puts them.
"""

from __future__ import annotations

import os
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
        remove_left_behind()
        if shutil.disk_usage(MEMORY).free < ROOM_NEEDED:
            return None
        return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=MEMORY))
    except OSError:  # no /dev/shm, or not writable
        return None


def remove_left_behind() -> None:
    """The folders of runs that were killed before they could remove their own (the
    process named in the folder's name has ended): memory is not given back otherwise."""
    for folder in MEMORY.glob(f"{PREFIX}*-*"):
        pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


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
