"""Rules for the career pages: the CV built from what the app knows and what the trainee wrote,
earlier jobs, applications (private; shared one by one), My week's next actions, export and
erasure. Revision is read only through its services (mastery, mock exams)."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from webapp.accounts import services as accounts
from webapp.career import cv, rules
from webapp.career.models import Application, CvProfile, EarlierJob
from webapp.core import titles
from webapp.core.errors import NotYours
from webapp.core.outbox import note
from webapp.core.records import already_sent, save_once
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.placements import services as placement_services
from webapp.revision import services as revision

PROFILE_FIELDS = (
    "full_name",
    "phone",
    "email",
    "town",
    "summary",
    "employer",
    "job",
    "show_title",
    "languages",
    "licence",
    "qualities",
    "gap",
    "layout",
)


# --- the CV ---------------------------------------------------------------------------------


def profile_for(user) -> CvProfile:
    """The trainee's CV profile, or a first draft from what the app knows (not saved: a GET
    never writes)."""
    found = db.session.get(CvProfile, user.id)
    if found is not None:
        return found
    code = revision.title_codes([user.id])[user.id]
    return CvProfile(
        user_id=user.id,
        full_name=user.display_name,
        phone="",
        email="",
        town="",
        summary="",
        employer=current_app.config.get("WORKSHOP_EMPLOYER", ""),
        job=titles.title(code).name,
        show_title=True,
        languages="Français",
        licence="none",
        qualities="",
        gap="",
        layout="classic",
    )


def save_profile(user, _again: bool = True, **values) -> CvProfile:
    """Set every value the form sends; the same values sent again change nothing."""
    row = db.session.get(CvProfile, user.id)
    if row is not None and all(getattr(row, key) == value for key, value in values.items()):
        note("duplicate")
        return row
    if row is None:
        row = profile_for(user)
        db.session.add(row)
    for key, value in values.items():
        if key in PROFILE_FIELDS:
            setattr(row, key, value)
    row.updated_at = utcnow()
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same first save arrived twice at once: the other won
        db.session.rollback()
        if not _again:
            raise
        return save_profile(user, _again=False, **values)
    note("stored")
    return row


def earlier_jobs(user) -> list[EarlierJob]:
    return list(
        db.session.scalars(
            sa.select(EarlierJob)
            .where(EarlierJob.user_id == user.id)
            .order_by(EarlierJob.from_year.desc(), EarlierJob.id.desc())
        )
    )


def add_job(user, client_id: str, **values) -> EarlierJob:
    """Add an earlier job once per client id (a double tap adds one)."""
    if done := already_sent(EarlierJob, client_id, user):
        return done
    row = EarlierJob(user_id=user.id, client_id=client_id, **values)
    return save_once(row, EarlierJob, client_id)


def delete_job(user, job_id: int) -> None:
    row = db.session.get(EarlierJob, job_id)
    if row is None or row.user_id != user.id:
        raise NotYours
    db.session.delete(row)
    db.session.commit()


def mastered(user) -> tuple[str, ...]:
    """The competencies of the trainee's title mastered in revision or shown in mock exams."""
    found = revision.mastery([user.id])[user.id]
    exams = [exam.per_ccp or {} for exam in revision.exams_of([user.id])[user.id]]
    return cv.mastered_competencies(found["title"], found["competencies"], exams)


def _workshop_dates(user) -> tuple[date, date] | None:
    groups = sorted(user.groups, key=lambda group: group.starts_on)
    return (groups[-1].starts_on, groups[-1].ends_on) if groups else None


def placement_experiences(placements: list[dict], today: date) -> list[cv.Experience]:
    """HOOK for placements (the lead wires it at merge from placements.services): each
    placement as a CV line. A placement is a dict: company, starts_on and ends_on (dates),
    tasks (a list of short French phrases), and optionally job and place."""
    found = []
    for item in sorted(placements, key=lambda p: p["starts_on"], reverse=True):
        found.append(
            cv.Experience(
                when=cv.period(item["starts_on"], item.get("ends_on"), today),
                job=item.get("job") or "Stage en entreprise",
                employer=item["company"],
                place=item.get("place", ""),
                tasks=tuple(task for task in item.get("tasks", ()) if task),
            )
        )
    return found


