"""A teacher reads the title of their lesson into the browser's microphone (Chromium's fake one,
which beeps); a trainee whose phone has a French voice still hears the teacher's recording."""

import re

from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_lessons_browser import FAKE_VOICE, FIXTURES
from webapp.accounts.models import Role
from webapp.lessons import content
from webapp.lessons.services import save_app_lesson


def test_a_teacher_records_a_text_and_the_trainee_hears_their_voice(
    phone, make_user, make_group, ctx, shot
):
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    trainee = make_user(Role.TRAINEE, group=group)
    loaded, problems = content.read_lessons(FIXTURES)
    assert not problems
    save_app_lesson(teacher, {**loaded[0], "id": "mine"}, "id: mine")

    page = phone()
    page.context.grant_permissions(["microphone"])
    sign_in(page, teacher.username)
    page.goto("/lessons/app-mine")
    page.get_by_role("link", name="Ma voix").click()
    page.wait_for_url("**/lessons/app-mine/voice")
    first = page.locator(".voice-line").first
    assert "Voix de synthèse" in first.inner_text()
    audit(page)
    record = first.locator("button.record")
    record.click()
    page.wait_for_selector("button.record.is-recording")
    page.wait_for_timeout(1500)  # speak for a second and a half
    record.click()  # stop: the recording is sent with the form
    page.wait_for_url(re.compile(r"/voice#w-"))
    first = page.locator(".voice-line").first
    assert "Votre voix" in first.inner_text()
    page.screenshot(path="test-artifacts/own-voice-teacher.png")  # the first lines, as seen

    learner = phone()
    learner.add_init_script(FAKE_VOICE)  # this phone has a French voice...
    sign_in(learner, trainee.username)
    learner.goto("/lessons/app-mine")
    with learner.expect_response(re.compile(r"/voice/[0-9a-f]{64}\.ogg$")) as heard:
        learner.locator("h1 .speak--own").click()  # ...but hears the teacher
    assert heard.value.status == 200
    assert heard.value.header_value("content-type") == "audio/ogg"
    assert learner.evaluate("window.__spoken") == []
    assert learner.locator(".speak--own").count() == 1
