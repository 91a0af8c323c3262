"""Funds and their yearly rounds (calls for proposals)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import TimestampMixin, db, in_list

FUND_KINDS = ("grant", "loan")
FUND_CODES = ("WNF", "SME")


class Fund(TimestampMixin, db.Model):
    __tablename__ = "funds"
    __table_args__ = (
        CheckConstraint(in_list("code", FUND_CODES), name="code_known"),
        CheckConstraint(in_list("kind", FUND_KINDS), name="kind_known"),
        CheckConstraint("currency = 'JPY'", name="currency_jpy"),
        CheckConstraint("screening_days > 0 AND voting_days > 0", name="deadline_days_positive"),
        CheckConstraint("report_due_days > 0 AND report_due_days <= 3650",
                        name="report_due_days_range"),
        CheckConstraint("reminder_days >= 0 AND reminder_days <= 365", name="reminder_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    currency: Mapped[str] = mapped_column(String(3), default="JPY")
    kind: Mapped[str] = mapped_column(String(10))
    # Deadlines: days the secretariat has to screen, and the committee to vote.
    screening_days: Mapped[int] = mapped_column(default=14, server_default="14")
    voting_days: Mapped[int] = mapped_column(default=21, server_default="21")
    # A grant's final report falls due this many days after its activity ends (migration
    # 0009); the applicant, or a borrowing company before an instalment, is reminded
    # `reminder_days` before a due date (workflow.people.due_reminders).
    report_due_days: Mapped[int] = mapped_column(default=60, server_default="60")
    reminder_days: Mapped[int] = mapped_column(default=14, server_default="14")

    rounds: Mapped[list[Round]] = relationship(
        back_populates="fund", order_by="Round.opens_on.desc()"
    )

    def __repr__(self) -> str:
        return f"<Fund {self.code}>"


class Round(TimestampMixin, db.Model):
    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("fund_id", "name"),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
        CheckConstraint("budget_yen >= 0", name="budget_not_negative"),
        CheckConstraint("cap_yen > 0", name="cap_positive"),
        CheckConstraint(
            "min_own_percent >= 0 AND min_own_percent <= 100", name="min_own_percent_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("funds.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    budget_yen: Mapped[int] = mapped_column(BigInteger)
    cap_yen: Mapped[int] = mapped_column(BigInteger)
    min_own_percent: Mapped[int] = mapped_column(default=0)

    fund: Mapped[Fund] = relationship(back_populates="rounds")

    def is_open(self, on: date) -> bool:
        return self.opens_on <= on <= self.closes_on

    def __repr__(self) -> str:
        return f"<Round {self.name}>"
