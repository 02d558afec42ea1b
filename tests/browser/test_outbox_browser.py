"""The outbox on a 360 px phone: nothing written is lost or stored twice, whatever the network,
the session or the person holding the phone does; the app opens without network.

The soak at the end replays random sequences with a fixed seed (OUTBOX_SOAK=200 for the long run).
"""

import os
import random
import re
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_revision_browser import answer_right
from webapp.accounts.models import AuthSession
from webapp.budget.models import Entry
from webapp.extensions import db
from webapp.journal.models import Goal, GoalStep, JournalEntry
from webapp.lessons import content
from webapp.lessons.models import ExerciseAttempt
from webapp.revision.models import ReviewLog

FIXTURES = Path(__file__).parents[1] / "fixtures" / "lessons"
FAST = "window.OUTBOX_TIMEOUT = 1500;"  # "connected but no data" gives up after 1.5 s in tests
WRITES = re.compile(
    r"/(journal/write|journal/goals/new|budget/entries"
    r"|lessons/[^/]+/exercises/[^/]+|revision/answer)$"
)
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
            if page.evaluate(
                "document.readyState === 'complete' && !document.querySelector('form[data-busy]')"
            ):
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
        for client_id in db.session.scalars(
            sa.select(model.client_id).where(model.user_id == user_id)
        ):
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


def test_goal_steps_added_and_ticked_offline_are_sent_once(phone, make_user):
    trainee = make_user()
    goal = Goal(user_id=trainee.id, client_id="g1", title="Trouver un logement")
    goal.steps.append(GoalStep(text="Appeler le SIAO", client_id="s1"))
    db.session.add(goal)
    db.session.commit()
    page = phone()
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.goto(f"/journal/goals/{goal.id}")
    page.context.set_offline(True)
    page.fill("#step-text", "Préparer mes papiers")
    page.get_by_role("button", name="Ajouter l’étape").click()
    page.locator("form[data-queue]:has(#step-text) [data-queued]").wait_for()
    page.locator("ul.steps button.step").first.click()  # tick "Appeler le SIAO"
    wait_for(page, lambda: len(waiting(page)) == 2)
    # A second tap is the same write (and says "done" again: it could never undo the first).
    page.locator("ul.steps button.step").first.click()
    page.wait_for_timeout(300)
    assert len(waiting(page)) == 2
    page.context.set_offline(False)
    page.goto("/journal")
    wait_for(page, lambda: not waiting(page))
    db.session.rollback()
    db.session.expire_all()  # the steps made above are in this session's identity map
    steps = {
        step.text: step.done
        for step in db.session.scalars(sa.select(GoalStep).where(GoalStep.goal_id == goal.id))
    }
    assert steps == {"Appeler le SIAO": True, "Préparer mes papiers": False}


