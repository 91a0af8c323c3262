"""The living demo's cast: who acts, the funds and rounds, and the small files they upload.

Shared by the stories of the living demo (demo.living_grants, demo.living_loans,
demo.living_round_budget), which demo.lifecycles tells in turn, and by the scale generator's
documents.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from fpdf import FPDF
from sqlalchemy import select

from models import Application, Fund, Organisation, Round, Tranche, User, db
from workflow.committee import ballots
from workflow.engine import service
from workflow.engine.fiscal import fiscal_year, fiscal_year_bounds
from workflow.files import document_font, japanese_font
from workflow.money import tranches

# --- small files -------------------------------------------------------------------------

JAPANESE = "NotoSansCJKjp"


def _pdf_text(value: str) -> str:
    """PDF string text: ASCII (the base-14 fonts know no more), with its specials escaped."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines: tuple[str, ...] = ()) -> bytes:
    """A small, valid one-page PDF showing `title` and `lines` (a demo attachment): Japanese
    text in Noto Sans CJK when it is installed, else ASCII in the core Helvetica."""
    if not all(text.isascii() for text in (title, *lines)):
        font = japanese_font.font_for((title, *lines), Path(current_app.instance_path))
        if font is not None:
            return _japanese_pdf(title, tuple(lines), font)
    return _ascii_pdf(title, lines)


@functools.lru_cache(maxsize=256)
def _japanese_pdf(title: str, lines: tuple[str, ...], font: Path) -> bytes:
    """The page written with fpdf2, which embeds the glyphs used. Kept per process, by its
    text and font: a demo seeded again (as the tests do) writes the same documents."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    with document_font.printing_font(font, (title, *lines)) as (path, face):
        pdf.add_font(JAPANESE, "", str(path), collection_font_number=face)
        pdf.add_page()
        pdf.set_font(JAPANESE, "", 16)
        pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(JAPANESE, "", 11)
        for line in lines:
            pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _ascii_pdf(title: str, lines: tuple[str, ...]) -> bytes:
    """The page written by hand in the core Helvetica: no font to embed."""
    ops = ["BT", "/F1 16 Tf", "72 770 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("ascii")
    objects = (
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


class Upload:
    """What attachments.store reads: a file name and a stream (as a browser upload has)."""

    def __init__(self, filename: str, data: bytes):
        self.filename = filename
        self.stream = io.BytesIO(data)


# --- the cast ----------------------------------------------------------------------------

@dataclass
class Cast:
    """Who acts in the demo, the funds and rounds, and the dates the stories hang on."""

    today: date
    upload_dir: str
    people: dict[str, User]
    wnf: Fund
    sme: Fund
    rounds: dict[tuple[str, str], Round]  # (fund code, "current" | "previous")
    days: dict[int, date] = field(default_factory=dict)  # application id -> its writing day

    def __getitem__(self, name: str) -> User:
        return self.people[name]

    @property
    def last_year_day(self) -> date:
        """A day in the spring of the previous fiscal year: when last year's files began."""
        return fiscal_year_bounds(fiscal_year(self.today) - 1)[0] + timedelta(days=20)

    def org(self, name: str) -> Organisation:
        """The organisation of that name."""
        return db.session.scalar(select(Organisation).where(Organisation.name == name))

    def days_ago(self, days: int) -> date:
        """The date `days` days before the demo's today."""
        return self.today - timedelta(days=days)

    # -- committee --------------------------------------------------------------------

    def votes(self, application: Application, **choices: str) -> None:
        """Each named member votes (`member1="approve"`); a comment says why."""
        for name, choice in choices.items():
            ballots.cast_vote(application, self[name], choice, VOTE_COMMENTS[choice])

    def decide(self, application: Application, by: str = "chair", **inputs) -> Application:
        """Whoever presides (the chair, else `by`) closes the open ballot with the inputs."""
        return service.fire(application, "decide", self[by], **inputs)

    # -- money ------------------------------------------------------------------------

    def request(self, application: Application, amount: int, note: str = "") -> Tranche:
        """finance1 requests a tranche; it waits for a second officer."""
        return tranches.request_tranche(application, amount, self["finance1"], note)

    def release(self, application: Application, amount: int, note: str = "",
                on: date | None = None) -> Tranche:
        """finance1 requests, finance2 authorises (four eyes); `on` dates a loan's release."""
        tranche = self.request(application, amount, note)
        if on is None:
            tranches.authorise_tranche(tranche, self["finance2"])
        else:
            service.fire(service.lock(application), "release_tranche", self["finance2"],
                         tranche_id=tranche.id, released_on=on, today=on)
        return tranche


VOTE_COMMENTS = {
    "approve": "A well-prepared programme with a clear budget.",
    "reject": "The budget is not justified by the expected results.",
    "abstain": "",
}
