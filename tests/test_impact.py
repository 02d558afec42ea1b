"""The impact report: no two figures a staff member can obtain differ by fewer than 5 people.

Issue 11, hole 1: a one-trainee group's unshared self-assessment was recovered by subtracting
the group report from the site report, or one date range from another. The report is now made
of cells (group x ended quarter), frozen when published; a site or a year is a sum of shown cells.
"""

import itertools
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.measure import count_queries
from webapp.accounts.models import Role, Site
from webapp.core.themes import THEME_NAMES
from webapp.core.time import local_today
from webapp.dashboard import impact as rules
from webapp.dashboard import services
from webapp.dashboard.models import ImpactCell
from webapp.extensions import db
from webapp.journal import services as journal
from webapp.journal.models import SelfAssessment
from webapp.privacy.models import AuditEvent

THEMES = list(THEME_NAMES)

# --- pure rules -----------------------------------------------------------------------------


def test_quarters_and_periods_are_fixed_and_checked():
    assert str(rules.Quarter.parse("2026-Q3")) == "2026-Q3"
    assert rules.Quarter(2026, 4).next == rules.Quarter(2027, 1)
    assert rules.Quarter(2026, 1).previous == rules.Quarter(2025, 4)
    assert rules.Quarter(2026, 3).closed(date(2026, 10, 1))
    assert not rules.Quarter(2026, 3).closed(date(2026, 9, 30))
    for bad in ("2026-Q5", "2026-q3", "2026-Q0", "1999-Q1", "9999-Q4", "2026-07-01", "", "x"):
        assert rules.Quarter.parse(bad) is None
        assert rules.parse_period(bad, None, date(2026, 11, 30)) is None
    for bad in ("9999", "1999", "20x6", "-2026", "2026-Q3"):
        assert rules.parse_period(None, bad, date(2026, 11, 30)) is None
    assert rules.parse_period(None, None, date(2026, 11, 30)).label == "2026-Q3"
    year = rules.parse_period(None, "2026", date(2026, 11, 30))
    assert rules.parse_period("2026", None, date(2026, 11, 30)) == year  # the menu's choice
    assert [str(q) for q in year.closed_quarters(date(2026, 11, 30))] == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    found = rules.choices([(date(2026, 3, 1), date(2027, 1, 31))], date(2026, 11, 30))
    assert [p.label for p in found] == ["2026", "2026-Q3", "2026-Q2", "2026-Q1"]


def test_a_cell_under_five_keeps_no_figure_and_adds_nothing():
    quarter = rules.Quarter(2026, 3)
    day = date(2026, 8, 1)
    answers = [rules.Answer(user, "entry", day, dict.fromkeys(THEMES, 2)) for user in range(1, 6)]
    answers.append(rules.Answer(9, "entry", day, dict.fromkeys(THEMES, 1)))
    facts = rules.Facts(members={1: frozenset(range(1, 6)), 2: frozenset({9})}, answers=answers)
    cells = rules.build_cells(quarter, facts, THEMES)
    lone = [c for c in cells if c.group_id == 2]
    assert all(not c.shown and c.people == 0 and not c.figures for c in lone)
    site = rules.combine(cells)["entry"]
    group = rules.combine([c for c in cells if c.group_id == 1])["entry"]
    assert site == rules.Figure("entry", 5, 1, 1, group.sums) and group.hidden == 0
    assert site.average("housing") == 2.0 and site.levels("housing") == [0, 5, 0, 0]


def test_shared_answers_a_teacher_can_read_do_not_count_towards_the_five():
    """4 of 5 answers shared: subtracting what the teacher reads would leave one person."""
    quarter, day = rules.Quarter(2026, 3), date(2026, 8, 1)

    def entry_cell(shared_count: int, people: int) -> rules.Cell:
        answers = [
            rules.Answer(
                user, "entry", day, dict.fromkeys(THEMES, 1 + user % 4), shared=user < shared_count
            )
            for user in range(people)
        ]
        facts = rules.Facts(members={1: frozenset(range(people))}, answers=answers)
        return next(c for c in rules.build_cells(quarter, facts, THEMES) if c.family == "entry")

    assert not entry_cell(shared_count=4, people=5).shown
    assert not entry_cell(shared_count=4, people=8).shown  # 4 private: still too few
    assert entry_cell(shared_count=4, people=9).shown  # 5 private answers stay mixed together
    assert entry_cell(shared_count=0, people=5).shown