def test_a_second_trainee_on_the_same_phone_sees_and_sends_nothing_of_the_first(
    phone, make_user, make_group, lessons, shot
):
    group = make_group()
    first, second = make_user(group=group, display_name="Samir Benali"), make_user(group=group)
    page = phone()
    page.add_init_script(FAST)
    sign_in(page, first.username)
    wait_for(
        page, lambda: page.evaluate(f"caches.has('passerelle-saved-{first.id}')")
    )  # home kept the next lessons
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
        page.evaluate("JSON.parse(document.body.dataset.outboxWords).empty")
    ]
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
def no_worker_phone(browser, live_server, in_flight):
    """A phone whose page alone talks to the network (no service worker, no Background Sync)."""
    context = browser.new_context(
        viewport=PHONE, locale="fr-FR", base_url=live_server, service_workers="block"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()
    in_flight.wait_idle()


def test_connected_but_no_data_waits_on_the_phone_and_a_double_tap_is_one_write(
    no_worker_phone, make_user, shot
):
    trainee = make_user()
    page = no_worker_phone
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.goto("/budget")
    hanging = []
    page.route(
        WRITES,
        lambda route: (
            hanging.append(route) if route.request.method == "POST" else route.continue_()
        ),
    )
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


def test_a_write_the_page_is_sending_is_not_sent_again_by_a_sync_meanwhile(
    no_worker_phone, make_user
):
    """The sync a page starts with can read the outbox just after a tap kept a write there (a
    slow phone): the two sends of it are one request, and both are told its outcome."""
    trainee = make_user()
    page = no_worker_phone
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.goto("/budget")
    settle(page)
    hanging = []
    page.route(WRITES, lambda route: hanging.append(route))
    outcomes = page.evaluate(
        """() => {
        const form = document.querySelector("form.quick-add");
        const item = {client_id: "race-1", kind: "budget", user: document.body.dataset.userId,
          url: form.action, body: [["amount", "3"], ["category", "food"], ["kind", "expense"],
          ["day", new Date().toISOString().slice(0, 10)], ["client_id", "race-1"]],
          state: "waiting", reason: "", attempts: 0, at: Date.now(), label: "3"};
        const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
        return Outbox.add(item).then(() => Promise.all(
          [Outbox.send(item, token, 1500), Outbox.sync(1500), Outbox.send(item, token, 1500)]));
    }"""
    )
    assert len(hanging) == 1  # one request, though three asked to send it
    assert outcomes[0]["kind"] == outcomes[2]["kind"] == "retry"  # no answer within 1.5 s
    page.unroute(WRITES)
    wait_for(page, lambda: page.evaluate("Outbox.sync(3000)") is not None and not waiting(page))
    assert stored(trainee.id) == {"race-1": 1}


def test_a_late_second_tap_offline_is_the_same_write_and_typing_starts_a_new_one(
    no_worker_phone, make_user
):
    """On a slow phone the second tap can land after the first was kept and the form emptied:
    it must not queue an empty entry that then "needs you" for ever."""
    trainee = make_user()
    page = no_worker_phone
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.goto("/budget")
    page.context.set_offline(True)
    page.fill("#amount", "4,50")
    first = page.locator("form.quick-add [name=client_id]").input_value()
    save = page.locator("form.quick-add button[type=submit]")
    save.click()
    page.wait_for_selector("form.quick-add [data-queued]:not([hidden])")
    save.click()  # the late second tap, on the emptied form
    page.wait_for_timeout(300)
    assert [i["client_id"] for i in waiting(page)] == [first]
    page.fill("#amount", "2")  # a new expense: a new write
    save.click()
    wait_for(page, lambda: len(waiting(page)) == 2)
    page.context.set_offline(False)
    page.reload()
    wait_for(page, lambda: not waiting(page))
    assert sorted(stored(trainee.id).values()) == [1, 1]
    assert first in stored(trainee.id)


def test_sign_out_with_unsent_writes_warns_first(no_worker_phone, make_user, shot):
    trainee = make_user()
    page = no_worker_phone
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    page.route(
        WRITES, lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )  # the writes cannot get through
    page.goto("/budget")
    page.fill("#amount", "12")
    page.locator("form[data-queue] button[type=submit]").click()
    page.wait_for_selector("form.quick-add [data-queued]:not([hidden])")
    page.goto("/outbox")  # the list: what waits, its state and why, and a discard button
    page.wait_for_selector("[data-outbox-list] li[data-client-id] .outbox__why")
    audit(page)
    shot(page, "outbox-list")
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
    phone, make_user, make_group, lessons, bank, shot
):
    trainee = make_user(group=make_group(), display_name="Samir Benali")
    page = phone()
    page.add_init_script(FAST)
    sign_in(page, trainee.username)
    saved = (
        f"caches.open('passerelle-saved-{trainee.id}').then(c => c.keys())"
        ".then(keys => keys.map(r => new URL(r.url).pathname))"
    )
    # Two lessons and today's questions (their recordings may be saved too, in any order).
    wait_for(
        page,
        lambda: (
            "/revision/review/offline" in (paths := page.evaluate(saved))
            and sum(path.startswith("/lessons/") for path in paths) >= 2
        ),
    )
    page.context.set_offline(True)  # airplane mode
    page.goto("/")
    home = page.locator("[data-offline-home]")
    home.wait_for(state="visible")
    text = home.inner_text()
    assert "Samir" in text and "Dans la cuisine" in text and re.search(r"\(\d+\s?ko\)", text)
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
    attempt = db.session.scalar(
        sa.select(ExerciseAttempt).where(ExerciseAttempt.user_id == trainee.id)
    )
    assert attempt.correct  # the server's grade, made when it arrived


# --- The soak: random sequences with a fixed seed; after each, 0 lost and 0 duplicated.

SEED = 20261130
SEQUENCES = int(os.environ.get("OUTBOX_SOAK", "30"))
PAGES = {
    "journal": "/journal/write",
    "budget": "/budget",
    "goal": "/journal/goals/new",
    "lesson": "/lessons/test-cuisine",
    "revision": "/revision/review",
}


