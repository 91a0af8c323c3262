"""The living demo seeded once per pytest-xdist run and copied by each worker
(tests/demo_database.py), shown with a stand-in for the seed: a row in the database, an
upload and an audit anchor, as the demo's own seed leaves them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models import db

from . import demo_database
from .database import database_of_its_own, is_postgres


@pytest.fixture
def run_url(database_url):
    """The database a run is named after: on PostgreSQL one of the test's own, so that its
    template and copies cannot meet this worker's demo."""
    if not is_postgres(database_url):
        yield database_url
        return
    name = f"{make_url(database_url).database}_seedonce"
    with database_of_its_own(database_url, name, throwaway=True) as url:
        try:
            yield url
        finally:
            demo_database.drop_template(url)


@dataclass
class StandInSeed:
    """Seeds a row, an upload and an anchor; counts the seeds; fails when told to."""

    seeded: list[str] = field(default_factory=list)
    fail_next: bool = False

    def __call__(self, app) -> None:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("CREATE TABLE seeded (word VARCHAR(20))"))
            conn.execute(text("INSERT INTO seeded VALUES ('demo')"))
        for setting in ("UPLOAD_DIR", "AUDIT_ANCHOR_DIR"):
            Path(app.config[setting]).mkdir(parents=True)
            (Path(app.config[setting]) / "seeded.txt").write_text("demo")
        self.seeded.append(app.config["SQLALCHEMY_DATABASE_URI"])
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("the seed failed half-way")


@pytest.fixture
def seed(monkeypatch) -> StandInSeed:
    stand_in = StandInSeed()
    monkeypatch.setattr(demo_database, "seed", stand_in)
    return stand_in


def words_and_files(app) -> tuple[list[str], set[str]]:
    """The rows of the seeded table, and the files in the app's uploads and anchors."""
    with app.app_context():
        words = list(db.session.scalars(text("SELECT word FROM seeded ORDER BY word")))
        db.session.remove()
    files = {f"{setting}/{path.name}" for setting in ("UPLOAD_DIR", "AUDIT_ANCHOR_DIR")
             for path in Path(app.config[setting]).iterdir()}
    return words, files


def test_the_run_seeds_once_and_each_worker_works_on_a_copy_of_its_own(
        run_url, seed, tmp_path):
    run_folder = tmp_path / "run"
    run_folder.mkdir()
    first = demo_database.seeded_once(run_url, run_folder)
    assert demo_database.seeded_once(run_url, run_folder) == first
    assert seed.seeded == [first.url]

    with demo_database.seeded_demo_app(run_url, tmp_path / "gw0", FlaskClient, first) as app:
        assert app.config["SQLALCHEMY_DATABASE_URI"] != first.url
        assert words_and_files(app) == (
            ["demo"], {"UPLOAD_DIR/seeded.txt", "AUDIT_ANCHOR_DIR/seeded.txt"})
        with app.app_context(), db.engine.begin() as conn:  # a test's login, say
            conn.execute(text("INSERT INTO seeded VALUES ('gw0 only')"))
        (Path(app.config["UPLOAD_DIR"]) / "gw0.txt").write_text("gw0 only")
        assert words_and_files(app)[0] == ["demo", "gw0 only"]

    again = demo_database.seeded_once(run_url, run_folder)
    with demo_database.seeded_demo_app(run_url, tmp_path / "gw1", FlaskClient, again) as app:
        assert words_and_files(app) == (
            ["demo"], {"UPLOAD_DIR/seeded.txt", "AUDIT_ANCHOR_DIR/seeded.txt"})
    assert len(seed.seeded) == 1


def test_a_seed_that_failed_half_way_is_made_again_by_the_next_worker(
        run_url, seed, tmp_path):
    run_folder = tmp_path / "run"
    run_folder.mkdir()
    seed.fail_next = True
    with pytest.raises(RuntimeError, match="half-way"):
        demo_database.seeded_once(run_url, run_folder)

    seeded = demo_database.seeded_once(run_url, run_folder)
    assert len(seed.seeded) == 2
    with demo_database.seeded_demo_app(run_url, tmp_path / "gw1", FlaskClient, seeded) as app:
        assert words_and_files(app) == (
            ["demo"], {"UPLOAD_DIR/seeded.txt", "AUDIT_ANCHOR_DIR/seeded.txt"})


def test_without_a_seed_to_copy_the_process_seeds_its_own(run_url, seed, tmp_path):
    with demo_database.seeded_demo_app(run_url, tmp_path, FlaskClient) as app:
        assert seed.seeded == [app.config["SQLALCHEMY_DATABASE_URI"]]
        assert words_and_files(app)[0] == ["demo"]
