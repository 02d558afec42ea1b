"""A volunteer runs a room that flows, at the projector (1280 px, the keyboard) with phones at
360 px in French and Arabic: countdown, pause, more time, skip, the chart, the scores, an
ordering question by tiles, the time running out by itself, the podium and the CSV."""

import re
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_thumbs_browser import tap_order
from webapp.accounts.models import Role
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.live.models import LiveAnswer, LiveSession
from webapp.revision.models import Question


def join(page, code, nickname):
    page.goto(f"/join/{code}")
    page.fill("#nickname", nickname)
    page.locator("form.card button[type=submit]").click()
    page.wait_for_selector("#play")


def choose(page, question):
    """The right choice by its value (the same in every language)."""
    item = question.content
    value = (
        ("true" if item["answer"] else "false") if item["type"] == "truefalse" else item["answer"]
    )
    page.locator(f'#play input[name=choice][value="{value}"]').check()


def key(host, name, then):
    """Press a key at the projector and wait for the page it leads to."""
    host.keyboard.press(name)
    host.wait_for_selector(then)


def test_a_room_that_flows(projector, phone, make_user, bank, shot):
    volunteer = make_user(Role.VOLUNTEER, username="animatrice")
    trainee = make_user(display_name="Samir Benali")
    host = projector()
    sign_in(host, volunteer.username)
    host.goto("/live/new")
    host.select_option("#group_id", "0")
    host.get_by_label("CCP 1 · Entrées et desserts").check()
    host.fill("#count", "2")
    host.select_option("#time_limit", "20")
    host.get_by_role("button", name="Ouvrir la session").click()
    host.wait_for_url(re.compile(r"/live/\w{6}/host$"))
    live = db.session.scalar(sa.select(LiveSession))
    single = db.session.scalar(
        sa.select(Question).where(Question.kind == "single").order_by(Question.id)
    )
    order = db.session.scalar(
        sa.select(Question).where(Question.kind == "order").order_by(Question.id)
    )
    live.question_ids = [single.id, order.id]
    db.session.commit()
    code = live.code
    host.reload()
    assert host.locator(".lobby__qr svg").is_visible() and host.locator(".join-url").is_visible()
    assert host.locator("header.top, nav.bottom-nav, form.languages").count() == 0

    fr = phone()
    join(fr, code, "Lina")
    ar = phone(locale="ar")
    join(ar, code, "Moussa")
    signed = phone()
    sign_in(signed, trainee.username)
    join(signed, code, "Chef Sam")
    host.wait_for_selector("text=Chef Sam")
    audit(host)
    shot(host, "live-room-projector-lobby")

    # Space starts the quiz: a countdown on the projector and the phones.
    hint = host.locator("[data-shortcuts]")
    assert hint.is_visible() and "Espace" in hint.inner_text()
    key(host, "Space", ".phase-question")
    assert host.locator("#host-next").get_attribute("aria-keyshortcuts") == "Space"
    assert host.locator(".timer").is_visible()
    fr.wait_for_selector("#play form")
    assert fr.locator("#play .timer").is_visible()
    choose(fr, single)  # chosen, not sent yet: a pause must not undo it
    audit(fr)
    shot(host, "live-room-projector-question")
    shot(fr, "live-room-phone-fr-question")

    key(host, "p", ".timer--paused")
    fr.wait_for_selector("#play .timer--paused")
    assert fr.locator(f'#play input[name=choice][value="{single.content["answer"]}"]').is_checked()
    key(host, "+", "#host-pause")
    key(host, "p", ".timer:not(.timer--paused)")
    # Each phone has the resumed question (the room's version now) before anyone taps: a tap
    # as a poll swapped the panel in was lost once (CI on a slow machine).
    resumed = host.locator("input[name=version]").first.get_attribute("value")
    for page in (fr, ar, signed):
        page.wait_for_selector(f'#play[hx-get$="v={resumed}"]')
        page.wait_for_selector("#play form")
        choose(page, single)
        page.locator("#play button[type=submit]").click()
        page.wait_for_selector("#play[data-answered='1']")
    ar.wait_for_selector("#play .timer")
    shot(ar, "live-room-phone-ar-sent")

    key(host, "s", ".phase-reveal")  # skip the time left: the answer now
    host.wait_for_selector(".chart")
    audit(host)
    shot(host, "live-room-projector-reveal")
    for page, name in ((fr, "fr"), (ar, "ar")):
        page.wait_for_selector("#play .chart")
        audit(page)
        shot(page, f"live-room-phone-{name}-reveal")

    key(host, "Space", ".phase-scores")
    host.wait_for_selector(".scoreboard")
    shot(host, "live-room-projector-scores")
    ar.wait_for_selector("#play .scoreboard")
    audit(ar)
    shot(ar, "live-room-phone-ar-scores")

    # The ordering question: the lines on the projector, tiles on the phones.
    key(host, "Space", ".host-lines")
    shot(host, "live-room-projector-order")
    for page in (fr, ar):
        page.wait_for_selector("#play .tapboard")
        tap_order(page.locator("#play"), order.content["items"])
        page.locator("#play button[type=submit]").click()
        page.wait_for_selector("#play[data-answered='1']")
    signed.wait_for_selector("#play .tapboard")
    shot(signed, "live-room-phone-order-tiles")
    # Nobody presses anything: the time runs out and every screen goes to the answer.
    db.session.execute(sa.update(LiveSession).values(deadline=utcnow() - timedelta(seconds=5)))
    db.session.commit()
    signed.wait_for_selector("#play .chart")
    assert "Le temps est fini" in signed.locator("#play").inner_text()
    host.wait_for_selector(".phase-reveal .host-lines--right")
    key(host, "Space", ".phase-scores")
    key(host, "Space", ".podium")
    audit(host)
    shot(host, "live-room-projector-podium")
    ar.wait_for_selector("#play .podium")
    audit(ar)
    shot(ar, "live-room-phone-ar-end")

    with host.expect_download() as download:
        host.get_by_role("link", name="Télécharger les résultats (CSV)").click()
    data = Path(download.value.path()).read_bytes().decode("utf-8")
    assert data.startswith("\ufeff") and ";" in data.splitlines()[0]
    host.get_by_role("link", name="Résultats par question").click()
    host.get_by_role("button", name="Revoir ces questions").click()
    host.wait_for_selector("text=révisions de 1 stagiaire")
    audit(host)
    shot(host, "live-room-results")
    answers = db.session.scalars(sa.select(LiveAnswer)).all()
    assert len(answers) == 5 and len({(a.player_id, a.question_index) for a in answers}) == 5
