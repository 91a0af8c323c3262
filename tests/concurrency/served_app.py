"""The gunicorn entry for the HTTP race tests: `webui.wsgi:app`, with the suite's cheap hashes.

The test users' passwords are hashed with the cheap parameters of tests/conftest.py. Served
as is, the app would upgrade each hash to the production cost (about 75 ms of CPU) at every
login, which only slows the races down; password hashing is not what these tests are about.
"""

import models.user
from tests import CHEAP_PASSWORD_METHOD

models.user.PASSWORD_METHOD = CHEAP_PASSWORD_METHOD  # as tests/conftest.py sets it

from webui.wsgi import app  # noqa: E402 - after the patch, which the workers inherit

__all__ = ["app"]
