"""The outbox on a 360 px phone: nothing written is lost or stored twice, whatever the network,
the session or the person holding the phone does; the app opens without network.

The soak at the end replays random sequences with a fixed seed (OUTBOX_SOAK=200 for the long run).
"""

import os
import random
import re
import time

import pytest
import sqlalchemy as sa

from tests.browser.conftest import PHONE
from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import AuthSession
from webapp.budget.models import Entry
from webapp.extensions import db
from webapp.journal.models import Goal, JournalEntry
from webapp.lessons import content
from webapp.lessons.models import ExerciseAttempt
from webapp.revision.models import ReviewLog

from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lessons"
FAST = "window.OUTBOX_TIMEOUT = 1500;"  # "connected but no data" gives up after 1.5 s in tests
WRITES = re.compile(r"/(journal/write|journal/goals/new|budget/entries|lessons/[^/]+/exercises/[^/]+"
                    r"|revision/answer)$")
MODELS = (JournalEntry, Entry, Goal, ExerciseAttempt, ReviewLog)


@pytest.fixture
def lessons(ctx):
    loaded, problems = content.read_lessons(FIXTURES)
    assert problems == []
    content.load_lessons(loaded)
    return loaded


def settle(page, seconds=15.0):
    """Wait until the page is loaded and no offline-capable form is on its way."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if page.evaluate("document.readyState === 'complete' && "
                             "!document.querySelector('form[data-busy]')"):
                return
        except Exception:  # noqa: BLE001 - the page is navigating
            pass
        assert time.monotonic() < deadline, "the page never settled"
        page.wait_for_timeout(100)


def waiting(page, user=None):
    """The outbox items kept on this phone (for one user)."""
    for _ in range(50):
        try:
            items = page.evaluate("Outbox.all()")
            break
        except Exception:  # noqa: BLE001 - the page is navigating
            page.wait_for_timeout(100)
    return [i for i in items if user is None or str(i["user"]) == str(user)]


def wait_for(page, check, seconds=15.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        page.wait_for_timeout(150)


def stored(user_id) -> dict[str, int]:
    """Every client id this user has in the database, with its number of rows."""
    db.session.rollback()
    counts: dict[str, int] = {}
    for model in MODELS:
        for client_id in db.session.scalars(sa.select(model.client_id).where(
                model.user_id == user_id)):
            if not client_id.startswith("rec-"):
                counts[client_id] = counts.get(client_id, 0) + 1
    return counts


def end_sessions(user):
    """The session ends on the server (expired or revoked), the phone does not know yet."""
    db.session.execute(sa.delete(AuthSession).where(AuthSession.user_id == user.id))
    db.session.commit()


def write_journal(page, text):
    page.goto("/journal/write")
    page.locator("label.mood").nth(2).click()
    page.fill("#text", text)
    client_id = page.locator("form[data-queue] [name=client_id]").input_value()
    page.locator("form[data-queue] button[type=submit]").click()
    return client_id


def test_journal_entry_survives_an_ended_session_and_is_sent_once(phone, make_user, shot):
    trainee = make_user(display_name="Samir Benali")
    page = phone()
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.goto("/journal/write")
    page.context.set_offline(True)
    page.locator("label.mood").nth(2).click()
    page.fill("#text", "Écrit dans le bus")
    client_id = page.locator("form[data-queue] [name=client_id]").input_value()
    page.locator("form[data-queue] button[type=submit]").click()
    page.wait_for_selector("[data-queued]:not([hidden])")
    page.wait_for_selector("[data-outbox-badge]:not([hidden])")
    assert page.locator("[data-outbox-badge] [data-count]").inner_text() == "1"
    shot(page, "outbox-journal-offline")
    end_sessions(trainee)  # the session ends while the phone is offline
    page.context.set_offline(False)
    page.goto("/journal")  # lands on the sign-in page: the item is kept, and the page says why
    assert "/login" in page.url
    note = page.locator("[data-outbox-note]")
    note.wait_for(state="visible")
    assert "(1)" in note.inner_text()
    assert [i["client_id"] for i in waiting(page)] == [client_id]
    assert stored(trainee.id) == {}
    audit(page)
    shot(page, "outbox-sign-in-again")
    sign_in(page, trainee.username)
    wait_for(page, lambda: not waiting(page))
    assert stored(trainee.id) == {client_id: 1}
    page.goto("/outbox")
    assert page.locator("[data-outbox-badge]").is_hidden()


def test_a_second_trainee_on_the_same_phone_sees_and_sends_nothing_of_the_first(
        phone, make_user, make_group, lessons, shot):
    group = make_group()
    first, second = make_user(group=group, display_name="Samir Benali"), make_user(group=group)
    page = phone()
    page.add_init_script(FAST)
    sign_in(page, first.username)
    wait_for(page, lambda: page.evaluate(
        f"caches.has('passerelle-saved-{first.id}')"))  # home kept the next lessons
    page.goto("/journal/write")
    page.context.set_offline(True)
    page.locator("label.mood").nth(2).click()
    page.fill("#text", "Rendez-vous au SPIP")
    page.locator("form[data-queue] button[type=submit]").click()
    page.wait_for_selector("[data-queued]:not([hidden])")
    end_sessions(first)  # no sign-out button: the session just ended
    page.context.set_offline(False)
    sign_in(page, second.username)
    page.goto("/outbox")
    page.wait_for_selector("[data-outbox-list] li")
    assert page.locator("[data-outbox-badge]").is_hidden()
    assert page.locator("[data-outbox-list] li").all_inner_texts() == [
        page.evaluate("JSON.parse(document.getElementById('outbox-words').textContent).empty")]
    assert "SPIP" not in page.content()
    assert not page.evaluate(f"caches.has('passerelle-saved-{first.id}')")
    assert page.evaluate("Outbox.meta('home').then(h => h && h.name)") != "Samir"
    shot(page, "outbox-second-trainee")
    page.reload()
    assert len(waiting(page, first.id)) == 1  # kept for its owner, never sent by someone else
    assert stored(first.id) == {} and stored(second.id) == {}
    # The first trainee comes back: it is sent, once.
    page.goto("/me")
    page.locator('form[action$="/logout"] button').click()
    page.wait_for_url("**/login")
    sign_in(page, first.username)
    wait_for(page, lambda: not waiting(page))
    assert list(stored(first.id).values()) == [1] and stored(second.id) == {}


@pytest.fixture
def no_worker_phone(browser, live_server):
    """A phone whose page alone talks to the network (no service worker, no Background Sync)."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR", base_url=live_server,
                                  service_workers="block")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_connected_but_no_data_waits_on_the_phone_and_a_double_tap_is_one_write(
        no_worker_phone, make_user, shot):
    trainee = make_user()
    page = no_worker_phone
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.goto("/budget")
    hanging = []
    page.route(WRITES, lambda route: hanging.append(route) if route.request.method == "POST"
               else route.continue_())
    page.fill("#amount", "4,50")
    client_id = page.locator("form[data-queue] [name=client_id]").input_value()
    page.locator("form[data-queue] button[type=submit]").dblclick()
    page.wait_for_selector("form.quick-add [data-queued]:not([hidden])")
    assert "/budget" in page.url and page.locator("form.quick-add").is_visible()  # no error page
    assert [i["client_id"] for i in waiting(page)] == [client_id]
    assert len(hanging) == 1  # the second tap sent nothing more
    shot(page, "outbox-no-data")
    page.unroute(WRITES)
    page.reload()
    wait_for(page, lambda: not waiting(page))
    assert stored(trainee.id) == {client_id: 1}


