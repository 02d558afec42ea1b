"""Data rights: the audit trail, "who saw my data", export, erasure and retention.

Feature packages import `audit`/`audit_read` from here at import time, so every feature service
used below is imported late, inside the function that needs it.
"""

import calendar
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from webapp.accounts import throttle
from webapp.accounts.models import AuthSession, Group, ResetCode, Role, User, group_membership
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.models import ProcessedRequest
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.privacy.models import AuditEvent, ErasureRequest

PARIS = ZoneInfo("Europe/Paris")

# --- writing the audit trail ----------------------------------------------------------------


def events_about(subject_id: int, actions, since: datetime) -> list[tuple[str, str, datetime]]:
    """(action, actor's name, when) of these actions done to this person after since, oldest
    first (one query): what accounts tells a trainee about their account."""
    actor = sa.orm.aliased(User)
    rows = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.at, actor.display_name)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(
            AuditEvent.subject_id == subject_id,
            AuditEvent.action.in_(actions),
            AuditEvent.at > as_utc(since),
        )
        .order_by(AuditEvent.at)
    ).all()
    return [(row.action, row.display_name or "", as_utc(row.at)) for row in rows]


def audit(actor, action: str, subject=None, detail: str = "") -> None:
    """Record that actor did action to subject (added to the current transaction)."""
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action=action,
            subject_id=subject.id if subject else None,
            detail=detail[:200],
        )
    )


def audit_read(actor, action: str, subject, detail: str = "") -> None:
    """Record at once that a staff member looked at a trainee's data (a read has no other write)."""
    audit(actor, action, subject, detail)
    db.session.commit()


def audit_reads(actor, action: str, subjects, detail: str = "") -> None:
    """A staff page that shows several trainees (users or ids): one row per trainee, so each
    of them sees it in "Who saw my data". Committed at once, in one statement."""
    ids = sorted({getattr(subject, "id", subject) for subject in subjects})
    if not ids:
        return
    now = utcnow()
    db.session.execute(
        sa.insert(AuditEvent),
        [
            {
                "at": now,
                "actor_id": actor.id,
                "action": action,
                "subject_id": subject_id,
                "detail": detail[:200],
            }
            for subject_id in ids
        ],
    )
    db.session.commit()


# --- "who saw my data": each action code in plain words -------------------------------------

# %(name)s is the staff member. Codes another feature adds later fall back to GENERIC.
SENTENCES = {
    "trainee_created": _l("%(name)s created your account."),
    "login_card_reissued": _l(
        "%(name)s printed a new login card for you. Your old passphrase stopped working."
    ),
    "card_reissued": _l(
        "%(name)s printed a new login card for you. Your old passphrase stopped working."
    ),
    "reset_code_issued": _l("%(name)s gave you a code to choose a new passphrase."),
    "reset_code_used": _l("You chose a new passphrase with a code."),
    "journal_shared_viewed": _l("%(name)s read the goals and journal pages you share."),
    "budget_summary_viewed": _l("%(name)s looked at the budget months you share."),
    "steps_shared_viewed": _l("%(name)s read the steps you share with them."),
    "trainee_page_viewed": _l("%(name)s looked at your page: your progress and what you share."),
    "today_viewed": _l("%(name)s looked at the group's Today page, which shows you."),
    "grid_viewed": _l("%(name)s looked at the group's progress grid, which shows you."),
    "group_page_viewed": _l(
        "%(name)s looked at the group page, which shows your name and your mock exam time."
    ),
    "live_results_viewed": _l("%(name)s looked at quiz results with your real name."),
    "exam_time_changed": _l("%(name)s changed your time for mock exams."),
    "today_handled": _l("%(name)s noted on the Today page that they followed up with you."),
    "impact_viewed": _l(
        "%(name)s looked at a report with figures about the group. It shows no names."
    ),
    "week_shared_viewed": _l("%(name)s looked at the appointments you share."),
    "attendance_viewed": _l("%(name)s looked at your attendance and hours."),
    "audit_log_searched": _l("%(name)s searched the audit log for your name."),
    "erasure_requested": _l("You asked for your account to be erased."),
    "erasure_cancelled": _l("You cancelled your request to erase your account."),
    "signed_in": _l("%(name)s signed in to your account."),
    "sign_in": _l("%(name)s signed in to your account."),  # the code accounts.services writes
    "sign_in_failed": _l("Someone typed a wrong passphrase for your account."),
    "reset_code_failed": _l("Someone typed a wrong reset code for your account."),
    "sign_in_slowed": _l("Sign-in to your account was slowed down after many wrong tries."),
    # The code accounts.services writes (the line above never matched one).
    "sign_in_slowed_down": _l("Sign-in to your account was slowed down after many wrong tries."),
    "passphrase_changed": _l("You changed your passphrase."),
    "papers_list_viewed": _l("%(name)s looked at the list of papers you share with them."),
    "paper_viewed": _l("%(name)s opened a paper you share with them."),
    "paper_downloaded": _l("%(name)s downloaded a paper you share with them."),
    "placement_recorded": _l("%(name)s recorded a placement for you."),
    "placement_viewed": _l(
        "%(name)s looked at one of your placements: the tutor's evaluation, and your review "
        "if you share it."
    ),
    "placements_group_viewed": _l(
        "%(name)s looked at the group's placements, which show yours and their evaluations."
    ),
    "placement_link_made": _l("%(name)s made a link for your placement tutor's evaluation."),
    "placement_link_revoked": _l("%(name)s stopped the link for your placement tutor."),
    "placement_link_opened": _l("Your placement tutor opened the evaluation link."),
    "placement_evaluated": _l("Your placement tutor sent their evaluation."),
}
GENERIC = _l("%(name)s did something on your account.")
SOMEONE = _l("Someone from the workshop")
# Sign-in events of the trainee themself are not shown in "Who saw my data".
SIGN_IN_ACTIONS = (
    "signed_in",
    "sign_in_failed",
    "sign_in_slowed",
    "signed_out",
    "sign_in",
    "login",
    "login_failed",
    "reset_code_failed",
)


