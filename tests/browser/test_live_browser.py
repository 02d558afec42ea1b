"""A volunteer runs a live quiz on a projector; phones join by QR link, signed in and as guests."""

import re

import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_revision_browser import answer_right
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.live.models import LiveAnswer, LiveSession
from webapp.revision.models import Question, ReviewLog


def next_phase(host, label):
    """Press the host's button and wait until the room has moved on (the button is gone). The
    projector's panel refreshes itself every 2 s: a click landing as it is swapped can be lost,
    so press again; the form carries the room's version, so a second press never moves twice."""
    button = host.get_by_role("button", name=label)
    button.wait_for()
    for attempt in range(3):
        if attempt and not button.count():  # the room moved on after all
            return
        try:
            button.click(timeout=5000)
            expect(button).to_have_count(0, timeout=5000)
            return
        except (AssertionError, PlaywrightTimeout):
            continue
    expect(button).to_have_count(0)


def test_live_session_with_late_join_and_a_phone_that_drops(
    projector, phone, make_user, make_group, bank, shot
):
    group = make_group()
    volunteer = make_user(Role.VOLUNTEER, group=group, username="benevole")
    trainee = make_user(group=group, display_name="Samir Benali")
    latecomer = make_user(group=group, display_name="Nadia Kaci")
    host = projector()
    sign_in(host, volunteer.username)
    host.goto("/live/new")
    host.select_option("#group_id", label="Anyone with the code") if False else None
    host.select_option("#group_id", str(0))
    host.get_by_label("CCP 1 · Entrées et desserts").check()
    host.fill("#count", "5")
    host.get_by_role("button", name="Ouvrir la session").click()
    host.wait_for_url(re.compile(r"/live/\w{6}/host$"))
    code = host.locator(".code-wall").inner_text()
    join_url = host.locator(".join-url").inner_text()
    assert host.locator(".lobby__qr svg").is_visible()
    audit(host)
    shot(host, "live-host-lobby")

    by_qr = phone()  # a guest who scanned the QR code
    by_qr.goto(join_url)
    by_qr.fill("#nickname", "Lina")
    by_qr.get_by_role("button", name="Rejoindre").click()
    signed = phone()  # a signed-in trainee
    sign_in(signed, trainee.username)
    signed.goto("/join")
    signed.fill("#code", code.lower())
    signed.get_by_role("button", name="Rejoindre").click()
    signed.fill("#nickname", "Chef Sam")
    signed.get_by_role("button", name="Rejoindre").click()
    guest = phone()
    guest.goto(f"/join/{code}")
    guest.fill("#nickname", "Moussa")
    guest.get_by_role("button", name="Rejoindre").click()
    for page in (by_qr, signed, guest):
        page.wait_for_selector("text=Vous êtes inscrit")
    host.wait_for_selector("text=Moussa")  # the host screen refreshes itself
    audit(signed)

    late = None
    for number in range(5):
        next_phase(host, "Commencer le quiz" if number == 0 else "Question suivante")
        if number == 1:  # someone arrives late
            late = phone()
            sign_in(late, latecomer.username)
            late.goto(f"/join/{code}")
            late.fill("#nickname", "Nadia")
            late.get_by_role("button", name="Rejoindre").click()
        players = [by_qr, signed, guest] + ([late] if late else [])
        if number == 2:
            guest.context.set_offline(True)  # the network drops during this question
        for page in players:
            if page is guest and number == 2:
                continue
            card = page.locator("#play")
            card.locator("form").wait_for()
            answer_right(page, card)
            card.get_by_role("button", name="Envoyer ma réponse").click()
            page.wait_for_selector("text=Réponse envoyée")
        if number == 0:
            shot(signed, "live-phone-question")
        next_phase(host, "Montrer la réponse")
        if number == 2:
            guest.context.set_offline(False)
            guest.goto(f"/live/{code}/play")  # back: lands on the current phase
            assert "n’avez pas répondu" in guest.content()
        signed.wait_for_selector("#play .explanation")
        if number == 0:
            audit(host)
            shot(host, "live-host-reveal")
        next_phase(host, "Montrer les scores")
    next_phase(host, "Terminer la session")
    host.get_by_role("link", name="Résultats par question").click()
    host.wait_for_url(re.compile(r"/live/\w{6}/results$"))
    shot(host, "live-results")
    audit(host)

    live = db.session.scalar(sa.select(LiveSession))
    answers = db.session.scalars(sa.select(LiveAnswer)).all()
    # every answer once (Nadia from question 2, guest missed one)
    assert len(answers) == 3 * 5 + 4 - 1
    assert len({(a.player_id, a.question_index) for a in answers}) == len(answers)
    assert all(a.correct for a in answers)
    reviews = db.session.scalars(sa.select(ReviewLog).where(ReviewLog.user_id == trainee.id)).all()
    assert {r.question_id for r in reviews} == set(live.question_ids)


def test_an_answer_lost_on_the_way_is_sent_again_and_the_player_is_told(phone, make_user, bank):
    from tests.browser.test_live_room_browser import choose, join
    from webapp.live import services

    volunteer = make_user(Role.VOLUNTEER, username="animateur")
    live = services.create_session(volunteer, None, scopes=["1"], count=2, client_id="retry")
    live.question_ids = list(
        db.session.scalars(
            sa.select(Question.id).where(Question.kind == "single").order_by(Question.id).limit(2)
        )
    )
    services.advance(live, live.version)
    db.session.commit()
    page = phone()
    page.add_init_script("window.LIVE_RETRIES = [300, 300]")  # a phone's 1, 2, 4, 8 s, shortened
    join(page, live.code, "Lina")
    question = db.session.get(Question, live.question_ids[0])

    # The network drops as the answer leaves; it comes back while the phone tries again.
    page.context.set_offline(True)
    choose(page, question)
    page.locator("#play button[type=submit]").click()
    page.wait_for_selector("text=Pas encore envoyé : nouvel essai…")
    page.context.set_offline(False)
    page.wait_for_selector("#play[data-answered='1']")

    # Next question, the network gone for good: after the tries, the player is asked to send it.
    services.advance(live, fresh_version(live))
    services.advance(live, fresh_version(live))
    services.advance(live, fresh_version(live))
    db.session.commit()
    page.wait_for_selector("#play form input[name=index][value='1']", state="attached")
    page.context.set_offline(True)
    choose(page, db.session.get(Question, live.question_ids[1]))
    page.locator("#play button[type=submit]").click()
    page.wait_for_selector("text=Vérifiez le réseau")
    page.context.set_offline(False)
    page.locator("#play button[type=submit]").click()
    page.wait_for_selector("#play[data-answered='1']")
    answers = db.session.scalars(sa.select(LiveAnswer)).all()
    assert sorted(a.question_index for a in answers) == [0, 1]  # each once


def fresh_version(live) -> int:
    db.session.refresh(live)
    return live.version
