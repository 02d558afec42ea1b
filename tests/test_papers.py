"""My papers: what a trainee keeps, who may see it, and that it is encrypted at rest."""

import io
import re
import zipfile
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from PIL import Image, ImageDraw
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.conftest import post_multipart
from tests.measure import count_queries, first_load
from tests.test_page_budgets import FIRST_LOAD_BUDGET, HTML_BUDGET
from webapp import create_app
from webapp.accounts.models import Role
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.papers import crypto, files, services
from webapp.papers.models import PaperBlob, PaperDocument, PaperKey, PaperShare
from webapp.privacy import services as privacy
from webapp.privacy.models import AuditEvent


def id_card_photo(width=3000, height=2000, orientation=None) -> bytes:
    """A synthetic identity card, photographed: a JPEG as a phone makes it, with EXIF."""
    image = Image.new("RGB", (width, height), (226, 232, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, width - 100, height - 100), fill=(200, 220, 255), outline="navy")
    draw.rectangle((200, 300, 900, 1200), fill=(150, 150, 170))  # the photo
    for line in range(6):
        draw.rectangle((1100, 350 + line * 150, width - 300, 400 + line * 150), fill="black")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def pdf_file(pages=1, script=False, password=None) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if script:  # run when the file opens
        writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
            {
                NameObject("/S"): NameObject("/JavaScript"),
                NameObject("/JS"): TextStringObject("app.alert('hello');"),
            }
        )
    writer.add_metadata({"/Author": "Somebody Personal"})
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(client, data: dict, url="/papers/new"):
    return post_multipart(client, url, data)


@pytest.fixture
def people(make_group, make_user):
    group, elsewhere = make_group(), make_group()
    return {
        "group": group,
        "trainee": make_user(Role.TRAINEE, group=group, display_name="Aïcha Ben Ali"),
        "teacher": make_user(Role.TEACHER, group=group, display_name="Marc Petit"),
        "other_teacher": make_user(Role.TEACHER, group=elsewhere),
        "volunteer": make_user(Role.VOLUNTEER, group=group),
    }


def add_id_card(client, client_id="card-1", expires_on="", photo=None):
    return upload(
        client,
        {
            "kind": "id_card",
            "expires_on": expires_on,
            "client_id": client_id,
            "photo": (photo or id_card_photo(), "IMG_2031.jpg"),
        },
    )


def message(app, key, **kwargs) -> str:
    with app.test_request_context(), force_locale("fr"):
        return str(files.REFUSALS[key])


# --- crypto: pure functions -------------------------------------------------------------------


def test_a_sealed_document_opens_only_for_its_owner_document_and_part():
    key = crypto.new_data_key()
    here = crypto.document_context(7, 3, "original")
    sealed = crypto.seal(key, b"scan of a passport", here)
    assert len(sealed) == len(b"scan of a passport") + crypto.SEAL_OVERHEAD == 18 + 29
    assert b"passport" not in sealed
    assert crypto.open_sealed(key, sealed, here) == b"scan of a passport"
    for elsewhere in (
        crypto.document_context(8, 3, "original"),  # another trainee
        crypto.document_context(7, 4, "original"),  # another document
        crypto.document_context(7, 3, "thumb"),
    ):
        with pytest.raises(crypto.InvalidTag):
            crypto.open_sealed(key, sealed, elsewhere)
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(crypto.InvalidTag):
        crypto.open_sealed(key, tampered, here)


def test_a_wrapped_data_key_opens_only_with_its_master_key_and_for_its_owner():
    master, other = crypto.parse_master_key(crypto.new_master_key()), crypto.new_data_key()
    key = crypto.new_data_key()
    wrapped = crypto.wrap(master, key, 12)
    assert len(wrapped) == crypto.WRAPPED_BYTES == 60
    assert crypto.unwrap(master, wrapped, 12) == key
    with pytest.raises(crypto.InvalidTag):
        crypto.unwrap(master, wrapped, 13)
    with pytest.raises(crypto.InvalidTag):
        crypto.unwrap(other, wrapped, 12)
    with pytest.raises(crypto.BadMasterKey):
        crypto.parse_master_key("too-short")


# --- files: checked by content, made smaller, cleaned -------------------------------------------


