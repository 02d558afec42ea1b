"""A trainee's goals and journal on a 360 px phone, and what the teacher sees of it."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_lessons_browser import wait_until
from webapp.accounts.models import Role
from webapp.core.themes import THEME_NAMES
from webapp.journal.models import JournalEntry


def test_goal_journal_sharing_and_self_assessment(phone, make_user, make_group, shot):
    group = make_group()
    trainee = make_user(group=group, display_name="Samir Benali")
    teacher = make_user(Role.TEACHER, group=group, display_name="Karim Haddad")
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/journal")
    audit(page)
    page.locator("a[href='/journal/goals/new?from=bank']").click()
    page.fill("#steps", "Prendre rendez-vous\nApporter ma pièce d'identité")
    page.locator("form.card button[type=submit]").last.click()
    # Sent through the outbox, which waits for the server's acknowledgement before it moves on
    # (and tries again after 5 s if the first try timed out on a busy machine).
    # (It used to wait for "**/journal/goals/*", which the form's own address already matched.)
    page.wait_for_url(re.compile(r"/journal$"), timeout=30_000)
    page.locator("button.step").first.click()  # sent through the outbox, then the page reloads
    page.wait_for_selector("button.step--done")
    assert page.locator("button.step--done").count() == 1
    audit(page)
    # Two entries: one shared, one kept private; a third written offline.
    for number, text in enumerate(("À partager avec Karim", "Pour moi seul")):
        page.goto("/journal/write")
        page.locator("label.mood").nth(3 - number).click()
        page.fill("#text", text)
        page.locator("form.card button[type=submit]").click()
        page.wait_for_url("**/journal")
    audit(page)
    to_share = page.locator("section.entry-card", has_text="À partager")
    to_share.locator("button[name=share][value='1']").click()
    expect(to_share).to_contain_text("Karim Haddad")
    page.goto("/journal/write")
    page.context.set_offline(True)
    page.locator("label.mood").nth(1).click()
    page.fill("#text", "Écrit sans réseau")
    page.locator("form.card button[type=submit]").click()
    page.locator("[data-queued]").wait_for()
    page.context.set_offline(False)
    page.goto("/journal")
    wait_until(page, "Outbox.all().then(items => items.length === 0)")
    # Self-assessment at entry and mid-course, then the radar.
    for stage, level in (("entry", 1), ("mid", 3)):
        page.goto(f"/journal/assessment/new?stage={stage}")
        for fieldset in page.locator("fieldset.scale").all():
            fieldset.locator("label.mood").nth(level).click()
        page.locator("form button[type=submit]").last.click()
        page.wait_for_url("**/journal/assessment")
    assert page.locator("svg.radar polygon").count() == 4 + 2
    audit(page)
    shot(page, "self-assessment-radar")
    # The teacher sees exactly the shared entry and comments; the trainee sees the comment.
    staff = phone()
    sign_in(staff, teacher.username)
    staff.goto(f"/journal/shared/{trainee.id}")
    content = staff.content()
    assert "À partager avec Karim" in content and "Pour moi seul" not in content
    assert "Écrit sans réseau" not in content
    audit(staff)
    staff.locator("textarea").last.fill("Bravo, on en parle jeudi.")
    staff.locator("form.stack button").last.click()
    page.goto("/journal")
    assert "Bravo, on en parle jeudi." in page.content()
    shot(page, "journal")
    from webapp.extensions import db

    assert db.session.scalar(sa.select(sa.func.count()).select_from(JournalEntry)) == 3
    assert len(THEME_NAMES) == 11
