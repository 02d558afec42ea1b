"""Lessons written by teachers in the app (issue 11, hole 6): hostile YAML, sizes, field
lengths, and who sees a teacher's lesson."""

import html

import pytest
import sqlalchemy as sa

from tests.test_lessons import lessons  # noqa: F401  (fixture: the test lessons, loaded)
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.lessons.forms import MAX_SOURCE, STARTER
from webapp.lessons.models import Lesson
from webapp.lessons.schema import read_yaml

EN = {"Accept-Language": "en"}
BILLION_LAUGHS = """id: rire
title: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""
ALIAS_MESSAGE = "anchors and aliases"


@pytest.fixture
def teacher_http(app, make_user, make_group, login, lessons):  # noqa: F811
    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    http = app.test_client()
    login(teacher, http=http)
    return http


def _error(response) -> str:
    """The message shown next to the lesson field."""
    assert response.status_code == 200, response.status_code
    assert 'id="source-error"' in response.text
    return html.unescape(response.text.split('id="source-error"')[1].split("</")[0])


def test_billion_laughs_is_refused_with_a_message(teacher_http):
    message = _error(teacher_http.post("/lessons/new", data={"source": BILLION_LAUGHS}, headers=EN))
    assert "line 2:" in message and ALIAS_MESSAGE in message
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Lesson).where(Lesson.module == "app")
        )
        == 0
    )


def test_a_recursive_alias_is_a_message_not_a_500(teacher_http):
    recursive = STARTER.replace("blocks:\n", "blocks: &loop\n  - text: *loop\n", 1)
    message = _error(teacher_http.post("/lessons/new", data={"source": recursive}, headers=EN))
    assert ALIAS_MESSAGE in message
    # An anchor alone is refused too: teacher input never uses them.
    anchored = STARTER.replace("title: Titre", "title: &t Titre")
    assert ALIAS_MESSAGE in _error(
        teacher_http.post("/lessons/new", data={"source": anchored}, headers=EN)
    )


def test_input_over_the_size_cap_is_refused_before_parsing(teacher_http):
    huge = STARTER + "# " + "x" * MAX_SOURCE + "\n"
    message = _error(teacher_http.post("/lessons/new", data={"source": huge}, headers=EN))
    assert "too long" in message and f"{MAX_SOURCE:,}" not in message  # plain number
    assert str(MAX_SOURCE) in message
    _data, _lines, problems = read_yaml("x" * 20, "f", max_length=10)
    assert problems and "too long" in str(problems[0].message)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("a: " + "[" * 3000 + "]" * 3000, "too many levels"),  # once a RecursionError: 500
        ("? [1, 2]\n: x\n", "plain word"),  # a list as a key: once a TypeError
        ("id: x\ntitle: 2026-13-45\n", "between quotes"),  # an impossible date: once a ValueError
        ("id: x\nextra: 2026-01-02\n", "between quotes"),  # a date cannot be stored as JSON
        ("id: x\ntitle: !!python/object/apply:os.system [ls]\n", "not allowed"),
        ("id: x\ntitle: !!python/name:os.system x\n", "between quotes"),
        ("id: x\nminutes: .nan\n", "between quotes"),
        ("id: x\ntitle: Un\ntitle: Deux\n", "written twice"),  # YAML kept the last one silently
    ],
)
def test_hostile_yaml_gets_a_message_not_a_500(teacher_http, source, expected):
    assert expected in _error(
        teacher_http.post("/lessons/new", data={"source": source}, headers=EN)
    )


def test_every_field_is_checked_against_its_column_with_its_line(teacher_http):
    long_picture = STARTER.replace('picture: "📘"', 'picture: "' + "📘" * 5000 + '"')
    message = _error(teacher_http.post("/lessons/new", data={"source": long_picture}, headers=EN))
    assert "line 7:" in message and "'picture' is too long: 5000 characters, at most 16" in message
    long_id = STARTER.replace("id: ma-lecon", "id: " + "-".join(["mot"] * 40))
    assert "line 1:" in _error(
        teacher_http.post("/lessons/new", data={"source": long_id}, headers=EN)
    )
    many_themes = STARTER.replace("themes: [basics]", "themes: [" + "basics, " * 60 + "basics]")
    assert "twice" in _error(
        teacher_http.post("/lessons/new", data={"source": many_themes}, headers=EN)
    )
    yes_as_domain = STARTER.replace("clea: 1", "clea: true")
    assert "line 4:" in _error(
        teacher_http.post("/lessons/new", data={"source": yes_as_domain}, headers=EN)
    )
    long_exercise_id = STARTER.replace("id: e1", "id: e" + "1" * 50)
    assert "'id'" in _error(
        teacher_http.post("/lessons/new", data={"source": long_exercise_id}, headers=EN)
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Lesson).where(Lesson.module == "app")
        )
        == 0
    )
    # The starter itself still passes.
    assert teacher_http.post("/lessons/new", data={"source": STARTER}).status_code == 303


# --- who sees a teacher's lesson ------------------------------------------------------------


@pytest.fixture
def two_sites(app, make_user, make_group, login, lessons):  # noqa: F811
    """A teacher of a Paris group writes a lesson; a trainee there and a trainee of another
    site (Amiens) each have a phone."""
    paris, amiens = make_group(), make_group()
    teacher = make_user(Role.TEACHER, group=paris)
    phones = {}
    for name, user in (
        ("teacher", teacher),
        ("here", make_user(group=paris)),
        ("elsewhere", make_user(group=amiens)),
        ("other_teacher", make_user(Role.TEACHER, group=amiens)),
        ("admin", make_user(Role.ADMIN)),
    ):
        phones[name] = app.test_client()
        login(user, http=phones[name])
    assert phones["teacher"].post("/lessons/new", data={"source": STARTER}).status_code == 303
    return {"paris": paris, "author": teacher, **phones}


def test_a_teachers_lesson_is_for_their_groups_only(two_sites):
    here, elsewhere = two_sites["here"], two_sites["elsewhere"]
    assert "/lessons/app-ma-lecon" in here.get("/lessons").text
    assert here.get("/lessons/app-ma-lecon").status_code == 200
    assert "/lessons/app-ma-lecon" not in elsewhere.get("/lessons").text
    for phone in (elsewhere, two_sites["other_teacher"]):
        assert phone.get("/lessons/app-ma-lecon").status_code == 404
        assert phone.get("/lessons/app-ma-lecon/offline").status_code == 404
    answer = elsewhere.post("/lessons/app-ma-lecon/exercises/e1", data={"choice": "Réponse A"})
    assert answer.status_code == 404
    # Not on the other trainee's home either.
    assert "app-ma-lecon" not in elsewhere.get("/").text


def test_the_scope_follows_the_authors_current_groups(two_sites):
    from webapp.accounts.models import Group, User
    from webapp.accounts.services import set_attachment

    admin = db.session.scalar(sa.select(User).where(User.role == Role.ADMIN))
    set_attachment(
        admin,
        db.session.get(Group, two_sites["paris"].id),
        db.session.get(User, two_sites["author"].id),
        attach=False,
    )
    assert two_sites["here"].get("/lessons/app-ma-lecon").status_code == 404
    assert "/lessons/app-ma-lecon" not in two_sites["here"].get("/lessons").text
    # Its author still reads and edits it.
    assert two_sites["teacher"].get("/lessons/app-ma-lecon").status_code == 200


def test_an_admin_publishes_a_teachers_lesson_to_every_site(two_sites):
    elsewhere, admin = two_sites["elsewhere"], two_sites["admin"]
    assert 'href="/lessons"' in admin.get("/").text  # a tile on the admin's home
    listing = admin.get("/lessons", headers=EN).text
    assert "Show to all sites" in listing and two_sites["author"].display_name in listing
    assert admin.post("/lessons/app-ma-lecon/publish", data={"publish": "1"}).status_code == 303
    assert elsewhere.get("/lessons/app-ma-lecon").status_code == 200
    assert "/lessons/app-ma-lecon" in elsewhere.get("/lessons").text
    assert admin.post("/lessons/app-ma-lecon/publish", data={"publish": "0"}).status_code == 303
    assert elsewhere.get("/lessons/app-ma-lecon").status_code == 404
    # Only admins publish, and only teachers' lessons.
    assert (
        two_sites["teacher"]
        .post("/lessons/app-ma-lecon/publish", data={"publish": "1"})
        .status_code
        == 404
    )
    assert admin.post("/lessons/test-cuisine/publish", data={"publish": "1"}).status_code == 404
    assert admin.post("/lessons/app-ma-lecon/publish", data={"publish": "x"}).status_code == 400


def test_reading_ahead_offline_never_points_at_a_lesson_one_may_not_read(
    app, two_sites, make_user, make_group, login
):
    other = make_user(Role.TEACHER, group=make_group())
    http = app.test_client()
    login(other, http=http)
    second = STARTER.replace("id: ma-lecon", "id: autre")
    assert http.post("/lessons/new", data={"source": second}).status_code == 303
    page = two_sites["here"].get("/lessons/app-ma-lecon").text
    assert "app-autre" not in page


def test_which_assigned_lessons_each_person_may_open(two_sites):
    """readable_ids (the home's assignments): a teacher's lesson for the people of its
    author's groups, the author and admins; file lessons for everyone."""
    from webapp.accounts.models import User
    from webapp.lessons.services import readable_ids

    asked = ["app-ma-lecon", "test-cuisine", "no-such-lesson"]
    people = {user.role: user for user in db.session.scalars(sa.select(User))}
    group_members = {m.id for m in two_sites["paris"].members}
    readable = {user.id: readable_ids(user, asked) for user in db.session.scalars(sa.select(User))}
    for user in db.session.scalars(sa.select(User)):
        if user.id in group_members or user.role is Role.ADMIN:
            assert readable[user.id] == {"app-ma-lecon", "test-cuisine"}, user.username
        else:
            assert readable[user.id] == {"test-cuisine"}, user.username
    assert Role.ADMIN in people and readable_ids(people[Role.ADMIN], []) == set()