def test_a_phone_photo_is_turned_upright_resized_and_stripped():
    # Orientation 6: the phone was held upright, the sensor's pixels lie on their side.
    prepared = files.prepare(id_card_photo(4000, 3000, orientation=6))
    image = Image.open(io.BytesIO(prepared.data))
    assert prepared.media_type == "image/jpeg" and image.format == "JPEG"
    assert image.size == (1200, 1600)  # upright, longest side 1600
    assert not image.getexif()  # no phone, place or date left
    assert b"PhoneMaker" not in prepared.data
    thumb = Image.open(io.BytesIO(prepared.thumb))
    assert thumb.format == "WEBP" and max(thumb.size) == files.THUMB_SIDE


def test_what_is_not_a_photo_or_pdf_is_refused_whatever_its_name():
    for raw in (
        b"MZ\x90\x00 an executable" * 100,
        b"<html><script>alert(1)</script>",
        b"%PDF-1.7 junk",
    ):
        with pytest.raises(files.Refused, match="not_document"):
            files.prepare(raw)
    with pytest.raises(files.Refused, match="empty"):
        files.prepare(b"")
    with pytest.raises(files.Refused, match="too_big"):
        files.prepare(b"\xff\xd8" + b"\0" * files.MAX_UPLOAD_BYTES)


def test_a_pdf_is_rewritten_without_its_scripts_and_metadata():
    prepared = files.prepare(pdf_file(pages=2, script=True))
    assert prepared.media_type == "application/pdf" and prepared.pages == 2
    assert b"app.alert" not in prepared.data and b"Somebody Personal" not in prepared.data
    kept = PdfReader(io.BytesIO(prepared.data))
    assert len(kept.pages) == 2 and "/OpenAction" not in kept.trailer["/Root"]
    with pytest.raises(files.Refused, match="locked"):
        files.prepare(pdf_file(password="secret"))
    with pytest.raises(files.Refused, match="pages"):
        files.prepare(pdf_file(pages=files.MAX_PAGES + 1))


def test_a_page_action_of_a_pdf_is_dropped():
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("x()")}
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})
    out = io.BytesIO()
    writer.write(out)
    prepared = files.prepare(out.getvalue())
    assert "/AA" not in PdfReader(io.BytesIO(prepared.data)).pages[0]


# --- sending a paper ------------------------------------------------------------------------------


def test_a_trainee_photographs_an_id_card_which_is_stored_encrypted(app, client, login, people):
    trainee = people["trainee"]
    login(trainee)
    form = client.get("/papers/new").text
    assert 'accept="image/*"' in form and 'capture="environment"' in form
    assert 'accept="image/*,application/pdf"' in form and 'enctype="multipart/form-data"' in form
    response = add_id_card(client, expires_on="2030-05-01")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "Carte d’identité" in page.text or "Carte d'identité" in page.text
    assert page.headers["Cache-Control"] == "no-store"

    with app.app_context():
        document = db.session.scalar(sa.select(PaperDocument))
        assert document.expires_on == date(2030, 5, 1) and document.kind == "id_card"
        blobs = db.session.scalars(sa.select(PaperBlob)).all()
        assert len(blobs) == 2  # the photo and its thumbnail
        kept = client.get(f"/papers/{document.id}/file")
        assert document.stored_size == document.size + crypto.SEAL_OVERHEAD
        for blob in blobs:  # nothing of the picture is readable in the database
            assert not blob.data.startswith(b"\xff\xd8") and b"JFIF" not in blob.data
            assert kept.data[100:164] not in blob.data
        assert db.session.get(PaperKey, trainee.id).wrapped != b""
    assert kept.status_code == 200 and kept.mimetype == "image/jpeg"
    assert kept.headers["Cache-Control"] == "no-store"
    assert max(Image.open(io.BytesIO(kept.data)).size) == files.LONGEST_SIDE
    assert client.get(f"/papers/{document.id}/thumb").mimetype == "image/webp"
    download = client.get(f"/papers/{document.id}/file?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "IMG_2031" not in download.headers["Content-Disposition"]


def test_a_photo_sent_twice_is_kept_once(app, client, login, people):
    login(people["trainee"])
    first = add_id_card(client, client_id="same-id")
    second = add_id_card(client, client_id="same-id")
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperDocument)) == 1


