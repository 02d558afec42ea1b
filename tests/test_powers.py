"""Stale staff powers, second pass (issue 11, hole 2): client ids scoped to (user, action,
target group) and expiring, live hosting and lesson assignments checked against the staff
member's *current* attachments at the moment of use."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.test_lessons import lessons  # noqa: F401  (fixture: the test lessons, loaded)
from webapp.accounts.models import Group, Role, User
from webapp.accounts.services import set_attachment
from webapp.core.models import ProcessedRequest
from webapp.core.time import utcnow
from webapp.dashboard import services as dashboard
from webapp.dashboard.models import Assignment
from webapp.extensions import db
from webapp.lessons.forms import STARTER
from webapp.live.models import LiveSession

EN = {"Accept-Language": "en"}


def _detach(person, group):
    """The admin detaches a staff member from a group (through the real service)."""
    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))
    set_attachment(
        admin, db.session.get(Group, group.id), db.session.get(User, person.id), attach=False
    )


@pytest.fixture
def staffroom(app, make_group, make_user, login):
    """Group A has two teachers (Karim, Lea); Karim also teaches group B; an admin."""
    group_a, group_b = make_group(), make_group()
    karim = make_user(Role.TEACHER, group=group_a, display_name="Karim Haddad")
    group_b.members.append(karim)
    lea = make_user(Role.TEACHER, group=group_a, display_name="Lea Martin")
    trainee_a = make_user(group=group_a, display_name="Samir Benali")
    trainee_b = make_user(group=group_b, display_name="Nadia Kaci")
    make_user(Role.ADMIN)
    db.session.commit()
    phones = {}
    for name, user in (("karim", karim), ("lea", lea), ("samir", trainee_a), ("nadia", trainee_b)):
        phones[name] = app.test_client()
        login(user, http=phones[name])
    return {
        "a": group_a,
        "b": group_b,
        "karim": karim,
        "lea": lea,
        "samir": trainee_a,
        "nadia": trainee_b,
        **{f"{name}_http": http for name, http in phones.items()},
    }


def _assign(http, group, client_id, target="module:fle-a1", message=""):
    return http.post(
        f"/dashboard/groups/{group.id}/assign",
        headers=EN,
        data={"target": target, "client_id": client_id, "message": message},
    )


def _assignments():
    return list(db.session.scalars(sa.select(Assignment).order_by(Assignment.id)))


# --- assignment client ids ------------------------------------------------------------------


def test_a_co_teachers_replayed_assign_id_never_returns_the_first_teachers_row(staffroom):
    """The attack: Lea replays Karim's client id: she must get her own new assignment."""
    group_a = staffroom["a"]
    assert (
        _assign(staffroom["karim_http"], group_a, "shared-id", message="Karim").status_code == 303
    )
    karims = _assignments()[0]
    assert (
        _assign(
            staffroom["lea_http"], group_a, "shared-id", target="practice:2", message="Lea"
        ).status_code
        == 303
    )
    rows = _assignments()
    assert len(rows) == 2
    leas = rows[1]
    assert (leas.created_by, leas.kind, leas.message) == (staffroom["lea"].id, "practice", "Lea")
    db.session.refresh(karims)
    assert (karims.created_by, karims.message) == (staffroom["karim"].id, "Karim")
    # At service level too: the row returned is never someone else's.
    lea = db.session.get(User, staffroom["lea"].id)
    again = dashboard.assign(
        lea, db.session.get(Group, group_a.id), "shared-id", "module", "fle-a1", None, "", []
    )
    assert again.id == leas.id and again.created_by == lea.id
    # The raw id is stored nowhere anyone could look it up.
    assert all(row.client_id != "shared-id" for row in rows)
    assert db.session.get(ProcessedRequest, "shared-id") is None


def test_an_assign_id_replayed_on_another_group_is_a_new_assignment(staffroom):
    _assign(staffroom["karim_http"], staffroom["a"], "same-id", message="for A")
    _assign(staffroom["karim_http"], staffroom["b"], "same-id", message="for B")
    rows = _assignments()
    assert [(row.group_id, row.message) for row in rows] == [
        (staffroom["a"].id, "for A"),
        (staffroom["b"].id, "for B"),
    ]
    assert "for B" in staffroom["nadia_http"].get("/").text
    # A double tap on the same form still assigns once.
    _assign(staffroom["karim_http"], staffroom["b"], "same-id", message="for B")
    assert len(_assignments()) == 2


