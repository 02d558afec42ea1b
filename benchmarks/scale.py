"""National scale: the main pages on a 1,000- and a 100,000-trainee PostgreSQL database.

Run with `make bench-scale` (options: `--rebuild`, `--runs 30`, `--slow`). Each database is made
once by `flask demo scale` (`passerelle_scale_1k`, `passerelle_scale_100k` next to
SCALE_DATABASE_URL's database) and reused while it holds the same number of trainees: the big
one takes a while. The same trainee and teacher (same seed, so the same history) open each page
in both databases, in turn, so a busy machine slows both alike. A page is flagged when its query
count differs or its p95 is more than 1.5 times the small database's.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tests.measure import IsolatedClient, count_queries  # noqa: E402
from webapp import create_app, demo_scale  # noqa: E402
from webapp.extensions import db  # noqa: E402

SIZES = {1_000: "passerelle_scale_1k", 100_000: "passerelle_scale_100k"}
SEED = 1
SERVER = os.environ.get(
    "SCALE_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TRAINEE_PAGES = [
    "/",
    "/lessons",
    "/lessons/fle-a1-saluer",
    "/revision",
    "/revision/review",
    "/budget",
    "/journal",
    "/journal/month",
]
TEACHER_PAGES = ["/groups/{group}", "/dashboard", "/dashboard/groups/{group}/grid"]
BIG_TABLE = 20_000  # rows: a table read whole above this grows with the network


def typical_group(today: date) -> int:
    """The first group halfway through its contract (the same one in every database)."""
    plan = demo_scale.Plan(demo_scale.GROUP_SIZE * 100, SEED, today)
    for number, (starts, ends) in enumerate(plan.groups):
        if starts <= today - timedelta(days=120) and ends > today + timedelta(days=60):
            return number
    return 0


def database(size: int, name: str, rebuild: bool):
    """An app on the database of `size` trainees, generated first if it is not there yet."""
    server = sa.create_engine(SERVER, isolation_level="AUTOCOMMIT")
    url = sa.make_url(SERVER).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).scalar()
    app = _app(url)
    with app.app_context():
        if exists:
            upgrade()  # the indexes of a newer migration, on data already there
            ready = (
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(demo_scale.User)
                    .where(
                        demo_scale.User.username.startswith(demo_scale.PREFIX),
                        demo_scale.User.role == demo_scale.Role.TRAINEE,
                    )
                )
                == size
            )
            if ready and not rebuild:
                return app
        db.session.remove()
        db.engine.dispose()
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    with app.app_context():
        upgrade()
        started = time.monotonic()
        counts = demo_scale.generate(size, SEED, workers=os.cpu_count() or 1)
        print(
            f"{name}: {sum(counts.values()):,} rows generated in {time.monotonic() - started:.0f} s"
        )
    return app


def _app(url: str):
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "PAPERS_MASTER_KEY": "YmVuY2gtc2NhbGUtb25seS1ub3QtYS1zZWNyZXQtayE=",
            "LOG_REQUESTS": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    app.test_client_class = IsolatedClient
    return app


def sign_in(app, username: str):
    client = app.test_client()
    response = client.post(
        "/login", data={"username": username, "passphrase": demo_scale.PASSPHRASE}
    )
    assert response.status_code == 303, f"{username} could not sign in"
    return client


def sizes_report(app) -> None:
    """Database size, and the biggest tables with their rows (the planner's count)."""
    with app.app_context():
        total = db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
        print(f"\ndatabase size: {total / 2**30:.2f} GiB")
        rows = db.session.execute(
            sa.text(
                "SELECT c.relname, c.reltuples::bigint, pg_total_relation_size(c.oid) "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind = 'r' "
                "ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 14"
            )
        )
        print(f"{'table':<20}{'rows':>14}{'with indexes':>14}")
        for name, count, size in rows:
            print(f"{name:<20}{max(count, 0):>14,}{size / 2**20:>11,.0f} MiB")


def whole_table_scans(app, client, url: str) -> list[tuple[str, int, str]]:
    """The tables of over BIG_TABLE rows that one request's statements read from end to end:
    each SELECT it sent, explained with its own parameters (plans, not timings, so a busy
    machine does not change the answer)."""
    sent = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    found = []
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            for statement, parameters in sent:
                cursor.execute("EXPLAIN (FORMAT JSON) " + statement, parameters)
                for relation in _seq_scans(cursor.fetchone()[0][0]["Plan"]):
                    cursor.execute(  # a table never analyzed yet has reltuples -1
                        "SELECT GREATEST(c.reltuples::bigint, s.n_live_tup) FROM pg_class c "
                        "JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = %s",
                        (relation,),
                    )
                    size = cursor.fetchone()[0]
                    if size > BIG_TABLE:
                        found.append((relation, size, " ".join(statement.split())[:240]))
        finally:
            connection.close()
    return found


def _seq_scans(plan: dict):
    if plan.get("Node Type") == "Seq Scan":
        yield plan["Relation Name"]
    for child in plan.get("Plans", []):
        yield from _seq_scans(child)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="generate the databases again")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", 30)))
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="which databases (1000,100000)"
    )
    options = parser.parse_args()
    wanted = [int(size) for size in options.sizes.split(",")]
    apps = {size: database(size, SIZES[size], options.rebuild) for size in wanted}
    group = typical_group(date.today())
    trainee = f"{demo_scale.PREFIX}{group * demo_scale.GROUP_SIZE + 1}"
    teacher = f"{demo_scale.PREFIX}prof{group // demo_scale.GROUPS_PER_TEACHER + 1}"
    pages = [(trainee, url) for url in TRAINEE_PAGES] + [(teacher, url) for url in TEACHER_PAGES]
    clients = {}
    group_ids = {}
    for size, app in apps.items():
        clients[size] = {user: sign_in(app, user) for user in (trainee, teacher)}
        with app.app_context():
            group_ids[size] = db.session.scalar(
                sa.select(demo_scale.Group.id).where(demo_scale.Group.name == f"Groupe {group + 1}")
            )
    small, large = min(apps), max(apps)
    print(f"\n{trainee} and {teacher} (group {group + 1}), {options.runs} runs a page, in turn")
    print(
        f"{'page':<40}{'queries':>12}{'p50 ms':>16}{'p95 ms':>16}  "
        f"({small:,} vs {large:,} trainees)"
    )
    flagged = []
    for user, template in pages:
        queries, timings = {}, {size: [] for size in apps}
        for size, app in apps.items():
            url = template.format(group=group_ids[size])
            client = clients[size][user]
            for _ in range(3):  # warm: caches, prepared plans, pages of the tables
                assert client.get(url).status_code == 200, url
            with app.app_context(), count_queries() as statements:
                client.get(url)
            queries[size] = len(statements)
        for _ in range(options.runs):
            for size in apps:
                url = template.format(group=group_ids[size])
                start = time.perf_counter()
                clients[size][user].get(url)
                timings[size].append((time.perf_counter() - start) * 1000)
        p50 = {size: statistics.median(values) for size, values in timings.items()}
        p95 = {
            size: sorted(values)[int(len(values) * 0.95) - 1] for size, values in timings.items()
        }
        flags = []
        if queries[small] != queries[large]:
            flags.append("queries differ")
        if p95[large] > 1.5 * p95[small]:
            flags.append(f"p95 x{p95[large] / p95[small]:.1f}")
        label = f"{'trainee' if user == trainee else 'teacher'} {template}"
        print(
            f"{label:<40}{queries[small]:>6}{queries[large]:>6}"
            f"{p50[small]:>8.1f}{p50[large]:>8.1f}{p95[small]:>8.1f}{p95[large]:>8.1f}"
            f"  {', '.join(flags)}"
        )
        if flags:
            flagged.append((user, template))
    # Whatever the timings say, a statement that reads a big table whole is a page that slows
    # down as the network grows.
    for user, template in pages:
        url = template.format(group=group_ids[large])
        for relation, size, statement in whole_table_scans(apps[large], clients[large][user], url):
            print(f"  {template} reads all of {relation} ({size:,} rows): {statement}")
            flagged.append((user, template))
    sizes_report(apps[large])
    if flagged:
        sys.exit(1)


if __name__ == "__main__":
    main()