def test_the_latest_answer_of_a_stage_in_the_quarter_counts():
    quarter = rules.Quarter(2026, 3)
    answers = [
        rules.Answer(user, "mid", date(2026, 7, 2), dict.fromkeys(THEMES, 1)) for user in range(5)
    ]
    answers += [
        rules.Answer(0, "mid", date(2026, 9, 30), dict.fromkeys(THEMES, 4)),
        rules.Answer(1, "mid", date(2026, 10, 1), dict.fromkeys(THEMES, 4)),  # next quarter
        rules.Answer(2, "free", date(2026, 8, 1), dict.fromkeys(THEMES, 4)),
    ]
    cells = rules.build_cells(
        quarter, rules.Facts(members={1: frozenset(range(5))}, answers=answers), THEMES
    )
    mid = rules.combine(cells)["mid"]
    assert mid.people == 5 and mid.levels("law") == [4, 0, 0, 1]


# --- the property: any two obtainable reports differ by whole cells of 5 people or more -----

QUARTERS = [rules.Quarter(2025, n) for n in (1, 2, 3, 4)]
SCOPES = ("1", "2")


@st.composite
def worlds(draw):
    """Sites, groups, memberships (some trainees in two groups), answers, lessons, exams, live."""
    people = draw(st.integers(6, 18))
    groups = draw(st.integers(2, 3))
    site_of = {g: draw(st.integers(0, 1)) for g in range(groups)}
    members = {g: set() for g in range(groups)}
    for person in range(people):
        for g in draw(st.sets(st.integers(0, groups - 1), min_size=1, max_size=2)):
            members[g].add(person)
    # Always a one-trainee group beside a bigger one on the same site: the original attack.
    members[groups] = {people}
    site_of[groups] = site_of[0]
    everyone = range(people + 1)
    days = st.builds(
        lambda q, offset: q.first_day + timedelta(days=offset),
        st.sampled_from(QUARTERS),
        st.integers(0, 89),
    )
    ratings = st.fixed_dictionaries({theme: st.integers(1, 4) for theme in THEMES})
    answers = []
    for quarter, stage in itertools.product(QUARTERS, rules.STAGES):
        who = draw(st.integers(0, 2 ** (people + 1) - 1))  # about half answer, or nobody
        for person in everyone:
            if who >> person & 1:
                offsets = draw(st.lists(st.integers(0, 89), min_size=1, max_size=2))
                answers += [
                    rules.Answer(
                        person, stage, quarter.first_day + timedelta(days=o), draw(ratings)
                    )
                    for o in offsets
                ]
    answers.sort(key=lambda a: a.day)
    lessons = draw(st.lists(st.tuples(st.sampled_from(everyone), days), max_size=30))
    exams = draw(st.lists(st.tuples(st.sampled_from(everyone), days, st.booleans()), max_size=15))
    live = draw(
        st.lists(st.tuples(st.sampled_from(everyone), st.integers(1, 4), days), max_size=20)
    )
    mastery = {
        person: {scope: (draw(st.integers(0, 6)), 6) for scope in SCOPES} for person in everyone
    }
    facts = rules.Facts(
        members={g: frozenset(m) for g, m in members.items()},
        answers=answers,
        lessons=lessons,
        exams=exams,
        live=live,
        mastery=mastery,
    )
    return facts, site_of


def _population(facts, group, quarter, family):
    """Who is behind a cell, worked out again from the raw facts (the test's own oracle)."""
    members = facts.members[group]
    if family == rules.ACTIVITY:
        return set(members)
    return {
        a.user_id
        for a in facts.answers
        if a.user_id in members
        and a.stage == family
        and quarter.first_day <= a.day < quarter.next.first_day
    }


def _latest(facts, person, stage, quarter):
    found = [
        a
        for a in facts.answers
        if a.user_id == person
        and a.stage == stage
        and quarter.first_day <= a.day < quarter.next.first_day
    ]
    return found[-1].ratings