def test_assign_ids_expire_after_a_day(staffroom):
    _assign(staffroom["karim_http"], staffroom["a"], "old-id", message="first")
    db.session.execute(
        sa.update(ProcessedRequest).values(created_at=utcnow() - timedelta(hours=25))
    )
    db.session.commit()
    _assign(staffroom["karim_http"], staffroom["a"], "old-id", message="second")
    assert [row.message for row in _assignments()] == ["first", "second"]


# --- live session client ids ----------------------------------------------------------------


def _new_session(http, group, client_id):
    return http.post(
        "/live/new",
        data={
            "group_id": group.id if group else 0,
            "scopes": ["1"],
            "count": 2,
            "time_limit": 0,
            "client_id": client_id,
        },
    )


def test_a_replayed_live_client_id_never_reveals_another_hosts_session(staffroom, bank):
    first = _new_session(staffroom["karim_http"], staffroom["a"], "room-id")
    karims = db.session.scalar(sa.select(LiveSession))
    assert first.headers["Location"].endswith(f"/live/{karims.code}/host")
    replay = _new_session(staffroom["lea_http"], staffroom["a"], "room-id")
    assert replay.status_code == 303 and karims.code not in replay.headers["Location"]
    sessions = list(db.session.scalars(sa.select(LiveSession).order_by(LiveSession.id)))
    assert [s.host_id for s in sessions] == [staffroom["karim"].id, staffroom["lea"].id]
    assert all(s.client_id != "room-id" for s in sessions)
    # The same host on another group's form: a new session too.
    other = _new_session(staffroom["karim_http"], staffroom["b"], "room-id")
    assert karims.code not in other.headers["Location"]
    # A double tap on the same form creates once.
    twice = _new_session(staffroom["karim_http"], staffroom["a"], "room-id")
    assert twice.headers["Location"] == first.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LiveSession)) == 3


# --- hosting a live session after being detached --------------------------------------------


@pytest.fixture
def hosted(app, staffroom, make_user, login, bank):
    """A volunteer of group A hosts a session for it; Samir plays under a nickname."""
    volunteer = make_user(Role.VOLUNTEER, group=staffroom["a"])
    host = app.test_client()
    login(volunteer, http=host)
    _new_session(host, staffroom["a"], "hosted")
    live = db.session.scalar(sa.select(LiveSession))
    staffroom["samir_http"].post(f"/join/{live.code}", data={"nickname": "Chef Sam"})
    return {**staffroom, "volunteer": volunteer, "host": host, "live": live}


def test_a_detached_volunteer_can_no_longer_host_their_old_session(hosted):
    live, host = hosted["live"], hosted["host"]
    assert host.get(f"/live/{live.code}/host").status_code == 200
    _detach(hosted["volunteer"], hosted["a"])
    assert host.get(f"/live/{live.code}/host").status_code == 404
    assert host.get(f"/live/{live.code}/results").status_code == 404
    for _ in range(3):  # next question, reveal, end: nothing moves
        assert (
            host.post(f"/live/{live.code}/advance", data={"version": live.version}).status_code
            == 404
        )
    db.session.refresh(live)
    assert (live.phase, live.version) == ("lobby", 1)
    # Nor is it listed among their sessions any more.
    assert live.code not in host.get("/live").text


def test_a_detached_teacher_loses_hosting_and_real_names(hosted):
    live, karim = hosted["live"], hosted["karim_http"]
    assert "Samir Benali" in karim.get(f"/live/{live.code}/results").text
    _detach(hosted["karim"], hosted["a"])
    assert karim.get(f"/live/{live.code}/results").status_code == 404
    assert karim.get(f"/live/{live.code}/host").status_code == 404
    assert karim.post(f"/live/{live.code}/advance", data={"version": 1}).status_code == 404
    assert live.code not in karim.get("/live").text


