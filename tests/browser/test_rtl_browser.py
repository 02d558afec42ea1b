"""French content in Arabic pages, at 360 px: the page reads right to left, the French it teaches
left to right, its punctuation where French puts it ("Quelle heure est-il ?", not "? ...")."""

import pytest

from tests.browser.test_journeys import sign_in
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.lessons import content
from webapp.live import services as live
from webapp.revision import bank as bank_files
from webapp.revision.services import load_bank

# The last visible character of an element's text, and the line it sits on, as the browser draws
# them: a Range over that one character, and the client rects of the element's text on that line.
LAST_CHARACTER = """(el) => {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  let last = null, node;
  while ((node = walker.nextNode())) if (node.textContent.trim()) last = node;
  const text = last.textContent, at = text.trimEnd().length - 1;
  const one = document.createRange();
  one.setStart(last, at); one.setEnd(last, at + 1);
  const box = one.getBoundingClientRect();
  const all = document.createRange();
  all.selectNodeContents(el);
  const line = [...all.getClientRects()].filter(
    (r) => r.width > 0 && r.top < box.bottom - 1 && r.bottom > box.top + 1);
  return {character: text[at], left: box.left, right: box.right,
          lineLeft: Math.min(...line.map((r) => r.left)),
          lineRight: Math.max(...line.map((r) => r.right))};
}"""


@pytest.fixture
def questions(ctx):
    """Bank questions asked with a question mark, one choice among several: the live quiz's case."""
    found, problems = bank_files.read_bank()
    assert not problems
    asked = [q for q in found if q["question"].rstrip().endswith("?") and q["type"] == "single"]
    load_bank(asked[:12])
    return asked[:12]


@pytest.fixture
def lesson(ctx):
    found, problems = content.read_lessons()
    assert not problems
    content.load_lessons([item for item in found if item["id"] == "fle-a1-heure-horaires"])
    return "fle-a1-heure-horaires"


def directions(page):
    """The page's direction and every French element's, as computed by the browser."""
    page_direction = page.evaluate("getComputedStyle(document.documentElement).direction")
    french = page.evaluate("""() => [...document.querySelectorAll('main [lang="fr"]')]
        .map((el) => [getComputedStyle(el).direction, el.textContent.trim().slice(0, 40)])""")
    return page_direction, french


def assert_french_reads_left_to_right(page):
    page_direction, french = directions(page)
    assert page_direction == "rtl"
    assert french, page.url
    assert all(direction == "ltr" for direction, _text in french), french
    # Every translation shown next to the French reads right to left.
    assert page.evaluate("""() => [...document.querySelectorAll('main .tr, main .glossary__tr')]
        .every((el) => el.lang === 'ar' && getComputedStyle(el).direction === 'rtl')""")


def question_mark_at_the_right(page, locator):
    """The French sentence's final "?" is drawn at the right end of its line, not at the left."""
    where = locator.evaluate(LAST_CHARACTER)
    assert where["character"] == "?", where
    assert where["right"] >= where["lineRight"] - 1, where
    assert where["left"] > where["lineLeft"] + 1, where
    return where


def test_the_measure_sees_a_moved_question_mark(phone, make_user, make_group, lesson):
    """The check above fails on French left to inherit the Arabic direction (the bug of old)."""
    page = phone("ar")
    sign_in(page, make_user(group=make_group(), locale="ar").username)
    page.goto(f"/lessons/{lesson}")
    prompt = page.locator("h3 [lang=fr]", has_text="Que faites-vous ?")
    prompt.evaluate("(el) => el.setAttribute('dir', 'rtl')")
    where = prompt.evaluate(LAST_CHARACTER)
    assert where["left"] <= where["lineLeft"] + 1, where  # "? Que faites-vous"


def test_lesson_and_revision_in_arabic(phone, make_user, make_group, lesson, questions, shot):
    trainee = make_user(group=make_group(), display_name="سمير بن علي", locale="ar")
    page = phone("ar")
    sign_in(page, trainee.username)

    page.goto(f"/lessons/{lesson}")
    assert_french_reads_left_to_right(page)
    block = page.locator(".block__text > [lang=fr]", has_text="Quelle heure est-il ?")
    assert block.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    # « Quelle heure est-il ? » keeps its quotes and question mark in French order.
    order = block.evaluate("""(el) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const node = walker.nextNode(), s = node.textContent;
      const x = (i) => {
        const r = document.createRange();
        r.setStart(node, i); r.setEnd(node, i + 1);
        return r.getBoundingClientRect().left;
      };
      const open = s.indexOf('«'), mark = s.indexOf('?'), close = s.indexOf('»');
      return [x(open), x(s.indexOf('Quelle')), x(mark), x(close)];
    }""")
    assert order == sorted(order), order
    question_mark_at_the_right(page, page.locator("h3 [lang=fr]", has_text="Que faites-vous ?"))
    question_mark_at_the_right(page, page.locator("h3 [lang=fr]", has_text="Quelle horloge ?"))
    shot(page, "rtl-lesson-ar")

    page.goto("/revision/practice/1")
    page.wait_for_selector("section.exercise")
    assert_french_reads_left_to_right(page)
    question_mark_at_the_right(page, page.locator("h1.question [lang=fr]"))
    shot(page, "rtl-revision-question-ar")
    page.locator("section.exercise input[name=choice]").first.check()
    page.locator("section.exercise button[type=submit]").click()
    page.wait_for_selector("section.exercise .explanation")
    assert_french_reads_left_to_right(page)
    shot(page, "rtl-revision-explanation-ar")


