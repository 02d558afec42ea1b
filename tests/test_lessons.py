"""Lessons: content files checked and loaded, pages, answering every exercise type, progress."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.measure import count_queries, first_load
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.lessons import content
from webapp.lessons.models import ExerciseAttempt, Lesson, LessonProgress
from webapp.revision import bank as bank_files

FIXTURES = Path(__file__).parent / "fixtures"
RIGHT = {
    "single": {"choice": "un couteau"},
    "multiple": {"choice": ["la casserole", "la poêle"]},
    "blank": {"text": " FOUR "},
    "match": {"match-0": "knife", "match-1": "saucepan", "match-2": "oven"},
    "listen": {"choice": "la casserole"},
    "picture": {"choice": "le four"},
}


def _order_form():
    from webapp.core.grading import display_order

    items = ["Je lave", "Je coupe", "Je cuis"]
    return {
        f"place-{i}": str(items.index(t) + 1) for i, t in enumerate(display_order("order", items))
    }


RIGHT["order"] = _order_form()


@pytest.fixture
def lessons(ctx):
    loaded, problems = content.read_lessons(FIXTURES / "lessons")
    assert problems == []
    content.load_lessons(loaded)
    return loaded


@pytest.fixture
def trainee(make_user, make_group, login, lessons):
    user = make_user(group=make_group())
    login(user)
    return user


def test_the_real_curriculum_is_valid(app):
    result = app.test_cli_runner().invoke(args=["lessons", "check"])
    assert result.exit_code == 0, result.output


def test_broken_files_are_rejected_with_file_line_and_reason(app):
    result = app.test_cli_runner().invoke(
        args=["lessons", "check", "--root", str(FIXTURES / "broken")]
    )
    assert result.exit_code == 1
    output = result.output
    assert re.search(r"01-bad\.yaml:4: 'level' is 'B2': expected one of A1, A2", output)
    assert re.search(r"01-bad\.yaml:16: 'answer' 'peut-être' is not one of the choices", output)
    assert re.search(r"01-bad\.yaml:22: 'text' must contain ___ exactly once", output)
    assert "exercise id 'e1' is used twice" in output
    assert "'type' is 'draw'" in output
    assert re.search(r"02-syntax\.yaml:3: not valid YAML", output)
    assert "unknown module folder 'cuisine'" in output


def test_broken_question_files_are_rejected(app):
    result = app.test_cli_runner().invoke(
        args=["bank", "check", "--root", str(FIXTURES / "broken-bank")]
    )
    assert result.exit_code == 1
    assert "bad.yaml:5: 'difficulty' is 4" in result.output
    assert "bad.yaml:9: 'source' is 'S99': expected a source id listed in" in result.output
    assert "bad.yaml:2: 'ccp' is decided by the competency" in result.output
    assert "bad.yaml:12: 'competency' is 'Cuire des pâtes'" in result.output
    assert "bad.yaml:18: 'source' is 'practice'" in result.output  # a source, not a habit
    good = app.test_cli_runner().invoke(args=["bank", "check", "--root", str(FIXTURES / "bank")])
    assert good.exit_code == 0


def test_stats_json_counts_per_module_level_domain_theme_and_type(app):
    result = app.test_cli_runner().invoke(args=["lessons", "stats", "--json"])
    assert result.exit_code == 0
    import json

    stats = json.loads(result.output)
    assert set(stats) >= {
        "lessons",
        "exercises",
        "per_module",
        "per_level",
        "per_clea_domain",
        "per_theme",
        "per_exercise_type",
    }
    assert stats["lessons"] == sum(stats["per_module"].values())


def test_loading_is_idempotent_and_keeps_progress_across_edits(ctx, lessons, make_user):
    assert content.load_lessons(lessons) == {"unchanged": 2}
    user = make_user()
    db.session.add(
        LessonProgress(
            user_id=user.id,
            lesson_id="test-cuisine",
            answered=3,
            correct_first=2,
            attempts=4,
            seconds_spent=60,
        )
    )
    db.session.commit()
    edited = [dict(lesson) for lesson in lessons]
    edited[0]["title"] = "Dans la cuisine du restaurant"
    edited.reverse()  # reordering files changes positions, never ids
    for position, lesson in enumerate(edited, start=1):
        lesson["position"] = position
    counts = content.load_lessons(edited)
    assert counts["updated"] == 2
    row = db.session.get(Lesson, "test-cuisine")
    db.session.refresh(row)
    assert row.title == "Dans la cuisine du restaurant"
    assert db.session.scalar(sa.select(LessonProgress.answered)) == 3
    assert content.load_lessons(edited[1:]) == {"unchanged": 1, "retired": 1}


def test_lesson_page_shows_text_glossary_translations_and_every_exercise(client, trainee):
    client.post("/language", data={"lang": "en"})
    page = client.get("/lessons/test-cuisine")
    assert page.status_code == 200
    html = page.text
    assert "<strong>couteau</strong>" in html  # Markdown rendered
    assert "The knife cuts the vegetables." in html
    assert html.count('<section class="exercise') == 7
    assert html.count('class="speak"') >= 10
    assert 'data-say="la casserole"' in html
    assert "saucepan" in html


def test_teacher_html_is_escaped(ctx):
    from webapp.lessons.render import to_html

    html = to_html("Bonjour <script>alert(1)</script> **gras** [lien](https://x.org)")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>gras</strong>" in html and "<a " not in html


@pytest.mark.parametrize("kind", sorted(RIGHT))
def test_every_type_graded_without_javascript(client, trainee, kind):
    response = client.post(
        f"/lessons/test-cuisine/exercises/{kind}", data={**RIGHT[kind], "client_id": f"c-{kind}"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/lessons/test-cuisine#ex-{kind}")
    page = client.get("/lessons/test-cuisine").text
    section = page.split(f'id="ex-{kind}"')[1].split("</section>")[0]
    assert "feedback--right" in section


def test_wrong_answer_can_be_retried_and_score_keeps_first_attempt(client, trainee):
    client.post(
        "/lessons/test-cuisine/exercises/single", data={"choice": "un verre", "client_id": "a1"}
    )
    page = client.get("/lessons/test-cuisine").text
    section = page.split('id="ex-single"')[1].split("</section>")[0]
    assert "feedback--wrong" in section and "Le couteau sert à couper." in section
    client.post(
        "/lessons/test-cuisine/exercises/single", data={"choice": "un couteau", "client_id": "a2"}
    )
    progress = db.session.scalar(sa.select(LessonProgress))
    assert (progress.answered, progress.correct_first, progress.attempts) == (1, 0, 2)


def _section(html, kind):
    return html.split(f'id="ex-{kind}"')[1].split("</section>")[0]


@pytest.mark.parametrize("htmx", [False, True])
def test_a_wrong_try_keeps_the_answer_and_the_key_waits_for_the_second(client, trainee, htmx):
    headers = {"HX-Request": "true"} if htmx else {}

    def send(choice, client_id):
        response = client.post(
            "/lessons/test-cuisine/exercises/single",
            headers=headers,
            data={"choice": choice, "client_id": client_id},
        )
        return response.text if htmx else client.get("/lessons/test-cuisine").text

    first = _section(send("un verre", "t1"), "single")
    assert "feedback--wrong" in first and "Le couteau sert à couper." in first
    assert "explanation__key" not in first  # no key yet: they try again first
    assert 'value="un verre" checked' in first and "choice--wrong" in first
    assert 'type="submit"' in first
    second = _section(send("une cuillère", "t2"), "single")
    assert 'class="explanation__key"' in second and "un couteau</span>" in second
    assert 'value="une cuillère" checked' in second and 'value="un verre" checked' not in second
    right = _section(send("un couteau", "t3"), "single")
    assert "feedback--right" in right and "explanation__key" in right
    progress = db.session.scalar(sa.select(LessonProgress))
    assert (progress.answered, progress.correct_first, progress.attempts) == (1, 0, 3)


def test_an_explanation_that_states_the_key_waits_for_the_second_try(client, trainee):
    wrong = {"match-0": "saucepan", "match-1": "knife", "match-2": "oven"}
    client.post("/lessons/test-cuisine/exercises/match", data={**wrong, "client_id": "k1"})
    first = _section(client.get("/lessons/test-cuisine").text, "match")
    assert "feedback--wrong" in first and "couteau = knife" not in first
    client.post("/lessons/test-cuisine/exercises/match", data={**wrong, "client_id": "k2"})
    second = _section(client.get("/lessons/test-cuisine").text, "match")
    assert "couteau = knife" in second and "explanation__key" in second


def test_a_wrong_order_comes_back_as_placed(client, trainee):
    places = {
        name: str(len(RIGHT["order"]) + 1 - int(place)) for name, place in RIGHT["order"].items()
    }
    client.post("/lessons/test-cuisine/exercises/order", data={**places, "client_id": "w1"})
    section = _section(client.get("/lessons/test-cuisine").text, "order")
    assert "explanation__key" not in section
    for name, place in places.items():
        select = section.split(f'name="{name}"')[1].split("</select>")[0]
        assert f'value="{place}" selected' in select


@pytest.mark.parametrize("htmx", [False, True])
def test_two_lines_in_one_place_keep_every_place_and_say_so(client, trainee, htmx):
    places = dict(RIGHT["order"])
    places["place-1"] = places["place-0"]  # a slip of the thumb: two lines first
    response = client.post(
        "/lessons/test-cuisine/exercises/order",
        data={**places, "client_id": "d1"},
        headers={"HX-Request": "true"} if htmx else {},
    )
    assert response.status_code == (200 if htmx else 422)
    section = _section(response.text, "order")
    assert 'id="ex-order-clash"' in section and 'role="alert"' in section
    for name, place in places.items():  # nothing reset: every place as it was chosen
        select = section.split(f'name="{name}"')[1].split("</select>")[0]
        assert f'value="{place}" selected' in select
        assert ('aria-invalid="true"' in select) == (name in ("place-0", "place-1"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseAttempt)) == 0


def test_one_match_for_two_words_is_shown_back_not_graded(client, trainee):
    given = {**RIGHT["match"], "match-2": "knife"}
    response = client.post(
        "/lessons/test-cuisine/exercises/match", data={**given, "client_id": "d2"}
    )
    assert response.status_code == 422
    section = _section(response.text, "match")
    assert 'id="ex-match-clash"' in section
    assert section.count('value="knife" selected') == 2
    assert 'value="saucepan" selected' in section
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseAttempt)) == 0


def test_same_answer_sent_twice_counts_once(client, trainee):
    for _ in range(3):
        client.post(
            "/lessons/test-cuisine/exercises/single",
            data={"choice": "un verre", "client_id": "same"},
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseAttempt)) == 1
    assert db.session.scalar(sa.select(LessonProgress.attempts)) == 1


def test_htmx_gets_the_exercise_fragment_from_the_same_template(client, trainee):
    response = client.post(
        "/lessons/test-cuisine/exercises/blank",
        data={"text": "four", "client_id": "h1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<section")
    assert "<html" not in response.text
    assert "feedback--right" in response.text
    assert "HX-Request" in response.headers["Vary"]


def test_no_answer_gets_a_message_next_to_the_exercise(client, trainee):
    response = client.post(
        "/lessons/test-cuisine/exercises/multiple", data={"client_id": "n1"}, follow_redirects=True
    )
    section = response.text.split('id="ex-multiple"')[1].split("</section>")[0]
    assert 'class="error"' in section
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExerciseAttempt)) == 0


def test_lesson_done_after_every_exercise_with_score_and_time(client, trainee):
    for kind, data in RIGHT.items():
        client.post(f"/lessons/test-cuisine/exercises/{kind}", data={**data, "client_id": kind})
    progress = db.session.scalar(sa.select(LessonProgress))
    assert progress.completed_at is not None
    assert progress.correct_first == 7
    index = client.get("/lessons").text
    assert "status--done" in index


def test_home_shows_the_next_lesson(client, trainee):
    home = client.get("/").text
    assert "/lessons/test-cuisine" in home
    assert "Ma prochaine leçon" in home and "Continuer ma leçon" not in home
    for kind, data in RIGHT.items():
        client.post(f"/lessons/test-cuisine/exercises/{kind}", data={**data, "client_id": kind})
    assert "/lessons/test-suite" in client.get("/").text


def test_home_offers_a_lesson_begun_before_an_earlier_one_not_begun(client, trainee):
    """A lesson left halfway comes back first, even when an earlier one was never opened."""
    client.post(
        "/lessons/test-suite/exercises/single", data={"choice": "un verre", "client_id": "s1"}
    )
    home = client.get("/").text
    assert "/lessons/test-suite" in home and "/lessons/test-cuisine" not in home
    assert "Continuer ma leçon" in home


def test_offline_copy_holds_no_personal_state(client, trainee):
    client.post(
        "/lessons/test-cuisine/exercises/single", data={"choice": "un verre", "client_id": "o1"}
    )
    copy = client.get("/lessons/test-cuisine/offline")
    assert copy.status_code == 200
    assert "feedback--wrong" not in copy.text
    assert "data-save-offline" not in copy.text
    page = client.get("/lessons/test-cuisine").text
    assert 'data-save-offline="/lessons/test-cuisine/offline /lessons/test-suite/offline"' in page


def test_lesson_page_is_light_and_takes_few_queries(client, trainee):
    for kind, data in RIGHT.items():
        client.post(f"/lessons/test-cuisine/exercises/{kind}", data={**data, "client_id": kind})
    html, _total = first_load(client, "/lessons/test-cuisine")
    assert html < 14 * 1024
    with count_queries() as statements:
        client.get("/lessons/test-cuisine")
    assert len(statements) <= 6


def test_teachers_read_lessons_but_do_not_answer(app, make_user, make_group, login, lessons):
    http = app.test_client()
    login(make_user(Role.TEACHER, group=make_group()), http=http)
    assert http.get("/lessons/test-cuisine").status_code == 200
    answer = http.post("/lessons/test-cuisine/exercises/single", data={"choice": "un couteau"})
    assert answer.status_code == 404


def test_unknown_lesson_or_exercise_is_404(client, trainee):
    assert client.get("/lessons/nope").status_code == 404
    assert client.post("/lessons/test-cuisine/exercises/nope", data={}).status_code == 404


def test_a_replayed_id_from_someone_else_is_refused(app, client, trainee, make_user, login):
    client.post(
        "/lessons/test-cuisine/exercises/single", data={"choice": "un verre", "client_id": "mine"}
    )
    other = make_user()
    http = app.test_client()
    login(other, http=http)
    response = http.post(
        "/lessons/test-cuisine/exercises/single", data={"choice": "un couteau", "client_id": "mine"}
    )
    assert response.status_code == 404


def test_teacher_writes_a_lesson_in_the_app_checked_by_the_same_rules(
    app, make_user, make_group, login, lessons
):
    from webapp.lessons.forms import STARTER

    teacher = make_user(Role.TEACHER, group=make_group())
    http = app.test_client()
    login(teacher, http=http)
    assert "ma-lecon" in http.get("/lessons/new").text
    broken = STARTER.replace("answer: Réponse A", "answer: Réponse Z").replace("clea: 1", "clea: 9")
    response = http.post("/lessons/new", data={"source": broken}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert 'id="source-error"' in response.text
    assert "line 4:" in response.text and "not one of the choices" in response.text
    unsafe = STARTER.replace("Une deuxième idée.", "'<img src=x onerror=alert(1)> **idée**'")
    response = http.post("/lessons/new", data={"source": unsafe})
    assert response.status_code == 303
    assert response.headers["Location"] == "/lessons/app-ma-lecon"
    page = http.get("/lessons/app-ma-lecon").text
    assert "<img" not in page and "&lt;img" in page and "<strong>idée</strong>" in page
    # Only its author edits it.
    edited = STARTER.replace("Titre de la leçon", "Les couteaux")
    assert http.post("/lessons/app-ma-lecon/edit", data={"source": edited}).status_code == 303
    assert db.session.get(Lesson, "app-ma-lecon").title == "Les couteaux"
    other = app.test_client()
    login(make_user(Role.TEACHER, group=make_group()), http=other)
    assert other.get("/lessons/app-ma-lecon/edit").status_code == 404
    assert other.get("/lessons/test-cuisine/edit").status_code == 404  # file lessons: edit the file


def test_the_curriculum_covers_what_the_programme_needs():
    lessons, problems = content.read_lessons()
    assert problems == []
    stats = content.lesson_stats(lessons)
    assert stats["lessons"] >= 65 and stats["exercises"] >= 500
    assert stats["per_level"]["A1"] >= 12 and stats["per_level"]["A2"] >= 8
    assert stats["per_module"]["lire"] >= 8  # the literacy strand, audio first
    assert all(stats["per_clea_domain"].get(str(domain), 0) >= 3 for domain in range(1, 8))
    assert stats["per_clea_domain"]["3"] >= 6 and stats["per_clea_domain"]["4"] >= 6
    ids = {lesson["id"] for lesson in lessons}
    assert {"vie-france-travail", "vie-casier-judiciaire"} <= ids
    from webapp.lessons.schema import EXERCISE_TYPES, THEMES

    assert all(stats["per_theme"].get(theme, 0) >= 1 for theme in THEMES)
    assert set(stats["per_exercise_type"]) == set(EXERCISE_TYPES)


def test_the_question_bank_covers_the_title():
    questions, problems = bank_files.read_bank()
    assert problems == []
    stats = bank_files.bank_stats(questions)
    assert stats["questions"] >= 550
    assert all(count >= 90 for count in stats["per_title_ccp"]["AR"].values())
    assert set(stats["per_title_ccp"]["AR"]) == {"1", "2", "3", "4"}
    assert stats["per_topic"]["hygiene"] >= 60
    assert stats["per_topic"]["allergens"] >= 20 and stats["per_topic"]["safety"] >= 20


def test_a_lesson_that_gives_the_answer_away_or_cites_an_unknown_source_is_refused(app):
    result = app.test_cli_runner().invoke(
        args=["lessons", "check", "--root", str(FIXTURES / "unfair-lessons")]
    )
    assert result.exit_code == 1
    assert re.search(
        r"01-ordre\.yaml:11: source 'S999' is not in webapp/lessons/SOURCES\.md", result.output
    )
    assert "'S4'" not in result.output  # a listed source passes
    assert re.search(
        r"01-ordre\.yaml:1: the right answer is shown first 100% of the time "
        r"\(chance is 39%\)",
        result.output,
    )


def test_a_bank_file_that_a_one_way_strategy_passes_is_refused(app):
    result = app.test_cli_runner().invoke(
        args=["bank", "check", "--root", str(FIXTURES / "unfair-bank")]
    )
    assert result.exit_code == 1
    assert re.search(
        r"first\.yaml:1: the right answer is shown first 100% of the time "
        r"\(chance is 33%\)",
        result.output,
    )
    assert re.search(r"truefalse\.yaml:1: 1 of 6 true/false statements are true", result.output)


def test_the_same_question_under_two_ids_is_refused_unless_linked(app):
    result = app.test_cli_runner().invoke(
        args=["bank", "check", "--root", str(FIXTURES / "duplicate-bank")]
    )
    assert result.exit_code == 1
    assert re.search(r"b\.yaml:\d+: db-001 asks the same as da-001", result.output)
    assert "db-002" not in result.output  # its overlap with da-002 is declared with see_also
    assert "1 problem(s)" in result.output


def test_see_also_must_name_a_real_question(tmp_path, app):
    text = (FIXTURES / "duplicate-bank" / "b.yaml").read_text("utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("da-002", "nope-1"), "utf-8")
    result = app.test_cli_runner().invoke(args=["bank", "check", "--root", str(tmp_path)])
    assert result.exit_code == 1
    assert "'see_also' names 'nope-1': no such question" in result.output


def test_the_lessons_list_shows_each_module_in_teaching_order_with_each_ones_state(client, trainee):
    client.post(
        "/lessons/test-suite/exercises/single", data={"choice": "un verre", "client_id": "s1"}
    )
    page = client.get("/lessons").text
    row = r'id="lesson-([\w-]+)">.*?<span class="status[^"]*">\s*(.*?)\s*</span>'
    rows = re.findall(row, page, re.S)
    assert rows == [("test-cuisine", "8 minutes"), ("test-suite", "En cours")]
    assert page.index("<h2>") < page.index('id="lesson-test-cuisine"')
