"""Page benchmark: compressed bytes, first-load bytes, SQL queries and server time per page.

Run with `make bench`. It builds a throwaway SQLite database with the demo data plus a group of
50 trainees, signs in as each demo role and measures the pages they use most.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from benchmarks import under_load  # noqa: E402
from tests.measure import IsolatedClient, count_queries, first_load  # noqa: E402
from webapp import create_app, demo  # noqa: E402
from webapp.accounts import services  # noqa: E402
from webapp.accounts.models import Group, User  # noqa: E402
from webapp.dashboard import services as dashboard  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.lessons import content  # noqa: E402
from webapp.revision import bank
from webapp.revision.models import Question  # noqa: E402
from webapp.revision.services import load_bank  # noqa: E402

PAGES = {
    None: ["/login", "/reset", "/offline"],
    "samir.b": [
        "/",
        "/me",
        "/lessons",
        "/lessons/fle-a1-saluer",
        "/lessons/vie-budget",
        "/journal",
        "/journal/month",
        "/journal/assessment",
        "/revision",
        "/revision/review",
        "/revision/review/offline",
        "/budget",
        "/budget/recurring",
        "/week",
        "/week/hours",
        "/steps",
        "/steps/carte-vitale",
        "/papers",
        "/papers/new",
    ],
    "prof": [
        "/",
        "/groups",
        "/groups/{group}",
        "/groups/{group}/trainees/new",
        "/dashboard",
        "/dashboard/groups/{group}/grid",
        "/dashboard/impact",
        "/week/groups/{group}",
        "/papers/shared",
    ],
    "admin": ["/sites", "/staff", "/groups/{group}"],
}


def build():
    """A throwaway app and database: the demo, its lessons and questions, a group of 50."""
    folder = tempfile.mkdtemp()
    os.environ["PASSERELLE_INSTANCE"] = folder
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "WTF_CSRF_ENABLED": False,
            # Runs as in production, which wants a master key for My papers (none is opened).
            "PAPERS_MASTER_KEY": "YmVuY2gtcGFnZXMtb25seS1ub3QtYS1zZWNyZXQtayE=",
            "LOG_REQUESTS": False,  # the figures, not a line per request
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        lessons, _ = content.read_lessons()
        content.load_lessons(lessons)
        load_bank(bank.read_bank()[0])
        demo.load()
        group = db.session.scalar(db.select(Group))
        teacher = db.session.scalar(db.select(User).where(User.username == "prof"))
        names = [f"Stagiaire {number}" for number in range(45)]
        services.create_trainees(teacher, group, names, request_id="bench")
        for number in range(38):  # 40 assignments with the two of the demo
            dashboard.assign(
                teacher,
                group,
                f"bench-{number}",
                ["module", "practice", "exam"][number % 3],
                ["fle-a2", "hygiene", "exam"][number % 3],
                None,
                "",
                [],
            )
        group_id = group.id
    phrases = {username: phrase for username, _name, _role, phrase in demo.ACCOUNTS}
    return app, folder, group_id, phrases


def page_ms(client, url: str, runs: int = 30) -> tuple[float, float]:
    """The median time of one request on the clock and in CPU, in the thread that ran it
    (milliseconds): the CPU time barely moves when other programs share the cores."""
    wall, cpu = [], []
    for _ in range(runs):
        started, spent = time.perf_counter(), time.thread_time()
        client.get(url, headers={"Accept-Encoding": "br"})
        cpu.append((time.thread_time() - spent) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    app, folder, group_id, phrases = build()
    print(
        f"{'page':<34}{'html (B)':>10}{'first load (B)':>16}{'queries':>9}{'median ms':>11}"
        f"{'CPU ms':>8}"
    )
    for username, urls in PAGES.items():
        client = app.test_client()
        if username:
            client.post("/login", data={"username": username, "passphrase": phrases[username]})
        for template in urls:
            url = template.format(group=group_id)
            with app.app_context():
                html, total = first_load(client, url)
                with count_queries() as statements:
                    client.get(url)
            wall, cpu = page_ms(client, url)
            label = f"{username or 'anonymous'} {template}"
            print(f"{label:<34}{html:>10}{total:>16}{len(statements):>9}{wall:>11.1f}{cpu:>8.1f}")
    answers(app, phrases)
    under_load.run(folder, f"sqlite:///{folder}/bench.db", "samir.b", phrases["samir.b"])


def _timed(app, client, method, url, data=None, runs=30):
    """Median and 95th-percentile milliseconds, and SQL queries of the last run."""
    timings = []
    for number in range(runs):
        payload = {
            key: (value.format(n=number) if isinstance(value, str) else value)
            for key, value in (data or {}).items()
        }
        with app.app_context(), count_queries() as statements:
            start = time.perf_counter()
            client.open(url, method=method, data=payload, headers={"HX-Request": "true"})
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(statements)


def answers(app, phrases) -> None:
    """Answering: a lesson exercise, and a review answer followed by the next card."""
    client = app.test_client()
    client.post("/login", data={"username": "olek.w", "passphrase": phrases["olek.w"]})
    with app.app_context():
        single = db.session.scalar(db.select(Question).where(Question.kind == "single"))
        question_id, choice = single.id, single.content["answer"]
    print(f"\n{'answer':<40}{'median ms':>11}{'p95 ms':>9}{'queries':>9}")
    rows = {
        "lesson exercise (htmx)": (
            "POST",
            "/lessons/fle-a1-saluer/exercises/e1",
            {"choice": "Bonjour", "client_id": "bench-l-{n}"},
        ),
        "review answer (htmx)": (
            "POST",
            "/revision/answer",
            {"question_id": question_id, "choice": choice, "client_id": "bench-r-{n}"},
        ),
        "next review card": ("GET", "/revision/review", None),
    }
    for label, (method, url, data) in rows.items():
        median, p95, queries = _timed(app, client, method, url, data)
        print(f"{label:<40}{median:>11.1f}{p95:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
