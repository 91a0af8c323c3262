"""Where a test run's CPU goes, phase by phase: an opt-in pytest plugin.

    .venv/bin/python -m pytest tests/workflow -p no:xdist -p tests.cpu_phases

prints, at the end, the CPU seconds (user + system) spent collecting, in the tests' setup,
call and teardown, and outside them (the session's fixtures' teardown), then the modules that
cost the most. Counted: this process, the children it has waited for (racers, pybabel), and
every process running below it, however deep (gunicorn's workers; Playwright's driver and
Chromium, whose renderers count only when they end, if ever: Chromium leaves them unwaited
for when it closes, so `/usr/bin/time` and RUSAGE_CHILDREN miss most of a browser run). The
figures start when pytest has loaded its plugins and the root conftest (the app's imports).
CPU, not wall time: on a busy host the wall time mostly measures the wait for a core. One
process only (with -p no:xdist): pytest-xdist's workers would each print their own share.
"""

from __future__ import annotations

import os
import resource
from collections import Counter

import pytest

PHASES = ("setup", "call", "teardown")
MODULES_SHOWN = 15


TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def processes() -> dict[tuple[int, int], tuple[int, int, int]]:
    """Every process on the host: (pid, start time) → (parent pid, own CPU ticks, CPU ticks
    of the children it has waited for)."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = os.open(f"/proc/{name}/stat", os.O_RDONLY)
        except OSError:  # ended meanwhile
            continue
        try:
            fields = os.read(stat, 4096).rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        finally:
            os.close(stat)
        # After the name: state, ppid (fields 3, 4), …, utime, stime, cutime, cstime
        # (14-17), …, starttime (22), which tells a reused pid from the one seen before.
        found[(int(name), int(fields[19]))] = (
            int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14]))
    return found


def has_children() -> bool:
    """Whether this process has a child, running or ended (without waiting for it): when
    it has none, it has no descendant, and reading /proc can be skipped."""
    try:
        os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return False
    return True


def own_seconds() -> float:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    return mine.ru_utime + mine.ru_stime


class ProcessTree:
    """The CPU of this process and of everything it started, however deep.

    Waited-for children alone (RUSAGE_CHILDREN) miss a child's descendants while they run
    (Chromium's renderers run under Playwright's driver) and, when one ends unwaited for,
    for ever: Chromium's do, when it closes. So at each reading every descendant's CPU, its
    own and its waited-for children's, is kept under its (pid, start time), and a process
    that ended since the last reading stays counted as last seen, unless its nearest living
    ancestor's waited-for CPU has grown meanwhile: that growth holds it, up to what was seen.
    """

    def __init__(self) -> None:
        self.me = os.getpid()
        self.seen: dict[tuple[int, int], tuple[int, int, int]] = {}  # as processes() gives
        self.kept: dict[tuple[int, int], float] = {}  # seconds, own and waited-for
        self.waited = self._waited()
        self.counted_twice = 0.0

    @staticmethod
    def _waited() -> float:
        waited = resource.getrusage(resource.RUSAGE_CHILDREN)
        return waited.ru_utime + waited.ru_stime

    def cpu_seconds(self) -> float:
        everything = processes() if has_children() else {}
        children: dict[int, list[tuple[int, int]]] = {}
        for key, (parent, *_) in everything.items():
            children.setdefault(parent, []).append(key)
        below, stack = {}, list(children.get(self.me, ()))
        while stack:
            key = stack.pop()
            below[key] = everything[key]
            stack += children.get(key[0], ())
        waited = self._waited()
        grown = {self.me: waited - self.waited}
        for key, (_, _, ticks) in below.items():
            grown[key] = (ticks - self.seen.get(key, (0, 0, 0))[2]) / TICKS_PER_SECOND
        ended_under: dict = {}
        for key in set(self.seen) - set(below):
            holder = self._living_ancestor(key, below)
            if holder is not None:
                ended_under[holder] = ended_under.get(holder, 0.0) + self.kept[key]
        self.counted_twice += sum(min(grown[holder], ended) for holder, ended
                                  in ended_under.items())
        self.waited, self.seen = waited, below
        for key, (_, own, ticks) in below.items():
            self.kept[key] = (own + ticks) / TICKS_PER_SECOND
        return own_seconds() + waited + sum(self.kept.values()) - self.counted_twice

    def _living_ancestor(self, key, below):
        """The nearest ancestor of an ended process still running (we count), or None
        when its line was cut (its ticks were lost with it: it stays counted as seen)."""
        parent = self.seen[key][0]
        while parent != self.me:
            found = next((k for k in self.seen if k[0] == parent), None)
            if found is None:
                return None
            if found in below:
                return found
            parent = self.seen[found][0]
        return self.me


class CpuPhases:
    def __init__(self) -> None:
        self.tree = ProcessTree()
        self.started = self.tree.cpu_seconds()
        self.started_here = own_seconds()
        self.last_reading = self.started
        self.spent: Counter[str] = Counter()
        self.per_module: Counter[str] = Counter()
        self.tests: Counter[str] = Counter()

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session):
        before = self.tree.cpu_seconds()
        try:
            return (yield)
        finally:
            self.spent["collection"] += self.tree.cpu_seconds() - before

    def _measured(self, phase: str, item):
        # A phase starts where the test's last one ended: one reading fewer (each reads /proc).
        before = self.tree.cpu_seconds() if phase == "setup" else self.last_reading
        try:
            return (yield)
        finally:
            self.last_reading = self.tree.cpu_seconds()
            spent = self.last_reading - before
            self.spent[phase] += spent
            self.per_module[item.nodeid.split("::")[0]] += spent
            if phase == "setup":
                self.tests[item.nodeid.split("::")[0]] += 1

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item):
        return (yield from self._measured("setup", item))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item):
        return (yield from self._measured("call", item))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item):
        return (yield from self._measured("teardown", item))

    def pytest_terminal_summary(self, terminalreporter) -> None:
        total = self.tree.cpu_seconds() - self.started
        write = terminalreporter.write_line
        terminalreporter.section("CPU seconds (user + system)")
        for phase in ("collection", *PHASES):
            write(f"{phase:>12}: {self.spent[phase]:8.1f}")
        write(f"{'elsewhere':>12}: {total - sum(self.spent.values()):8.1f}")
        write(f"{'in all':>12}: {total:8.1f}  (after start-up)")
        write(f"{'of which':>12}: {own_seconds() - self.started_here:8.1f}  in this process "
              "(the app served in its threads, the tests)")
        write("")
        for module, spent in self.per_module.most_common(MODULES_SHOWN):
            write(f"{spent:8.1f}  {self.tests[module]:4d} tests  {module}")


def pytest_configure(config) -> None:
    config.pluginmanager.register(CpuPhases(), "cpu_phases_counter")