def build_cv(user, today: date, placements: list[dict] | None = None) -> cv.Cv:
    """The CV as the trainee will print it: their words, the workshop by its employer and job,
    the title and its mastered competencies, placements (the ones recorded by their teachers,
    unless given), then earlier jobs."""
    if placements is None:
        placements = placement_services.cv_lines(user, today)
    profile = profile_for(user)
    code = revision.title_codes([user.id])[user.id]
    experiences = []
    dates = _workshop_dates(user)
    if dates and profile.job:
        experiences.append(
            cv.Experience(
                when=cv.period(dates[0], dates[1], today),
                job=profile.job,
                employer=profile.employer,
            )
        )
    experiences += placement_experiences(list(placements), today)
    experiences += [
        cv.Experience(
            when=cv.years(job.from_year, job.to_year),
            job=job.job,
            employer=job.employer,
            place=job.place,
            tasks=cv.items(job.tasks),
        )
        for job in earlier_jobs(user)
    ]
    return cv.Cv(
        name=profile.full_name or user.display_name,
        contact=tuple(part for part in (profile.town, profile.phone, profile.email) if part),
        summary=profile.summary,
        title=cv.title_line(code) if profile.show_title else "",
        competencies=mastered(user) if profile.show_title else (),
        experiences=tuple(experiences),
        languages=cv.items(profile.languages),
        licence=cv.LICENCES.get(profile.licence, ""),
        qualities=cv.items(profile.qualities),
        gap=profile.gap,
        layout=profile.layout if profile.layout in cv.LAYOUTS else "classic",
    )


# --- applications ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A next action on an application, for My week."""

    application_id: int
    company: str
    what: str
    on: date


def applications(user) -> list[Application]:
    """Newest first: those with a next action soonest, then the others."""
    return list(
        db.session.scalars(
            sa.select(Application)
            .where(Application.user_id == user.id)
            .order_by(Application.next_on.is_(None), Application.next_on, Application.id.desc())
        )
    )


def own_application(user, application_id: int) -> Application:
    row = db.session.get(Application, application_id)
    if row is None or row.user_id != user.id:
        raise NotYours
    return row


def add_application(user, client_id: str, **values) -> Application:
    """Record an application once per client id (an offline replay adds nothing)."""
    if done := already_sent(Application, client_id, user):
        return done
    row = Application(user_id=user.id, client_id=client_id, shared=False, **values)
    return save_once(row, Application, client_id)


def change_application(row: Application, **values) -> None:
    for key, value in values.items():
        setattr(row, key, value)
    db.session.commit()
    note("stored")


def readers(user) -> list:
    """Who is told the count of the applications this trainee shares: the teachers of their
    groups, now."""
    return accounts.teachers_of_trainee(user)


def set_shared(row: Application, shared: bool) -> None:
    row.shared = shared
    db.session.commit()


def delete_application(user, application_id: int) -> None:
    db.session.delete(own_application(user, application_id))
    db.session.commit()


def actions_between(user, first: date, last: date) -> list[Action]:
    """The next actions this trainee dated between first and last (inclusive), soonest first:
    what My week shows (one query)."""
    rows = db.session.execute(
        sa.select(Application.id, Application.company, Application.next_action, Application.next_on)
        .where(
            Application.user_id == user.id,
            Application.next_on.is_not(None),
            Application.next_on >= first,
            Application.next_on <= last,
        )
        .order_by(Application.next_on, Application.id)
    )
    return [Action(row_id, company, what, on) for row_id, company, what, on in rows]


def shared_in_progress(trainee_ids: list[int]) -> dict[int, int]:
    """For staff (the caller checked the group is theirs now and audits the read): per trainee,
    how many applications in progress they chose to share. Nothing else of an application
    leaves this feature: no company, no notes (one query)."""
    found = dict.fromkeys(trainee_ids, 0)
    if trainee_ids:
        for user_id, count in db.session.execute(
            sa.select(Application.user_id, sa.func.count())
            .where(
                Application.user_id.in_(trainee_ids),
                Application.shared.is_(True),
                Application.status.in_(rules.IN_PROGRESS),
            )
            .group_by(Application.user_id)
        ):
            found[user_id] = count
    return found


# --- data rights ----------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_for(user) -> dict:
    """Everything the career pages hold about user, as plain values (for "My data")."""
    profile = db.session.get(CvProfile, user.id)
    return {
        "cv": {key: getattr(profile, key) for key in PROFILE_FIELDS} if profile else None,
        "earlier_jobs": [
            {
                "job": job.job,
                "employer": job.employer,
                "place": job.place,
                "from_year": job.from_year,
                "to_year": job.to_year,
                "tasks": job.tasks,
            }
            for job in earlier_jobs(user)
        ],
        "applications": [
            {
                "company": row.company,
                "job": row.job,
                "seen_where": row.seen_where,
                "sent_on": _iso(row.sent_on),
                "status": row.status,
                "next_action": row.next_action,
                "next_on": _iso(row.next_on),
                "notes": row.notes,
                "shared": row.shared,
                "created_at": _iso(row.created_at),
            }
            for row in applications(user)
        ],
    }


def erase_user(user_id: int) -> None:
    """Remove the trainee's CV, earlier jobs and applications (no commit: privacy commits)."""
    for model in (Application, EarlierJob, CvProfile):
        db.session.execute(sa.delete(model).where(model.user_id == user_id))
