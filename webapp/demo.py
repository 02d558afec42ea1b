"""Demo data: a site, a group, staff and five trainees with some history, loaded once.

The passphrases are public (printed by `make run`): demo data is for trying the app, never for
real people.
"""

from datetime import date, timedelta

import sqlalchemy as sa

from webapp.accounts import passphrases
from webapp.accounts.models import Group, Role, Site, User
from webapp.core import grading
from webapp.extensions import db
from webapp.lessons import services as lesson_services
from webapp.privacy.services import audit

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
    group = Group(site=site, name="Agents de restauration 2026",
                  starts_on=today - timedelta(days=60), ends_on=today + timedelta(days=240))
    db.session.add_all([site, group])
    users = {}
    for username, name, role, phrase in ACCOUNTS:
        user = User(username=username, display_name=name, role=Role(role), site=site,
                    password_hash=passphrases.hash_passphrase(phrase),
                    locale="ar" if username == "nadia.k" else None)
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
    return ACCOUNTS


# How many lessons each trainee has finished, and whether they are halfway through the next.
LESSONS_DONE = {"samir.b": (3, True), "fatou.d": (5, False), "kevin.m": (1, True),
                "nadia.k": (2, True), "olek.w": (0, True)}


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
                    lesson_services.record_answer(users[username], lesson, item, wrong[:1],
                                                  f"demo-{username}-{lesson.id}-{index}-x")
                lesson_services.record_answer(users[username], lesson, item, answer,
                                              f"demo-{username}-{lesson.id}-{index}")