@dataclass(frozen=True)
class SeenLine:
    at: datetime
    sentence: str
    by_staff: bool


def sentence(event: AuditEvent, actor_name: str | None) -> str:
    text = SENTENCES.get(event.action, GENERIC)
    return str(text) % {"name": actor_name or str(SOMEONE)}


def seen_by(user, page: int, per_page: int = 20) -> tuple[list[SeenLine], bool]:
    """Page `page` (from 1) of what was done or seen about user, newest first; and whether
    there is a next page."""
    query = (
        sa.select(AuditEvent, User.display_name, User.role)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_id == user.id)
        .where(
            sa.not_(
                sa.and_(
                    AuditEvent.action.in_(SIGN_IN_ACTIONS),
                    sa.or_(AuditEvent.actor_id.is_(None), AuditEvent.actor_id == user.id),
                )
            )
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page + 1)
    )
    rows = db.session.execute(query).all()
    lines = [
        SeenLine(event.at, sentence(event, name), role is not None and role.is_staff)
        for event, name, role in rows[:per_page]
    ]
    return lines, len(rows) > per_page


# --- my data --------------------------------------------------------------------------------


def _profile(user) -> dict:
    groups = [
        {
            "name": g.name,
            "site": g.site.name,
            "starts_on": g.starts_on.isoformat(),
            "ends_on": g.ends_on.isoformat(),
        }
        for g in user.groups
    ]
    sessions = db.session.scalars(
        sa.select(AuthSession)
        .where(AuthSession.user_id == user.id)
        .order_by(AuthSession.created_at)
    )
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "language": user.locale,
        "created_at": user.created_at.isoformat(),
        "last_seen_on": user.last_seen_on and user.last_seen_on.isoformat(),
        "groups": groups,
        "signed_in_devices": [
            {"since": s.created_at.isoformat(), "until": s.expires_at.isoformat()} for s in sessions
        ],
        "erasure_requested": erasure_request_of(user) is not None,
    }


def _audit_about(user) -> list[dict]:
    rows = db.session.execute(
        sa.select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.subject_id == user.id)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        {
            "at": event.at.isoformat(),
            "action": event.action,
            "by": name or "",
            "what": sentence(event, name),
        }
        for event, name in rows
    ]


def export_for(user) -> dict:
    """Everything the app holds about user, gathered from each feature's service (GDPR 15, 20).

    Keys are stable English words (for programs); texts are in the reader's language.
    """
    from webapp.budget import services as budget
    from webapp.candidates import services as candidates
    from webapp.career import services as career
    from webapp.journal import services as journal
    from webapp.lessons import services as lessons
    from webapp.live import services as live
    from webapp.papers import services as papers
    from webapp.placements import services as placements
    from webapp.revision import services as revision
    from webapp.steps import services as steps
    from webapp.week import services as week

    return {
        "app": "Passerelle",
        "exported_at": utcnow().isoformat(),
        "profile": _profile(user),
        "lessons": lessons.export_for(user),
        "revision": revision.export_for(user),
        "live": live.export_for(user),
        "budget": budget.export_for(user),
        "journal": journal.export_for(user),
        "week": week.export_for(user),
        "steps": steps.export_for(user),
        "papers": papers.export_for(user),
        "welcome_checkins": candidates.export_for(user),
        "placements": placements.export_for(user),
        "career": career.export_for(user),
        "audit": _audit_about(user),
    }


