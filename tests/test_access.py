"""Every route has an access rule, checked for every role: what is not yours is 404."""

from datetime import date, time
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from webapp.accounts.models import Role
from webapp.budget.services import add_category, add_entry, add_recurring
from webapp.candidates.services import add_candidate
from webapp.career.services import add_application, add_job
from webapp.dashboard.services import assign
from webapp.journal.services import create_goal, save_assessment, set_shared, write_entry
from webapp.lessons import content
from webapp.lessons.services import save_app_lesson
from webapp.live.services import create_session
from webapp.live.sets import add_questions, create_set, question_data, save_question, share
from webapp.papers import files as paper_files
from webapp.papers import services as papers
from webapp.placements import services as placements
from webapp.privacy.services import request_erasure
from webapp.revision.services import start_exam
from webapp.steps import content as step_content
from webapp.steps.services import set_shared as share_step
from webapp.week.services import Plan, add_appointment, add_pattern
from webapp.week.services import group_sessions as week_sessions

ANON, TRAINEE, OTHER_TRAINEE, TEACHER, OTHER_TEACHER, VOLUNTEER, ADMIN = (
    "anonymous",
    "trainee",
    "other_trainee",
    "teacher",
    "other_teacher",
    "volunteer",
    "admin",
)
PEOPLE = (ANON, TRAINEE, TEACHER, OTHER_TEACHER, VOLUNTEER, ADMIN)
SIGN_IN = 302  # redirected to the sign-in page


def everyone(status):
    return dict.fromkeys(PEOPLE, status)


def signed_in(status):
    return {**everyone(status), ANON: SIGN_IN}


def only(allowed: dict):
    """Signed-in people not named get 404; anonymous people are sent to sign in."""
    return {**signed_in(404), **allowed}


