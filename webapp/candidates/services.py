"""Rules for candidates: who sees them (a site's admin, the teachers of the group they would
join; never a volunteer), their stages with dates, Today's flags, accepting and retention."""

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from webapp.accounts import services as accounts
from webapp.accounts.models import Group, Role, User
from webapp.candidates.models import Candidate, CandidateMove, StaffPhoto, WelcomeCheckin
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.outbox import note
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.privacy.services import audit, audit_read

# The application's road, in order. A decision ends it: accepted (an account is made) or refused.
STAGES = {
    "new": _l("New"),
    "interview": _l("Interview at the prison done"),
    "file_sent": _l("File sent"),
    "hearing": _l("Hearing date set"),
    "accepted": _l("Accepted"),
    "refused": _l("Refused"),
}
OPEN_STAGES = ("new", "interview", "file_sent", "hearing")
# Moved by hand on the board; "accepted" only by accepting (it makes the trainee's account).
MOVES = ("new", "interview", "file_sent", "hearing", "refused")


def _may_see(staff: User) -> bool:
    return staff.role in (Role.TEACHER, Role.ADMIN)


def group_for(staff: User, group_id: int) -> Group:
    """A group whose candidates this person may see: an admin of its site (or of every site),
    a teacher attached to it now. Anyone else: 404."""
    if not _may_see(staff):
        raise NotYours
    group = accounts.group_for(staff, group_id)
    if staff.role is Role.ADMIN and staff.site_id not in (None, group.site_id):
        raise NotYours
    return group


def groups_for(staff: User, today: date) -> list[Group]:
    """The groups not yet ended this person may recruit for."""
    if not _may_see(staff):
        raise NotYours
    return [
        g
        for g in accounts.groups_for(staff)
        if g.ends_on >= today
        and (staff.role is not Role.ADMIN or staff.site_id in (None, g.site_id))
    ]


def candidate_for(staff: User, candidate_id: int) -> Candidate:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotYours
    group_for(staff, candidate.group_id)
    return candidate


def candidates_of(staff: User, group: Group) -> list[Candidate]:
    """The group's candidates, the read audited (names and applications are personal data)."""
    found = list(
        db.session.scalars(
            sa.select(Candidate)
            .where(Candidate.group_id == group.id)
            .order_by(Candidate.stage_since, Candidate.id)
        )
    )
    audit_read(staff, "candidates_viewed", None, f"group={group.id} n={len(found)}")
    return found


def read_candidate(staff: User, candidate: Candidate) -> Candidate:
    audit_read(staff, "candidate_viewed", None, f"candidate={candidate.id}")
    return candidate


def waited(candidate: Candidate, today: date) -> int:
    """Days the candidate has waited at their stage."""
    return max((today - candidate.stage_since).days, 0)


FIELDS = (
    "name",
    "prison",
    "release_on",
    "probation_contact",
    "hearing_on",
    "start_on",
    "missing_documents",
    "notes",
)


def add_candidate(staff: User, group: Group, today: date, **fields) -> Candidate:
    candidate = Candidate(group_id=group.id, stage="new", stage_since=today)
    for name in FIELDS:
        setattr(candidate, name, fields.get(name) or (None if name.endswith("_on") else ""))
    candidate.moves.append(CandidateMove(stage="new", on=today, by_id=staff.id))
    db.session.add(candidate)
    db.session.flush()
    audit(staff, "candidate_added", None, f"candidate={candidate.id} group={group.id}")
    db.session.commit()
    return candidate


def update_candidate(staff: User, candidate: Candidate, **fields) -> None:
    for name in FIELDS:
        if name in fields:
            value = fields[name]
            setattr(candidate, name, value if value or name.endswith("_on") else "")
    candidate.changed_at = utcnow()
    audit(staff, "candidate_changed", None, f"candidate={candidate.id}")
    db.session.commit()


def move(staff: User, candidate: Candidate, stage: str, on: date) -> None:
    """Record a stage change on its day; an accepted candidate's road is over."""
    if stage not in MOVES or candidate.stage == "accepted":
        raise ValueError(stage)
    if stage != candidate.stage:
        candidate.stage = stage
        candidate.stage_since = on
        candidate.moves.append(CandidateMove(stage=stage, on=on, by_id=staff.id))
    if stage == "hearing" and candidate.hearing_on is None:
        candidate.hearing_on = on
    candidate.changed_at = utcnow()
    audit(staff, "candidate_moved", None, f"candidate={candidate.id} stage={stage}")
    db.session.commit()


