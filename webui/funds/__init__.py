"""Fund pages: balances from the ledger, the ledger itself, donations, a chart."""

from flask import Blueprint

bp = Blueprint("funds", __name__, url_prefix="/funds")

from . import views  # noqa: E402,F401