def test_a_session_karim_hosts_himself_is_lost_with_its_group(staffroom, bank):
    karim = staffroom["karim_http"]
    _new_session(karim, staffroom["a"], "own")
    live = db.session.scalar(sa.select(LiveSession))
    _detach(staffroom["karim"], staffroom["a"])
    assert karim.get(f"/live/{live.code}/host").status_code == 404
    assert karim.post(f"/live/{live.code}/advance", data={"version": 1}).status_code == 404


def test_an_open_session_stays_its_hosts_only(app, hosted, make_user, login):
    """No group: only its host runs it, attached to any group or none."""
    host = hosted["host"]
    _new_session(host, None, "open")
    live = db.session.scalar(sa.select(LiveSession).where(LiveSession.group_id.is_(None)))
    _detach(hosted["volunteer"], hosted["a"])
    assert host.get(f"/live/{live.code}/host").status_code == 200
    assert hosted["karim_http"].get(f"/live/{live.code}/host").status_code == 404


# --- assigning a co-teacher's lesson --------------------------------------------------------


@pytest.fixture
def leas_lesson(staffroom, lessons):  # noqa: F811
    """Lea (group A only) writes a lesson: group A's trainees read it, group B's do not."""
    assert staffroom["lea_http"].post("/lessons/new", data={"source": STARTER}).status_code == 303
    assert staffroom["nadia_http"].get("/lessons/app-ma-lecon").status_code == 404
    return "app-ma-lecon"


def test_a_co_teachers_lesson_cannot_go_to_a_group_that_cannot_read_it(staffroom, leas_lesson):
    karim = staffroom["karim_http"]
    form_b = karim.get(f"/dashboard/groups/{staffroom['b'].id}/assign").text
    assert f"lesson:{leas_lesson}" not in form_b
    form_a = karim.get(f"/dashboard/groups/{staffroom['a'].id}/assign").text
    assert f"lesson:{leas_lesson}" in form_a
    refused = _assign(karim, staffroom["b"], "leak", target=f"lesson:{leas_lesson}")
    assert refused.status_code == 200 and 'id="target-error"' in refused.text
    assert _assignments() == []
    # Group A may have it.
    assert _assign(karim, staffroom["a"], "fine", target=f"lesson:{leas_lesson}").status_code == 303
    # The rule holds in the service itself, with a clear reason.
    with pytest.raises(dashboard.Unreadable):
        dashboard.assign(
            db.session.get(User, staffroom["karim"].id),
            db.session.get(Group, staffroom["b"].id),
            "svc",
            "lesson",
            leas_lesson,
            None,
            "",
            [],
        )
    assert len(_assignments()) == 1


def test_a_lesson_whose_author_left_the_group_leaves_the_trainees_list(staffroom, leas_lesson):
    _assign(
        staffroom["karim_http"],
        staffroom["a"],
        "given",
        target=f"lesson:{leas_lesson}",
        message="Lisez la leçon de Lea",
    )
    assert "Lisez la leçon de Lea" in staffroom["samir_http"].get("/").text
    _detach(staffroom["lea"], staffroom["a"])
    home = staffroom["samir_http"].get("/").text
    assert "Lisez la leçon de Lea" not in home and leas_lesson not in home


# --- client ids the app makes itself cannot be taken by someone else ------------------------


def test_a_trainee_cannot_squat_anothers_recurring_line_id(app, staffroom):
    """The attack: Nadia guesses Samir's recurring line id ("rec-<item>-<month>") and sends an
    entry with it first; Samir's line must still be written when he stops the item."""
    from datetime import date

    from webapp.budget.models import Entry, RecurringItem

    samir = staffroom["samir_http"]
    samir.post(
        "/budget/recurring",
        data={"amount": "400", "kind": "expense", "category": "rent", "day_of_month": "1"},
    )
    item = db.session.scalar(sa.select(RecurringItem))
    today = date.today()
    staffroom["nadia_http"].post(
        "/budget/entries",
        data={
            "amount": "1",
            "category": "food",
            "kind": "expense",
            "day": today.isoformat(),
            "client_id": f"rec-{item.id}-{today:%Y-%m}",
        },
    )
    assert samir.post(f"/budget/recurring/{item.id}/stop").status_code == 303
    samirs = list(db.session.scalars(sa.select(Entry).where(Entry.recurring_id == item.id)))
    assert [(e.user_id, e.cents) for e in samirs] == [(staffroom["samir"].id, 40000)]
    nadias = db.session.scalar(sa.select(Entry).where(Entry.user_id == staffroom["nadia"].id))
    assert nadias.cents == 100 and not nadias.client_id.startswith("rec-")


