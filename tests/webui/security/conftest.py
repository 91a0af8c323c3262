"""The scene of tests/test_every_endpoint.py (a file of each kind, with its ids), for the
walks of every route here."""

from ..test_every_endpoint import scene  # noqa: F401