def test_live_quiz_in_arabic_on_phone_and_projector(
    browser, phone, live_server, make_user, make_group, questions, shot
):
    group = make_group()
    volunteer = make_user(Role.VOLUNTEER, group=group, locale="ar")
    session = live.create_session(
        volunteer,
        None,
        scopes=["1", "2", "3", "4"],
        count=3,
        speed_bonus=False,
        team_mode=False,
        client_id="rtl-test",
    )
    session.question_ids = [questions[0]["id"], questions[1]["id"]]
    db.session.commit()

    host = phone("ar")  # the projector page, seen at phone width first
    sign_in(host, volunteer.username)
    player = phone("ar")
    player.goto(f"/join/{session.code}")
    player.fill("#nickname", "ليلى 2")
    player.locator("main form button[type=submit]").click()
    player.wait_for_selector("#play")
    host.goto(f"/live/{session.code}/host")
    host.wait_for_selector(".nicknames bdi")
    assert host.locator(".nicknames bdi").inner_text() == "ليلى 2"

    live.advance(live.by_code(session.code), session.version)  # the first question
    db.session.commit()
    player.goto(f"/live/{session.code}/play")
    host.goto(f"/live/{session.code}/host")
    for page, name in ((player, "rtl-live-phone-ar"), (host, "rtl-live-host-ar")):
        assert_french_reads_left_to_right(page)
        question = page.locator(".question [lang=fr], .host-question[lang=fr]")
        question_mark_at_the_right(page, question)
        shot(page, name)
    host.set_viewport_size({"width": 1280, "height": 800})
    question_mark_at_the_right(host, host.locator(".host-question[lang=fr]"))
    shot(host, "rtl-live-host-ar-1280")

    player.locator("input[name=choice]").first.check()
    player.locator("main form button[type=submit]").click()
    player.wait_for_selector("#play[data-answered='1']")
    session = live.by_code(session.code)
    live.advance(session, session.version)  # the reveal: the explanation, in French
    db.session.commit()
    player.goto(f"/live/{session.code}/play")
    host.goto(f"/live/{session.code}/host")
    for page, name in ((player, "rtl-live-phone-reveal-ar"), (host, "rtl-live-host-reveal-ar")):
        assert_french_reads_left_to_right(page)
        assert page.locator(".explanation [lang=fr]").count() >= 1
        shot(page, name)


def test_home_and_today_in_arabic_keep_names_and_counts_right(
    phone, make_user, make_group, lesson, shot
):
    """A lesson given "by" a date, a teacher's French message, names ending in a full stop, and the
    days since a trainee was last seen, counted in Arabic ("منذ 14 يومًا", not "منذ 14 أيام")."""
    from datetime import timedelta

    from webapp.core.time import local_today
    from webapp.dashboard import services as dashboard

    group = make_group(name="Cuisine B.")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim H.", locale="ar")
    trainee = make_user(
        group=group, display_name="Samir B.", locale="ar", last_seen_on=local_today()
    )
    make_user(group=group, display_name="Olek W.", last_seen_on=local_today() - timedelta(days=14))
    dashboard.assign(
        teacher,
        group,
        "rtl-1",
        "lesson",
        lesson,
        local_today() + timedelta(days=3),
        "Relisez les horaires ?",
        [],
    )

    page = phone("ar")
    sign_in(page, trainee.username)
    assert page.locator("h1").inner_text() == "مرحبًا Samir!"  # one line: the name isolated inside
    assignment = page.locator(".list__row", has_text="بحلول")  # "by" a date: a deadline
    assert assignment.locator("a[lang=fr]").get_attribute("dir") == "ltr"
    question_mark_at_the_right(page, assignment.locator("bdi"))
    shot(page, "rtl-home-ar")

    staff = phone("ar")
    sign_in(staff, teacher.username)
    staff.goto(f"/dashboard?group={group.id}")
    line = staff.locator(".today-list li", has_text="Olek W.").filter(has_text="منذ 14 يومًا")
    assert line.count() == 1
    # The name keeps its full stop at its end, on the left of an Arabic line.
    name = line.locator("a bdi")
    where = name.evaluate(LAST_CHARACTER)
    assert where["character"] == "." and where["right"] >= where["lineRight"] - 1, where
    shot(staff, "rtl-today-ar")


def test_journal_and_budget_in_arabic_keep_typed_french_in_order(
    phone, make_user, make_group, shot
):
    """What a trainee typed in French stays French-ordered in their Arabic pages."""
    from datetime import date

    from webapp.budget import services as budget
    from webapp.journal import services as journal

    trainee = make_user(group=make_group(), locale="ar")
    goal = journal.create_goal(
        trainee, "rtl-goal", "Trouver un logement ?", ["housing"], "", None, []
    )
    journal.add_step(trainee, goal, "rtl-step", "Appeler le SIAO ?", None)
    journal.write_entry(trainee, "rtl-entry", date.today(), 3, "Rendez-vous au SPIP demain ?", None)
    budget.add_entry(trainee, "rtl-money", False, 1250, date.today(), "food", "Courses Lidl ?")

    page = phone("ar")
    sign_in(page, trainee.username)
    page.goto("/journal")
    entry = page.locator(".entry-text")
    assert entry.evaluate("(el) => getComputedStyle(el).direction") == "ltr"  # dir=auto, French
    question_mark_at_the_right(page, entry)
    question_mark_at_the_right(page, page.locator(".goal h3 bdi"))
    question_mark_at_the_right(page, page.locator(".step bdi"))
    shot(page, "rtl-journal-ar")
    page.goto("/budget")
    question_mark_at_the_right(page, page.locator(".entries bdi", has_text="Lidl"))
    shot(page, "rtl-budget-ar")
