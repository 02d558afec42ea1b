"""Fast on a cheap phone: bytes per page and SQL queries per page stay within budget."""

import pytest

from tests.measure import count_queries, first_load
from webapp.accounts.models import Role

HTML_BUDGET = 14 * 1024
FIRST_LOAD_BUDGET = 60 * 1024


def test_login_page_is_light(client):
    html, total = first_load(client, "/login")
    assert html < HTML_BUDGET
    assert total < FIRST_LOAD_BUDGET


@pytest.mark.parametrize("role", [Role.TRAINEE, Role.TEACHER, Role.ADMIN])
def test_signed_in_pages_are_light(client, make_group, make_user, login, role):
    group = make_group()
    login(make_user(role, group=group))
    for url in ("/", "/me", "/groups" if role is not Role.TRAINEE else "/"):
        html, total = first_load(client, url)
        assert html < HTML_BUDGET, url
        assert total < FIRST_LOAD_BUDGET, url


def test_group_page_queries_do_not_grow_with_trainees(app, client, make_group, make_user, login):
    group = make_group()
    login(make_user(Role.TEACHER, group=group))

    def queries_for_group_page():
        with count_queries() as statements:
            assert client.get(f"/groups/{group.id}").status_code == 200
        return len(statements)

    make_user(group=group)
    few = queries_for_group_page()
    for _ in range(30):
        make_user(group=group)
    assert queries_for_group_page() == few
    assert few <= 6


def test_home_page_takes_a_fixed_number_of_queries(client, make_group, make_user, login):
    from webapp.dashboard.services import assign

    group = make_group()
    teacher = make_user(Role.TEACHER, group=group)
    login(make_user(group=group))
    for number, (kind, target) in enumerate(
        [("module", "fle-a1"), ("practice", "1"), ("exam", "exam")] * 5
    ):
        assign(teacher, group, f"h{number}", kind, target, None, "", [])
    with count_queries() as statements:
        assert client.get("/").status_code == 200
    # The home gathers six features (next lesson, budget quick add, journal reminders, what
    # teachers assigned, where the trainee is, papers to renew, and My week: its changes, the
    # days ahead and the reminders set on steps, one query each): a fixed number, whatever the
    # data. 17: a new trainee's welcome path reads today's check-in (one query, first 4 weeks),
    # and the placement going on or the next one (one query).
    assert len(statements) <= 17