def _obtainable(site_of):
    """Every report a staff member can get: any group, any site (or the part of a site a teacher
    is attached to: any set of one site's groups), each quarter and the whole year."""
    periods = [(q,) for q in QUARTERS] + [tuple(QUARTERS)]
    scopes = []
    for site in set(site_of.values()):
        groups = [g for g, s in site_of.items() if s == site]
        for size in range(1, len(groups) + 1):
            scopes += itertools.combinations(groups, size)
    return [(scope, period) for scope in scopes for period in periods]


@settings(max_examples=60, deadline=None)
@given(worlds())
def test_no_pair_of_reports_singles_anyone_out(world):
    facts, site_of = world
    cells = [c for q in QUARTERS for c in rules.build_cells(q, facts, THEMES)]
    by_key = {(c.group_id, c.quarter, c.family): c for c in cells}
    names = {g: f"Group {g}" for g in facts.members}
    reports = []
    for scope, period in _obtainable(site_of):
        chosen = [by_key[(g, str(q), f)] for g in scope for q in period for f in rules.FAMILIES]
        figures = rules.combine(chosen)
        contributors = {}
        for family in rules.FAMILIES:
            triples = set()
            expected_sum = dict.fromkeys(THEMES, 0)
            lessons = 0
            for g, q in itertools.product(scope, period):
                people = _population(facts, g, q, family)
                if len(people) < rules.MIN_PEOPLE:
                    continue  # hidden: nothing of it anywhere
                triples |= {(p, g, str(q)) for p in people}
                if family == rules.ACTIVITY:
                    lessons += sum(
                        1
                        for p, day in facts.lessons
                        if p in people and q.first_day <= day < q.next.first_day
                    )
                else:
                    for p in people:
                        for theme, value in _latest(facts, p, family, q).items():
                            expected_sum[theme] += value
            figure = figures[family]
            # Each figure is exactly the sum over whole shown cells, never a recount.
            assert figure.people == len(triples)
            if family == rules.ACTIVITY:
                assert figure.sums.get("lessons", 0) == lessons
            elif triples:
                assert {t: figure.sums["themes"][t]["sum"] for t in THEMES} == expected_sum
            contributors[family] = triples
        reports.append((scope, period, figures, contributors))
        # The CSV carries the same figures: no head count under 5 anywhere in it.
        report = services.ImpactReport(rules.Period("p", period), period, chosen, figures)
        for _where, _when, key, value in services.impact_rows(report, "t", names)[1:]:
            if key.endswith("_people"):
                assert value == "<5" or value >= rules.MIN_PEOPLE
    lone = max(facts.members)
    # Concretely: change everything the lone trainee did, and no report moves at all.
    alone = next(iter(facts.members[lone]))
    other = rules.Facts(
        members=facts.members,
        mastery={**facts.mastery, alone: {s: (6, 6) for s in SCOPES}},
        answers=[
            a
            if a.user_id != alone
            else rules.Answer(alone, a.stage, a.day, dict.fromkeys(THEMES, 4))
            for a in facts.answers
        ]
        + [rules.Answer(alone, "entry", QUARTERS[0].first_day, dict.fromkeys(THEMES, 1))],
        lessons=[*facts.lessons, (alone, QUARTERS[1].first_day)],
        exams=[*facts.exams, (alone, QUARTERS[2].first_day, True)],
        live=[*facts.live, (alone, 99, QUARTERS[3].first_day)],
    )
    changed = [c for q in QUARTERS for c in rules.build_cells(q, other, THEMES)]
    assert [c for c in changed if c.group_id != lone] == [c for c in cells if c.group_id != lone]
    assert [c for c in changed if c.group_id == lone] == [c for c in cells if c.group_id == lone]
    for (_s1, _p1, one, mine), (_s2, _p2, other, theirs) in itertools.combinations(reports, 2):
        for family in rules.FAMILIES:
            differ = mine[family] ^ theirs[family]
            if differ:  # two different figures: they differ by at least 5 people
                assert len({person for person, _g, _q in differ}) >= rules.MIN_PEOPLE
            else:  # the same people in the same cells: the very same figure
                assert (one[family].sums, one[family].people) == (
                    other[family].sums,
                    other[family].people,
                )
            if mine[family] < theirs[family]:  # the subtraction attack itself
                assert other[family].people - one[family].people >= rules.MIN_PEOPLE
            # The lone trainee's group never adds anything to any figure.
            assert all(g != lone for _p, g, _q in mine[family] | theirs[family])


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 4), st.integers(0, 2)), max_size=12))
def test_sums_do_not_depend_on_how_cells_are_grouped(parts):
    """A year is the sum of its quarters, a site of its groups: the order of adding is free."""
    cells = [
        rules.Cell(g, f"2025-Q{q}", "activity", 5 + n, {"lessons": n, "mastery": {"1": [n, 6]}})
        for g, q, n in parts
    ]
    whole = rules.combine(cells)["activity"]
    halves = [
        rules.combine(cells[: len(cells) // 2])["activity"],
        rules.combine(cells[len(cells) // 2 :])["activity"],
    ]
    assert whole.people == sum(h.people for h in halves)
    assert whole.sums == (rules.add(halves[0].sums or None, halves[1].sums or None) or {})


# --- over HTTP -------------------------------------------------------------------------------


def _last_quarter():
    return rules.Quarter.of(local_today()).previous


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


@pytest.fixture
def world(app, make_group, make_user, login, ctx):
    """Site 1: group A (five trainees) and group B (one trainee); an admin; A's teacher."""
    quarter = _last_quarter()
    site = Site(name="Site impact")
    groups = []
    for name in ("Groupe A", "Groupe B"):
        group = make_group(name=name, site=site)
        group.starts_on = quarter.first_day - timedelta(days=200)
        group.ends_on = quarter.next.first_day + timedelta(days=200)
        groups.append(group)
    db.session.commit()
    a, b = groups
    five = [make_user(group=a) for _ in range(5)]
    lone = make_user(group=b, display_name="Samir Benali")
    teacher = make_user(Role.TEACHER, group=a)
    admin = make_user(Role.ADMIN)
    staff, boss = app.test_client(), app.test_client()
    login(teacher, http=staff)
    login(admin, http=boss)
    return {
        "quarter": quarter,
        "a": a,
        "b": b,
        "five": five,
        "lone": lone,
        "teacher": teacher,
        "staff": staff,
        "admin": boss,
    }


def answer(user, stage, value, day, client_id, shared=False):
    row = journal.save_assessment(user, client_id, stage, dict.fromkeys(THEMES, value), {}, shared)
    row.created_at = _at(day)
    db.session.commit()
    return row


def csv_of(http, query):
    response = http.get(f"/dashboard/impact.csv?{query}")
    assert response.status_code == 200
    return response.data.decode("utf-8-sig")


def figure_lines(text):
    """The total lines of a CSV (the first scope's), without the scope's name."""
    lines = text.splitlines()[1:]
    scope = lines[0].split(";")[0]
    return [line.split(";", 2)[2] for line in lines if line.split(";")[0] == scope]


def test_site_minus_group_no_longer_reveals_a_lone_trainee(world):
    """The original attack: site 1 (6 answers) minus group A (5 answers) = Samir's answers."""
    quarter, day = world["quarter"], world["quarter"].first_day + timedelta(days=20)
    for number, user in enumerate(world["five"]):
        answer(user, "entry", 3, day, f"a{number}")
    answer(world["lone"], "entry", 1, day, "lone")  # unshared
    period = f"period={quarter}"
    site = csv_of(world["admin"], f"site={world['a'].site_id}&{period}")
    group = csv_of(world["admin"], f"group={world['a'].id}&{period}")
    assert "assessment_entry_people;5" in site
    assert figure_lines(site) == figure_lines(group)  # nothing left to subtract
    alone = csv_of(world["admin"], f"group={world['b'].id}&{period}")
    assert "assessment_entry_people;<5" in alone and "_average" not in alone
    assert "activity_people;<5" in alone and "lessons" not in alone  # individual data too
    page = (
        world["admin"]
        .get(
            f"/dashboard/impact?site={world['a'].site_id}&{period}",
            headers={"Accept-Language": "en"},
        )
        .text
    )
    assert "Samir" not in page and "5 answers" in page and "6 answers" not in page


def test_free_date_ranges_and_bad_periods_are_refused(world):
    group = world["a"].id
    for query in (
        "start=2026-01-01&end=2026-06-30",
        "end=9999-12-31",
        "start=2026-01-01",
        "period=2026-Q5",
        "period=9999-Q1",
        "period=x",
        "year=9999",
        "year=abc",
        "period=2026-07-01",
    ):
        for path in ("/dashboard/impact", "/dashboard/impact.csv"):
            assert world["admin"].get(f"{path}?group={group}&{query}").status_code == 404, query
    assert world["admin"].get("/dashboard/impact?site=abc").status_code == 404


def test_a_period_not_over_yet_publishes_nothing(world):
    current = rules.Quarter.of(local_today())
    answer(world["five"][0], "entry", 2, local_today(), "now")
    page = (
        world["staff"]
        .get(
            f"/dashboard/impact?group={world['a'].id}&period={current}",
            headers={"Accept-Language": "en"},
        )
        .text
    )
    assert "not over yet" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImpactCell)) == 0


def test_a_published_quarter_never_changes(app, world, make_user):
    """Waiting a day, a late answer, a new member or an erased trainee change nothing."""
    quarter, day = world["quarter"], world["quarter"].first_day + timedelta(days=5)
    for number, user in enumerate(world["five"]):
        answer(user, "entry", 2, day, f"f{number}")
    query = f"group={world['a'].id}&period={quarter}"
    before = csv_of(world["staff"], query)
    assert "assessment_entry_people;5" in before and "activity_people;5" in before
    answer(make_user(group=world["a"]), "entry", 4, day, "late")  # written into the past
    answer(world["five"][1], "entry", 4, day + timedelta(days=1), "changed-my-mind")
    db.session.delete(db.session.get(type(world["five"][0]), world["five"][0].id))  # erased
    db.session.commit()
    assert csv_of(world["staff"], query) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SelfAssessment)) == 6


