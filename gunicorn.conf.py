"""gunicorn settings for production (`make serve`); each may be overridden from the environment."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that no slow leak can grow for ever.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss "%({x-request-id}o)s"'
wsgi_app = "webui.wsgi:app"
# gunicorn 25+ opens a control socket at one fixed path in the home directory, so two
# instances on a host (two sites, or the test suite's servers) take it from each other;
# nothing here uses it. Older releases skip the setting they do not know.
control_socket_disable = True


def on_starting(server):
    """Refuse to serve production with more than one worker when the login limits would be
    counted in each worker's memory (N workers, N times the limit): REDIS_URL shares them.
    A ConfigError is a RuntimeError, which gunicorn reports in one line before it exits."""
    from config import Config

    Config().check_workers(server.cfg.workers)

