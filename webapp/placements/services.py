"""Rules for placements: who records and reads them, the tutor's one-time link and its evaluation,
the trainee's review, what the home, My week, Today and the group screen show, export, erasure."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse

from webapp.accounts import services as accounts
from webapp.accounts.models import Group, Role, User, group_membership
from webapp.core import titles
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db, limiter
from webapp.placements.models import Evaluation, Placement, Review, TutorLink
from webapp.privacy.services import audit, audit_read, audit_reads

# The tutor may answer until the placement's end plus three weeks (issue 19: "a few weeks").
LINK_GRACE = timedelta(days=21)
# The criteria the tutor rates, each on LEVELS (1 is the lowest).
CRITERIA = {
    "punctuality": _l("Punctuality"),
    "hygiene": _l("Hygiene"),
    "teamwork": _l("Teamwork"),
    "instructions": _l("Following instructions"),
    "pace": _l("Pace of work"),
    "customers": _l("Manner with customers"),
}
LEVELS = {
    1: _l("Not yet"),
    2: _l("Getting there"),
    3: _l("Good"),
    4: _l("Very good"),
}
# An evaluation is poor when at least this many criteria are at the lowest level: Today shows it.
POOR_AT = 2
# How long a poor evaluation stays on the teacher's Today.
POOR_DAYS = 30
DEFAULT_TOKEN_LIMIT = "20 per 10 minutes"


@dataclass(frozen=True)
class Entry:
    """A placement with what was said about it (for staff screens)."""

    placement: Placement
    trainee: User
    evaluation: Evaluation | None
    review: Review | None  # only when the trainee shares it

    @property
    def poor(self) -> bool:
        return is_poor(self.evaluation)


def is_poor(evaluation: Evaluation | None) -> bool:
    if evaluation is None:
        return False
    return sum(getattr(evaluation, key) == 1 for key in CRITERIA) >= POOR_AT


def link_expires_on(placement: Placement) -> date:
    return placement.ends_on + LINK_GRACE


def competencies_for(placement: Placement) -> list[tuple[object, tuple[str, ...]]]:
    """The title's CCPs and their competencies, for the tutor's "tasks done" (the group's title)."""
    group = db.session.get(Group, placement.group_id) if placement.group_id else None
    return [(unit.name, unit.competencies) for unit in titles.title(group and group.title).units]


# --- recording and reading ------------------------------------------------------------------


def group_of(staff: User, trainee: User) -> Group | None:
    """The first group the teacher and the trainee share now."""
    mine = {group.id for group in staff.groups}
    return next((group for group in trainee.groups if group.id in mine), None)


def record(staff: User, trainee: User, client_id: str, **fields) -> Placement:
    """A teacher of the trainee's group records a placement; sent twice, stored once."""
    found = db.session.scalar(sa.select(Placement).where(Placement.client_id == client_id))
    if found is not None:
        if found.user_id != trainee.id:
            raise NotYours
        return found
    group = group_of(staff, trainee)
    row = Placement(
        user_id=trainee.id,
        group_id=group.id if group else None,
        created_by=staff.id,
        client_id=client_id,
        **fields,
    )
    db.session.add(row)
    audit(staff, "placement_recorded", trainee)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        found = db.session.scalar(sa.select(Placement).where(Placement.client_id == client_id))
        if found is None or found.user_id != trainee.id:
            raise NotYours from None
        return found
    return row


def placements_of(user: User) -> list[Placement]:
    return list(
        db.session.scalars(
            sa.select(Placement)
            .where(Placement.user_id == user.id)
            .order_by(Placement.starts_on.desc(), Placement.id.desc())
        )
    )


def cv_lines(user: User, today: date) -> list[dict]:
    """The placements a trainee has begun, as their CV names them (career.services.build_cv):
    company, place, dates and the tasks, one per line as the teacher wrote them."""
    return [
        {
            "company": placement.company,
            "place": placement.place,
            "starts_on": placement.starts_on,
            "ends_on": placement.ends_on,
            "tasks": [line.strip(" -•") for line in placement.tasks.splitlines() if line.strip()],
        }
        for placement in placements_of(user)
        if placement.starts_on <= today
    ]


def own(user: User, placement_id: int) -> Placement:
    placement = db.session.get(Placement, placement_id)
    if placement is None or placement.user_id != user.id:
        raise NotYours
    return placement


def for_staff(staff: User, placement_id: int) -> Placement:
    """A placement of a trainee in one of the teacher's groups now, else 404."""
    placement = db.session.get(Placement, placement_id)
    if placement is None or not accounts.may_act_on(staff.id, placement.user_id):
        raise NotYours
    return placement


def trainee_of(placement: Placement) -> User:
    return db.session.get(User, placement.user_id)


def home_card(user: User, today: date) -> sa.Row | None:
    """The placement going on today, else the next one, for the trainee's home (one query)."""
    if user.role is not Role.TRAINEE:
        return None
    return rows_of(_CURRENT_OR_NEXT, {"user_id": user.id, "today": today}).first()


# Built once: the home page asks it at every visit. A row with what the card shows, not an
# object: the ORM cost more than the query.
_CURRENT_OR_NEXT = (
    sa.select(Placement.id, Placement.company, Placement.starts_on, Placement.ends_on)
    .where(Placement.user_id == sa.bindparam("user_id"), Placement.ends_on >= sa.bindparam("today"))
    .order_by(Placement.starts_on, Placement.id)
    .limit(1)
)


def placements_between(user: User, first: date, last: date) -> list[Placement]:
    """The trainee's placements with at least one day between first and last (My week)."""
    return list(
        db.session.scalars(
            sa.select(Placement)
            .where(
                Placement.user_id == user.id,
                Placement.starts_on <= last,
                Placement.ends_on >= first,
            )
            .order_by(Placement.starts_on)
        )
    )


def evaluation_of(placement: Placement) -> Evaluation | None:
    return db.session.scalar(sa.select(Evaluation).where(Evaluation.placement_id == placement.id))


def review_of(placement: Placement) -> Review | None:
    return db.session.scalar(sa.select(Review).where(Review.placement_id == placement.id))


def save_review(user: User, placement: Placement, did: str, learned: str, hard: str) -> Review:
    """The trainee's review: one per placement, written again as often as they like."""
    review = review_of(placement)
    if review is None:
        review = Review(placement_id=placement.id, user_id=user.id, shared=False)
        db.session.add(review)
    review.did, review.learned, review.hard = did, learned, hard
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same review sent twice at once: the other one is kept
        db.session.rollback()
        review = review_of(placement)
    return review


def set_shared(user: User, placement: Placement, shared: bool) -> Review:
    review = review_of(placement) or save_review(user, placement, "", "", "")
    review.shared = shared
    db.session.commit()
    return review


def shared_review(placement: Placement) -> Review | None:
    review = review_of(placement)
    return review if review is not None and review.shared else None


def audit_view(staff: User, placement: Placement) -> None:
    audit_read(staff, "placement_viewed", trainee_of(placement), f"placement={placement.id}")


# --- the tutor's link -----------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_of(placement: Placement) -> TutorLink | None:
    return db.session.scalar(sa.select(TutorLink).where(TutorLink.placement_id == placement.id))


def new_link(staff: User, placement: Placement) -> str:
    """A fresh one-time link for the tutor (the previous one stops working); shown once."""
    db.session.execute(sa.delete(TutorLink).where(TutorLink.placement_id == placement.id))
    token = secrets.token_urlsafe(32)  # 256 random bits
    db.session.add(TutorLink(placement_id=placement.id, token_hash=_digest(token)))
    audit(staff, "placement_link_made", trainee_of(placement), f"placement={placement.id}")
    db.session.commit()
    return token


def revoke_link(staff: User, placement: Placement) -> None:
    db.session.execute(sa.delete(TutorLink).where(TutorLink.placement_id == placement.id))
    audit(staff, "placement_link_revoked", trainee_of(placement), f"placement={placement.id}")
    db.session.commit()


def _limit():
    return parse(current_app.config.get("PLACEMENT_TOKEN_LIMIT", DEFAULT_TOKEN_LIMIT))


def guessing_blocked() -> bool:
    """Too many wrong links from this address: every link waits (the live codes' way)."""
    return not limiter.limiter.test(_limit(), "placement-token", get_remote_address())


def record_wrong_token() -> None:
    limiter.limiter.hit(_limit(), "placement-token", get_remote_address())


@dataclass(frozen=True)
class Opened:
    """What a tutor's link leads to: the placement, or why it refuses (used, expired)."""

    link: TutorLink
    placement: Placement
    refused: str | None  # None, "used" or "expired"


def open_link(token: str, today: date) -> Opened | None:
    """The link for this token, or None (a wrong or revoked token: counted as a guess)."""
    link = db.session.scalar(sa.select(TutorLink).where(TutorLink.token_hash == _digest(token)))
    if link is None:
        record_wrong_token()
        return None
    placement = db.session.get(Placement, link.placement_id)
    refused = (
        "used"
        if link.used_at is not None
        else "expired"
        if today > link_expires_on(placement)
        else None
    )
    return Opened(link, placement, refused)


def audit_opened(opened: Opened) -> None:
    """The trainee sees in "who saw my data" that the tutor's link was opened."""
    audit_read(None, "placement_link_opened", trainee_of(opened.placement))


def submit(opened: Opened, client_id: str, ratings: dict, tasks_done: list, comment: str) -> bool:
    """Store the tutor's evaluation and spend the link, at once: True if this call did it."""
    spent = db.session.execute(
        sa.update(TutorLink)
        .where(TutorLink.id == opened.link.id, TutorLink.used_at.is_(None))
        .values(used_at=utcnow())
    ).rowcount
    if not spent:
        db.session.rollback()
        return False
    db.session.execute(sa.delete(Evaluation).where(Evaluation.placement_id == opened.placement.id))
    db.session.add(
        Evaluation(
            placement_id=opened.placement.id,
            client_id=client_id,
            tasks_done=tasks_done,
            comment=comment,
            **ratings,
        )
    )
    audit(None, "placement_evaluated", trainee_of(opened.placement))
    db.session.commit()
    return True


def same_sending(opened: Opened, client_id: str) -> bool:
    """The tutor's own form sent again (a double tap): it was stored, say thanks again."""
    evaluation = evaluation_of(opened.placement)
    return evaluation is not None and evaluation.client_id == client_id


# --- staff screens --------------------------------------------------------------------------


def _entries(rows) -> list[Entry]:
    rows = list(rows)
    ids = [placement.id for placement, _trainee in rows]
    evaluations, reviews = {}, {}
    if ids:
        evaluations = {
            e.placement_id: e
            for e in db.session.scalars(
                sa.select(Evaluation).where(Evaluation.placement_id.in_(ids))
            )
        }
        reviews = {
            r.placement_id: r
            for r in db.session.scalars(
                sa.select(Review).where(Review.placement_id.in_(ids), Review.shared.is_(True))
            )
        }
    return [
        Entry(placement, trainee, evaluations.get(placement.id), reviews.get(placement.id))
        for placement, trainee in rows
    ]


def group_entries(group: Group) -> list[Entry]:
    """Every placement of the group's trainees now, latest first."""
    trainees = sa.select(group_membership.c.user_id).where(group_membership.c.group_id == group.id)
    return _entries(
        db.session.execute(
            sa.select(Placement, User)
            .join(User, User.id == Placement.user_id)
            .where(Placement.user_id.in_(trainees), User.role == Role.TRAINEE)
            .order_by(Placement.starts_on.desc(), User.display_name)
        ).tuples()
    )


def audit_group(staff: User, entries: list[Entry]) -> None:
    audit_reads(staff, "placements_group_viewed", [entry.trainee for entry in entries])


def poor_in(group: Group, now=None) -> list[Entry]:
    """The group's placements whose evaluation is poor, evaluated in the last POOR_DAYS: the
    teacher's Today shows them (two queries)."""
    since = (now or utcnow()) - timedelta(days=POOR_DAYS)
    trainees = sa.select(group_membership.c.user_id).where(group_membership.c.group_id == group.id)
    lowest = sum(sa.cast(getattr(Evaluation, key) == 1, sa.Integer) for key in CRITERIA)
    return _entries(
        db.session.execute(
            sa.select(Placement, User)
            .join(User, User.id == Placement.user_id)
            .join(Evaluation, Evaluation.placement_id == Placement.id)
            .where(
                Placement.user_id.in_(trainees),
                User.role == Role.TRAINEE,
                Evaluation.created_at >= since,
                lowest >= POOR_AT,
            )
            .order_by(Evaluation.created_at.desc())
        ).tuples()
    )


# --- export and erasure ---------------------------------------------------------------------


def export_for(user: User) -> list[dict]:
    """Every placement of user, with the tutor's evaluation and the trainee's review."""
    result = []
    for placement in placements_of(user):
        evaluation, review = evaluation_of(placement), review_of(placement)
        result.append(
            {
                "company": placement.company,
                "place": placement.place,
                "tutor": placement.tutor_name,
                "tutor_phone": placement.tutor_phone,
                "tutor_email": placement.tutor_email,
                "starts_on": placement.starts_on.isoformat(),
                "ends_on": placement.ends_on.isoformat(),
                "hours_per_week": placement.hours_per_week,
                "tasks": placement.tasks,
                "evaluation": None
                if evaluation is None
                else {
                    **{key: getattr(evaluation, key) for key in CRITERIA},
                    "tasks_done": list(evaluation.tasks_done or []),
                    "comment": evaluation.comment,
                    "at": as_utc(evaluation.created_at).isoformat(),
                },
                "review": None
                if review is None
                else {
                    "what_i_did": review.did,
                    "what_i_learned": review.learned,
                    "what_was_hard": review.hard,
                    "shared": review.shared,
                },
            }
        )
    return result


def erase_user(user_id: int) -> None:
    """Remove the trainee's placements and all that hangs on them (no commit: privacy commits)."""
    placements = sa.select(Placement.id).where(Placement.user_id == user_id)
    for model in (TutorLink, Evaluation, Review):
        db.session.execute(sa.delete(model).where(model.placement_id.in_(placements)))
    db.session.execute(sa.delete(Placement).where(Placement.user_id == user_id))