def accept(teacher: User, candidate: Candidate, request_id: str, today: date):
    """Accept: the trainee's account is made in the group (accounts' own rule, so a double tap
    gives the same account with a new card) and the login cards are returned. The candidate row
    and its staff notes stay staff-only: nothing is copied to the trainee's account."""
    if teacher.role is not Role.TEACHER:
        raise NotYours  # accounts are made by the group's teachers (accounts.add_trainees)
    group = db.session.get(Group, candidate.group_id)
    cards = accounts.create_trainees(teacher, group, [candidate.name], request_id)
    if candidate.trainee_id is None:
        user = accounts.find_user(cards[0].username)
        candidate.trainee_id = user.id
        candidate.stage = "accepted"
        candidate.stage_since = today
        candidate.moves.append(CandidateMove(stage="accepted", on=today, by_id=teacher.id))
        candidate.changed_at = utcnow()
        audit(teacher, "candidate_accepted", user, f"candidate={candidate.id}")
        db.session.commit()
    return group, cards


# --- Today ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    candidate: Candidate
    group: Group
    kind: str  # "hearing" this week, or "file" waiting too long
    days: int


def today_flags(teacher: User, attached: list[Group], today: date) -> list[Flag]:
    """A hearing this week (Monday to Sunday) and a file sent longer ago than
    CANDIDATE_FILE_WAIT_DAYS, in the groups the teacher is attached to now (accounts.groups_for,
    which Today has read already: one query here)."""
    if teacher.role is not Role.TEACHER:
        return []
    groups = {g.id: g for g in attached}
    if not groups:
        return []
    limit = current_app.config["CANDIDATE_FILE_WAIT_DAYS"]
    monday = today - timedelta(days=today.weekday())
    flags = []
    for candidate in db.session.scalars(
        sa.select(Candidate)
        .where(Candidate.group_id.in_(groups), Candidate.stage.in_(OPEN_STAGES))
        .order_by(Candidate.stage_since, Candidate.id)
    ):
        group = groups[candidate.group_id]
        if candidate.hearing_on and monday <= candidate.hearing_on <= monday + timedelta(days=6):
            flags.append(Flag(candidate, group, "hearing", (candidate.hearing_on - today).days))
        if candidate.stage == "file_sent" and waited(candidate, today) > limit:
            flags.append(Flag(candidate, group, "file", waited(candidate, today)))
    if flags:
        audit_read(teacher, "candidates_flagged", None, f"n={len(flags)}")
    return flags


# --- retention ------------------------------------------------------------------------------


def purge_unaccepted(now: datetime, dry_run: bool = False) -> int:
    """Forget candidates never accepted, CANDIDATE_RETENTION_DAYS after their last change (a
    refusal, or an application left where it stood)."""
    limit = now - timedelta(days=current_app.config["CANDIDATE_RETENTION_DAYS"])
    condition = sa.and_(Candidate.trainee_id.is_(None), Candidate.changed_at < limit)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Candidate).where(condition))
    if not dry_run and count:
        ids = sa.select(Candidate.id).where(condition).scalar_subquery()
        db.session.execute(
            sa.delete(CandidateMove).where(CandidateMove.candidate_id.in_(ids)),
            execution_options={"synchronize_session": False},
        )
        db.session.execute(
            sa.delete(Candidate).where(condition), execution_options={"synchronize_session": False}
        )
        db.session.commit()
    return count


# --- the first weeks ------------------------------------------------------------------------

WELCOME_DAYS = 28  # four weeks
MOODS = {
    1: ("😞", _l("Bad")),
    2: ("😐", _l("So-so")),
    3: ("🙂", _l("Good")),
    4: ("😄", _l("Very good")),
}


def welcome_start(user: User) -> date | None:
    """The day the first weeks start: the later of the account's creation and the group's start
    (an account made before the group starts waits for it)."""
    if user.role is not Role.TRAINEE:
        return None
    made = user.created_at.date() if user.created_at else None
    starts = [g.starts_on for g in user.groups]
    days = [d for d in (made, max(starts) if starts else None) if d]
    return max(days) if days else None


def in_first_weeks(user: User, today: date) -> bool:
    start = welcome_start(user)
    return start is not None and today < start + timedelta(days=WELCOME_DAYS)


@dataclass(frozen=True)
class WelcomeCard:
    week: int  # 1 to 4 (0 before the group starts)
    checkin: sa.Row | None  # today's check-in's mood, once it is done


def welcome_card(user: User, today: date) -> WelcomeCard | None:
    """The welcome path on a new trainee's home, with today's check-in (one query)."""
    if not in_first_weeks(user, today):
        return None
    start = welcome_start(user)
    week = (today - start).days // 7 + 1 if today >= start else 0
    checkin = rows_of(_MOOD_OF_THE_DAY, {"user_id": user.id, "day": today}).first()
    return WelcomeCard(week, checkin)


