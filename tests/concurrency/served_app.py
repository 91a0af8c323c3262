"""The gunicorn entry for the HTTP race tests: `webui.wsgi:app`, with the suite's cheap hashes.

Started with `--preload` (tests/concurrency/serving.py): each host's master builds the app
once and forks its workers from it, as the racers are forked (tests/concurrency/racing.py),
instead of every worker importing and building it anew. The master then lets its database
connections go, so that no worker shares one with another.

The test users' passwords are hashed with the cheap parameters of tests/conftest.py. Served
as is, the app would upgrade each hash to the production cost (about 75 ms of CPU) at every
login, which only slows the races down; password hashing is not what these tests are about.
"""

import models.user
from tests import CHEAP_PASSWORD_METHOD

models.user.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD  # as tests/conftest.py sets it

from models import db  # noqa: E402
from webui.wsgi import app  # noqa: E402 - after the patch, which the workers inherit

with app.app_context():
    db.engine.dispose()  # the start-up checks' connections stay in the master, closed

__all__ = ["app"]
