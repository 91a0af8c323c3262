"""A page that only reads ends its transaction with COMMIT (psycopg forgets its prepared
statements on ROLLBACK), but never writes what a read left changed in the session."""

from sqlalchemy import select

from models import Organisation, db
from models.base import end_reading


def test_a_read_leaves_nothing_open_and_changes_nothing(app, make_org):
    org = make_org(name="Alumni Society of Cebu")
    session = db.session()
    session.scalar(select(Organisation.name).where(Organisation.id == org.id))
    assert session.in_transaction()
    end_reading(session)
    assert not session.in_transaction()
    db.session.remove()


def test_what_a_read_changed_is_rolled_back_not_written(app, make_org):
    org = make_org(name="Alumni Society of Cebu")
    org.name = "Changed by a page that should only read"
    db.session.add(Organisation(kind="alumni_society", name="Made by a read",
                                country_code="PH", city="Cebu"))
    end_reading(db.session())
    db.session.remove()
    names = db.session.scalars(select(Organisation.name)).all()
    assert names == ["Alumni Society of Cebu"]


def test_pages_still_show_what_was_written_before_them(client, login_as, make_org):
    """Each page reads in its own transaction: one committed after the last is seen."""
    login_as("admin")
    make_org(name="Alumni Society of Davao")
    assert "Alumni Society of Davao" in client.get("/admin/organisations").get_data(
        as_text=True)
    make_org(name="Alumni Society of Iloilo")
    assert "Alumni Society of Iloilo" in client.get("/admin/organisations").get_data(
        as_text=True)
