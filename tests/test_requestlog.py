"""One JSON line per request with its id; never a parameter, a form field or a personal text."""

import json
import logging


def lines(caplog) -> list[dict]:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "passerelle.requests"]


def test_each_request_is_one_json_line_with_its_id_and_nothing_personal(
    client, make_user, login, caplog
):
    with caplog.at_level(logging.INFO, logger="passerelle.requests"):
        user = make_user(display_name="Fatou Diallo")
        login(user)
        caplog.clear()
        sent = client.post(
            "/journal/write?secret=code123",
            data={"mood": "3", "text": "Mon juge m'a dit non", "client_id": "log-1"},
            headers={"X-Request-ID": "nginx-4f2a9c81"},
        )
        page = client.get("/journal")
    first, second = lines(caplog)
    assert first["request_id"] == "nginx-4f2a9c81" == sent.headers["X-Request-ID"]
    assert first["route"] == "journal.write" and first["method"] == "POST"
    assert first["status"] == sent.status_code and first["user"] == user.id
    assert isinstance(first["ms"], float)
    assert len(second["request_id"]) == 32 == len(page.headers["X-Request-ID"])
    everything = caplog.text
    for private in ("juge", "secret", "code123", "Fatou", "/journal/write"):
        assert private not in everything


def test_a_request_id_that_could_inject_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": 'x"} {"status":200'})
    given = response.headers["X-Request-ID"]
    assert given.isalnum() and len(given) == 32
