"""Candidates, tried as staff would on a laptop: three candidates moved through the board, one
refused, one accepted (the login card), then the new trainee signs in on a 360 px phone to the
welcome path and checks in; the information sheet printed to PDF and as print media."""

import re
from datetime import date, timedelta
from pathlib import Path

from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import Role

SHOTS = Path("/work/notes/shots")


def keep(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"candidates-{name}.png"), full_page=True)


def add(page, group_id, name):
    page.goto(f"/candidates/groups/{group_id}/new")
    page.fill("#name", name)
    page.fill("#prison", "Centre pénitentiaire de Fresnes")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(re.compile(r"/candidates/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def move(page, candidate_id, stage, day):
    page.goto(f"/candidates/{candidate_id}")
    page.select_option("#stage", stage)
    page.fill("#on", day.isoformat())
    page.locator(f"form[action='/candidates/{candidate_id}/move'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/candidates/groups/\d+$"))


def test_three_candidates_one_accepted_signs_in_to_the_welcome_path(
    phone, projector, make_group, make_user
):
    group = make_group(name="Cohorte mars")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    desk = projector()
    sign_in(desk, teacher.username)
    today = date.today()
    amina = add(desk, group.id, "Amina Saïdi")
    yanis = add(desk, group.id, "Yanis Morel")
    moussa = add(desk, group.id, "Moussa Traoré")
    move(desk, amina, "interview", today - timedelta(days=60))
    move(desk, amina, "file_sent", today - timedelta(days=50))
    move(desk, yanis, "hearing", today)
    move(desk, moussa, "refused", today - timedelta(days=2))
    board = desk.locator(".candidate-board")
    assert "Amina Saïdi" in board.locator("#stage-file_sent").locator("..").inner_text()
    audit(desk)
    keep(desk, "board-1280")

    desk.goto("/dashboard")
    flags = desk.locator("#candidate-flags").inner_text()
    assert "Amina Saïdi" in flags and "Yanis Morel" in flags  # file waiting; hearing this week
    keep(desk, "today-1280")

    desk.goto(f"/candidates/{yanis}")
    desk.locator(f"form[action='/candidates/{yanis}/accept'] button[type=submit]").click()
    desk.wait_for_selector(".login-card")
    keep(desk, "card")
    username, passphrase = desk.locator(".login-card__secret").all_inner_texts()

    # The teacher chose to show a photo in "who is who".
    desk.goto("/welcome/my-photo")
    desk.set_input_files("#photo", str(Path(__file__).parents[1] / "fixtures" / "id-card.jpg"))
    desk.locator("form.card button[type=submit]").first.click()
    desk.wait_for_url(re.compile(r"/welcome/my-photo$"))
    assert desk.locator("img.team-person__photo").count() == 1

    trainee = phone()
    trainee.goto(f"/login?u={username}")
    trainee.fill("#passphrase", passphrase)
    trainee.locator("form.card button[type=submit]").click()
    trainee.wait_for_url(re.compile(r"/$"))
    assert trainee.locator("#welcome-title").count() == 1
    audit(trainee)
    keep(trainee, "welcome-home-360")
    trainee.locator("label.face", has_text="😐").click()
    trainee.locator(".checkin__help label.face").first.click()
    trainee.check("#shared")
    # Sent through the outbox: the page moves on once the server has acknowledged it (waiting
    # for "/" would not wait at all: the home's address is already "/").
    with trainee.expect_navigation(timeout=30_000):
        trainee.locator("form.checkin button[type=submit]").click()
    trainee.goto("/welcome")
    assert "Karim Haddad" in trainee.locator("main").inner_text()
    assert trainee.locator("img.team-person__photo").evaluate("img => img.naturalWidth") > 0
    audit(trainee)
    keep(trainee, "welcome-360")
    trainee.get_by_role("button", name="العربية").click()
    trainee.wait_for_selector("html[dir=rtl]")
    trainee.wait_for_load_state()  # the new page's root is there first; the rest is still coming
    assert "من هو من" in trainee.locator("main").inner_text()  # who is who, in Arabic
    audit(trainee)
    keep(trainee, "welcome-ar-360")

    desk.goto("/dashboard")
    assert "Yanis Morel" in desk.locator("#shared-checkins").inner_text()

    desk.goto("/candidates/info-sheet")
    desk.pdf(path=str(SHOTS / "candidates-info-sheet.pdf"), format="A4")
    desk.emulate_media(media="print")
    keep(desk, "info-sheet-print")
