"""My papers, measured: what a phone's photo and a PDF become, what encryption adds per document,
and the pages' weight and queries (`.venv/bin/python benchmarks/papers.py`).

Synthetic inputs made here with Pillow and pypdf (no real document): a 12-megapixel phone photo
of an identity card (a drawn card on a noisy background, which compresses like a photo), and a
two-page PDF letter with a scanned page in it.
"""

import io
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402
from pypdf import PdfWriter  # noqa: E402

from tests.measure import IsolatedClient, count_queries, first_load  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts import passphrases  # noqa: E402
from webapp.accounts.models import Group, Role, Site, User  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.papers import crypto, files, services  # noqa: E402


def phone_photo(width=4000, height=3000) -> bytes:
    background = Image.effect_noise((width, height), 40).convert("RGB")
    draw = ImageDraw.Draw(background)
    draw.rounded_rectangle((500, 600, 3500, 2500), 60, fill=(205, 222, 250), outline="navy")
    draw.rectangle((700, 900, 1500, 2100), fill=(140, 140, 160))
    for line in range(7):
        draw.rectangle((1700, 950 + line * 160, 3300, 1010 + line * 160), fill="black")
    out = io.BytesIO()
    background.save(out, "JPEG", quality=92)
    return out.getvalue()


def letter_pdf() -> bytes:
    scan = Image.effect_noise((1240, 1754), 20).convert("RGB")
    ImageDraw.Draw(scan).rectangle((100, 100, 1140, 300), fill="white")
    page = io.BytesIO()
    scan.save(page, "PDF", resolution=150)
    writer = PdfWriter(clone_from=io.BytesIO(page.getvalue()))
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": "Caisse"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def main() -> None:
    folder = tempfile.mkdtemp()
    os.environ["PASSERELLE_INSTANCE"] = folder
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/papers.db",
            "WTF_CSRF_ENABLED": False,
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        site = Site(name="Bench")
        group = Group(site=site, name="G", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30))
        hashed = passphrases.hash_passphrase("tulipe-orange-camion")
        trainee = User(username="t", display_name="T", role=Role.TRAINEE, password_hash=hashed)
        teacher = User(username="p", display_name="P", role=Role.TEACHER, password_hash=hashed)
        trainee.groups.append(group)
        teacher.groups.append(group)
        db.session.add_all([site, group, trainee, teacher])
        db.session.commit()

        print("What a sent file becomes (sizes in bytes):")
        for name, raw in (("phone photo 4000x3000", phone_photo()), ("2-page PDF", letter_pdf())):
            started = time.perf_counter()
            prepared = files.prepare(raw)
            took = (time.perf_counter() - started) * 1000
            document = services.add_document(
                trainee,
                f"bench-{name}",
                kind="id_card",
                expires_on=None,
                prepared=prepared,
                uploaded_bytes=len(raw),
            )
            overhead = document.stored_size - document.size
            print(
                f"  {name}: sent {len(raw):,}, kept {document.size:,} "
                f"({100 * document.size / len(raw):.1f}%), "
                f"thumbnail {len(prepared.thumb or b''):,},"
                f" stored {document.stored_size:,} (+{overhead} = version 1 + nonce "
                f"{crypto.NONCE_BYTES} + tag {crypto.TAG_BYTES}), prepared in {took:.0f} ms"
            )
        figures = services.storage_figures()
        print(
            f"  per trainee once: wrapped data key {crypto.WRAPPED_BYTES} bytes "
            f"(nonce 12 + key 32 + tag 16); total overhead {figures.overhead} bytes for "
            f"{figures.documents} documents = {figures.percent:.4f}% of what is kept"
        )
        for document in services.documents_of(trainee):
            services.share(trainee, document.id, teacher.id, "week")
        ids = [d.id for d in services.documents_of(trainee)]

    def sign_in(user):
        http = app.test_client()
        http.post("/login", data={"username": user, "passphrase": "tulipe-orange-camion"})
        return http

    trainee_http, teacher_http = sign_in("t"), sign_in("p")
    print("Pages (brotli bytes of HTML / first load with every file; SQL queries; median ms):")
    for who, http, url in (
        ("trainee", trainee_http, "/papers"),
        ("trainee", trainee_http, "/papers/new"),
        ("trainee", trainee_http, f"/papers/{ids[0]}"),
        ("trainee", trainee_http, "/"),
        ("teacher", teacher_http, "/papers/shared"),
        ("trainee", trainee_http, f"/papers/{ids[-1]}/file"),
        ("teacher", teacher_http, f"/papers/shared/{ids[-1]}"),
    ):
        with app.app_context(), count_queries() as statements:
            http.get(url).close()
        times = []
        for _ in range(15):
            started = time.perf_counter()
            http.get(url).close()
            times.append((time.perf_counter() - started) * 1000)
        if "/file" in url or "/shared/" in url:  # a paper itself: its bytes, never compressed
            html = total = len(http.get(url).data)
        else:
            html, total = first_load(http, url)
        print(
            f"  {who:8} {url:24} {html / 1024:5.1f} KB / {total / 1024:5.1f} KB, "
            f"{len(statements)} queries, {statistics.median(times):.1f} ms"
        )


if __name__ == "__main__":
    main()