class Soak:
    """The trainee's phone and what they did with it, step by step."""

    def __init__(self, page, rng, first, second):
        self.page, self.rng, self.first, self.second = page, rng, first, second
        self.net = "ok"  # ok, offline, hang (no answer at all), lose (stored, answer lost)
        self.who, self.session_ok = "first", True
        self.made, self.discarded, self.shown_sent = set(), set(), set()
        self.reached = set()  # sent at least once into a network that did not answer
        self.log = []  # what happened, for a failure message
        self.counts = {
            "writes": 0,
            "double taps": 0,
            "offline": 0,
            "hang": 0,
            "lose": 0,
            "expired": 0,
            "second user": 0,
            "reloads": 0,
            "discards": 0,
        }

    # The network
    def _route(self, route):
        if route.request.method != "POST":
            route.continue_()
            return
        # It may reach the server (now, or later for a request left hanging), and the phone
        # cannot know: discarding it then cannot unsend it, so the soak only discards what
        # never left the phone.
        self.reached.add(re.search(r"client_id=([\w-]+)", route.request.post_data or "")[1])
        if self.net == "lose":
            route.fetch()  # the server stores it; the answer never reaches the phone
            route.abort()
        # "hang": never answered; the phone gives up after its timeout

    def set_net(self, net):
        page = self.page
        if self.net == "offline":
            page.context.set_offline(False)
        if self.net in ("hang", "lose"):
            page.context.unroute(WRITES)
        self.net = net
        self.log.append(f"net {net}")
        if net == "offline":
            page.context.set_offline(True)
        if net in ("hang", "lose"):
            page.context.route(WRITES, self._route)
        if net != "ok":
            self.counts[net] += 1

    # The people
    def sign_out(self):
        self.page.goto("/me")
        self.page.locator('form[action$="/logout"] button').click()  # warns; accepted
        self.page.wait_for_url("**/login")
        self.who = None

    def sign_in_first(self):
        if self.who == "first" and self.session_ok:
            return
        if self.who == "second":
            self.sign_out()
        sign_in(self.page, self.first.username)
        self.who, self.session_ok = "first", True

    def second_person(self):
        """Someone else signs in on the phone: they see nothing of the first trainee."""
        if self.who == "first" and self.session_ok:
            self.sign_out()
        if self.who != "second":
            sign_in(self.page, self.second.username)
            self.who = "second"
        self.page.goto("/outbox")
        self.page.wait_for_selector("[data-outbox-list] li")
        assert self.page.locator("[data-outbox-list] li[data-client-id]").count() == 0
        assert self.page.locator("[data-outbox-badge]").is_hidden()
        self.counts["second user"] += 1

    # What the trainee does
    def open(self, kind):
        if self.net == "offline":
            return
        self.sign_in_first()
        self.page.goto(PAGES[kind])
        settle(self.page)

    def forms(self):
        if self.who != "first" or not self.page.evaluate("!!document.body.dataset.userId"):
            return []
        plain = ("journal", "budget", "goal", "revision")
        return [
            f
            for f in self.page.locator("form[data-queue]").all()
            if f.is_visible()
            and (f.get_attribute("data-queue") in plain or f.locator("input[type=radio]").count())
        ]

    def write(self):
        page = self.page
        forms = self.forms()
        if not forms and self.net != "offline":
            self.open(self.rng.choice(list(PAGES)))
            forms = self.forms()
        if not forms:
            return
        form = self.rng.choice(forms)
        kind, number = form.get_attribute("data-queue"), len(self.made)
        if kind == "journal":
            form.locator("label.mood").nth(self.rng.randrange(5)).click()
            form.locator("#text").fill(f"Soak {number}")
        elif kind == "budget":
            form.locator("#amount").fill(f"{self.rng.randint(1, 99)},{self.rng.randint(0, 99):02d}")
        elif kind == "goal":
            form.locator("#title").fill(f"Soak goal {number}")
        elif kind == "revision":
            answer_right(page, page.locator("section.exercise", has=form))
        else:
            radios = form.locator("input[type=radio]")
            radios.nth(self.rng.randrange(radios.count())).check()
        client_id = form.locator("[name=client_id]").input_value()
        button = form.locator("button[type=submit]")
        if self.rng.random() < 0.3:
            button.dblclick()
            self.counts["double taps"] += 1
        else:
            button.click()
        self.made.add(client_id)
        self.log.append(f"write {kind} {client_id[:6]} net={self.net}")
        self.counts["writes"] += 1
        settle(page)

    def discard(self):
        """Offline or without answers, on the outbox page: discard one waiting item (never sent
        then). Not when answers are lost: the server may already have it."""
        if self.net not in ("offline", "hang"):
            return
        page = self.page
        page.goto("/outbox")  # offline: the offline page, which lists the outbox too
        buttons = page.locator("[data-outbox-list] li[data-client-id] button:enabled")
        try:
            buttons.first.wait_for(timeout=1500)
        except Exception:  # noqa: BLE001 - nothing waits
            return
        ids = buttons.evaluate_all("all => all.map(b => b.closest('li').dataset.clientId)")
        ids = [i for i in ids if i not in self.reached]
        if not ids:
            return
        client_id = ids[0]
        page.locator(f"li[data-client-id='{client_id}'] button").click()  # asks; accepted
        # A read of the outbox begun now waits for the discard's own write: still there, refused.
        if page.evaluate("id => Outbox.get(id).then(item => !!item)", client_id):
            return  # refused: it was on its way
        # Gone from the outbox: the list says how once it is drawn again.
        pending = f"li[data-client-id='{client_id}']:not([data-state=discarded])"
        expect(page.locator(pending)).to_have_count(0)
        if not page.locator(f"li[data-client-id='{client_id}'][data-state=discarded]").count():
            return  # sent meanwhile, not discarded
        self.discarded.add(client_id)
        self.log.append(f"discard {client_id[:6]} net={self.net}")
        self.counts["discards"] += 1

    def offline_burst(self):
        """On the bus: the network goes, a few writes, maybe one discarded."""
        if self.net != "offline" and not self.forms():
            self.open(self.rng.choice(list(PAGES)))
        self.set_net("offline")
        for _ in range(self.rng.randint(1, 3)):
            self.write()
        if self.rng.random() < 0.5:
            self.discard()

    def step(self):
        roll = self.rng.random()
        if roll < 0.1:
            self.offline_burst()
        elif roll < 0.25:
            self.open(self.rng.choice(list(PAGES)))
        elif roll < 0.55:
            self.write()
        elif roll < 0.72:
            self.set_net(self.rng.choice(["ok", "offline", "offline", "hang", "lose"]))
        elif roll < 0.78 and self.who == "first" and self.session_ok:
            end_sessions(self.first)
            self.session_ok = False
            self.counts["expired"] += 1
        elif roll < 0.83 and self.net != "offline":
            self.second_person()
        elif roll < 0.88:
            self.page.reload()
            settle(self.page)
            self.counts["reloads"] += 1
        else:
            self.discard()

    def network_back_and_check(self):
        """Network back, the trainee signed in: everything not discarded is in the database once."""
        self.set_net("ok")
        self.sign_in_first()
        page = self.page
        page.goto("/outbox")
        try:
            wait_for(page, lambda: not waiting(page, self.first.id), seconds=30)
        except AssertionError:
            print("\n".join(self.log), waiting(page, self.first.id))
            raise
        page.wait_for_timeout(200)
        self.shown_sent |= set(
            page.locator("li[data-state=sent]").evaluate_all(
                "items => items.map(li => li.dataset.clientId)"
            )
        )
        rows = stored(self.first.id)
        wanted = self.made - self.discarded
        lost = wanted - set(rows)
        extra = set(rows) - wanted
        duplicated = sum(count - 1 for count in rows.values())
        if (lost, extra, duplicated) != (set(), set(), 0):
            print("\n".join(self.log))
        assert (lost, extra, duplicated) == (set(), set(), 0)
        assert self.shown_sent <= set(rows)  # every item shown "sent" is in the database
        assert stored(self.second.id) == {}  # nothing was ever sent as someone else


