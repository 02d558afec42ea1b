"""Demo data: a site, a group, staff and five trainees with some history, loaded once.

The passphrases are public (printed by `make run`): demo data is for trying the app, never for
real people.
"""

import random
from datetime import date, time, timedelta

import sqlalchemy as sa

from webapp.accounts import passphrases
from webapp.accounts.models import Group, Role, Site, User
from webapp.budget import services as budget_services
from webapp.core import grading
from webapp.core.themes import THEME_NAMES
from webapp.core.time import utcnow
from webapp.dashboard import services as dashboard_services
from webapp.extensions import db
from webapp.journal import services as journal_services
from webapp.lessons import services as lesson_services
from webapp.privacy.services import audit
from webapp.revision import services as revision_services
from webapp.revision.models import Question
from webapp.steps import services as step_services
from webapp.week import attendance as week_attendance
from webapp.week import services as week_services

# username, display name, role, passphrase
ACCOUNTS = [
    ("admin", "Claire Moreau", "admin", "phare-citron-valise"),
    ("prof", "Karim Haddad", "teacher", "tomate-piano-nuage"),
    ("benevole", "Julie Laurent", "volunteer", "velo-orange-montagne"),
    ("samir.b", "Samir Benali", "trainee", "soleil-cafe-jardin"),
    ("fatou.d", "Fatou Diallo", "trainee", "pomme-riviere-bateau"),
    ("kevin.m", "Kevin Martin", "trainee", "lapin-fenetre-sucre"),
    ("nadia.k", "Nadia Kaci", "trainee", "carotte-lune-table"),
    ("olek.w", "Olek Wisniewski", "trainee", "chaise-poisson-vert"),
]
# Days since each trainee last used the app, so the teacher sees a living group.
LAST_SEEN_DAYS_AGO = {"samir.b": 0, "fatou.d": 1, "kevin.m": 9, "nadia.k": 3, "olek.w": 0}


def load():
    """Load the demo once; return the accounts created, or None if the demo was there."""
    if db.session.scalar(sa.select(Site.id).where(Site.name == "Paris 11e")) is not None:
        return None
    today = date.today()
    site = Site(name="Paris 11e")
    group = Group(
        site=site,
        name="Agents de restauration 2026",
        starts_on=today - timedelta(days=60),
        ends_on=today + timedelta(days=240),
    )
    db.session.add_all([site, group])
    users = {}
    for username, name, role, phrase in ACCOUNTS:
        user = User(
            username=username,
            display_name=name,
            role=Role(role),
            site=site,
            password_hash=passphrases.hash_passphrase(phrase),
            locale="ar" if username == "nadia.k" else None,
        )
        if role != "admin":
            user.groups.append(group)
        if username in LAST_SEEN_DAYS_AGO:
            user.last_seen_on = today - timedelta(days=LAST_SEEN_DAYS_AGO[username])
        db.session.add(user)
        users[username] = user
    db.session.flush()
    for username in LAST_SEEN_DAYS_AGO:
        audit(users["prof"], "trainee_created", users[username], f"group={group.id}")
    # Kevin forgot his passphrase once; the teacher gave him a reset code.
    audit(users["prof"], "reset_code_issued", users["kevin.m"])
    db.session.commit()
    _lesson_activity(users)
    _revision_activity(users)
    _budget_activity(users)
    _journal_activity(users)
    _steps_activity(users, today)
    _assignments(users, group)
    _week(users, group, today)
    return ACCOUNTS


