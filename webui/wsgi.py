"""The WSGI entry point for gunicorn: the app from the environment, behind a proxy."""

import gc
import os

from werkzeug.middleware.proxy_fix import ProxyFix

from . import create_app
from .startup_checks import warn_about_the_database_login

app = create_app()
warn_about_the_database_login(app)  # a login that could wipe the evidence
# Trust as many proxies in front of us as PROXY_COUNT says (0: none, e.g. direct access).
_proxies = int(os.environ.get("PROXY_COUNT", "1"))
if _proxies:
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=_proxies, x_proto=_proxies, x_host=_proxies,
                            x_prefix=_proxies)

# What the worker built to start (the modules, the app) lives as long as the worker: the
# cyclic garbage collector's full passes, which every request's garbage triggers now and
# then, need not walk it again each time, and the request that met one waited for it.
gc.freeze()
