"""The baselines of the requests-per-second figures, served by gunicorn as the app is.

    /      "ok": a bare Flask endpoint, the ceiling of what one stack can serve
    /list  a 50-row list page on a bare Flask + SQLAlchemy + Jinja stack, on the same
           database as the app (DATABASE_URL): what such a page costs with nothing else
"""

from __future__ import annotations

import os

from flask import Flask
from sqlalchemy import create_engine, text

app = Flask(__name__)
_engine = None

LIST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Applications</title>
</head><body><h1>Applications</h1><table>
<thead><tr><th>Reference</th><th>Title</th><th>Organisation</th><th>Country</th><th>State</th>
<th>Requested (¥)</th></tr></thead><tbody>
{% for r in rows %}<tr><td><a href="/applications/{{ r.id }}">{{ r.reference }}</a></td>
<td>{{ r.title }}</td><td>{{ r.name }}</td><td>{{ r.country_code }}</td><td>{{ r.state }}</td>
<td>{{ "{:,}".format(r.requested_yen) }}</td></tr>{% endfor %}
</tbody></table></body></html>"""

QUERY = text(
    "SELECT a.id, a.reference, a.title, o.name, o.country_code, a.state, a.requested_yen "
    "FROM applications a JOIN organisations o ON o.id = a.organisation_id "
    "ORDER BY a.created_at DESC, a.id DESC LIMIT 50")


def engine():
    global _engine
    if _engine is None:  # one per worker, made after the fork
        _engine = create_engine(os.environ["DATABASE_URL"])
    return _engine


@app.get("/")
def ok():
    return "ok"


# Compiled once, as render_template's loader caches a file's template (render_template_string
# would compile it again on every request, which no real page does).
TEMPLATE = app.jinja_env.from_string(LIST)


@app.get("/list")
def listing():
    with engine().connect() as conn:
        rows = conn.execute(QUERY).all()
    return TEMPLATE.render(rows=rows)