# --- erasure --------------------------------------------------------------------------------


def erasure_request_of(user) -> ErasureRequest | None:
    return db.session.scalar(sa.select(ErasureRequest).where(ErasureRequest.user_id == user.id))


def request_erasure(user) -> ErasureRequest:
    """The trainee asks; an admin confirms. Asking twice keeps the first request."""
    found = erasure_request_of(user)
    if found is None:
        found = ErasureRequest(user_id=user.id)
        db.session.add(found)
        audit(user, "erasure_requested", user)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:  # a double tap: the other request won
            db.session.rollback()
            found = erasure_request_of(user)
    return found


def cancel_erasure(user) -> None:
    found = erasure_request_of(user)
    if found is not None:
        db.session.delete(found)
        audit(user, "erasure_cancelled", user)
        db.session.commit()


def pending_erasures() -> list[tuple[ErasureRequest, User]]:
    return list(
        db.session.execute(
            sa.select(ErasureRequest, User)
            .join(User, User.id == ErasureRequest.user_id)
            .options(sa.orm.selectinload(User.groups).joinedload(Group.site))
            .order_by(ErasureRequest.requested_at)
        ).tuples()
    )


def _pointing_at_users():
    """Every (table, column) holding a user id, including tables added by later features."""
    users = User.__table__
    for table in db.metadata.sorted_tables:
        if table is users:
            continue
        for column in table.columns:
            if any(fk.column.table is users for fk in column.foreign_keys):
                yield table, column


def _forget_requests_naming(user_id: int) -> None:
    """A staff member's remembered request (e.g. "add trainees") lists the accounts it made:
    forget those that list this one (they live a day at most anyway)."""
    for row in db.session.scalars(
        sa.select(ProcessedRequest).where(ProcessedRequest.result.contains(str(user_id)))
    ):
        try:
            result = json.loads(row.result or "null")
        except ValueError:
            continue
        values = (
            result
            if isinstance(result, list)
            else list(result.values())
            if isinstance(result, dict)
            else [result]
        )
        if user_id in values:
            db.session.delete(row)
    db.session.flush()


def erase_user(user_id: int, actor=None, reason: str = "request") -> str:
    """Erase an account and every personal row about it, in one transaction.

    Each feature removes its own rows (and what hangs on them: teachers' comments go with the
    entries); the audit keeps that staff acted, with the subject cleared; then any row still
    pointing at the account is removed or unlinked. One audit row says an erasure happened,
    with an anonymous reference, never who or what. Returns that reference.
    """
    from webapp.budget import services as budget
    from webapp.candidates import services as candidates
    from webapp.career import services as career
    from webapp.journal import services as journal
    from webapp.lessons import services as lessons
    from webapp.live import services as live
    from webapp.papers import services as papers
    from webapp.placements import services as placements
    from webapp.revision import services as revision
    from webapp.steps import services as steps
    from webapp.week import services as week

    if (user := db.session.get(User, user_id)) is not None:
        throttle.forget_account(user.username)  # its counts are keyed by the username
    for feature in (
        journal,
        budget,
        lessons,
        revision,
        live,
        week,
        steps,
        papers,
        placements,
        career,
        candidates,
    ):
        feature.erase_user(user_id)
    _forget_requests_naming(user_id)
    for table, column in _pointing_at_users():
        if column.nullable and not column.primary_key:
            db.session.execute(
                sa.update(table).where(column == user_id).values({column.name: None})
            )
        else:
            db.session.execute(sa.delete(table).where(column == user_id))
    db.session.execute(sa.delete(User).where(User.id == user_id))
    reference = secrets.token_hex(4)
    audit(actor, "account_erased", None, f"ref={reference} reason={reason}")
    db.session.commit()
    db.session.expire_all()
    return reference


def confirm_erasure(admin, request_id: int) -> str | None:
    """An admin confirms a pending request; None if there is no such request."""
    found = db.session.get(ErasureRequest, request_id)
    if found is None:
        return None
    return erase_user(found.user_id, admin, "request")


# --- retention ------------------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def expired_trainees(today: date, months: int) -> list[int]:
    """Trainees whose every group ended more than `months` months ago."""
    limit = months_before(today, months)
    last_end = (
        sa.select(group_membership.c.user_id, sa.func.max(Group.ends_on).label("ends"))
        .join(Group, Group.id == group_membership.c.group_id)
        .group_by(group_membership.c.user_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            sa.select(User.id)
            .join(last_end, last_end.c.user_id == User.id)
            .where(User.role == Role.TRAINEE, last_end.c.ends < limit)
            .order_by(User.id)
        )
    )