def test_a_year_is_the_sum_of_its_shown_quarters(app, world, make_user):
    year = local_today().year - 1
    a = world["a"]
    a.starts_on, a.ends_on = date(year - 1, 6, 1), date(year + 1, 6, 1)
    db.session.commit()
    five = world["five"]
    for number, user in enumerate(five):
        answer(user, "mid", 1, date(year, 2, 10), f"q1-{number}")
        answer(user, "mid", 3, date(year, 8, 10), f"q3-{number}")
    for number, user in enumerate(five[:4]):
        answer(user, "mid", 4, date(year, 11, 10), f"q4-{number}")  # 4 people: hidden
    admin = world["admin"]
    total = csv_of(admin, f"group={a.id}&year={year}")
    lines = figure_lines(total)
    assert "assessment_mid_people;10" in lines and "assessment_mid_housing_average;2,0" in lines
    assert "assessment_mid_housing_level1;5" in lines and "assessment_mid_housing_level4;0" in lines
    assert f"Groupe A;{year}-Q4;assessment_mid_people;<5" in total
    q1 = figure_lines(csv_of(admin, f"group={a.id}&period={year}-Q1"))
    assert "assessment_mid_housing_average;1,0" in q1
    page = admin.get(f"/dashboard/impact?group={a.id}&period={year}").text  # from the menu
    assert f"{year}-Q4" in page  # the table of cells: which quarters count, which are hidden
    link = re.search(r'href="(/dashboard/impact\.csv[^"]+)"', page)[1].replace("&amp;", "&")
    assert admin.get(link).data.decode("utf-8-sig") == total


