"""A volunteer runs a live quiz on a projector; phones join by QR link, signed in and as guests."""

import re

import sqlalchemy as sa

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_revision_browser import answer_right
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.live.models import LiveAnswer, LiveSession
from webapp.revision.models import ReviewLog


def next_phase(host, label):
    host.get_by_role("button", name=label).click()
    host.wait_for_load_state()


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
