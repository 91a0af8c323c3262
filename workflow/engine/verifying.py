"""Verifying the audit chain from where the last verification stopped, and in full as a job.

A verification that finds nothing wrong leaves a checkpoint (`audit_verifications`): the
last event it reached, that event's hash and the last ledger entry it matched. The next
one checks that the event still has that hash and recomputes only what came after, so a
busy day's check takes milliseconds. What it cannot see — an event rewritten before the
checkpoint together with every hash after it up to the checkpoint's — a full
re-verification sees, and the anchors kept outside the database (workflow.engine.anchors)
catch even when the checkpoints are rewritten too.

A full re-verification asked for on the audit page is a job row (`audit_verification_jobs`)
that `flask audit work` runs, writing how far it has got as it goes, so that the page can
show its progress.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select, update

from models import AuditVerification, AuditVerificationJob, User, db, utcnow, write_intent

from . import audit
from .anchors import Anchor

PROGRESS_EVERY = 20_000  # events between two writes of a job's progress
# Far longer than any chain takes (a million events: seconds): its worker has stopped.
STALE_AFTER = timedelta(hours=6)
WORKER_LOST = "Its worker stopped before the end: nothing was concluded."
OTHER_PROBLEMS = "{verified}, but {problems}"


def latest_checkpoint() -> AuditVerification | None:
    return db.session.scalar(select(AuditVerification)
                             .order_by(AuditVerification.up_to_seq.desc(),
                                       AuditVerification.id.desc()).limit(1))


def _since(checkpoint: AuditVerification | None) -> audit.Since | None:
    if checkpoint is None:
        return None
    return audit.Since(checkpoint.up_to_seq, checkpoint.hash, checkpoint.up_to_entry)


def _remember(result: audit.Verification, *, full: bool, by: str, user: User | None) -> None:
    """Write the checkpoint of a verification that found nothing wrong (in a transaction
    of its own: the verification only read)."""
    user_id = user.id if user is not None else None
    db.session.rollback()
    with write_intent(True):
        seq, digest = result.head
        db.session.add(AuditVerification(
            up_to_seq=seq, hash=digest, up_to_entry=result.last_entry, full=full,
            events_checked=result.count, by=by, by_user_id=user_id))
        db.session.commit()


def verify(anchor: Anchor | None, *, full: bool = False, by: str, user: User | None = None,
           progress: Callable[[int], None] | None = None) -> audit.Verification:
    """Verify the chain after the latest checkpoint (from its start when `full` or when there
    is none), held to `anchor`; leave a checkpoint when all is well. Commits."""
    with write_intent(False):  # SQLite: no write lock while reading the chain
        since = None if full else _since(latest_checkpoint())
        result = audit.verify(anchor, progress=progress, since=since)
    if result.ok:
        _remember(result, full=since is None, by=by, user=user)
    else:
        db.session.rollback()
    return result


# -- full re-verification as a job ------------------------------------------------------

def current_job() -> AuditVerificationJob | None:
    """The newest job: queued, running, or the last one finished."""
    return db.session.scalar(select(AuditVerificationJob)
                             .order_by(AuditVerificationJob.id.desc()).limit(1))


def request_full(user: User | None) -> tuple[AuditVerificationJob, bool]:
    """Queue a full re-verification, unless one is queued or running already: the job, and
    whether it is new. A job running for longer than STALE_AFTER lost its worker: it is
    marked failed and a new one queued. The caller commits."""
    db.session.execute(
        update(_JOBS).where(_JOBS.c.state == "running",
                            _JOBS.c.started_at < utcnow() - STALE_AFTER)
        .values(state="failed", finished_at=utcnow(), result=WORKER_LOST))
    waiting = db.session.scalar(
        select(AuditVerificationJob)
        .where(AuditVerificationJob.state.in_(("queued", "running")))
        .order_by(AuditVerificationJob.id).limit(1))
    if waiting is not None:
        return waiting, False
    job = AuditVerificationJob(state="queued", requested_by_id=user.id if user else None,
                               done=0, total=0, result="")
    db.session.add(job)
    db.session.flush()
    return job, True


_JOBS = AuditVerificationJob.__table__


def _claim_next() -> int | None:
    """Mark the oldest queued job running (compare-and-set: two workers never run one job
    twice) and return its id; None when no job waits."""
    with write_intent(True):
        job_id = db.session.scalar(select(_JOBS.c.id).where(_JOBS.c.state == "queued")
                                   .order_by(_JOBS.c.id).limit(1))
        if job_id is None:
            db.session.rollback()
            return None
        total = audit.event_count()
        claimed = db.session.execute(
            update(_JOBS).where(_JOBS.c.id == job_id, _JOBS.c.state == "queued")
            .values(state="running", started_at=utcnow(), total=total, done=0)).rowcount
        db.session.commit()
    return job_id if claimed else None


def progress_writer(job_id: int) -> Callable[[int], None]:
    """A progress callback that writes the job's `done` every PROGRESS_EVERY events, on a
    connection of its own (the verification's transaction only reads)."""
    done = 0

    def step(events: int) -> None:
        nonlocal done
        done += events
        if done % PROGRESS_EVERY == 0:
            with db.engine.begin() as conn:
                conn.execute(update(_JOBS).where(_JOBS.c.id == job_id).values(done=done))
    return step


def run_next(anchor: Anchor | None,
             more_checks: Callable[[], list[str]] | None = None) -> AuditVerificationJob | None:
    """Run the oldest queued job to its end: a full verification held to `anchor`, then
    `more_checks` (problems in words; none: all is well). None when no job waits."""
    job_id = _claim_next()
    if job_id is None:
        return None
    result = verify(anchor, full=True, by="job", progress=progress_writer(job_id))
    problems = more_checks() if result.ok and more_checks else []
    said = str(result) if not problems else OTHER_PROBLEMS.format(
        verified=result, problems=" ".join(problems))
    # Done: every event of the chain as it then stood (events may have joined meanwhile);
    # failed: how far it got.
    ended = {"total": result.count} if result.ok else {}
    with write_intent(True):
        db.session.execute(update(_JOBS).where(_JOBS.c.id == job_id).values(
            state="done" if result.ok and not problems else "failed", finished_at=utcnow(),
            done=result.count, result=said, **ended))
        db.session.commit()
    return db.session.get(AuditVerificationJob, job_id)


def checkpoint_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditVerification))
