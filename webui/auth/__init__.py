"""Log in (password, then a TOTP code for the money roles), log out, change password.

Also the session policy that every request passes through (idle and absolute
timeouts, the two-factor gate) and the audit of refused pages.
"""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import session_policy, two_factor, views  # noqa: E402,F401
