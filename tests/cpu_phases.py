"""Where a test run's CPU goes, phase by phase: an opt-in pytest plugin.

    .venv/bin/python -m pytest tests/workflow -p no:xdist -p tests.cpu_phases

prints, at the end, the CPU seconds (user + system, of this process and of the children it
has waited for: gunicorn, racers, pybabel) spent collecting, in the tests' setup, call and
teardown, and outside them (the session's fixtures' teardown), then the modules that cost
the most. A child counts once it has ended and been waited for, with the children it
waited for in turn (a gunicorn master reaps its workers): a server shared by a module or a
package is charged to the teardown of the test after which it stops, and one still running
at the end (Playwright's driver and its Chromium) to none. The figures start when pytest
has loaded its plugins and the root conftest (the app's imports): `/usr/bin/time -v`
around the command gives the whole. CPU, not wall time: on a busy host the wall time
mostly measures the wait for a core. One process only (with -p no:xdist): pytest-xdist's
workers would each print their own share.
"""

from __future__ import annotations

import resource
from collections import Counter

import pytest

PHASES = ("setup", "call", "teardown")
MODULES_SHOWN = 15


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + waited.ru_utime + waited.ru_stime


class CpuPhases:
    def __init__(self) -> None:
        self.started = cpu_seconds()
        self.spent: Counter[str] = Counter()
        self.per_module: Counter[str] = Counter()
        self.tests: Counter[str] = Counter()

    @pytest.hookimpl(wrapper=True)
    def pytest_collection(self, session):
        before = cpu_seconds()
        try:
            return (yield)
        finally:
            self.spent["collection"] += cpu_seconds() - before

    def _measured(self, phase: str, item):
        before = cpu_seconds()
        try:
            return (yield)
        finally:
            spent = cpu_seconds() - before
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
        total = cpu_seconds() - self.started
        write = terminalreporter.write_line
        terminalreporter.section("CPU seconds (user + system)")
        for phase in ("collection", *PHASES):
            write(f"{phase:>12}: {self.spent[phase]:8.1f}")
        write(f"{'elsewhere':>12}: {total - sum(self.spent.values()):8.1f}")
        write(f"{'in all':>12}: {total:8.1f}  (after start-up)")
        write("")
        for module, spent in self.per_module.most_common(MODULES_SHOWN):
            write(f"{spent:8.1f}  {self.tests[module]:4d} tests  {module}")


def pytest_configure(config) -> None:
    config.pluginmanager.register(CpuPhases(), "cpu_phases_counter")