# endpoint: (method, url, expected status per person). {group} is the teacher's group,
# {trainee} a trainee in it.
ACCESS = {
    "static": ("GET", "/static/css/app.css", everyone(200)),
    "home.index": ("GET", "/", signed_in(200)),
    # The budget's quick add from the home screen: trainees (nothing sent: shown again, 200).
    "home.quick_add": ("POST", "/", only({TRAINEE: 200})),
    "home.assigned": ("GET", "/assigned", only({TRAINEE: 200})),
    "core.healthz": ("GET", "/healthz", everyone(200)),
    # Prometheus metrics: admins (and a scraper's token: tests/test_metrics.py); not even a
    # sign-in page for the others.
    "core.metrics": ("GET", "/metrics", {**everyone(404), ADMIN: 200}),
    # Recordings are public like static files (served in tests/test_audio.py); none made here.
    "core.audio_file": ("GET", f"/audio/{'0' * 32}.opus", everyone(404)),
    # Recording a text on first use: signed-in people only, then off to the recording.
    "core.audio_say": ("GET", "/audio/say?lang=fr&text=Bonjour", signed_in(303)),
    # A private figure recorded for one answer: signed-in people only; nothing to say, nothing made.
    "core.audio_private": ("POST", "/audio/private", signed_in(404)),
    "accounts.login": ("GET", "/login", {**everyone(302), ANON: 200}),
    "accounts.logout": ("POST", "/logout", signed_in(303)),
    # Where a login card's QR leads: open to all (the token is checked on POST, throttled).
    "accounts.card_sign_in": ("GET", "/card", everyone(200)),
    "accounts.reset": ("GET", "/reset", everyone(200)),
    "accounts.account": ("GET", "/me", signed_in(200)),
    "accounts.language": ("POST", "/language", everyone(303)),
    "accounts.groups": (
        "GET",
        "/groups",
        only({TEACHER: 200, OTHER_TEACHER: 200, VOLUNTEER: 200, ADMIN: 200}),
    ),
    "accounts.group": ("GET", "/groups/{group}", only({TEACHER: 200, ADMIN: 200})),
    "accounts.group_staff": ("POST", "/groups/{group}/staff?user_id={teacher}", only({ADMIN: 303})),
    "accounts.add_trainees": ("GET", "/groups/{group}/trainees/new", only({TEACHER: 200})),
    "accounts.reissue_cards": (
        "POST",
        "/groups/{group}/cards?trainee={trainee}",
        only({TEACHER: 200}),
    ),
    "accounts.reset_code": ("POST", "/trainees/{trainee}/reset-code", only({TEACHER: 200})),
    "accounts.revoke_card_qr": ("POST", "/trainees/{trainee}/card-qr/revoke", only({TEACHER: 303})),
    "accounts.sites": ("GET", "/sites", only({ADMIN: 200})),
    "accounts.new_group": ("GET", "/groups/new", only({ADMIN: 200})),
    "accounts.staff": ("GET", "/staff", only({ADMIN: 200})),
    "accounts.new_staff": ("GET", "/staff/new", only({ADMIN: 200})),
    "lessons.index": (
        "GET",
        "/lessons",
        only({TRAINEE: 200, TEACHER: 200, OTHER_TEACHER: 200, ADMIN: 200}),
    ),
    "lessons.lesson": (
        "GET",
        "/lessons/{lesson}",
        only({TRAINEE: 200, TEACHER: 200, OTHER_TEACHER: 200, ADMIN: 200}),
    ),
    # A teacher's lesson: its author and the people of their groups (and admins) read it.
    "lessons.lesson@app": (
        "GET",
        "/lessons/app-by-teacher",
        only({TRAINEE: 200, TEACHER: 200, ADMIN: 200}),
    ),
    "lessons.offline_copy": (
        "GET",
        "/lessons/{lesson}/offline",
        only({TRAINEE: 200, TEACHER: 200, OTHER_TEACHER: 200, ADMIN: 200}),
    ),
    "lessons.publish": ("POST", "/lessons/app-by-teacher/publish?publish=1", only({ADMIN: 303})),
    "lessons.answer": (
        "POST",
        "/lessons/{lesson}/exercises/single?choice=un verre",
        only({TRAINEE: 303}),
    ),
    "lessons.new": ("GET", "/lessons/new", only({TEACHER: 200, OTHER_TEACHER: 200})),
    "lessons.edit": ("GET", "/lessons/app-by-teacher/edit", only({TEACHER: 200})),
    # Reading one's lesson in one's own voice: its author only (see tests/test_own_voice.py).
    "lessons.record": ("GET", "/lessons/app-by-teacher/voice", only({TEACHER: 200})),
    "lessons.remove_recording": (
        "POST",
        "/lessons/app-by-teacher/voice/remove?words=0",
        only({TEACHER: 303}),
    ),
    # A recording that does not exist; who hears one that does: tests/test_own_voice.py.
    "lessons.own_voice": ("GET", f"/voice/{'0' * 64}.ogg", signed_in(404)),
    "revision.overview": ("GET", "/revision", only({TRAINEE: 200})),
    "revision.settings": ("POST", "/revision/settings?daily_target=12", only({TRAINEE: 303})),
    "revision.review": ("GET", "/revision/review", only({TRAINEE: 200})),
    "revision.review_offline": ("GET", "/revision/review/offline", only({TRAINEE: 200})),
    # No answer given: the card comes back with a message (422), for a trainee only.
    "revision.answer": ("POST", "/revision/answer?question_id=ccp1-001", only({TRAINEE: 422})),
    "revision.start_practice": ("GET", "/revision/practice/hygiene", only({TRAINEE: 303})),
    "revision.practice": ("GET", "/revision/practice/hygiene/abc/0", only({TRAINEE: 200})),
    "revision.start_exam": ("POST", "/revision/exams?client_id=x", only({TRAINEE: 303})),
    "revision.exam": ("GET", "/revision/exams/{exam}", only({TRAINEE: 200})),
    "revision.exam_time": (
        "POST",
        "/revision/trainees/{trainee}/exam-time?minutes=40",
        only({TEACHER: 303}),
    ),
    "live.index": ("GET", "/live", only({TEACHER: 200, OTHER_TEACHER: 200, VOLUNTEER: 200})),
    "live.new": ("GET", "/live/new", only({TEACHER: 200, OTHER_TEACHER: 200, VOLUNTEER: 200})),
    "live.host": ("GET", "/live/{live}/host", only({TEACHER: 200, VOLUNTEER: 200})),
    "live.advance": (
        "POST",
        "/live/{live}/advance?version=0",
        only({TEACHER: 303, VOLUNTEER: 303}),
    ),
    "live.results": ("GET", "/live/{live}/results", only({TEACHER: 200, VOLUNTEER: 200})),
    "live.results_csv": ("GET", "/live/{live}/results.csv", only({TEACHER: 200, VOLUNTEER: 200})),
    "live.timer": (
        "POST",
        "/live/{live}/timer?version=0&action=pause",
        only({TEACHER: 303, VOLUNTEER: 303}),
    ),
    "live.review": ("POST", "/live/{live}/review", only({TEACHER: 303, VOLUNTEER: 303})),
    # Question sets: their author's (the volunteer); shared with the teacher's group in `world`,
    # so that teacher may read, preview, copy and run it but not change it; 404 for the others.
    "live.set_new": (
        "GET",
        "/live/sets/new",
        only({TEACHER: 200, OTHER_TEACHER: 200, VOLUNTEER: 200}),
    ),
    "live.set_page": ("GET", "/live/sets/{live_set}", only({TEACHER: 200, VOLUNTEER: 200})),
    "live.set_write": ("GET", "/live/sets/{live_set}/write", only({VOLUNTEER: 200})),
    "live.set_write_kind": ("GET", "/live/sets/{live_set}/write/order", only({VOLUNTEER: 200})),
    "live.set_edit_question": (
        "GET",
        "/live/sets/{live_set}/questions/{set_question}/edit",
        only({VOLUNTEER: 200}),
    ),
    "live.set_remove_question": (
        "POST",
        "/live/sets/{live_set}/questions/not-in-it/remove",
        only({VOLUNTEER: 303}),
    ),
    "live.set_move_question": (
        "POST",
        "/live/sets/{live_set}/questions/{set_question}/move?position=0",
        only({VOLUNTEER: 303}),
    ),
    "live.set_bank": ("GET", "/live/sets/{live_set}/bank?scope=1", only({VOLUNTEER: 200})),
    "live.set_preview": (
        "GET",
        "/live/sets/{live_set}/preview",
        only({TEACHER: 200, VOLUNTEER: 200}),
    ),
    "live.set_duplicate": (
        "POST",
        "/live/sets/{live_set}/duplicate",  # a fresh client id each: one copy each
        only({TEACHER: 303, VOLUNTEER: 303}),
    ),
    "live.set_share": ("GET", "/live/sets/{live_set}/share", only({VOLUNTEER: 200})),
    "live.set_start": ("GET", "/live/sets/{live_set}/start", only({TEACHER: 200, VOLUNTEER: 200})),
    # Pictures are public like the room that shows them (a guest's phone); none stored here.
    "live.picture": ("GET", f"/live/pictures/{'0' * 64}.webp", everyone(404)),
    "live.join": ("GET", "/join", everyone(200)),
    # A group's session: its members may join; the host and others are not players.
    "live.join_code": (
        "GET",
        "/join/{live}",
        {**everyone(404), TRAINEE: 200, TEACHER: 200, VOLUNTEER: 200},
    ),
    "live.play": ("GET", "/live/{live}/play", {**everyone(303)}),
    "live.poll": ("GET", "/live/{live}/poll?v=1", everyone(204)),
    "live.answer": ("POST", "/live/{live}/answer?index=0", {**everyone(303)}),
    "budget.month": ("GET", "/budget", only({TRAINEE: 200})),
    "budget.add_entry": ("POST", "/budget/entries?amount=5&category=food", only({TRAINEE: 200})),
    "budget.edit_entry": ("GET", "/budget/entries/{entry}", only({TRAINEE: 200})),
    "budget.delete_entry": ("POST", "/budget/entries/{entry}/delete", only({TRAINEE: 303})),
    "budget.recurring": ("GET", "/budget/recurring", only({TRAINEE: 200})),
    "budget.stop_recurring": ("POST", "/budget/recurring/{recurring}/stop", only({TRAINEE: 303})),
    "budget.add_category": ("POST", "/budget/categories?name=Cantine", only({TRAINEE: 303})),
    "budget.compare": ("GET", "/budget/compare/food", only({TRAINEE: 200})),
    "budget.export": ("GET", "/budget/export.csv", only({TRAINEE: 200})),
    "budget.import_csv": ("GET", "/budget/import", only({TRAINEE: 200})),
    "budget.share": ("POST", "/budget/share?month=2026-01-01&share=1", only({TRAINEE: 303})),
    "budget.shared": ("GET", "/budget/shared/{trainee}", only({TEACHER: 200})),
    "journal.index": ("GET", "/journal", only({TRAINEE: 200})),
    "journal.new_goal": ("GET", "/journal/goals/new", only({TRAINEE: 200})),
    "journal.goal": ("GET", "/journal/goals/{goal}", only({TRAINEE: 200})),
    "journal.toggle_step": ("POST", "/journal/steps/{step}/toggle", only({TRAINEE: 303})),
    "journal.share": ("POST", "/journal/goals/{goal}/share?share=1", only({TRAINEE: 303})),
    "journal.write": ("GET", "/journal/write", only({TRAINEE: 200})),
    "journal.month": ("GET", "/journal/month", only({TRAINEE: 200})),
    "journal.assessments": ("GET", "/journal/assessment", only({TRAINEE: 200})),
    "journal.new_assessment": ("GET", "/journal/assessment/new?stage=entry", only({TRAINEE: 200})),
    "journal.shared": ("GET", "/journal/shared/{trainee}", only({TEACHER: 200})),
    "journal.comment": (
        "POST",
        "/journal/shared/{trainee}/comment?kind=goal&item_id={goal}&text=x",
        only({TEACHER: 303}),
    ),
    "dashboard.today": ("GET", "/dashboard", only({TEACHER: 200, OTHER_TEACHER: 200})),
    "dashboard.grid": ("GET", "/dashboard/groups/{group}/grid", only({TEACHER: 200})),
    "dashboard.assign": ("GET", "/dashboard/groups/{group}/assign", only({TEACHER: 200})),
    "dashboard.change_assignment": (
        "POST",
        "/dashboard/assignments/{assignment}?due_on=",
        only({TEACHER: 303}),
    ),
    # Withdrawing asks first: a question page, then the POST.
    "dashboard.withdraw_assignment": (
        "GET",
        "/dashboard/assignments/{assignment}/withdraw",
        only({TEACHER: 200}),
    ),
    "dashboard.withdraw_assignment@post": (
        "POST",
        "/dashboard/assignments/{assignment}/withdraw",
        only({TEACHER: 303}),
    ),
    # Only a teacher attached to the group now marks a Today line as handled.
    "dashboard.handled": (
        "POST",
        "/dashboard/groups/{group}/today/{trainee}/handled"
        "?reasons=inactive:None&client_id=acc-handled",
        only({TEACHER: 303}),
    ),
    "dashboard.group_settings": (
        "POST",
        "/dashboard/groups/{group}/settings?inactive_days=5",
        only({TEACHER: 303}),
    ),
    "dashboard.trainee": ("GET", "/dashboard/trainees/{trainee}", only({TEACHER: 200})),
    "dashboard.impact": (
        "GET",
        "/dashboard/impact?group={group}",
        only({TEACHER: 200, ADMIN: 200}),
    ),
    "dashboard.impact_csv": (
        "GET",
        "/dashboard/impact.csv?group={group}",
        only({TEACHER: 200, ADMIN: 200}),
    ),
    "privacy.audit_log": ("GET", "/admin/audit", only({ADMIN: 200})),
    "privacy.erasures": ("GET", "/admin/erasures", only({ADMIN: 200})),
    "privacy.confirm_erasure": ("POST", "/admin/erasures/{erasure}", only({ADMIN: 303})),
    "privacy.notice": ("GET", "/privacy", everyone(200)),
    "privacy.mine": ("GET", "/privacy/me", only({TRAINEE: 200})),
    "privacy.my_data": ("GET", "/privacy/my-data", only({TRAINEE: 200})),
    "privacy.my_data_json": ("GET", "/privacy/my-data.json", only({TRAINEE: 200})),
    "privacy.seen": ("GET", "/privacy/seen", only({TRAINEE: 200})),
    "privacy.erase": ("GET", "/privacy/erase", only({TRAINEE: 200})),
    "journal.delete_goal": ("POST", "/journal/goals/{goal}/delete", only({TRAINEE: 303})),
    "journal.delete_entry": (
        "POST",
        "/journal/entries/{journal_entry}/delete",
        only({TRAINEE: 303}),
    ),
    "journal.delete_assessment": (
        "POST",
        "/journal/assessment/{assessment}/delete",
        only({TRAINEE: 303}),
    ),
    "budget.delete_category": (
        "POST",
        "/budget/categories/{category}/delete",
        only({TRAINEE: 303}),
    ),
    # My week: the trainee's own week; a group's calendar for the teachers attached to it now.
    "week.index": ("GET", "/week", only({TRAINEE: 200})),
    "week.offline": ("GET", "/week/offline", only({TRAINEE: 200})),
    "week.seen": ("POST", "/week/seen", only({TRAINEE: 303})),
    "week.group_calendar": ("GET", "/week/groups/{group}", only({TEACHER: 200})),
    "week.session": ("GET", "/week/sessions/{week_session}", only({TEACHER: 200})),
    "week.cancel": ("POST", "/week/sessions/{week_session}/cancel", only({TEACHER: 303})),
    # The trainee's own appointments: theirs alone; shared ones read by their group's teacher.
    "week.new_appointment": ("GET", "/week/appointments/new", only({TRAINEE: 200})),
    "week.appointment": ("GET", "/week/appointments/{appointment}", only({TRAINEE: 200})),
    "week.share": (
        "POST",
        "/week/appointments/{appointment}/share?share=1",
        only({TRAINEE: 303}),
    ),
    "week.delete_appointment": (
        "POST",
        "/week/appointments/{appointment}/delete",
        only({TRAINEE: 303}),
    ),
    # Calendar feeds: each person makes and stops their own; the feed itself is anonymous by
    # token (a calendar app has no session): a wrong or revoked token is 404 for everyone.
    "week.new_feed": ("POST", "/week/feed/new", only({TRAINEE: 200})),
    "week.revoke_feed": ("POST", "/week/feed/revoke", only({TRAINEE: 303})),
    "week.feed": ("GET", f"/week/feed/{'x' * 43}.ics", everyone(404)),
    "week.new_group_feed": ("POST", "/week/groups/{group}/feed/new", only({TEACHER: 200})),
    "week.revoke_group_feed": ("POST", "/week/groups/{group}/feed/revoke", only({TEACHER: 303})),
    # Attendance: the teachers of the group mark and read it (audited); the trainee their hours.
    "week.attendance_sheet": (
        "GET",
        "/week/sessions/{week_session}/attendance",
        only({TEACHER: 200}),
    ),
    "week.hours": ("GET", "/week/hours", only({TRAINEE: 200})),
    "week.month_sheet": ("GET", "/week/trainees/{trainee}/sheet", only({TEACHER: 200})),
    "week.month_sheet_csv": ("GET", "/week/trainees/{trainee}/sheet.csv", only({TEACHER: 200})),
    "week.shared": ("GET", "/week/shared/{trainee}", only({TEACHER: 200})),
    # My steps: the trainee's own; a teacher of their group sees and comments on shared steps.
    "steps.index": ("GET", "/steps", only({TRAINEE: 200})),
    "steps.step": ("GET", "/steps/carte-vitale", only({TRAINEE: 200})),
    "steps.tick": (
        "POST",
        "/steps/carte-vitale/tick?done=1&client_id=acc-tick",
        only({TRAINEE: 303}),
    ),
    "steps.status": ("POST", "/steps/carte-vitale/status?note=CPAM", only({TRAINEE: 303})),
    "steps.share": ("POST", "/steps/carte-vitale/share?share=1", only({TRAINEE: 303})),
    "steps.forget": ("POST", "/steps/impots/forget", only({TRAINEE: 303})),
    "steps.shared": ("GET", "/steps/shared/{trainee}", only({TEACHER: 200})),
    "steps.comment": (
        "POST",
        "/steps/shared/{trainee}/comment?row_id={trainee_step}&text=Bravo",
        only({TEACHER: 303}),
    ),
    # My papers: the trainee's own; a paper shared with the group's teacher (`world`) is opened
    # by that teacher only; others see an empty list of what is shared with them.
    "papers.index": ("GET", "/papers", only({TRAINEE: 200})),
    "papers.new": ("GET", "/papers/new", only({TRAINEE: 200})),
    "papers.document": ("GET", "/papers/{paper}", only({TRAINEE: 200})),
    "papers.file": ("GET", "/papers/{paper}/file", only({TRAINEE: 200})),
    "papers.thumb": ("GET", "/papers/{paper}/thumb", only({TRAINEE: 200})),
    "papers.download_all": ("GET", "/papers/all.zip", only({TRAINEE: 200})),
    "papers.delete": ("POST", "/papers/{paper}/delete", only({TRAINEE: 303})),
    "papers.share": (
        "POST",
        "/papers/{paper}/share?staff_id={group_teacher}&period=week",
        only({TRAINEE: 303}),
    ),
    "papers.revoke": ("POST", "/papers/{paper}/shares/{paper_share}/revoke", only({TRAINEE: 303})),
    "papers.shared": ("GET", "/papers/shared", only({TEACHER: 200, OTHER_TEACHER: 200})),
    "papers.shared_file": ("GET", "/papers/shared/{paper}", only({TEACHER: 200})),
    # Placements: the trainee reads theirs and writes a review; a teacher of the group records
    # them, makes the tutor's link and reads the evaluation; the tutor's form is anonymous by
    # token (no account): a wrong or revoked token is 404 for everyone (tests/test_placements.py
    # opens a real one).
    "placements.index": ("GET", "/placements", only({TRAINEE: 200})),
    "placements.placement": ("GET", "/placements/{placement}", only({TRAINEE: 200})),
    "placements.share": ("POST", "/placements/{placement}/share?share=1", only({TRAINEE: 303})),
    "placements.group": ("GET", "/placements/groups/{group}", only({TEACHER: 200})),
    "placements.new": ("GET", "/placements/trainees/{trainee}/new", only({TEACHER: 200})),
    "placements.staff_view": ("GET", "/placements/{placement}/staff", only({TEACHER: 200})),
    "placements.make_link": ("POST", "/placements/{placement}/link", only({TEACHER: 200})),
    "placements.revoke_link": (
        "POST",
        "/placements/{placement}/link/revoke",
        only({TEACHER: 303}),
    ),
    "placements.tutor": ("GET", f"/placements/tutor/{'x' * 43}", everyone(404)),
    # My work (CV, applications, interview practice): the trainee's own, nobody else's.
    "career.index": ("GET", "/career", only({TRAINEE: 200})),
    "career.cv_edit": ("GET", "/career/cv", only({TRAINEE: 200})),
    "career.save_cv": ("POST", "/career/cv?full_name=Sam", only({TRAINEE: 303})),
    "career.add_job": (
        "POST",
        "/career/cv/jobs?position=Serveur&from_year=2019&client_id=acc-job2",
        only({TRAINEE: 303}),
    ),
    "career.delete_job": ("POST", "/career/cv/jobs/{career_job}/delete", only({TRAINEE: 303})),
    "career.cv_print": ("GET", "/career/cv/print", only({TRAINEE: 200})),
    "career.cv_text": ("GET", "/career/cv.txt", only({TRAINEE: 200})),
    "career.applications": ("GET", "/career/applications", only({TRAINEE: 200})),
    "career.add_application": (
        "POST",
        "/career/applications?company=Sodexo&status=to_send&client_id=acc-app2",
        only({TRAINEE: 303}),
    ),
    "career.application": ("GET", "/career/applications/{application}", only({TRAINEE: 200})),
    "career.share_application": (
        "POST",
        "/career/applications/{application}/share?share=1",
        only({TRAINEE: 303}),
    ),
    "career.delete_application": (
        "POST",
        "/career/applications/{application}/delete",
        only({TRAINEE: 303}),
    ),
    "career.practice": ("GET", "/career/interview", only({TRAINEE: 200})),
    "pwa.manifest": ("GET", "/manifest.webmanifest", everyone(200)),
    "pwa.service_worker": ("GET", "/sw.js", everyone(200)),
    "pwa.offline": ("GET", "/offline", everyone(200)),
    "pwa.outbox": ("GET", "/outbox", everyone(200)),  # filled from the phone's own store
    # Candidates: staff-only data of a group's teachers and the admin (never a volunteer).
    "candidates.index": (
        "GET",
        "/candidates",
        only({TEACHER: 200, OTHER_TEACHER: 200, ADMIN: 200}),
    ),
    "candidates.board": ("GET", "/candidates/groups/{group}", only({TEACHER: 200, ADMIN: 200})),
    "candidates.new": ("GET", "/candidates/groups/{group}/new", only({TEACHER: 200, ADMIN: 200})),
    "candidates.candidate": ("GET", "/candidates/{candidate}", only({TEACHER: 200, ADMIN: 200})),
    # No date sent: the file comes back with the message (422).
    "candidates.move": (
        "POST",
        "/candidates/{candidate}/move?stage=interview",
        only({TEACHER: 422, ADMIN: 422}),
    ),
    # Accounts are made by the group's teachers: the login card to print.
    "candidates.accept": (
        "POST",
        "/candidates/{candidate}/accept?request_id=acc-accept",
        only({TEACHER: 200}),
    ),
    "candidates.info_sheet": (
        "GET",
        "/candidates/info-sheet",
        only({TEACHER: 200, OTHER_TEACHER: 200, ADMIN: 200}),
    ),
    "candidates.first_day": (
        "GET",
        "/candidates/first-day",
        only({TEACHER: 200, OTHER_TEACHER: 200, ADMIN: 200}),
    ),
    # The first weeks: the trainee's own welcome path and check-in (nothing sent: 422).
    "candidates.welcome": ("GET", "/welcome", only({TRAINEE: 200})),
    "candidates.checkin": ("POST", "/welcome/checkin", only({TRAINEE: 422})),
    # A staff member's own photo for "who is who"; a photo is seen by the people of their
    # groups (none here: 404 for all; who sees one: tests/test_candidates.py).
    "candidates.my_photo": (
        "GET",
        "/welcome/my-photo",
        only({TEACHER: 200, OTHER_TEACHER: 200, VOLUNTEER: 200, ADMIN: 200}),
    ),
    "candidates.photo": ("GET", "/welcome/photos/{group_teacher}.jpg", signed_in(404)),
    # JSON for the phone's scripts: 401 {"reason": "signin"} when signed out, never a redirect.
    "pwa.outbox_token": ("GET", "/outbox/token", {**everyone(200), ANON: 401}),
    "pwa.offline_home": ("GET", "/offline/home", {**everyone(200), ANON: 401}),
}


