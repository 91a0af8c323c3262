"""The `flask …` commands: thin wrappers over workflow/, one commit each."""

from flask import Flask


def register_cli(app: Flask) -> None:
    from . import database  # noqa: F401 - adds `roles` to Flask-Migrate's `flask db`
    from .accounts import demo_cli, users_cli
    from .api import api_cli
    from .backup import backup_cli
    from .loans import loans_cli
    from .notifications import outbox_cli, reminders_cli
    from .security import security_cli
    from .tokens import tokens_cli
    from .webhooks import webhooks_cli
    from .workflows import audit_cli, workflow_cli

    for group in (users_cli, demo_cli, workflow_cli, audit_cli, loans_cli, outbox_cli,
                  reminders_cli, backup_cli, security_cli, tokens_cli, webhooks_cli, api_cli):
        app.cli.add_command(group)
