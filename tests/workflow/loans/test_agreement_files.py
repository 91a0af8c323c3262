"""A signed agreement stored for a step that is then refused leaves no file behind."""

import io
import os
from datetime import date

from sqlalchemy import select

from models import Attachment, db

from .test_lifecycle import current


def files_in(app) -> set[str]:
    folder = app.config["UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def sign(client, loan, form_version: int):
    """Send the agreement form as it was opened at `form_version`, with a signed PDF."""
    return client.post(f"/loans/{loan.id}/agreement", content_type="multipart/form-data",
                       data={"agreement-version": str(form_version),
                             "agreement-agreement_date": date.today().isoformat(),
                             "agreement-agreement_file": (io.BytesIO(b"%PDF-1.4\n% signed\n"),
                                                          "agreement.pdf")})


def test_a_signing_refused_for_a_stale_form_stores_no_file(app, make_loan, people, client_for):
    loan = make_loan("approved")
    secretariat, before = client_for(people.secretariat), files_in(app)
    form_version = current(loan).version
    current(loan).version += 1  # someone else changed the file since the form was opened
    db.session.commit()
    response = sign(secretariat, loan, form_version)
    assert response.status_code == 200 and "changed" in response.get_data(as_text=True)
    assert current(loan).state == "approved"
    assert db.session.scalars(select(Attachment)).all() == []
    assert files_in(app) == before


def test_a_double_click_on_sign_keeps_one_file(app, make_loan, people, client_for):
    """The second click is refused (the loan is contracted already): its upload goes too."""
    loan = make_loan("approved")
    secretariat, before = client_for(people.secretariat), files_in(app)
    form_version = current(loan).version
    assert sign(secretariat, loan, form_version).status_code == 302
    assert sign(secretariat, loan, form_version).status_code == 200
    assert current(loan).state == "contracted"
    stored = db.session.scalars(select(Attachment.stored_name)).all()
    assert len(stored) == 1 and files_in(app) - before == set(stored)
