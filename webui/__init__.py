"""The Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from config import Config
from models import db, sealing
from models.base import canonical_json, configure_engine

from .extensions import compress, csrf, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Config | None = None) -> Flask:
    """Build the application for a configuration (default: from the environment)."""
    app = Flask(__name__, instance_path=str(PROJECT_ROOT / "instance"))
    config = config if config is not None else Config()
    app.config.from_object(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "wnf.db"
        )
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = os.path.join(app.instance_path, "uploads")
    if not app.config.get("AUDIT_ANCHOR_DIR"):
        app.config["AUDIT_ANCHOR_DIR"] = os.path.join(app.instance_path, "audit-anchors")

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "json_serializer": canonical_json, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    db.init_app(app)
    sealing.use_keys(app.config["TOTP_ENCRYPTION_KEYS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    with app.app_context():
        configure_engine(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
    login_manager.init_app(app)
    csrf.init_app(app)
    compress.init_app(app)
    from . import i18n
    i18n.register(app)
    from .auth.limits import limiter
    limiter.init_app(app)

    from . import converters, transactions
    converters.register(app)  # before any route is added
    transactions.register(app)  # first of the hooks that reach the database

    from . import access, api, errors, labels, navigation, request_log, security, static_files
    from .admin import bp as admin_bp
    from .applications import bp as applications_bp
    from .audit_pages import bp as audit_bp
    from .auth import bp as auth_bp
    from .commands import register_cli
    from .committee import bp as committee_bp
    from .dashboard import bp as dashboard_bp
    from .finance import bp as finance_bp
    from .funds import bp as funds_bp
    from .grants import bp as grants_bp
    from .health import bp as health_bp
    from .loans import bp as loans_bp
    from .notifications import bp as notifications_bp
    from .portfolio import bp as portfolio_bp
    from .rounds import bp as rounds_bp
    from .workflows import bp as workflows_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(funds_bp)
    app.register_blueprint(portfolio_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(workflows_bp)
    app.register_blueprint(committee_bp)
    app.register_blueprint(finance_bp)
    app.register_blueprint(grants_bp)
    app.register_blueprint(loans_bp)
    api.register(app)  # before the error handlers: they replace flask-smorest's
    errors.register(app)
    access.register(app)
    labels.register(app)
    navigation.register(app)
    security.register(app)
    request_log.register(app)
    static_files.register(app)  # wraps the WSGI app: after everything Flask itself serves
    register_cli(app)
    return app
