"""Committee seats: who sits on which programme's committee, and in which seat.

Each fund has its committee (the WNF grants committee, the SME loan committee). A person
may hold a member's seat (a vote) and one presiding seat (chair or deputy chair) on each,
and sit on both committees. The roles committee_member and committee_chair follow from the
seats (workflow.people.committees keeps them in step): the seats say which committee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db, in_list

if TYPE_CHECKING:
    from .fund import Fund
    from .user import User

SEATS = ("member", "chair", "deputy_chair")
PRESIDING_SEATS = ("chair", "deputy_chair")

_PRESIDING = text(in_list("seat", PRESIDING_SEATS))


class CommitteeSeat(db.Model):
    __tablename__ = "committee_seats"
    __table_args__ = (
        UniqueConstraint("user_id", "fund_id", "seat"),
        CheckConstraint(in_list("seat", SEATS), name="seat_known"),
        # One chair and one deputy chair per committee.
        Index("uq_committee_seats_presiding", "fund_id", "seat", unique=True,
              sqlite_where=_PRESIDING, postgresql_where=_PRESIDING),
        # A committee's seats by kind: who may vote on a ballot, who presides over it.
        Index("ix_committee_seats_fund_seat_user", "fund_id", "seat", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"))
    seat: Mapped[str] = mapped_column(String(12))

    user: Mapped[User] = relationship()
    fund: Mapped[Fund] = relationship()

    def __repr__(self) -> str:
        return f"<CommitteeSeat user {self.user_id} fund {self.fund_id} {self.seat}>"