# Built once: a new trainee's home asks it at every visit (a row, not an object: the ORM cost
# more than the query), a check-in sent to replace the morning's (the object it changes).
_THE_DAY = sa.and_(
    WelcomeCheckin.user_id == sa.bindparam("user_id"), WelcomeCheckin.day == sa.bindparam("day")
)
_MOOD_OF_THE_DAY = sa.select(WelcomeCheckin.mood).where(_THE_DAY)
_CHECKIN_OF_THE_DAY = sa.select(WelcomeCheckin).where(_THE_DAY)


def check_in(
    user: User, client_id: str, today: date, mood: int, needs_help: bool, shared: bool
) -> WelcomeCheckin:
    """Today's check-in: sent twice (same client id), kept once; a new answer the same day
    replaces the morning's."""
    if (
        row := db.session.scalar(
            sa.select(WelcomeCheckin).where(WelcomeCheckin.client_id == client_id)
        )
    ) is not None:
        if row.user_id != user.id:
            raise NotYours
        note("duplicate")
        return row
    row = db.session.scalar(_CHECKIN_OF_THE_DAY, {"user_id": user.id, "day": today})
    if row is None:
        row = WelcomeCheckin(user_id=user.id, day=today)
        db.session.add(row)
    row.client_id, row.mood, row.needs_help, row.shared = client_id, mood, needs_help, shared
    db.session.commit()
    note("stored")
    return row


def team_of(user: User) -> list[User]:
    """Who is who: the staff of the trainee's groups (names and roles)."""
    return sorted(
        {m for g in user.groups for m in g.members if m.role is not Role.TRAINEE},
        key=lambda person: (person.role.value, person.display_name),
    )


def shared_checkins(trainee_ids: list[int], today: date) -> list[WelcomeCheckin]:
    """Today's check-ins the group's trainees chose to share with their teachers."""
    if not trainee_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(WelcomeCheckin)
            .where(
                WelcomeCheckin.user_id.in_(trainee_ids),
                WelcomeCheckin.day == today,
                WelcomeCheckin.shared.is_(True),
            )
            .order_by(WelcomeCheckin.needs_help.desc(), WelcomeCheckin.mood)
        )
    )


def export_for(user: User) -> list[dict]:
    """The trainee's own check-ins (the staff's candidate file is not theirs to read)."""
    return [
        {"day": r.day.isoformat(), "mood": r.mood, "needs_help": r.needs_help, "shared": r.shared}
        for r in db.session.scalars(
            sa.select(WelcomeCheckin)
            .where(WelcomeCheckin.user_id == user.id)
            .order_by(WelcomeCheckin.day)
        )
    ]


def erase_user(user_id: int) -> None:
    """Erasure: the check-ins, and the candidate file the account came from (with its notes)."""
    ids = sa.select(Candidate.id).where(Candidate.trainee_id == user_id).scalar_subquery()
    for statement in (
        sa.delete(CandidateMove).where(CandidateMove.candidate_id.in_(ids)),
        sa.delete(Candidate).where(Candidate.trainee_id == user_id),
        sa.delete(WelcomeCheckin).where(WelcomeCheckin.user_id == user_id),
    ):
        db.session.execute(statement, execution_options={"synchronize_session": False})


# --- who is who: staff photos ---------------------------------------------------------------

PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_SIDE = 256


class BadPhoto(ValueError):
    pass


def set_photo(staff: User, raw: bytes) -> None:
    """Keep a staff member's chosen photo, re-encoded small (Pillow: what My papers uses too)."""
    if not raw or len(raw) > PHOTO_MAX_BYTES:
        raise BadPhoto
    try:
        with Image.open(io.BytesIO(raw)) as image:
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise BadPhoto from None
    row = db.session.get(StaffPhoto, staff.id) or StaffPhoto(user_id=staff.id)
    row.data, row.updated_at = out.getvalue(), utcnow()
    db.session.add(row)
    db.session.commit()


def remove_photo(staff: User) -> None:
    db.session.execute(sa.delete(StaffPhoto).where(StaffPhoto.user_id == staff.id))
    db.session.commit()


def has_photo(user_ids) -> set[int]:
    ids = list(user_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(StaffPhoto.user_id).where(StaffPhoto.user_id.in_(ids))))


def photo_for(viewer: User, person_id: int) -> bytes:
    """A staff member's photo, for themselves and for the people of their groups; else 404."""
    row = db.session.get(StaffPhoto, person_id)
    if row is None:
        raise NotYours
    if viewer.id != person_id:
        person = db.session.get(User, person_id)
        if person is None or not {g.id for g in viewer.groups} & {g.id for g in person.groups}:
            raise NotYours
    return row.data