def test_a_trainee_cannot_squat_the_review_id_of_anothers_live_answer(app, staffroom, bank):
    """The attack: Nadia sends revision answers with the guessable ids of live answers
    ("live-<n>"); Samir's live answer must still count, and his revision with it."""
    from tests.test_revision import right_form
    from webapp.revision.models import Question, ReviewLog

    question = db.session.scalar(sa.select(Question))
    for number in range(1, 6):
        staffroom["nadia_http"].post(
            "/revision/answer",
            data={
                **right_form(question),
                "question_id": question.id,
                "client_id": f"live-{number}",
            },
        )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ReviewLog)
            .where(ReviewLog.client_id.like("live-%"))
        )
        == 0
    )
    karim = staffroom["karim_http"]
    _new_session(karim, staffroom["a"], "quiz")
    live = db.session.scalar(sa.select(LiveSession))
    samir = staffroom["samir_http"]
    samir.post(f"/join/{live.code}", data={"nickname": "Chef Sam"})
    karim.post(f"/live/{live.code}/advance", data={"version": 1})
    asked = db.session.get(Question, live.question_ids[0])
    response = samir.post(f"/live/{live.code}/answer", data={**right_form(asked), "index": 0})
    assert response.status_code == 303
    log = db.session.scalar(sa.select(ReviewLog).where(ReviewLog.mode == "live"))
    assert log is not None and log.user_id == staffroom["samir"].id


def test_editing_a_published_lesson_withdraws_it_until_an_admin_publishes_again(
    app, staffroom, leas_lesson, login
):
    """The attack: once an admin showed Lea's lesson to every site, Lea (or Lea detached from
    every group) changes its text: the new text must not reach every site unreviewed."""
    admin_http = app.test_client()
    login(db.session.scalar(sa.select(User).where(User.role == Role.ADMIN)), http=admin_http)
    admin_http.post(f"/lessons/{leas_lesson}/publish", data={"publish": "1"})
    nadia, lea = staffroom["nadia_http"], staffroom["lea_http"]
    assert nadia.get(f"/lessons/{leas_lesson}").status_code == 200
    # Saving the same text keeps it published.
    assert lea.post(f"/lessons/{leas_lesson}/edit", data={"source": STARTER}).status_code == 303
    assert nadia.get(f"/lessons/{leas_lesson}").status_code == 200
    _detach(staffroom["lea"], staffroom["a"])
    changed = STARTER.replace("Une deuxième idée.", "Un tout autre texte.")
    edited = lea.post(
        f"/lessons/{leas_lesson}/edit", data={"source": changed}, headers=EN, follow_redirects=True
    )
    assert "until an admin shows it to all sites again" in edited.text
    assert nadia.get(f"/lessons/{leas_lesson}").status_code == 404
    assert staffroom["samir_http"].get(f"/lessons/{leas_lesson}").status_code == 404
    admin_http.post(f"/lessons/{leas_lesson}/publish", data={"publish": "1"})
    assert "Un tout autre texte." in nadia.get(f"/lessons/{leas_lesson}").text


def test_a_trainee_who_left_the_group_is_only_a_nickname_in_old_results(hosted, make_group):
    live, karim = hosted["live"], hosted["karim_http"]
    assert "Samir Benali" in karim.get(f"/live/{live.code}/results").text
    samir = db.session.get(User, hosted["samir"].id)
    samir.groups = [make_group()]  # Samir moves to another workshop's group
    db.session.commit()
    page = karim.get(f"/live/{live.code}/results").text
    assert "Samir Benali" not in page and "Chef Sam" in page