def test_soak_nothing_lost_nothing_twice(phone, make_user, make_group, lessons, bank):
    group = make_group()
    first = make_user(group=group, display_name="Samir Benali")
    second = make_user(group=group, display_name="Awa Traoré")
    page = phone()
    page.add_init_script(FAST)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, first.username)
    soak = Soak(page, random.Random(SEED), first, second)
    for sequence in range(SEQUENCES):
        soak.log.append(f"-- sequence {sequence}")
        for _ in range(soak.rng.randint(4, 9)):
            soak.step()
        soak.network_back_and_check()
    print(
        f"\nsoak: {SEQUENCES} sequences, {len(soak.made)} writes made "
        f"({len(soak.discarded)} discarded), {len(stored(first.id))} stored, 0 lost, "
        f"0 duplicated; {soak.counts}"
    )
    assert soak.counts["writes"] >= SEQUENCES


def test_answers_left_in_the_former_local_storage_queue_move_to_the_outbox(
    phone, make_user, lessons
):
    trainee = make_user()
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/lessons/test-cuisine")
    page.evaluate("""() => localStorage.setItem('passerelle.queue', JSON.stringify([{
        url: '/lessons/test-cuisine/exercises/single',
        fields: [['csrf_token', 'expired'], ['client_id', 'old-1'],
                 ['choice', 'un couteau']]}]))""")
    page.reload()
    wait_for(page, lambda: stored(trainee.id) == {"old-1": 1})
    wait_for(page, lambda: not waiting(page))
    assert page.evaluate("localStorage.getItem('passerelle.queue')") is None
