"""Addresses templates build: remembered only when they cannot vary."""

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
