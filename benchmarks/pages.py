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

from tests.measure import IsolatedClient, count_queries, first_load  # noqa: E402
from webapp import create_app, demo  # noqa: E402
from webapp.accounts import services  # noqa: E402
from webapp.accounts.models import Group, User  # noqa: E402
from webapp.extensions import db  # noqa: E402

PAGES = {
    None: ["/login", "/reset", "/offline"],
    "samir.b": ["/", "/me"],
    "prof": ["/", "/groups", "/groups/{group}", "/groups/{group}/trainees/new"],
    "admin": ["/sites", "/staff", "/groups/{group}"],
}


def main() -> None:
    folder = tempfile.mkdtemp()
    os.environ["PASSERELLE_INSTANCE"] = folder
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                      "WTF_CSRF_ENABLED": False})
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        demo.load()
        group = db.session.scalar(db.select(Group))
        teacher = db.session.scalar(db.select(User).where(User.username == "prof"))
        names = [f"Stagiaire {number}" for number in range(45)]
        services.create_trainees(teacher, group, names, request_id="bench")
        group_id = group.id
    phrases = {username: phrase for username, _name, _role, phrase in demo.ACCOUNTS}
    print(f"{'page':<34}{'html (B)':>10}{'first load (B)':>16}{'queries':>9}{'median ms':>11}")
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
            timings = []
            for _ in range(30):
                start = time.perf_counter()
                client.get(url, headers={"Accept-Encoding": "br"})
                timings.append((time.perf_counter() - start) * 1000)
            label = f"{username or 'anonymous'} {template}"
            print(f"{label:<34}{html:>10}{total:>16}{len(statements):>9}"
                  f"{statistics.median(timings):>11.1f}")


if __name__ == "__main__":
    main()