def test_every_route_has_an_access_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    tested = {key.split("@")[0] for key in ACCESS}  # "endpoint@case": a second case
    missing = endpoints - tested
    assert not missing, f"routes without an access rule test: {sorted(missing)}"
    assert not tested - endpoints, "access rules for routes that no longer exist"


@pytest.fixture
def world(make_group, make_user, bank):
    """Two groups with their people, the fixture lessons, and a lesson the teacher wrote."""
    group, elsewhere = make_group(), make_group()
    loaded, _ = content.read_lessons(Path(__file__).parent / "fixtures" / "lessons")
    content.load_lessons(loaded)
    teacher = make_user(Role.TEACHER, group=group)
    by_teacher = {**loaded[0], "id": "by-teacher"}
    save_app_lesson(teacher, by_teacher, "id: by-teacher")
    people = {
        TRAINEE: make_user(Role.TRAINEE, group=group),
        OTHER_TRAINEE: make_user(Role.TRAINEE, group=elsewhere),
        TEACHER: teacher,
        OTHER_TEACHER: make_user(Role.TEACHER, group=elsewhere),
        VOLUNTEER: make_user(Role.VOLUNTEER, group=group),
        ADMIN: make_user(Role.ADMIN),
    }
    people["exam"] = start_exam(people[TRAINEE], "access-exam")
    people["live"] = create_session(
        people[VOLUNTEER], group, scopes=["1"], count=2, client_id="acc"
    )
    people["live_set"] = create_set(people[VOLUNTEER], "Série", "acc-set")
    written = save_question(
        question_data("truefalse", {"question": "Vrai ?", "truth": "true", "explanation": "Oui."})
    )
    add_questions(people["live_set"], [written.id])
    people["set_question"] = written.id
    share(people["live_set"], people[VOLUNTEER], {group.id})
    people["entry"] = add_entry(
        people[TRAINEE], "acc-entry", False, 500, date(2026, 1, 2), "food", ""
    )
    people["recurring"] = add_recurring(
        people[TRAINEE], False, 500, 3, "rent", "", date(2026, 1, 2)
    )
    people["goal"] = create_goal(
        people[TRAINEE], "acc-goal", "Carte Vitale", ["health"], "", None, ["Appeler la CPAM"]
    )
    set_shared(people["goal"], True)
    people["assignment"] = assign(teacher, group, "acc-assign", "module", "fle-a1", None, "", [])
    people["journal_entry"] = write_entry(
        people[TRAINEE], "acc-journal", date(2026, 1, 2), 3, "", None
    )
    people["assessment"] = save_assessment(people[TRAINEE], "acc-assess", "free", {}, {}, False)
    people["category"] = add_category(people[TRAINEE], "Cantine")
    add_pattern(
        teacher,
        group,
        "acc-week",
        kind="workshop",
        place="Atelier",
        note_text="",
        first=date(2026, 12, 7),
        last=date(2026, 12, 7),
        weekdays={0},
        starts=time(9),
        ends=time(12),
    )
    people["appointment"] = add_appointment(
        people[TRAINEE], "acc-appointment", Plan("spip", date(2026, 12, 8), time(10), "SPIP")
    )
    people["week_session"] = week_sessions([group.id], date(2026, 12, 7), date(2026, 12, 7))[0]
    steps, _ = step_content.read_steps()
    step_content.load_steps(steps)
    people["trainee_step"] = share_step(people[TRAINEE], "carte-vitale", True)
    people["paper"] = papers.add_document(
        people[TRAINEE],
        "acc-paper",
        kind="id_card",
        expires_on=None,
        prepared=paper_files.prepare(
            Path(__file__).with_name("fixtures").joinpath("id-card.jpg").read_bytes()
        ),
        uploaded_bytes=0,
    )
    people["paper_share"] = papers.share(people[TRAINEE], people["paper"].id, teacher.id, "week")
    people["candidate"] = add_candidate(teacher, group, date(2026, 11, 2), name="Candidat Test")
    people["placement"] = placements.record(
        teacher,
        people[TRAINEE],
        "acc-placement",
        company="Brasserie du Port",
        place="Marseille",
        tutor_name="M. Durand",
        tutor_phone="0600000000",
        tutor_email="",
        starts_on=date(2026, 12, 7),
        ends_on=date(2026, 12, 18),
        hours_per_week=35,
        tasks="Plonge",
    )
    people["career_job"] = add_job(
        people[TRAINEE], "acc-job", job="Plongeur", from_year=2018, to_year=2019
    )
    people["application"] = add_application(people[TRAINEE], "acc-app", company="Elior")
    # A request of a trainee of another group: the admin confirms it (and erases them).
    people["erasure"] = request_erasure(people[OTHER_TRAINEE])
    return group, people


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_access_rule(app, world, login, endpoint):
    method, url, expected = ACCESS[endpoint]
    group, people = world
    url = url.format(
        group=group.id,
        trainee=people[TRAINEE].id,
        teacher=people[OTHER_TEACHER].id,
        lesson="test-cuisine",
        exam=people["exam"].id,
        live=people["live"].code,
        live_set=people["live_set"].id,
        set_question=people["set_question"],
        entry=people["entry"].id,
        recurring=people["recurring"].id,
        goal=people["goal"].id,
        step=people["goal"].steps[0].id,
        assignment=people["assignment"].id,
        journal_entry=people["journal_entry"].id,
        assessment=people["assessment"].id,
        category=people["category"].id,
        erasure=people["erasure"].id,
        week_session=people["week_session"].id,
        appointment=people["appointment"].id,
        trainee_step=people["trainee_step"].id,
        paper=people["paper"].id,
        paper_share=people["paper_share"].id,
        group_teacher=people[TEACHER].id,
        candidate=people["candidate"].id,
        placement=people["placement"].id,
        career_job=people["career_job"].id,
        application=people["application"].id,
    )
    for person in PEOPLE:
        http = app.test_client()
        if person != ANON:
            login(people[person], http=http)
        if "?" in url and method == "POST":  # the query holds the form fields
            path, query = url.split("?")
            response = http.post(path, data=dict(parse_qsl(query)))
        else:
            response = http.open(url, method=method)
        response.close()
        assert response.status_code == expected[person], f"{person} on {method} {url}"


def test_trainee_cannot_reach_another_trainees_reset_even_as_teacher_elsewhere(app, world, login):
    group, people = world
    http = app.test_client()
    login(people[OTHER_TEACHER], http=http)
    assert http.post(f"/trainees/{people[TRAINEE].id}/reset-code").status_code == 404
    cards = http.post(f"/groups/{group.id}/cards", data={"trainee": people[TRAINEE].id})
    assert cards.status_code == 404


def test_admin_sees_staff_but_not_trainees_of_a_group(app, world, login):
    group, people = world
    http = app.test_client()
    login(people[ADMIN], http=http)
    page = http.get(f"/groups/{group.id}").text
    assert people[TEACHER].display_name in page
    assert people[TRAINEE].display_name not in page


def test_volunteer_sees_group_names_only(app, world, login):
    group, people = world
    http = app.test_client()
    login(people[VOLUNTEER], http=http)
    page = http.get("/groups").text
    assert group.name in page
    assert people[TRAINEE].display_name not in page
    assert f"/groups/{group.id}" not in page