def test_sign_out_with_unsent_writes_warns_first(no_worker_phone, make_user):
    trainee = make_user()
    page = no_worker_phone
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.route(WRITES, lambda route: route.abort() if route.request.method == "POST"
               else route.continue_())  # the writes cannot get through
    page.goto("/budget")
    page.fill("#amount", "12")
    page.locator("form[data-queue] button[type=submit]").click()
    page.wait_for_selector("form.quick-add [data-queued]:not([hidden])")
    page.goto("/me")
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.locator('form[action$="/logout"] button').click()
    wait_for(page, lambda: messages)
    assert "1" in messages[0]
    assert "/me" in page.url  # staying was chosen
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator('form[action$="/logout"] button').click()
    page.wait_for_url("**/login")
    assert len(waiting(page, trainee.id)) == 1  # kept for when they sign in again
    assert stored(trainee.id) == {}


def test_opens_offline_with_home_saved_lessons_and_todays_review(
        phone, make_user, make_group, lessons, bank, shot):
    trainee = make_user(group=make_group(), display_name="Samir Benali")
    page = phone()
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    saved = f"caches.open('passerelle-saved-{trainee.id}').then(c => c.keys()).then(k => k.length)"
    wait_for(page, lambda: page.evaluate(saved) >= 3)  # two lessons and today's questions
    page.context.set_offline(True)  # airplane mode
    page.goto("/")
    home = page.locator("[data-offline-home]")
    home.wait_for(state="visible")
    text = home.inner_text()
    assert "Samir" in text and "Dans la cuisine" in text and "KB" in text
    audit(page)
    shot(page, "offline-home")
    page.goto("/lessons")  # the lesson list is not kept: the offline page lists the saved ones
    page.locator("[data-offline-home] a", has_text="Dans la cuisine").last.click()
    section = page.locator("#ex-single")
    section.get_by_role("radio", name="un couteau", exact=True).check()
    section.locator("button[type=submit]").click()
    section.locator("[data-local-grade].feedback--right").wait_for()
    assert section.locator("[data-queued]").is_visible()
    shot(page, "offline-lesson-answer")
    page.goto("/revision/review")  # today's questions, kept for this trainee
    assert page.locator("section.exercise form[data-queue]").count() >= 1
    shot(page, "offline-review")
    page.context.set_offline(False)
    page.goto("/")
    wait_for(page, lambda: not waiting(page))
    assert list(stored(trainee.id).values()) == [1]
    attempt = db.session.scalar(sa.select(ExerciseAttempt).where(
        ExerciseAttempt.user_id == trainee.id))
    assert attempt.correct  # the server's grade, made when it arrived