def purge(now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Remove what is kept no longer than needed; returns how many of each kind (idempotent)."""
    from webapp.candidates import services as candidates
    from webapp.live import services as live
    from webapp.live import sets as live_sets

    now = now or utcnow()
    config = current_app.config
    audit_limit = datetime.combine(
        months_before(now.date(), config["AUDIT_RETENTION_MONTHS"]), time(), tzinfo=now.tzinfo
    )
    kinds = {
        "sessions": (AuthSession, AuthSession.expires_at < now),
        "reset_codes": (
            ResetCode,
            sa.or_(ResetCode.used_at.is_not(None), ResetCode.expires_at < now),
        ),
        "request_ids": (ProcessedRequest, ProcessedRequest.created_at < now - timedelta(days=1)),
    }
    counts = {}
    for kind, (model, condition) in kinds.items():
        counts[kind] = db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(condition)
        )
        if not dry_run:
            db.session.execute(sa.delete(model).where(condition))
    counts["guest_nicknames"] = live.forget_guest_nicknames(now, dry_run)
    counts["unused_pictures"] = live_sets.forget_unused_pictures(now, dry_run)
    counts["sign_in_counts"] = throttle.forget_old(int(now.timestamp()), dry_run)
    counts["candidates"] = candidates.purge_unaccepted(now, dry_run)
    if not dry_run:
        db.session.commit()
    accounts = expired_trainees(now.date(), config["RETENTION_AFTER_GROUP_MONTHS"])
    counts["accounts"] = len(accounts)
    if not dry_run:
        for user_id in accounts:
            erase_user(user_id, None, "retention")
    condition = AuditEvent.at < audit_limit
    counts["audit_events"] = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(condition)
    )
    if not dry_run:
        db.session.execute(sa.delete(AuditEvent).where(condition))
        db.session.commit()
    return counts


def erasure_date(user, today: date) -> date | None:
    """When retention will erase this trainee's account (their last group's end + the delay)."""
    if user.role is not Role.TRAINEE or not user.groups:
        return None
    months = current_app.config["RETENTION_AFTER_GROUP_MONTHS"]
    return months_before(max(group.ends_on for group in user.groups), -months) + timedelta(days=1)


def ended_group_notice(user, today: date) -> date | None:
    """For the home screen, once every group of the trainee has ended: the erasure date, so
    they are offered to save their data in time."""
    if user.role is not Role.TRAINEE or not user.groups:
        return None
    if max(group.ends_on for group in user.groups) >= today:
        return None
    return erasure_date(user, today)


# --- the admin's audit search ---------------------------------------------------------------


def _paris_midnight(day: date) -> datetime:
    """The start of a day as staff read it (Europe/Paris), in UTC as stored."""
    return datetime.combine(day, time(), tzinfo=PARIS).astimezone(UTC)


def _people_matching(text: str):
    """Accounts whose username or name contains text, as typed: % and _ are not wildcards
    (a search for "%" would name every trainee, and tell each of them)."""
    return sa.select(User.id).where(
        sa.or_(
            User.username.icontains(text, autoescape=True),
            User.display_name.icontains(text, autoescape=True),
        )
    )


def search_audit(
    trainee: str = "",
    staff: str = "",
    action: str = "",
    start: date | None = None,
    end: date | None = None,
    limit: int = 200,
):
    """Audit events matching every criterion given, newest first; with the people named."""
    query = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if trainee:
        query = query.where(AuditEvent.subject_id.in_(_people_matching(trainee)))
    if staff:
        query = query.where(AuditEvent.actor_id.in_(_people_matching(staff)))
    if action:
        query = query.where(AuditEvent.action == action)
    if start:
        query = query.where(AuditEvent.at >= _paris_midnight(start))
    if end:
        query = query.where(AuditEvent.at < _paris_midnight(end + timedelta(days=1)))
    events = list(db.session.scalars(query))
    ids = {e.actor_id for e in events} | {e.subject_id for e in events}
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}
    return events, people


def trainees_matching(text: str) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.id.in_(_people_matching(text)), User.role == Role.TRAINEE)
        )
    )


def known_actions() -> list[str]:
    stored = set(db.session.scalars(sa.select(AuditEvent.action).distinct()))
    return sorted(stored | set(SENTENCES) | {"account_erased", "audit_log_viewed"})