def test_bad_files_and_dates_get_a_message_beside_the_field(app, client, login, people):
    login(people["trainee"])
    fake = upload(
        client,
        {"kind": "payslip", "client_id": "x1", "file": (b"not a picture at all\n" * 50, "p.jpg")},
    )
    assert fake.status_code == 200
    assert re.search(r'id="file-error">' + re.escape(message(app, "not_document")), fake.text)
    nothing = upload(client, {"kind": "payslip", "client_id": "x2"})
    assert re.search(r'id="file-error">' + re.escape(message(app, "empty")), nothing.text)
    far = add_id_card(client, client_id="x3", expires_on="9999-12-31")
    assert far.status_code == 200
    assert re.search(r'id="expires_on-error">Choisissez une date entre', far.text)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperDocument)) == 0


def test_a_30_mb_file_gets_a_message_not_the_413_page(app, client, login, people):
    login(people["trainee"])
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the app-wide check reads forms
    try:
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/papers/new").text)
        huge = upload(
            client,
            {
                "csrf_token": token.group(1),
                "kind": "id_card",
                "client_id": "big",
                "file": (b"\xff\xd8" + b"\0" * (30 * 1024 * 1024), "big.jpg"),
            },
        )
        assert huge.status_code == 200
        assert re.search(r'id="file-error">' + re.escape(message(app, "too_big")), huge.text)
        # The form still checks its own token.
        forged = add_id_card(client, client_id="no-token")
        assert forged.status_code == 200 and "plus valable" in forged.text
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperDocument)) == 0


def test_a_pdf_is_kept_and_always_downloaded(app, client, login, people):
    login(people["trainee"])
    response = upload(
        client, {"kind": "caf", "client_id": "pdf-1", "file": (pdf_file(script=True), "caf.pdf")}
    )
    assert response.status_code == 303
    document_id = int(response.headers["Location"].rsplit("/", 1)[1])
    kept = client.get(f"/papers/{document_id}/file")
    assert kept.mimetype == "application/pdf" and b"app.alert" not in kept.data
    assert kept.headers["Content-Disposition"].startswith("attachment;")


# --- the trainee's own: nobody else's -----------------------------------------------------------


def test_another_trainee_gets_404_for_everything(app, login, people, make_user):
    owner, other = app.test_client(), app.test_client()
    login(people["trainee"], http=owner)
    login(make_user(Role.TRAINEE, group=people["group"]), http=other)
    document_id = add_id_card(owner).headers["Location"].rsplit("/", 1)[1]
    for path in ("", "/file", "/thumb"):
        assert other.get(f"/papers/{document_id}{path}").status_code == 404
    assert other.post(f"/papers/{document_id}/delete").status_code == 404
    assert other.get("/papers").status_code == 200
    assert f"/papers/{document_id}" not in other.get("/papers").text


def test_deleting_a_paper_removes_its_blobs(app, client, login, people):
    login(people["trainee"])
    document_id = add_id_card(client).headers["Location"].rsplit("/", 1)[1]
    assert client.post(f"/papers/{document_id}/delete").status_code == 303
    assert client.get(f"/papers/{document_id}").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperBlob)) == 0


# --- sharing with named teachers, for a period, audited -----------------------------------------


def test_a_paper_shared_for_a_week_is_seen_by_that_teacher_only_and_audited(app, login, people):
    trainee, teacher = app.test_client(), app.test_client()
    other, volunteer = app.test_client(), app.test_client()
    login(people["trainee"], http=trainee)
    login(people["teacher"], http=teacher)
    login(people["other_teacher"], http=other)
    login(people["volunteer"], http=volunteer)
    document_id = add_id_card(trainee).headers["Location"].rsplit("/", 1)[1]
    url = f"/papers/shared/{document_id}"
    assert teacher.get(url).status_code == 404  # private until shared
    assert "Marc Petit" in trainee.get(f"/papers/{document_id}").text  # offered by name

    shared = trainee.post(
        f"/papers/{document_id}/share",
        data={"staff_id": people["teacher"].id, "period": "week"},
    )
    assert shared.status_code == 303
    listing = teacher.get("/papers/shared").text
    assert "Aïcha Ben Ali" in listing and f'href="{url}"' in listing
    opened = teacher.get(url)
    assert opened.status_code == 200 and opened.mimetype == "image/jpeg"
    assert opened.headers["Cache-Control"] == "no-store"
    assert teacher.get(url + "?download=1").status_code == 200
    assert other.get(url).status_code == 404 and volunteer.get(url).status_code == 404
    assert "Aïcha" not in other.get("/papers/shared").text

    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.subject_id == people["trainee"].id)
        ).all()
        assert actions.count("paper_viewed") == 1 and actions.count("paper_downloaded") == 1
        assert actions.count("papers_list_viewed") == 1
        share = db.session.scalar(sa.select(PaperShare))
        assert (
            timedelta(days=6, hours=23)
            < share.until.replace(tzinfo=None) - utcnow().replace(tzinfo=None)
            <= timedelta(days=7)
        )
    seen = trainee.get("/privacy/seen").text
    assert "Marc Petit a ouvert un papier" in seen and "Marc Petit a téléchargé" in seen

    # Revoked: gone at once.
    page = trainee.get(f"/papers/{document_id}").text
    revoke = re.search(r'action="(/papers/\d+/shares/\d+/revoke)"', page).group(1)
    assert trainee.post(revoke).status_code == 303
    assert teacher.get(url).status_code == 404
    assert "Aïcha" not in teacher.get("/papers/shared").text


