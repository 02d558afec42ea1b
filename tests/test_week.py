"""My week: the teacher sets the group's alternance, the trainee sees it and what changed."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.week import rules, services
from webapp.week.models import Change, Seen, Session


@pytest.fixture
def people(make_group, make_user):
    group = make_group()
    return {
        "group": group,
        "teacher": make_user(Role.TEACHER, group=group),
        "trainee": make_user(Role.TRAINEE, group=group),
    }


def pattern(teacher, group, client_id="p1", **overrides):
    values = {
        "kind": "centre",
        "place": "GRETA, 12 rue de Paris",
        "note_text": "",
        "first": date(2026, 12, 1),
        "last": date(2026, 12, 31),
        "weekdays": {0, 1},
        "starts": time(9),
        "ends": time(12, 30),
    } | overrides
    return services.add_pattern(teacher, group, client_id, **values)


def test_pattern_days_and_paris_times():
    days = rules.pattern_days(date(2026, 12, 1), date(2026, 12, 14), {0, 2})
    assert days == [
        date(2026, 12, 2),
        date(2026, 12, 7),
        date(2026, 12, 9),
        date(2026, 12, 14),
    ]
    # 9:00 in Paris is 8:00 UTC in winter and 7:00 UTC in summer.
    assert rules.paris_moment(date(2026, 12, 7), time(9)) == datetime(2026, 12, 7, 8, tzinfo=UTC)
    assert rules.paris_moment(date(2027, 6, 7), time(9)) == datetime(2027, 6, 7, 7, tzinfo=UTC)


def test_a_month_set_in_one_form_shows_on_the_trainees_week(app, people, login, client):
    login(people["teacher"])
    page = client.get(f"/week/groups/{people['group'].id}?month=2026-12")
    assert page.status_code == 200
    form = {
        "kind": "workshop",
        "place": "Atelier Passerelle",
        "note": "",
        "starts": "09:00",
        "ends": "16:00",
        "first": "2026-12-01",
        "last": "2026-12-31",
        "weekdays": ["1", "3"],
        "client_id": "set-december",
    }
    response = client.post(f"/week/groups/{people['group'].id}", data=form)
    assert response.status_code == 303
    again = client.post(f"/week/groups/{people['group'].id}", data=form)  # a double tap
    assert again.status_code == 303
    with app.app_context():
        sessions = db.session.scalars(sa.select(Session).order_by(Session.starts_at)).all()
        assert len(sessions) == 10  # every Tuesday and Thursday of December 2026
        assert rules.in_paris(sessions[0].starts_at).hour == 9
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Change)) == 1

    trainee = app.test_client()
    login(people["trainee"], http=trainee)
    week = trainee.get("/week?start=2026-12-07")
    assert "Atelier Passerelle" in week.text
    assert week.text.count("week-item--workshop") == 2  # Tuesday 8 and Thursday 10


def test_changes_show_on_home_until_seen_and_a_get_never_writes(app, people, login, client):
    pattern(people["teacher"], people["group"], first=date(2030, 1, 1), last=date(2030, 1, 31))
    people["trainee"].locale = "en"
    db.session.commit()
    login(people["trainee"])
    home = client.get("/")
    assert "Changed:" in home.text
    client.get("/week")
    with app.app_context():
        assert db.session.get(Seen, people["trainee"].id) is None  # opening the week is a GET
    assert "Changed:" in client.get("/").text
    assert client.post("/week/seen", data={"back": "home"}).status_code == 303
    assert "Changed:" not in client.get("/").text

    with app.app_context():  # the teacher moves one session: it shows again
        row = db.session.scalars(sa.select(Session).order_by(Session.starts_at)).first()
        services.change_session(
            people["teacher"],
            row,
            kind="centre",
            place="Autre salle",
            note_text="",
            day=date(2030, 1, 2),
            starts=time(10),
            ends=time(12),
        )
    assert "Changed: Training centre on Wednesday 2 January has a new time or place" in (
        client.get("/").text
    )


def test_a_date_in_9999_gets_a_message_next_to_the_field(people, login, client):
    login(people["teacher"])
    response = client.post(
        f"/week/groups/{people['group'].id}",
        data={
            "kind": "centre",
            "starts": "09:00",
            "ends": "08:00",
            "first": "2026-12-01",
            "last": "9999-12-31",
            "weekdays": ["0"],
        },
    )
    assert response.status_code == 200
    message = re.search(r'id="last-error">([^<]*)<', response.text).group(1)
    assert "2100" in message  # "Choose a date between ... and 31 December 2100", in French here
    assert 'id="ends-error"' in response.text  # the end before the start


def test_only_teachers_attached_now_change_the_calendar(app, people, make_group, make_user, login):
    pattern(people["teacher"], people["group"])
    elsewhere = make_user(Role.TEACHER, group=make_group())
    with app.app_context():
        row_id = db.session.scalars(sa.select(Session.id)).first()
    http = app.test_client()
    login(elsewhere, http=http)
    assert http.get(f"/week/groups/{people['group'].id}").status_code == 404
    assert http.post(f"/week/sessions/{row_id}/cancel").status_code == 404
    mine = app.test_client()
    login(people["teacher"], http=mine)
    assert mine.post(f"/week/sessions/{row_id}/cancel").status_code == 303
    with app.app_context():
        assert db.session.get(Session, row_id) is None
        assert db.session.scalar(sa.select(Change.what).order_by(Change.id.desc())) == "cancelled"


def appointment(user, client_id="a1", **overrides):
    values = {
        "kind": "spip",
        "title": "Rendez-vous avec ma CPIP",
        "place": "SPIP de Paris, 12 rue X",
        "bring": "Attestation de domicile",
        "day": date(2026, 12, 8),
        "at": time(10, 30),
        "remind_minutes": 1440,
    } | overrides
    return services.add_appointment(user, client_id, services.Plan(**values))


def test_an_appointment_sent_twice_is_kept_once_and_shows_on_the_week(app, people, login, client):
    login(people["trainee"])
    form = {
        "kind": "spip",
        "day": "2026-12-08",
        "at": "10:30",
        "place": "SPIP de Paris",
        "title": "",
        "bring": "Carte d'identité",
        "remind": "1440",
        "client_id": "phone-1",
    }
    assert client.post("/week/appointments/new", data=form).status_code == 303
    replay = client.post("/week/appointments/new", data=form, headers={"X-Outbox": "1"})
    assert replay.headers["X-Outbox-State"] == "duplicate"
    week = client.get("/week?start=2026-12-07")
    assert week.text.count("week-item--spip") == 1
    assert "SPIP de Paris" in week.text
    assert "Carte d&#39;identité" in week.text


def test_an_appointment_is_private_until_shared_and_each_look_is_audited(
    app, people, login, client
):
    from webapp.privacy.models import AuditEvent

    row = appointment(people["trainee"])
    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    page = teacher.get(f"/week/shared/{people['trainee'].id}")
    assert "SPIP de Paris" not in page.text
    login(people["trainee"])
    client.post(f"/week/appointments/{row.id}/share", data={"share": "1"})
    page = teacher.get(f"/week/shared/{people['trainee'].id}")
    assert "SPIP de Paris" in page.text
    with app.app_context():
        looks = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "week_shared_viewed")
        ).all()
        assert [look.subject_id for look in looks] == [people["trainee"].id] * 2
    seen = client.get("/privacy/seen")
    assert people["teacher"].display_name in seen.text


def test_someone_elses_appointment_is_404(app, people, make_user, login):
    row = appointment(people["trainee"])
    other = make_user(Role.TRAINEE, group=people["group"])
    http = app.test_client()
    login(other, http=http)
    assert http.get(f"/week/appointments/{row.id}").status_code == 404
    assert http.post(f"/week/appointments/{row.id}/share", data={"share": "1"}).status_code == 404
    # Someone else's client id never reaches their appointment either.
    sent = http.post(
        "/week/appointments/new",
        data={"kind": "caf", "day": "2026-12-08", "at": "10:00", "remind": "0", "client_id": "a1"},
    )
    assert sent.status_code == 404


def test_appointments_are_exported_and_erased(app, people):
    from webapp.privacy import services as privacy
    from webapp.week.models import Appointment

    appointment(people["trainee"])
    data = privacy.export_for(people["trainee"])
    assert data["week"]["appointments"][0]["place"] == "SPIP de Paris, 12 rue X"
    assert data["week"]["appointments"][0]["starts_at"] == "2026-12-08T10:30:00+01:00"
    privacy.erase_user(people["trainee"].id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 0


def test_today_and_this_week_on_the_home_screen_read_aloud(app, people, login, client):
    from webapp.core.time import local_today

    with app.app_context():
        today = local_today()
    pattern(people["teacher"], people["group"], first=today, last=today, weekdays=set(range(7)))
    appointment(people["trainee"], day=today + timedelta(days=2), at=time(14))
    people["trainee"].locale = "en"
    db.session.commit()
    login(people["trainee"])
    home = client.get("/")
    glance = home.text.split('class="card week-glance"')[1].split("</section>")[0]
    assert "GRETA, 12 rue de Paris" in glance  # today's session
    assert "Probation service (SPIP)" in glance  # the appointment in two days
    # Read aloud: the phone's voice, or a recording made for this one answer (never a URL).
    assert "AM: Training centre, GRETA" in glance.split('name="text"')[1]


def test_a_reminder_set_on_a_step_shows_on_its_day_until_the_step_is_done(
    app, people, login, client
):
    import icalendar

    from webapp.core.time import local_today
    from webapp.steps import content as step_content

    step_content.load_steps(step_content.read_steps()[0])
    with app.app_context():
        today = local_today()
    login(people["trainee"])
    day = today + timedelta(days=2)
    sent = client.post(
        "/steps/logement/status", data={"remind_on": day.isoformat(), "client_id": "rem-1"}
    )
    assert sent.status_code == 303

    def glance():
        return client.get("/").text.split('class="card week-glance"')[1].split("</section>")[0]

    coming = glance().split("</h3>")[1]  # the days after today, one line each
    line = next(p for p in coming.split('<p class="week-line">') if "/steps/logement" in p)
    assert f" {day.day}</strong>" in line  # on its own day
    assert "00:00" not in line and "Rappel : " in line  # a whole day's reminder: no time
    assert "Rappel : " in glance().split("<h3")[1].split("</h3>")[0]  # read aloud with the week

    # In the phone's own calendar too: the whole day, ringing at 9:00 that morning.
    page = client.post("/week/feed/new").text
    calendar = icalendar.Calendar.from_ical(client.get(feed_path(page)).data)
    (event,) = [e for e in calendar.walk("VEVENT") if "logement" in str(e["uid"])]
    assert event.decoded("dtstart") == day and "Rappel" in str(event["summary"])
    assert event.walk("VALARM")[0].decoded("trigger") == timedelta(hours=9)

    client.post("/steps/logement/tick", data={"done": "1", "client_id": "rem-2"})
    assert 'href="/steps/logement"' not in glance()  # done: nothing to be reminded of


def test_the_week_page_has_a_copy_kept_for_offline(app, people, login, client):
    from webapp.core.time import local_today

    with app.app_context():
        appointment(people["trainee"], day=local_today() + timedelta(days=1))
    login(people["trainee"])
    week = client.get("/week")
    assert 'data-save-offline="/week/offline"' in week.text
    copy = client.get("/week/offline")
    assert copy.status_code == 200
    assert "SPIP de Paris" in copy.text and "/week/appointments/" not in copy.text  # no forms
    sw = client.get("/sw.js").text
    assert "revision\\/review|week)\\/offline" in sw


def feed_path(page: str) -> str:
    https = re.search(r'id="feed-https"[^>]*>([^<]+)<', page).group(1)
    return "/week/feed/" + https.split("/week/feed/")[1]


def test_the_private_feed_holds_the_week_with_paris_times_and_alarms(app, people, login, client):
    import icalendar

    from webapp.core.time import local_today
    from webapp.week.models import Feed

    with app.app_context():
        today = local_today()
    pattern(people["teacher"], people["group"], first=today, last=today, weekdays=set(range(7)))
    appointment(people["trainee"], day=today + timedelta(days=3), at=time(10, 30))
    login(people["trainee"])
    made = client.post("/week/feed/new")
    assert made.headers["Cache-Control"] == "no-store"
    assert "webcal://" in made.text
    path = feed_path(made.text)
    with app.app_context():  # only a hash of the token is kept
        assert path.split("/")[-1][:-4] not in db.session.scalar(sa.select(Feed.token_hash))

    anonymous = app.test_client()  # a calendar app: no session
    response = anonymous.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    events = {str(e["uid"]).split("-")[0]: e for e in calendar.walk("VEVENT")}
    session, meeting = events["session"], events["appointment"]
    assert session.decoded("dtstart").tzinfo.key == "Europe/Paris"
    assert session.decoded("dtstart").replace(tzinfo=None) == datetime.combine(today, time(9))
    assert "GRETA" in str(session["location"])
    starts = meeting.decoded("dtstart")
    assert (starts.date(), starts.hour, starts.minute) == (today + timedelta(days=3), 10, 30)
    assert str(starts.tzinfo) == "Europe/Paris"
    [alarm] = meeting.walk("VALARM")
    assert alarm.decoded("trigger") == -timedelta(days=1)  # "the day before"
    assert "Attestation de domicile" in str(meeting["description"])
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Paris"

    # A new link stops the old one; stopping it leaves none.
    again = feed_path(client.post("/week/feed/new").text)
    assert anonymous.get(path).status_code == 404
    assert anonymous.get(again).status_code == 200
    assert client.post("/week/feed/revoke").status_code == 303
    assert anonymous.get(again).status_code == 404


def test_the_group_feed_stops_when_the_teacher_leaves_the_group(app, people, login, client):
    import icalendar

    from webapp.core.time import local_today

    with app.app_context():
        today = local_today()
    pattern(people["teacher"], people["group"], first=today, last=today, weekdays=set(range(7)))
    login(people["teacher"])
    path = feed_path(client.post(f"/week/groups/{people['group'].id}/feed/new").text)
    anonymous = app.test_client()
    calendar = icalendar.Calendar.from_ical(anonymous.get(path).data)
    assert len(calendar.walk("VEVENT")) >= 1
    assert calendar.walk("VALARM") == []  # the group's sessions only, nothing personal
    with app.app_context():
        from webapp.accounts.models import Group, User

        group = db.session.get(Group, people["group"].id)
        group.members.remove(db.session.get(User, people["teacher"].id))
        db.session.commit()
    assert anonymous.get(path).status_code == 404


def mark_month(app, client, people, marks_by_day: dict[date, str]):
    """The teacher marks every session of December 2026 through the one-form screen."""
    with app.app_context():
        sessions = db.session.scalars(sa.select(Session).order_by(Session.starts_at)).all()
        days = [(s.id, rules.in_paris(s.starts_at).date()) for s in sessions]
    trainee = people["trainee"].id
    for session_id, day in days:
        page = client.get(f"/week/sessions/{session_id}/attendance")
        assert page.status_code == 200
        status = marks_by_day.get(day, "present")
        response = client.post(
            f"/week/sessions/{session_id}/attendance", data={f"t{trainee}": status}
        )
        assert response.status_code == 303


def test_a_month_of_attendance_adds_up_to_the_expected_hours(app, people, login, client):
    # The 26-hour contract: Monday to Thursday, 9:00 to 15:30 (6 h 30) in December 2026:
    # 4 Mondays, 5 Tuesdays, 5 Wednesdays, 5 Thursdays = 19 sessions, 123 h 30.
    pattern(
        people["teacher"],
        people["group"],
        first=date(2026, 12, 1),
        last=date(2026, 12, 31),
        weekdays={0, 1, 2, 3},
        starts=time(9),
        ends=time(15, 30),
    )
    login(people["teacher"])
    mark_month(
        app,
        client,
        people,
        {
            date(2026, 12, 8): "absent",
            date(2026, 12, 9): "absent",
            date(2026, 12, 15): "excused",
            date(2026, 12, 22): "late",
        },
    )
    sheet = client.get(f"/week/trainees/{people['trainee'].id}/sheet.csv?month=2026-12")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    rows = [line.split(";") for line in sheet.text.lstrip("\ufeff").splitlines()]
    totals = {row[0]: row[1] for row in rows[-4:]}
    assert list(totals.values()) == ["104:00", "6:30", "13:00", "0:00"]  # 16 × 6:30 present
    assert sum(1 for row in rows if len(row) == 7 and row[-1] == "6:30") == 19  # sessions

    trainee = app.test_client()
    login(people["trainee"], http=trainee)
    hours = trainee.get("/week/hours?month=2026-12")
    assert "104:00" in hours.text
    assert hours.text.count("</strong> / 26:00") == 5  # each week against the contract
    assert "13:00</strong> / 26:00" in hours.text  # the week of the two absences: 2 × 6:30


def test_repeated_absences_are_flagged_on_today_and_a_new_one_is_a_new_reason(
    app, people, login, client
):
    from webapp.core.time import local_today

    with app.app_context():
        today = local_today()
    pattern(
        people["teacher"],
        people["group"],
        first=today - timedelta(days=6),
        last=today,
        weekdays=set(range(7)),
    )
    login(people["teacher"])
    with app.app_context():
        ids = db.session.scalars(sa.select(Session.id).order_by(Session.starts_at)).all()
    trainee = people["trainee"].id
    for session_id in ids[:2]:
        client.post(f"/week/sessions/{session_id}/attendance", data={f"t{trainee}": "absent"})
    client.post(f"/week/sessions/{ids[2]}/attendance", data={f"t{trainee}": "excused"})
    assert "today-why--absences" not in client.get("/dashboard").text
    client.post(f"/week/sessions/{ids[3]}/attendance", data={f"t{trainee}": "absent"})
    today_page = client.get("/dashboard")
    line = today_page.text.split("today-why--absences")[1].split("</li>")[0]
    assert ">3 " in line and f"/week/trainees/{trainee}/sheet" in line
    # Someone else's id in the form is ignored: only the group's trainees are marked.
    client.post(f"/week/sessions/{ids[4]}/attendance", data={"t999999": "absent"})
    from webapp.week.models import Attendance

    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Attendance)
                .where(Attendance.user_id == 999999)
            )
            == 0
        )


def test_an_appointment_in_9999_or_of_no_known_kind_is_refused_next_to_the_field(
    people, login, client
):
    login(people["trainee"])
    sent = {"kind": "spip", "day": "9999-01-01", "at": "10:00", "remind": "60", "client_id": "x"}
    response = client.post("/week/appointments/new", data=sent)
    assert response.status_code == 200
    assert "2100" in re.search(r'id="day-error">([^<]*)<', response.text).group(1)
    response = client.post("/week/appointments/new", data=sent | {"kind": "x", "day": "2026-12-08"})
    assert 'id="kind-error"' in response.text
    assert client.get("/week?start=9999-12-31").status_code == 404
    assert client.get("/week/hours?month=9999-13").status_code == 404


def test_week_pages_are_light_and_take_a_fixed_number_of_queries(
    app, people, make_user, login, client
):
    from tests.measure import count_queries, first_load
    from webapp.core.time import local_today

    with app.app_context():
        today = local_today()
        month = today.replace(day=1)
    for _ in range(12):
        make_user(Role.TRAINEE, group=people["group"])
    pattern(people["teacher"], people["group"], first=month, last=month + timedelta(days=27))
    pattern(
        people["teacher"],
        people["group"],
        "p2",
        first=month,
        last=month + timedelta(days=27),
        weekdays={0, 1, 2, 3, 4},
        starts=time(13, 30),
        ends=time(17),
    )
    for number in range(10):
        appointment(people["trainee"], f"a{number}", day=today + timedelta(days=number % 7))
    login(people["trainee"])
    sizes, queries = {}, {}
    for url in ("/", "/week", "/week/offline", "/week/hours"):
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        queries[url] = len(statements)
        sizes[url] = first_load(client, url)[0]
    staff = app.test_client()
    login(people["teacher"], http=staff)
    with app.app_context():
        first = db.session.scalars(sa.select(Session.id).order_by(Session.starts_at)).first()
    for url in (
        f"/week/groups/{people['group'].id}",
        f"/week/sessions/{first}/attendance",
        f"/week/trainees/{people['trainee'].id}/sheet",
    ):
        with count_queries() as statements:
            assert staff.get(url).status_code == 200
        queries[url] = len(statements)
        sizes[url] = first_load(staff, url)[0]
    print("week pages (compressed bytes, queries):", {u: (sizes[u], queries[u]) for u in sizes})
    assert all(size < 14 * 1024 for size in sizes.values()), sizes
    assert queries["/week"] <= 6 and queries["/week/offline"] <= 4, queries
    assert queries[f"/week/sessions/{first}/attendance"] <= 9, queries


def test_attendance_is_on_the_printable_my_data_page(app, people, login, client):
    pattern(people["teacher"], people["group"], first=date(2026, 12, 1), last=date(2026, 12, 1))
    teacher = app.test_client()
    login(people["teacher"], http=teacher)
    with app.app_context():
        session_id = db.session.scalars(sa.select(Session.id)).first()
    trainee = people["trainee"].id
    teacher.post(f"/week/sessions/{session_id}/attendance", data={f"t{trainee}": "excused"})
    people["trainee"].locale = "en"
    db.session.commit()
    login(people["trainee"])
    page = client.get("/privacy/my-data")
    assert "Dec 1, 2026 · Training centre · Excused" in page.text
    assert client.get("/privacy/my-data.json").json["week"]["attendance"][0]["status"] == "excused"