def test_teachers_see_only_the_groups_they_are_attached_to_now(world):
    staff, a, b = world["staff"], world["a"], world["b"]
    period = f"period={world['quarter']}"
    assert staff.get(f"/dashboard/impact?group={b.id}&{period}").status_code == 404
    assert staff.get(f"/dashboard/impact?group={a.id}&{period}").status_code == 200
    site = csv_of(staff, f"site={a.site_id}&{period}")  # for a teacher: their groups there
    assert figure_lines(site) == figure_lines(csv_of(staff, f"group={a.id}&{period}"))
    world["teacher"].groups.remove(a)
    db.session.commit()
    assert staff.get(f"/dashboard/impact?group={a.id}&{period}").status_code == 404
    assert staff.get(f"/dashboard/impact?site={a.site_id}&{period}").status_code == 404


def test_reads_are_audited_and_the_csv_is_safe(world, make_group):
    quarter = world["quarter"]
    world["a"].name = "=1+2"
    db.session.commit()
    response = world["staff"].get(f"/dashboard/impact.csv?group={world['a'].id}&period={quarter}")
    assert response.headers["Cache-Control"] == "no-store"
    assert "\n'=1+2;" in response.data.decode("utf-8-sig")
    world["staff"].get(f"/dashboard/impact?group={world['a'].id}&period={quarter}")
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.subject_id, AuditEvent.detail).where(
            AuditEvent.action == "impact_viewed"
        )
    ).all()
    assert events == [("impact_viewed", None, f"group={world['a'].id} period={quarter}")] * 2