def test_a_share_ends_with_its_period_and_with_the_teachers_attachment(app, login, people):
    trainee, teacher = app.test_client(), app.test_client()
    login(people["trainee"], http=trainee)
    login(people["teacher"], http=teacher)
    document_id = add_id_card(trainee).headers["Location"].rsplit("/", 1)[1]
    trainee.post(
        f"/papers/{document_id}/share", data={"staff_id": people["teacher"].id, "period": "day"}
    )
    url = f"/papers/shared/{document_id}"
    assert teacher.get(url).status_code == 200
    with app.app_context():
        share = db.session.scalar(sa.select(PaperShare))
        share.until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert teacher.get(url).status_code == 404

    trainee.post(
        f"/papers/{document_id}/share", data={"staff_id": people["teacher"].id, "period": "month"}
    )
    assert teacher.get(url).status_code == 200
    with app.app_context():
        group = db.session.merge(people["group"])
        group.members.remove(db.session.merge(people["teacher"]))  # detached from the group
        db.session.commit()
    assert teacher.get(url).status_code == 404
    assert "Aïcha" not in teacher.get("/papers/shared").text


def test_only_teachers_of_the_trainees_groups_can_be_chosen(app, client, login, people):
    login(people["trainee"])
    document_id = add_id_card(client).headers["Location"].rsplit("/", 1)[1]
    for staff in (people["other_teacher"], people["volunteer"]):
        refused = client.post(
            f"/papers/{document_id}/share", data={"staff_id": staff.id, "period": "week"}
        )
        assert refused.status_code == 200
        assert 'id="staff_id-error"' in refused.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperShare)) == 0


# --- home, export, erasure ----------------------------------------------------------------------


def test_the_home_reminds_of_an_id_that_expires_within_two_months(app, client, login, people):
    login(people["trainee"])
    soon = date.today() + timedelta(days=40)
    add_id_card(client, client_id="soon", expires_on=soon.isoformat())
    add_id_card(client, client_id="later", expires_on=(soon + timedelta(days=400)).isoformat())
    home = client.get("/").text
    # One reminder (a link, and its read-aloud): the paper valid for longer is not mentioned.
    (linked,) = re.findall(r'<a href="/papers/(\d+)">Carte d’identité : valable jusqu’au', home)
    assert db.session.get(PaperDocument, int(linked)).expires_on == soon
    assert "À renouveler dès maintenant" in home
    assert 'href="/papers"' in home


def test_papers_are_in_the_export_and_go_with_the_account(app, client, login, people):
    login(people["trainee"])
    add_id_card(client)
    exported = client.get("/privacy/my-data.json").json
    assert [d["kind"] for d in exported["papers"]["documents"]] == ["id_card"]
    assert "Carte" in client.get("/privacy/my-data").text
    archive = zipfile.ZipFile(io.BytesIO(client.get("/papers/all.zip").data))
    (name,) = archive.namelist()
    assert name.startswith("id-card-") and archive.read(name)[:2] == b"\xff\xd8"
    with app.app_context():
        privacy.erase_user(people["trainee"].id)
        for model in (PaperDocument, PaperBlob, PaperKey, PaperShare):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0


# --- keys: rotation, and no start without one -----------------------------------------------------


