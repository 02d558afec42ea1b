"""Candidates: staff-only files (a site's admin, the teachers of the group they would join), their
dated stages on a board, Today's flags, accepting (the trainee's account and card) and retention."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSPHRASE
from tests.measure import first_load
from webapp.accounts import passphrases
from webapp.accounts.models import Role, User
from webapp.candidates import services
from webapp.candidates.models import Candidate, CandidateMove, WelcomeCheckin
from webapp.core.time import local_today, utcnow
from webapp.extensions import db
from webapp.privacy import services as privacy
from webapp.privacy.models import AuditEvent


@pytest.fixture
def people(app, make_group, make_user, login):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    staff = app.test_client()
    login(teacher, http=staff)
    return {"group": group, "teacher": teacher, "staff": staff}


def add(staff, group, name="Samir Belkacem", **fields):
    data = {"name": name, "prison": "Centre pénitentiaire de Fresnes", "notes": "", **fields}
    response = staff.post(f"/candidates/groups/{group.id}/new", data=data)
    assert response.status_code == 303, response.text
    return db.session.scalar(sa.select(Candidate).where(Candidate.name == name))


def test_a_candidate_moves_through_the_board_and_each_stage_keeps_its_date(app, people):
    staff, group = people["staff"], people["group"]
    candidate = add(staff, group, probation_contact="SPIP Fresnes 01 00 00 00 00")
    today = local_today()
    sent = today - timedelta(days=10)
    for stage, day in (("interview", sent - timedelta(days=5)), ("file_sent", sent)):
        response = staff.post(
            f"/candidates/{candidate.id}/move", data={"stage": stage, "on": day.isoformat()}
        )
        assert response.status_code == 303
    db.session.expire_all()
    moves = db.session.scalars(
        sa.select(CandidateMove).where(CandidateMove.candidate_id == candidate.id)
    ).all()
    assert [(m.stage, m.on) for m in moves] == [
        ("new", today),
        ("interview", sent - timedelta(days=5)),
        ("file_sent", sent),
    ]
    board = staff.get(f"/candidates/groups/{group.id}")
    assert "Samir Belkacem" in board.text
    assert "10 " in board.text
    assert "no-store" in board.headers["Cache-Control"]
    assert first_load(staff, f"/candidates/groups/{group.id}")[0] < 14 * 1024


def test_a_date_in_9999_gets_a_message_next_to_the_field(people):
    staff, group = people["staff"], people["group"]
    response = staff.post(
        f"/candidates/groups/{group.id}/new", data={"name": "Ali", "hearing_on": "9999-01-01"}
    )
    assert response.status_code == 200
    message = re.search(r'id="hearing_on-error">([^<]*)<', response.text).group(1)
    assert "2100" in message  # "Choose a date between ... and 31 December 2100", in French
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0
    candidate = add(staff, group)
    moved = staff.post(
        f"/candidates/{candidate.id}/move", data={"stage": "hearing", "on": "9999-01-01"}
    )
    assert moved.status_code == 422
    assert "2100" in re.search(r'id="on-error">([^<]*)<', moved.text).group(1)


def test_only_a_teacher_of_the_group_or_an_admin_sees_candidates(
    app, people, make_user, make_group, login
):
    candidate = add(people["staff"], people["group"])
    elsewhere = make_group()
    allowed = {
        "admin": make_user(Role.ADMIN),
        "admin of the site": make_user(Role.ADMIN, group=people["group"]),
    }
    refused = {
        "volunteer": make_user(Role.VOLUNTEER, group=people["group"]),
        "teacher elsewhere": make_user(Role.TEACHER, group=elsewhere),
        "admin of another site": make_user(Role.ADMIN, group=elsewhere),
        "trainee": make_user(Role.TRAINEE, group=people["group"]),
    }
    for who, person in {**allowed, **refused}.items():
        http = app.test_client()
        login(person, http=http)
        expected = 200 if who in allowed else 404
        assert http.get(f"/candidates/{candidate.id}").status_code == expected, who
        assert http.get(f"/candidates/groups/{people['group'].id}").status_code == expected, who


def test_every_staff_read_is_audited(people):
    candidate = add(people["staff"], people["group"])
    people["staff"].get(f"/candidates/groups/{people['group'].id}")
    people["staff"].get(f"/candidates/{candidate.id}")
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_id == people["teacher"].id)
    ).all()
    assert "candidates_viewed" in actions and "candidate_viewed" in actions


def test_today_flags_a_hearing_this_week_and_a_file_waiting_too_long(app, people, make_group):
    staff, group = people["staff"], people["group"]
    today = local_today()
    heard = add(staff, group, name="Hearing Soon", hearing_on=today.isoformat())
    waiting = add(staff, group, name="File Waiting")
    recent = add(staff, group, name="File Recent")
    old = today - timedelta(days=app.config["CANDIDATE_FILE_WAIT_DAYS"] + 1)
    staff.post(f"/candidates/{waiting.id}/move", data={"stage": "file_sent", "on": old.isoformat()})
    staff.post(
        f"/candidates/{recent.id}/move", data={"stage": "file_sent", "on": today.isoformat()}
    )
    page = staff.get("/dashboard").text
    assert "Hearing Soon" in page and "File Waiting" in page
    assert "File Recent" not in page
    assert heard.id and 'id="candidate-flags"' in page


def test_accepting_makes_the_trainee_and_the_card_and_the_notes_stay_with_staff(
    app, people, login, client
):
    staff, group = people["staff"], people["group"]
    candidate = add(staff, group, name="Moussa Traoré", notes="SECRET-NOTE parloir difficile")
    response = staff.post(f"/candidates/{candidate.id}/accept", data={"request_id": "acc-1"})
    assert response.status_code == 200
    assert 'class="login-card"' in response.text and "Moussa Traoré" in response.text
    again = staff.post(f"/candidates/{candidate.id}/accept", data={"request_id": "acc-1"})
    assert again.status_code == 200
    trainees = db.session.scalars(sa.select(User).where(User.display_name == "Moussa Traoré")).all()
    assert len(trainees) == 1
    trainee = trainees[0]
    assert group in trainee.groups
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).stage == "accepted"
    # The trainee, signed in, finds no trace of the staff notes: home, account, export.
    trainee.password_hash = passphrases.hash_passphrase(PASSPHRASE)
    db.session.commit()
    login(trainee)
    for url in ("/", "/me", f"/candidates/{candidate.id}"):
        assert "SECRET-NOTE" not in client.get(url).text
    with app.test_request_context():
        assert "SECRET-NOTE" not in str(privacy.export_for(trainee))


def test_candidates_never_accepted_are_purged_after_their_time(app, people):
    staff, group = people["staff"], people["group"]
    refused = add(staff, group, name="Refused One")
    staff.post(
        f"/candidates/{refused.id}/move", data={"stage": "refused", "on": local_today().isoformat()}
    )
    accepted = add(staff, group, name="Accepted One")
    staff.post(f"/candidates/{accepted.id}/accept", data={"request_id": "acc-2"})
    refused_id, accepted_id = refused.id, accepted.id
    later = utcnow() + timedelta(days=app.config["CANDIDATE_RETENTION_DAYS"] + 1)
    assert privacy.purge(utcnow())["candidates"] == 0
    assert privacy.purge(later, dry_run=True)["candidates"] == 1
    assert privacy.purge(later)["candidates"] == 1
    db.session.expire_all()
    assert db.session.get(Candidate, refused_id) is None
    assert db.session.get(Candidate, accepted_id) is not None
    assert services.purge_unaccepted(later) == 0


def test_the_information_sheet_and_the_first_day_list_print_in_three_languages(people):
    sheet = people["staff"].get("/candidates/info-sheet")
    assert sheet.status_code == 200
    assert "26 heures" in sheet.text and "9 à 11 mois" in sheet.text
    assert 'lang="en"' in sheet.text and 'lang="ar" dir="rtl"' in sheet.text
    assert "Agent de restauration" in sheet.text
    checklist = people["staff"].get("/candidates/first-day").text
    assert "RIB" in checklist and 'lang="ar"' in checklist


def test_a_new_trainee_sees_the_welcome_path_and_checks_in_privately_unless_shared(
    app, people, make_user, login, client
):
    trainee = make_user(Role.TRAINEE, group=people["group"], display_name="Nadia Benali")
    login(trainee)
    home = client.get("/").text
    assert 'id="welcome-title"' in home and "/welcome/checkin" in home and "/steps" in home
    team = client.get("/welcome").text
    assert "Karim Haddad" in team  # who is who: the group's staff
    for url in ("/", "/welcome"):
        assert first_load(client, url)[0] < 14 * 1024, url  # HTML under 14 KB compressed
    data = {"mood": "2", "needs_help": "yes", "client_id": "chk-1"}
    assert client.post("/welcome/checkin", data=data).status_code == 303
    assert client.post("/welcome/checkin", data=data).status_code == 303  # sent twice
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WelcomeCheckin)) == 1
    home = client.get("/").text  # done for today: said, with the mood chosen, and no form
    assert "C'est fait pour aujourd'hui." in home and "/welcome/checkin" not in home
    assert f'<span aria-hidden="true">{services.MOODS[2][0]}</span>' in home
    today = people["staff"].get("/dashboard").text
    assert 'id="shared-checkins"' not in today  # private: not ticked
    shared = {"mood": "1", "needs_help": "yes", "shared": "y", "client_id": "chk-2"}
    assert client.post("/welcome/checkin", data=shared).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WelcomeCheckin)) == 1
    today = people["staff"].get("/dashboard").text
    assert 'id="shared-checkins"' in today and "Nadia Benali" in today
    bad = client.post("/welcome/checkin", data={"client_id": "chk-3"})
    assert bad.status_code == 422 and 'id="mood-error"' in bad.text
    old = make_user(Role.TRAINEE, group=people["group"], display_name="Old Timer")
    old.created_at = utcnow() - timedelta(days=40)
    people["group"].starts_on = local_today() - timedelta(days=40)
    db.session.commit()
    later = app.test_client()
    login(old, http=later)
    assert 'id="welcome-title"' not in later.get("/").text  # after 4 weeks


def test_erasing_the_trainee_erases_the_candidate_file_and_the_check_ins(app, people):
    staff = people["staff"]
    candidate = add(staff, people["group"], name="Erase Me", notes="note")
    staff.post(f"/candidates/{candidate.id}/accept", data={"request_id": "acc-3"})
    db.session.expire_all()
    trainee_id = db.session.get(Candidate, candidate.id).trainee_id
    trainee = db.session.get(User, trainee_id)
    services.check_in(trainee, "chk-erase", local_today(), 3, False, True)
    privacy.erase_user(trainee_id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WelcomeCheckin)) == 0


def test_a_staff_photo_is_shown_to_the_people_of_their_groups_only(
    app, people, make_user, make_group, login, client
):
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (800, 600), "orange").save(picture, "PNG")
    staff = people["staff"]
    sent = staff.post(
        "/welcome/my-photo", data={"photo": (io.BytesIO(picture.getvalue()), "me.png")}
    )
    assert sent.status_code == 303
    bad = staff.post("/welcome/my-photo", data={"photo": (io.BytesIO(b"not a picture"), "x.png")})
    assert bad.status_code == 200 and 'id="photo-error"' in bad.text
    url = f"/welcome/photos/{people['teacher'].id}.jpg"
    trainee = make_user(Role.TRAINEE, group=people["group"])
    login(trainee)
    assert url in client.get("/welcome").text
    image = client.get(url)
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(image.data)).size) <= 256
    elsewhere = app.test_client()
    login(make_user(Role.TRAINEE, group=make_group()), http=elsewhere)
    assert elsewhere.get(url).status_code == 404
    assert staff.post("/welcome/my-photo", data={"remove": "1"}).status_code == 303
    assert client.get(url).status_code == 404