def _week(users, group, today: date) -> None:
    """Six weeks of alternance around today (workshop Monday and Tuesday, training centre
    Wednesday and Thursday: 26 hours), attendance for the past ones (Kevin missed three in a
    row, so Today flags him), and a probation appointment for Samir."""
    monday = today - timedelta(days=today.weekday())
    first, last = monday - timedelta(days=14), monday + timedelta(days=27)
    for kind, place, days, starts, ends in (
        ("workshop", "Atelier Passerelle, Paris 11e", {0, 1}, time(9), time(16)),
        ("centre", "GRETA, 75011 Paris", {2, 3}, time(9), time(15)),
    ):
        week_services.add_pattern(
            users["prof"],
            group,
            f"demo-week-{kind}",
            kind=kind,
            place=place,
            note_text="",
            first=first,
            last=last,
            weekdays=days,
            starts=starts,
            ends=ends,
        )
    trainees = [u for u in users.values() if u.role is Role.TRAINEE]
    past = week_services.group_sessions([group.id], first, today - timedelta(days=1))
    for number, session in enumerate(past):
        marks = {u.id: "present" for u in trainees}
        if number >= len(past) - 3:
            marks[users["kevin.m"].id] = "absent"
        week_attendance.mark(users["prof"], session, marks, set(marks))
    week_services.add_appointment(
        users["samir.b"],
        "demo-week-spip",
        week_services.Plan(
            "spip",
            today + timedelta(days=2),
            time(10, 30),
            place="SPIP de Paris",
            bring="Carte d'identité, attestation de stage",
            remind_minutes=1440,
        ),
    )


# How many lessons each trainee has finished, and whether they are halfway through the next.
LESSONS_DONE = {
    "samir.b": (3, True),
    "fatou.d": (5, False),
    "kevin.m": (1, True),
    "nadia.k": (2, True),
    "olek.w": (0, True),
}