def test_rotating_the_master_key_rewraps_data_keys_and_documents_still_open(
    app, client, login, people
):
    login(people["trainee"])
    document_id = add_id_card(client).headers["Location"].rsplit("/", 1)[1]
    before = client.get(f"/papers/{document_id}/file").data
    old = app.extensions["papers_keyring"]
    new = crypto.parse_master_key(crypto.new_master_key())
    try:
        app.extensions["papers_keyring"] = crypto.Keyring(new, (old.current,))
        assert client.get(f"/papers/{document_id}/file").data == before  # during the rotation
        with app.app_context():
            assert services.rewrap_all() == (1, 0)
            assert db.session.get(PaperKey, people["trainee"].id).master_key_id == crypto.key_id(
                new
            )
        app.extensions["papers_keyring"] = crypto.Keyring(new)  # the old key retired
        assert client.get(f"/papers/{document_id}/file").data == before
        runner = app.test_cli_runner()
        result = runner.invoke(args=["papers", "rotate-master-key"])
        assert result.exit_code == 0 and "0 re-wrapped, 1 already" in result.output
    finally:
        app.extensions["papers_keyring"] = old


def test_the_app_refuses_to_start_in_production_without_a_master_key(app, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    production = {**app.config, "TESTING": False, "DEBUG": False, "PAPERS_MASTER_KEY": ""}
    with pytest.raises(RuntimeError, match="PAPERS_MASTER_KEY"):
        create_app(production)
    with pytest.raises(RuntimeError, match="PAPERS_MASTER_KEY"):
        create_app({**production, "PAPERS_MASTER_KEY": crypto.DEV_MASTER_KEY})
    with pytest.raises(RuntimeError, match="base64"):
        create_app({**production, "PAPERS_MASTER_KEY": "not-a-key"})
    started = create_app({**production, "PAPERS_MASTER_KEY": crypto.new_master_key()})
    assert started.extensions["papers_keyring"].current != crypto.parse_master_key(
        crypto.DEV_MASTER_KEY
    )


def test_the_service_worker_keeps_no_paper(client):
    worker = client.get("/sw.js").text
    saveable = re.search(r"const SAVEABLE = /(.+)/;", worker).group(1).replace("\\/", "/")
    for path in ("/papers", "/papers/1/file", "/papers/1/offline", "/papers/shared/1"):
        assert not re.search(saveable, path)
    assert "papers" not in worker


# --- light pages, a fixed number of queries ------------------------------------------------------


def test_papers_pages_are_light_and_take_a_fixed_number_of_queries(app, login, people):
    trainee, teacher = app.test_client(), app.test_client()
    login(people["trainee"], http=trainee)
    login(people["teacher"], http=teacher)

    def weigh(http, url):
        with count_queries() as statements:
            assert http.get(url).status_code == 200
        html, total = first_load(http, url)
        assert html < HTML_BUDGET and total < FIRST_LOAD_BUDGET, url
        return len(statements)

    def share_all():
        with app.app_context():
            for document in db.session.scalars(sa.select(PaperDocument)):
                services.share(people["trainee"], document.id, people["teacher"].id, "week")

    first = add_id_card(trainee, client_id="c0", expires_on="2026-12-20").headers["Location"]
    share_all()
    few = [weigh(trainee, "/papers"), weigh(trainee, first), weigh(teacher, "/papers/shared")]
    for number in range(1, 12):
        add_id_card(trainee, client_id=f"c{number}", photo=id_card_photo(1600, 1000))
    share_all()
    many = [weigh(trainee, "/papers"), weigh(trainee, first), weigh(teacher, "/papers/shared")]
    assert many == few
    assert weigh(trainee, "/papers/new") <= 3


class MemoryStore:
    """What an object store plugs in as (storage.py): three methods over opaque bytes."""

    def __init__(self, app=None):
        self.blobs: dict[str, bytes] = {}

    def put(self, key, data):
        self.blobs[key] = data

    def get(self, key):
        return self.blobs[key]

    def delete(self, key):
        self.blobs.pop(key, None)


def test_another_store_plugs_in_by_name_and_gets_only_ciphertext(app, client, login, people):
    from webapp.papers.storage import make_store

    store = make_store(type("App", (), {"config": {"PAPERS_STORE": f"{__name__}:MemoryStore"}}))
    assert isinstance(store, MemoryStore)
    kept = app.extensions["papers_store"]
    app.extensions["papers_store"] = store
    try:
        login(people["trainee"])
        document_id = add_id_card(client).headers["Location"].rsplit("/", 1)[1]
        assert len(store.blobs) == 2 and all(b"JFIF" not in blob for blob in store.blobs.values())
        assert client.get(f"/papers/{document_id}/file").mimetype == "image/jpeg"
        client.post(f"/papers/{document_id}/delete")
        assert store.blobs == {}
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperBlob)) == 0
    finally:
        app.extensions["papers_store"] = kept
