"""A trainee revises on a 360 px phone: today's review (partly offline), practice, mock exam."""

import re

import sqlalchemy as sa

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_lessons_browser import wait_until
from tests.browser.test_thumbs_browser import tap_order
from webapp.core import grading, titles
from webapp.extensions import db
from webapp.revision.models import MockExam, Question, ReviewLog


def answer_right(page, section):
    """Fill the right answer into a question card, as a trainee who knows it would."""
    question = db.session.get(Question, section.locator("input[name=question_id]").input_value())
    item = question.content
    kind = item["type"]
    if kind == "truefalse":
        section.get_by_role("radio", name="Vrai" if item["answer"] else "Faux", exact=True).check()
    elif kind == "numeric":
        section.locator("input[name$=text]").fill(grading.format_number(item["answer"]))
    elif kind == "multiple":
        for choice in item["answers"]:
            section.get_by_role("checkbox", name=choice, exact=True).check()
    elif kind == "order":  # tapped in order (app.js makes tiles of the selects)
        tap_order(section, item["items"])
    else:
        section.get_by_role("radio", name=item["answer"], exact=True).check()
    return question


def test_review_practice_and_mock_exam(phone, make_user, make_group, bank, shot):
    trainee = make_user(group=make_group())
    page = phone()
    sign_in(page, trainee.username)
    page.locator("nav.bottom-nav a[href='/revision']").click()
    page.wait_for_url("**/revision")
    audit(page)
    shot(page, "revision-overview")
    page.get_by_role("link", name="Commencer la révision du jour").click()
    for number in range(2):
        card = page.locator("section.exercise")
        answer_right(page, card)
        card.get_by_role("button", name="Vérifier ma réponse").click()
        page.wait_for_selector("section.exercise--right")
        if number == 0:
            audit(page)
            shot(page, "revision-feedback")
        page.get_by_role("link", name="Suivant").click()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewLog)) == 2

    # Practice CCP 2.
    page.goto("/revision/practice/2")
    card = page.locator("section.exercise")
    question = answer_right(page, card)
    assert titles.unit_scope("AR", question.competency) == "2"
    card.get_by_role("button", name="Vérifier ma réponse").click()
    page.wait_for_selector("section.exercise--right .explanation")

    # A mock exam: no feedback until the end, then a result per CCP.
    page.goto("/revision")
    page.get_by_role("button", name="Commencer un examen blanc").click()
    page.wait_for_url(re.compile(r"/revision/exams/\d+$"))
    assert page.locator(".explanation").count() == 0
    assert page.locator("[data-deadline]").is_visible()
    audit(page)
    for section in page.locator("form section.exercise").all()[:10]:
        section.locator("input[type=radio], input[type=checkbox]").first.check() if section.locator(
            "input[type=radio], input[type=checkbox]"
        ).count() else section.locator("input[type=text]").first.fill("3") if section.locator(
            "input[type=text]"
        ).count() else None
    page.get_by_role("button", name="Rendre mon examen").click()
    page.wait_for_selector(".result")
    assert page.locator("table.mastery tr").count() == 4
    audit(page)
    shot(page, "exam-result")
    assert db.session.scalar(sa.select(MockExam.finished_at)) is not None


def test_todays_review_offline_then_sent_once(phone, make_user, make_group, bank, shot):
    trainee = make_user(group=make_group())
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/revision")
    page.wait_for_selector("[data-save-offline]:not([hidden])")
    page.context.set_offline(True)
    page.goto("/revision/review")  # the saved copy of today's questions opens
    cards = page.locator("section.exercise")
    assert cards.count() == 5
    shot(page, "revision-offline")
    for index in range(2):
        card = cards.nth(index)
        answer_right(page, card)
        card.get_by_role("button", name="Vérifier ma réponse").click()
        card.locator("[data-queued]").wait_for()
    page.context.set_offline(False)
    page.goto("/revision")
    wait_until(page, "Outbox.all().then(items => items.length === 0)")
    page.goto("/revision")  # a second visit replays nothing twice
    logs = db.session.scalars(sa.select(ReviewLog).order_by(ReviewLog.id)).all()
    assert len(logs) == 2 and all(log.correct for log in logs)
    assert logs[0].reviewed_at <= logs[1].reviewed_at  # scheduled in the order answered
