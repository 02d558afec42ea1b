"""Addresses templates build: remembered only when they cannot vary."""

from webapp.accounts.models import Role
from webapp.core.templating import remembered_url_for


def test_a_remembered_address_follows_the_script_root_and_the_static_version(app):
    with app.test_request_context("/"):
        css = remembered_url_for("static", filename="css/app.css")
        assert css.startswith("/static/css/app.css?v=")
        assert remembered_url_for("home.index") == "/"
    with app.test_request_context("/", base_url="http://localhost/passerelle/"):
        assert remembered_url_for("home.index") == "/passerelle/"
        assert remembered_url_for("static", filename="css/app.css") == f"/passerelle{css}"


def test_addresses_with_parameters_are_built_each_time(app):
    with app.test_request_context("/"):
        assert remembered_url_for("lessons.lesson", lesson_id="a") == "/lessons/a"
        assert remembered_url_for("lessons.lesson", lesson_id="b") == "/lessons/b"


def test_an_imported_macro_sees_the_apps_names_and_the_pages_own(app, monkeypatch):
    """Templates' globals are the environment's under each template's own (TemplateEnvironment
    keeps Jinja's layering in one dict): a macro imported into a page uses `icon`, and a name
    given to one template stays that template's."""
    from jinja2 import ChoiceLoader, DictLoader

    written = {
        "test/m.html": "{% macro mark() %}{{ icon('check') }}{{ extra|default('-') }}"
        "{% endmacro %}",
        "test/page.html": "{% from 'test/m.html' import mark %}{{ mark() }}",
    }
    loader = ChoiceLoader([DictLoader(written), app.jinja_env.loader])
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    with app.test_request_context("/"):
        own = app.jinja_env.get_template("test/m.html", globals={"extra": "!"})
        shown = app.jinja_env.get_template("test/page.html").render()
        assert "extra" not in app.jinja_env.globals
    assert 'class="icon icon-check"' in shown and shown.endswith("!")
    assert own.globals["icon"] is app.jinja_env.globals["icon"] and own.globals["extra"] == "!"


def test_the_bottom_bar_marks_the_current_area_in_the_readers_language(client, make_user, login):
    """The bar is made once per role, area and language: each page still marks its own area,
    in the language the reader chose, and a teacher's bar is a teacher's."""
    import re

    def bar(page: str) -> str:
        return re.search(r'<nav class="bottom-nav".*?</nav>', page, re.S).group(0)

    trainee = make_user()
    login(trainee)
    lessons = bar(client.get("/lessons").text)
    budget = bar(client.get("/budget").text)
    assert '<a href="/lessons" aria-current="page">' in lessons and "Leçons" in lessons
    assert '<a href="/budget" aria-current="page">' in budget and 'href="/lessons">' in budget
    client.post("/language", data={"lang": "en", "next": "/budget"})
    in_english = bar(client.get("/lessons").text)
    assert "Lessons" in in_english and "Leçons" not in in_english
    assert '<a href="/lessons" aria-current="page">' in in_english
    client.post("/logout")
    login(make_user(role=Role.TEACHER))
    teacher = bar(client.get("/dashboard").text)
    assert 'href="/budget"' not in teacher and 'aria-current="page"' in teacher
