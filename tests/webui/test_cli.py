"""The flask commands: users create and demo seed."""

from pathlib import Path

from sqlalchemy import func, select

from models import Fund, Round, User, db


def test_users_create_reads_the_password_from_stdin(app, make_org, make_fund):
    make_org(name="AOTS Alumni Society of Kenya", country_code="KE")
    make_fund("WNF")
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "Chair@Example.org", "--name", "Chiba",
        "--seat", "WNF:chair", "--seat", "WNF:member",
        "--organisation", "AOTS Alumni Society of Kenya", "--password-stdin",
    ], input="a long secret phrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "chair@example.org"))
    assert user.roles == {"committee_chair", "committee_member"}
    assert user.check_password("a long secret phrase")


def test_users_create_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "--email", "x@example.org", "--name", "X", "--password-stdin",
    ], input="short\n")
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_seed_is_idempotent_and_covers_every_role(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    counts = {m: db.session.scalar(select(func.count()).select_from(m)) for m in (User, Fund,
                                                                                  Round)}
    second = runner.invoke(args=["demo", "seed"])
    assert second.exit_code == 0, second.output
    db.session.expire_all()
    assert counts == {m: db.session.scalar(select(func.count()).select_from(m))
                      for m in (User, Fund, Round)}
    users = db.session.scalars(select(User)).all()
    held = set().union(*(u.roles for u in users))
    assert held == {"applicant", "secretariat", "committee_member", "committee_chair",
                    "finance_officer", "auditor", "admin"}
    assert sum("committee_member" in u.roles and "committee_chair" not in u.roles
               for u in users) >= 5
    assert sum("finance_officer" in u.roles for u in users) >= 2
    assert {f.code for f in db.session.scalars(select(Fund))} == {"WNF", "SME"}


def test_demo_users_can_log_in(app, client):
    """The chair needs a TOTP code: the demo users share the secret printed in the README."""
    import pyotp

    from demo.living import DEMO_PASSWORD
    from workflow.people.second_factor import DEMO_TOTP_SECRET

    app.test_cli_runner().invoke(args=["demo", "seed"])
    response = client.post("/auth/login", data={"email": "chair@wnf.example",
                                                "password": DEMO_PASSWORD})
    assert response.headers["Location"] == "/auth/two-factor"
    response = client.post("/auth/two-factor",
                           data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert response.status_code == 302
    assert "Committee chair" in client.get("/home").get_data(as_text=True)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    assert DEMO_TOTP_SECRET in readme


def test_demo_seed_is_refused_in_production(app):
    app.config["WNF_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
    finally:
        app.config["WNF_ENV"] = "test"
    assert result.exit_code != 0
    assert "refused in production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