def test_publish_command_freezes_ended_quarters_once(app, world):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["impact", "publish"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ImpactCell))
    assert count > 0 and f"{count} cell(s) published" in first.output
    assert "0 cell(s) published" in runner.invoke(args=["impact", "publish"]).output
    people = db.session.scalars(sa.select(ImpactCell.people)).all()
    assert set(people) <= {0} | set(range(rules.MIN_PEOPLE, 100))  # no small head count kept


def test_the_page_costs_the_same_queries_whatever_the_size(world, make_user):
    staff, a, quarter = world["staff"], world["a"], world["quarter"]
    url = f"/dashboard/impact?group={a.id}&period={quarter}"
    staff.get(url)  # publish
    with count_queries() as small:
        assert staff.get(url).status_code == 200
    for number in range(20):
        answer(make_user(group=a), "entry", 2, quarter.first_day, f"big{number}")
    with count_queries() as big:
        assert staff.get(url).status_code == 200
    assert len(big) == len(small) <= 10
    first = f"/dashboard/impact?group={a.id}&year={quarter.year}"
    with count_queries() as publishing:
        assert staff.get(first).status_code == 200
    assert len(publishing) <= 20


def test_two_readers_publishing_at_once_keep_the_first_cells(world):
    wanted = {(world["a"].id, str(world["quarter"]))}
    assert services.publish_cells(wanted) == len(rules.FAMILIES)
    assert services.publish_cells(wanted) == 0  # the second insert loses the race quietly
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ImpactCell)) == 4


def test_quarters_start_at_midnight_in_paris(world):
    """00:30 in Paris on the first day is still the day before in UTC: it counts in the quarter."""
    quarter, lone = world["quarter"], world["lone"]

    def paris(day):
        return datetime.combine(day, time(0, 30), tzinfo=services.PARIS).astimezone(UTC)

    for number, user in enumerate(world["five"]):
        answer(user, "exit", 3, quarter.first_day, f"m{number}").created_at = paris(
            quarter.first_day
        )
    answer(lone, "exit", 1, quarter.first_day, "after").created_at = paris(quarter.next.first_day)
    world["a"].members.append(lone)  # in the group, but answered in the next quarter
    db.session.commit()
    lines = figure_lines(csv_of(world["admin"], f"group={world['a'].id}&period={quarter}"))
    assert "assessment_exit_people;5" in lines and "assessment_exit_law_level1;0" in lines


def test_a_trainee_on_another_title_never_makes_a_mastery_figure_of_fewer_people():
    """Mastery per CCP follows each trainee's title: a cell keeps only the scopes every member
    has, so no figure counts fewer people than the cell itself."""
    quarter = rules.Quarter.of(date(2026, 11, 2))
    members = frozenset(range(1, 7))
    mastery = {user: {"1": (2, 10), "hygiene": (1, 5)} for user in range(1, 6)}
    mastery[6] = {"epr1": (3, 20), "hygiene": (2, 5)}  # the one preparing the successor title
    facts = rules.Facts(
        members={7: members}, answers=[], lessons=[], exams=[], live=[], mastery=mastery
    )
    cell = next(
        c for c in rules.build_cells(quarter, facts, ["basics"]) if c.family == rules.ACTIVITY
    )
    assert cell.people == 6
    assert cell.figures["mastery"] == {"hygiene": [7, 30]}
