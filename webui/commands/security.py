"""`flask security …`: the scheduled pruning of login attempts, and the rotation of the key
that seals the TOTP secrets."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from models import db, sealing, write_intent
from workflow.people import second_factor, throttle

security_cli = AppGroup("security", help="Login attempts and two-factor secrets.")


@security_cli.command("prune-login-attempts")
def prune_login_attempts():
    """Delete the login attempts the throttle no longer reads (run it from cron)."""
    with write_intent(True):
        report = throttle.prune()
        db.session.commit()
    click.echo(f"Login attempts: {report['removed']} removed, {report['kept']} kept.")


@security_cli.command("rotate-totp-key")
def rotate_totp_key():
    """Seal every TOTP secret again with the first key of TOTP_ENCRYPTION_KEYS."""
    with write_intent(True):
        try:
            count = second_factor.reseal_secrets()
        except sealing.SealBroken as refusal:
            db.session.rollback()
            raise click.ClickException(f"{refusal} Nothing was changed.") from None
        db.session.commit()
    click.echo(f"{count} TOTP secrets sealed with the first key of TOTP_ENCRYPTION_KEYS: "
               "the other keys may now be removed.")