def _lesson_activity(users) -> None:
    """Answers to the first lessons, some wrong at first, so progress and scores look real."""
    lessons, _progress = lesson_services.catalogue(users["samir.b"])
    for username, (done, halfway) in LESSONS_DONE.items():
        for number, lesson in enumerate(lessons[: done + int(halfway)]):
            lesson = lesson_services.get_lesson(lesson.id)
            items = lesson.content["exercises"]
            if number == done:  # the lesson in progress: half of it answered
                items = items[: len(items) // 2]
            for index, item in enumerate(items):
                answer = grading.expected(item)
                if (index + len(username)) % 4 == 0 and item["type"] in ("single", "listen"):
                    wrong = [choice for choice in item["choices"] if choice != item["answer"]]
                    lesson_services.record_answer(
                        users[username],
                        lesson,
                        item,
                        wrong[:1],
                        f"demo-{username}-{lesson.id}-{index}-x",
                    )
                lesson_services.record_answer(
                    users[username], lesson, item, answer, f"demo-{username}-{lesson.id}-{index}"
                )


# Days of revision each trainee did over the last three weeks, and their mock exam (right answers
# out of 20; None: none yet).
REVISION_DAYS = {
    "samir.b": (12, 14),
    "fatou.d": (18, 17),
    "kevin.m": (3, 7),
    "nadia.k": (8, None),
    "olek.w": (0, None),
}


def _revision_activity(users) -> None:
    """Reviews spread over past days (mostly right), so mastery bars and exams have content."""
    questions = list(db.session.scalars(sa.select(Question).order_by(Question.id)))
    if not questions:
        return
    now = utcnow()
    for username, (days, exam_score) in REVISION_DAYS.items():
        user = users[username]
        rng = random.Random(username)
        pool = rng.sample(questions, min(len(questions), 40))
        for day in range(days):
            when = now - timedelta(days=21 - day)
            for number, question in enumerate(pool[day % 4 * 10 : day % 4 * 10 + 6]):
                right = rng.random() < 0.8
                answer = grading.expected(question.content) if right else ["?"]
                revision_services.answer(
                    user,
                    question,
                    answer,
                    f"demo-{username}-{day}-{number}",
                    "review",
                    12,
                    False,
                    when,
                )
        if exam_score is not None:
            exam = revision_services.start_exam(user, f"demo-exam-{username}")
            exam_questions = revision_services.exam_questions(exam)
            answers = {
                q.id: grading.expected(q.content) if index * 7 % 20 < exam_score else ["?"]
                for index, q in enumerate(sorted(exam_questions, key=lambda q: q.id))
            }
            revision_services.finish_exam(exam, answers, now - timedelta(days=2))


def _budget_activity(users) -> None:
    """Samir and Fatou have set up their month: pay, benefits, rent, phone and some shopping."""
    today = date.today()
    for username, salary, rent in (("samir.b", 105000, 45000), ("fatou.d", 98000, 38000)):
        user = users[username]
        budget_services.add_recurring(user, True, salary, 5, "salary", "", today)
        budget_services.add_recurring(user, True, 18000, 6, "activity", "", today)
        budget_services.add_recurring(user, False, rent, 1, "rent", "", today)
        budget_services.add_recurring(user, False, 1599, 10, "phone", "", today)
        budget_services.add_recurring(user, False, 4320, 3, "transport", "Navigo", today)
        for offset, (cents, category) in enumerate(
            [(2340, "food"), (1250, "food"), (3500, "clothes"), (800, "leisure"), (4120, "food")]
        ):
            day = today - timedelta(days=offset * 3)
            if day.month == today.month:
                budget_services.add_entry(
                    user, f"demo-{username}-b{offset}", False, cents, day, category, ""
                )


def _journal_activity(users) -> None:
    """Goals, a few journal days (one shared, with a comment), and the entry self-assessment."""
    today = date.today()
    samir = users["samir.b"]
    goal = journal_services.create_goal(
        samir,
        "demo-goal-bank",
        "Ouvrir un compte bancaire",
        ["rights", "budget"],
        "Pour recevoir mon salaire.",
        None,
        ["Prendre rendez-vous", "Apporter ma pièce d'identité"],
    )
    goal.steps[0].done, goal.status = True, "doing"
    journal_services.set_shared(goal, True)
    for offset, (mood, text) in enumerate(
        [
            (4, "Bonne journée en cuisine."),
            (2, "Fatigué. Dur de dormir."),
            (5, "J'ai réussi le service du midi !"),
        ]
    ):
        entry = journal_services.write_entry(
            samir, f"demo-journal-{offset}", today - timedelta(days=offset * 2), mood, text, None
        )
        if offset == 2:
            journal_services.set_shared(entry, True)
            journal_services.add_comment(
                users["prof"], samir, "entry", entry.id, "Bravo ! On en parle jeudi ?"
            )
    for number, username in enumerate(LAST_SEEN_DAYS_AGO):
        ratings = {theme: 1 + (number + index) % 4 for index, theme in enumerate(THEME_NAMES)}
        journal_services.save_assessment(
            users[username],
            f"demo-assessment-{username}",
            "entry",
            ratings,
            {},
            username == "samir.b",
        )


def _assignments(users, group) -> None:
    """The teacher gave the group the first French module and some hygiene practice."""
    today = date.today()
    dashboard_services.assign(
        users["prof"],
        group,
        "demo-assign-fle",
        "module",
        "fle-a1",
        today + timedelta(days=14),
        "À votre rythme, une leçon par jour.",
        [],
    )
    dashboard_services.assign(
        users["prof"],
        group,
        "demo-assign-hygiene",
        "practice",
        "hygiene",
        today - timedelta(days=2),
        "Avant le stage en cuisine.",
        [],
    )


def _steps_activity(users, today: date) -> None:
    """Samir and Fatou started their steps after release; each shares one that waits."""
    if not step_services.current_steps():  # `flask steps load` has not run: nothing to tick
        return
    samir, fatou = users["samir.b"], users["fatou.d"]
    for step_id in ("carte-identite", "france-travail"):
        step_services.tick(samir, step_id, True, today - timedelta(days=20))
    step_services.set_status(
        samir,
        "logement",
        note_text="Dossier SIAO fait avec l'assistante sociale",
        waiting_since=today - timedelta(days=24),
        remind_on=today + timedelta(days=2),
    )
    step_services.set_shared(samir, "logement", True)
    step_services.set_status(
        fatou,
        "carte-vitale",
        note_text="Formulaire envoyé à la CPAM",
        waiting_since=today - timedelta(days=9),
        remind_on=None,
    )
    step_services.set_shared(fatou, "carte-vitale", True)
