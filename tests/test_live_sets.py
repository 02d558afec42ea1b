"""Question sets: written questions checked by the bank's rules, pictures, sharing, sessions."""

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from PIL import Image

from tests.conftest import post_multipart
from tests.measure import count_queries, first_load
from webapp.accounts.models import Role
from webapp.core import grading
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.live import services, sets
from webapp.live.models import LivePicture, LiveSession, LiveSet
from webapp.privacy import services as privacy
from webapp.revision.models import Question

# A valid question of each type, as the form sends it.
VALID = {
    "single": {
        "question": "Un plat réchauffé doit atteindre 63 °C en moins de…",
        "choices-0": "1 heure",
        "choices-1": "3 heures",
        "right": "0",
    },
    "multiple": {
        "question": "Lesquels sont des allergènes ?",
        "choices-0": "Arachide",
        "choices-1": "Lait",
        "choices-2": "Carotte",
        "right": ["0", "1"],
    },
    "truefalse": {"question": "On goûte avec la cuillère de service.", "truth": "false"},
    "picture": {
        "question": "Lequel est un œuf ?",
        "pictures-0": "🥚",
        "choices-0": "Œuf",
        "pictures-1": "🥕",
        "choices-1": "Carotte",
        "right": "0",
    },
    "order": {
        "question": "Dans quel ordre se laver les mains ?",
        "choices-0": "Mouiller",
        "choices-1": "Savonner",
        "choices-2": "Rincer",
        "choices-3": "Sécher",
    },
    "numeric": {
        "question": "À quelle température garde-t-on un plat chaud ?",
        "number": "63",
        "unit": "°C",
        "tolerance": "0",
    },
}
EXPLANATION = {"explanation": "C'est la règle en cuisine."}


@pytest.fixture
def people(make_group, make_user):
    group, elsewhere = make_group(), make_group()
    return {
        "group": group,
        "elsewhere": elsewhere,
        "author": make_user(Role.VOLUNTEER, group=group),
        "teacher": make_user(Role.TEACHER, group=group),
        "other": make_user(Role.VOLUNTEER, group=elsewhere),
        "trainee": make_user(Role.TRAINEE, group=group),
    }


def _new_set(client, title="Hygiène semaine 3", client_id="set-1"):
    response = client.post("/live/sets/new", data={"title": title, "client_id": client_id})
    assert response.status_code == 303, response.text
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _jpeg_with_exif(size=(2400, 1800)) -> bytes:
    """A photo-like JPEG (noise and gradients compress badly) carrying GPS and camera EXIF."""
    noise = Image.effect_noise(size, 60).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(noise, gradient, 0.5)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    exif[0x0132] = "2026:11:30 10:00:00"  # DateTime
    exif[0x0112] = 6  # Orientation: rotated 90° as taken
    exif.get_ifd(0x8825)[2] = (48.0, 51.0, 24.0)  # GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


# --- the bank's rules, in the author's language ------------------------------------------------


@pytest.mark.parametrize("kind", sets.KINDS)
def test_every_type_is_checked_by_the_bank_rules_and_saved_as_a_retired_row(ctx, kind):
    fields = {**VALID[kind], **EXPLANATION}
    values = {
        "question": fields["question"],
        "explanation": fields["explanation"],
        "choices": [fields.get(f"choices-{n}", "") for n in range(sets.ROWS)],
        "pictures": [fields.get(f"pictures-{n}", "") for n in range(sets.PICTURE_ROWS)],
        "right": fields.get("right", [])
        if isinstance(fields.get("right"), list)
        else [fields.get("right", "")],
        **{key: fields[key] for key in ("truth", "number", "unit", "tolerance") if key in fields},
    }
    data = sets.question_data(kind, values)
    assert sets.check(data) == {}
    row = sets.save_question(data)
    db.session.commit()
    assert row.id.startswith("set-") and len(row.id) <= 40 and row.retired
    assert row.content["id"] == row.id and row.kind == kind
    # Graded like a bank question: its own right answer is right.
    assert grading.is_correct(row.content, grading.expected(row.content))
    # The same content is the same row; the form's values come back from it.
    assert sets.save_question(data).id == row.id
    again = sets.question_data(kind, sets.question_fields(row.content))
    assert sets.save_question(again).id == row.id


@pytest.mark.parametrize("kind", sets.KINDS)
def test_every_type_empty_gets_a_message_per_field_never_the_fallback(ctx, kind):
    data = sets.question_data(kind, {"choices": [""] * 6, "pictures": [""] * 4})
    errors = sets.check(data)
    assert "question" in errors and "explanation" in errors
    expected_field = {
        "truefalse": "truth",
        "numeric": "number",
    }.get(kind, "choices")
    assert expected_field in errors, errors
    assert not any(m is sets.FALLBACK for messages in errors.values() for m in messages), errors


def test_bank_messages_per_field_in_french_and_arabic(app, client, login, people):
    login(people["author"])
    set_id = _new_set(client)
    form = {
        "choices-0": "1 heure",
        "choices-1": "1 heure",
        "explanation": "",
        "pictogram": "x" * 16,
    }
    html = client.post(f"/live/sets/{set_id}/write/single", data=form).text
    with app.test_request_context(), force_locale("fr"):
        fill = str(sets.FILL_IN)
        twice = str(sets._translated("'choices' has the same item twice"))
        tick = str(sets._translated("'answer' must be a text"))
    assert re.search(r'id="question-error">[^<]*' + re.escape(fill), html)
    assert re.search(r'id="explanation-error">[^<]*' + re.escape(fill), html)
    assert re.search(r'id="choices-error">[^<]*' + re.escape(twice), html)
    assert tick in html
    assert 'aria-describedby="choices-hint choices-error"' in html
    assert Question.query.count() == 0  # nothing saved

    client.post("/language", data={"lang": "ar", "next": "/"})
    html = client.post(f"/live/sets/{set_id}/write/numeric", data={"number": "beaucoup"}).text
    with app.test_request_context(), force_locale("ar"):
        number = str(sets._translated("'answer' must be a number"))
        fill_ar = str(sets.FILL_IN)
    assert number != "Enter a number." and fill_ar != fill
    assert re.search(r'id="number-error">[^<]*' + re.escape(number), html)
    assert re.search(r'id="unit-error">[^<]*' + re.escape(fill_ar), html)
    assert 'dir="rtl"' in html


def test_writing_every_type_through_the_form_fills_the_set_in_order(client, login, people):
    login(people["author"])
    set_id = _new_set(client)
    for kind in sets.KINDS:
        response = client.post(
            f"/live/sets/{set_id}/write/{kind}", data={**VALID[kind], **EXPLANATION}
        )
        assert response.status_code == 303, (kind, response.text[:3000])
    live_set = db.session.get(LiveSet, set_id)
    kinds = [db.session.get(Question, qid).kind for qid in live_set.question_ids]
    assert kinds == list(sets.KINDS)
    page = client.get(f"/live/sets/{set_id}").text
    assert "Dans quel ordre se laver les mains ?" in page
    # Sent twice (a double tap): the same question is in the set once.
    client.post(f"/live/sets/{set_id}/write/single", data={**VALID["single"], **EXPLANATION})
    assert len(db.session.get(LiveSet, set_id).question_ids) == len(sets.KINDS)


def test_editing_a_written_question_makes_a_new_row_in_the_same_place(client, login, people):
    login(people["author"])
    set_id = _new_set(client)
    for kind in ("single", "order"):
        client.post(f"/live/sets/{set_id}/write/{kind}", data={**VALID[kind], **EXPLANATION})
    twice = {**VALID["order"], **EXPLANATION, "choices-2": "Savonner"}  # only this is wrong
    assert client.post(f"/live/sets/{set_id}/write/order", data=twice).status_code == 200
    first, second = db.session.get(LiveSet, set_id).question_ids
    form = client.get(f"/live/sets/{set_id}/questions/{first}/edit").text
    assert 'value="1 heure"' in form
    changed = {**VALID["single"], **EXPLANATION, "choices-2": "6 heures"}
    response = client.post(f"/live/sets/{set_id}/questions/{first}/edit", data=changed)
    assert response.status_code == 303
    db.session.expire_all()
    ids = db.session.get(LiveSet, set_id).question_ids
    assert ids[1] == second and ids[0] != first
    assert db.session.get(Question, first) is not None  # a past session still shows it
    # Moving puts at a place (a double tap moves once); removing twice removes one.
    for _ in range(2):
        client.post(f"/live/sets/{set_id}/questions/{second}/move", data={"position": 0})
    db.session.expire_all()
    assert db.session.get(LiveSet, set_id).question_ids == [second, ids[0]]
    for _ in range(2):
        client.post(f"/live/sets/{set_id}/questions/{second}/remove")
    db.session.expire_all()
    assert db.session.get(LiveSet, set_id).question_ids == [ids[0]]


def test_a_set_is_created_once_per_client_id(client, login, people):
    login(people["author"])
    assert _new_set(client, client_id="tap") == _new_set(client, client_id="tap")
    assert LiveSet.query.count() == 1


# --- pictures ----------------------------------------------------------------------------------


def test_a_photo_becomes_a_small_webp_without_exif(ctx):
    raw = _jpeg_with_exif()
    assert b"PhoneMaker" in raw and len(raw) > 500_000
    data, width, height = sets.encode_picture(raw)
    assert len(data) <= 60_000
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    assert (width, height) == image.size == (600, 800)  # turned upright, then 800 px at most
    assert not image.getexif() and b"Exif" not in data and b"PhoneMaker" not in data
    assert b"GPS" not in data and "exif" not in image.info


def test_uploads_refused_by_their_content(ctx):
    with pytest.raises(sets.PictureRefused, match="not_picture"):
        sets.encode_picture(b"Bonjour, ceci est un texte.\n" * 50)
    huge = io.BytesIO()
    Image.new("L", (12_000, 20)).save(huge, "PNG")
    with pytest.raises(sets.PictureRefused, match="dimensions"):
        sets.encode_picture(huge.getvalue())
    truncated = _jpeg_with_exif((200, 150))[:600]
    with pytest.raises(sets.PictureRefused, match="not_picture"):
        sets.encode_picture(truncated)


def test_picture_through_the_form_served_with_a_long_cache(app, client, login, people):
    login(people["author"])
    set_id = _new_set(client)
    form = {
        **VALID["single"],
        **EXPLANATION,
        "image_file": (io.BytesIO(_jpeg_with_exif()), "photo.jpg"),
    }
    # Without a text for the picture: refused, but the picture is kept for the next try.
    html = post_multipart(client, f"/live/sets/{set_id}/write/single", form).text
    assert 'id="image_alt-error"' in html
    digest = re.search(r'name="image" type="hidden" value="([0-9a-f]{64})"', html).group(1)
    form = {**VALID["single"], **EXPLANATION, "image": digest, "image_alt": "Une assiette"}
    assert client.post(f"/live/sets/{set_id}/write/single", data=form).status_code == 303
    question = db.session.get(Question, db.session.get(LiveSet, set_id).question_ids[0])
    assert question.content["image"] == digest and question.content["image_alt"] == "Une assiette"
    stored = db.session.get(LivePicture, digest)
    assert len(stored.data) <= 60_000 and max(stored.width, stored.height) == 800

    response = client.get(f"/live/pictures/{digest}.webp")
    assert response.status_code == 200 and response.mimetype == "image/webp"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.data == stored.data
    assert client.get(f"/live/pictures/{'0' * 64}.webp").status_code == 404
    assert client.get("/live/pictures/nothex.webp").status_code == 404
    preview = client.get(f"/live/sets/{set_id}/preview").text
    assert f'src="/live/pictures/{digest}.webp" alt="Une assiette"' in preview


def test_the_purge_forgets_pictures_no_question_shows_a_day_after_upload(client, login, people):
    login(people["author"])
    set_id = _new_set(client)
    upload = {
        **VALID["single"],
        **EXPLANATION,
        "image_file": (io.BytesIO(_jpeg_with_exif()), "a.jpg"),
    }
    shown = re.search(
        r'name="image" type="hidden" value="([0-9a-f]{64})"',
        post_multipart(client, f"/live/sets/{set_id}/write/single", upload).text,
    ).group(1)
    form = {**VALID["single"], **EXPLANATION, "image": shown, "image_alt": "Une assiette"}
    assert client.post(f"/live/sets/{set_id}/write/single", data=form).status_code == 303
    # A second photo sent with a form the volunteer then left: nothing shows it.
    left = sets.store_picture(_jpeg_with_exif(size=(500, 400)))
    db.session.commit()
    assert left.digest != shown

    assert privacy.purge(utcnow())["unused_pictures"] == 0  # a form may still show it
    assert privacy.purge(utcnow() + timedelta(days=1, minutes=1))["unused_pictures"] == 1
    db.session.expire_all()
    assert db.session.get(LivePicture, left.digest) is None
    assert client.get(f"/live/pictures/{shown}.webp").status_code == 200


def test_a_text_renamed_jpg_and_a_huge_file_are_refused_beside_the_field(
    app, client, login, people
):
    login(people["author"])
    set_id = _new_set(client)
    with app.test_request_context(), force_locale("fr"):
        not_picture = str(sets.PICTURE_REFUSALS["not_picture"])
        too_big = str(sets.PICTURE_REFUSALS["too_big"])
    fake = {
        **VALID["single"],
        **EXPLANATION,
        "image_file": (io.BytesIO(b"not a picture at all\n" * 100), "photo.jpg"),
    }
    response = post_multipart(client, f"/live/sets/{set_id}/write/single", fake)
    assert response.status_code == 200
    assert re.search(r'id="image_file-error">' + re.escape(not_picture), response.text)
    assert 'value="1 heure"' in response.text  # what was typed stays
    assert LivePicture.query.count() == 0 and Question.query.count() == 0

    huge = {**VALID["single"], "image_file": (io.BytesIO(b"\0" * (11 * 1024 * 1024)), "big.jpg")}
    response = post_multipart(client, f"/live/sets/{set_id}/write/single", huge)
    assert response.status_code == 200  # not the 413 page
    assert re.search(r'id="image_file-error">' + re.escape(too_big), response.text)


def test_a_phone_photo_over_the_sites_2_mb_is_kept_with_csrf_on_as_in_production(
    app, client, login, people
):
    login(people["author"])
    set_id = _new_set(client)
    address = f"/live/sets/{set_id}/write/single"
    app.config["WTF_CSRF_ENABLED"] = True  # the app-wide check reads forms, as in production
    try:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(address).text).group(1)
        photo = _jpeg_with_exif(size=(2400, 1800))
        photo += b"\0" * (
            3 * 1024 * 1024 - len(photo)
        )  # a phone's 3 MB photo (JPEG ignores the tail)
        form = {**VALID["single"], **EXPLANATION, "csrf_token": token, "image_alt": "Une assiette"}
        sent = post_multipart(client, address, {**form, "image_file": (io.BytesIO(photo), "p.jpg")})
        assert sent.status_code == 303, sent.text[:300]
        forged = post_multipart(client, address, {**VALID["single"], **EXPLANATION})
        assert forged.status_code == 200 and Question.query.count() == 1  # no token: refused
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert LivePicture.query.count() == 1


# --- sharing, against the groups people are in now ------------------------------------------------


def test_sharing_and_unsharing_follow_current_attachments(app, login, people):
    author, teacher, other = people["author"], people["teacher"], people["other"]
    as_author, as_teacher, as_other = app.test_client(), app.test_client(), app.test_client()
    login(author, http=as_author)
    login(teacher, http=as_teacher)
    login(other, http=as_other)
    set_id = _new_set(as_author)
    assert as_teacher.get(f"/live/sets/{set_id}").status_code == 404

    group, elsewhere = people["group"], people["elsewhere"]
    # A group the author is not in is ignored.
    as_author.post(f"/live/sets/{set_id}/share", data={"groups": [group.id, elsewhere.id]})
    assert as_teacher.get(f"/live/sets/{set_id}").status_code == 200
    assert "Hygiène semaine 3" in as_teacher.get("/live").text
    assert as_other.get(f"/live/sets/{set_id}").status_code == 404
    # Shared is not theirs: no writing, no sharing.
    assert as_teacher.get(f"/live/sets/{set_id}/write/single").status_code == 404
    assert as_teacher.post(f"/live/sets/{set_id}", data={"title": "x"}).status_code == 404
    assert as_teacher.get(f"/live/sets/{set_id}/share").status_code == 404

    as_author.post(f"/live/sets/{set_id}/share", data={})  # untick: unshared
    assert as_teacher.get(f"/live/sets/{set_id}").status_code == 404
    assert "Hygiène semaine 3" not in as_teacher.get("/live").text

    as_author.post(f"/live/sets/{set_id}/share", data={"groups": [group.id]})
    assert as_teacher.get(f"/live/sets/{set_id}").status_code == 200
    author_row = db.session.merge(author)
    author_row.groups.clear()  # the author leaves the group: the share no longer counts
    db.session.commit()
    assert as_teacher.get(f"/live/sets/{set_id}").status_code == 404
    assert as_author.get(f"/live/sets/{set_id}").status_code == 200  # still theirs


def test_another_volunteer_and_a_trainee_get_404(app, client, login, people):
    login(people["author"])
    set_id = _new_set(client)
    client.post(f"/live/sets/{set_id}/write/single", data={**VALID["single"], **EXPLANATION})
    question_id = db.session.get(LiveSet, set_id).question_ids[0]
    urls = [
        ("GET", f"/live/sets/{set_id}"),
        ("GET", f"/live/sets/{set_id}/preview"),
        ("GET", f"/live/sets/{set_id}/write/single"),
        ("GET", f"/live/sets/{set_id}/questions/{question_id}/edit"),
        ("POST", f"/live/sets/{set_id}/questions/{question_id}/remove"),
        ("POST", f"/live/sets/{set_id}/duplicate"),
        ("POST", f"/live/sets/{set_id}/start"),
        ("GET", f"/live/sets/{set_id}/bank"),
        ("GET", "/live/sets/999999"),
    ]
    for person in ("other", "trainee"):
        http = app.test_client()
        login(people[person], http=http)
        for method, url in urls:
            assert http.open(url, method=method).status_code == 404, (person, url)
    assert len(db.session.get(LiveSet, set_id).question_ids) == 1


def test_duplicate_is_yours_once_per_client_id(app, login, people):
    as_author, as_teacher = app.test_client(), app.test_client()
    login(people["author"], http=as_author)
    login(people["teacher"], http=as_teacher)
    set_id = _new_set(as_author)
    as_author.post(f"/live/sets/{set_id}/write/order", data={**VALID["order"], **EXPLANATION})
    as_author.post(f"/live/sets/{set_id}/share", data={"groups": [people["group"].id]})
    first = as_teacher.post(f"/live/sets/{set_id}/duplicate", data={"client_id": "dup-1"})
    second = as_teacher.post(f"/live/sets/{set_id}/duplicate", data={"client_id": "dup-1"})
    assert first.headers["Location"] == second.headers["Location"]
    copy_id = int(first.headers["Location"].rsplit("/", 1)[1])
    copy, original = db.session.get(LiveSet, copy_id), db.session.get(LiveSet, set_id)
    assert copy.user_id == people["teacher"].id and copy.question_ids == original.question_ids
    assert copy.title == "Hygiène semaine 3 (copie)"
    # The copy is the teacher's to change; the original stays the author's.
    assert as_teacher.get(f"/live/sets/{copy_id}/write/single").status_code == 200
    assert as_teacher.get(f"/live/sets/{set_id}/write/single").status_code == 404


# --- the bank, and a session started from a set ---------------------------------------------------


def test_bank_search_by_part_and_words_ignores_accents(client, login, people, bank):
    login(people["author"])
    set_id = _new_set(client)
    allergen = next(q for q in bank if q.get("topic") == "allergens")
    word = max(re.findall(r"\w+", allergen["question"]), key=len)
    plain = grading.fold(word, lenient=True)
    page = client.get(f"/live/sets/{set_id}/bank", query_string={"scope": "allergens", "q": plain})
    assert allergen["id"] in page.text
    found = sets.search_bank("1", "")
    assert found and all(not q.retired for q in found)
    response = client.post(
        f"/live/sets/{set_id}/bank", data={"question": [allergen["id"], "set-forged", "nope"]}
    )
    assert response.status_code == 303
    assert db.session.get(LiveSet, set_id).question_ids == [allergen["id"]]


def test_start_a_session_from_a_set_and_play_a_written_question(app, client, login, people, bank):
    login(people["author"])
    set_id = _new_set(client)
    client.post(f"/live/sets/{set_id}/write/order", data={**VALID["order"], **EXPLANATION})
    client.post(f"/live/sets/{set_id}/bank", data={"question": [bank[0]["id"]]})
    ids = db.session.get(LiveSet, set_id).question_ids
    data = {"group_id": 0, "time_limit": 0, "client_id": "start-1"}
    first = client.post(f"/live/sets/{set_id}/start", data=data)
    again = client.post(f"/live/sets/{set_id}/start", data=data)
    assert first.status_code == 303 and first.headers["Location"] == again.headers["Location"]
    assert LiveSession.query.count() == 1
    live = db.session.scalar(sa.select(LiveSession))
    assert live.question_ids == ids and live.host_id == people["author"].id

    host = client.get(f"/live/{live.code}/host")
    assert host.status_code == 200
    services.advance(live, live.version)  # the first question: the written ordering one
    question = services.question_at(live)
    assert question.id == ids[0] and question.content["type"] == "order"
    player_client = app.test_client()
    player_client.post(f"/join/{live.code}", data={"nickname": "Lina"})
    play = player_client.get(f"/live/{live.code}/play").text
    assert "Dans quel ordre se laver les mains ?" in play and 'data-tiles="order"' in play
    # The phone sends the places of the shuffled lines: graded like a bank question.
    shown = grading.display_order(question.id, question.content["items"])
    places = {
        f"place-{n}": str(question.content["items"].index(text) + 1) for n, text in enumerate(shown)
    }
    player_client.post(f"/live/{live.code}/answer", data={"index": 0, "client_id": "a1", **places})
    player = services.players(live)[0]
    db.session.refresh(player)
    assert player.right == 1


def test_pages_stay_small_and_their_queries_few_with_a_full_set(client, login, people, bank):
    login(people["author"])
    set_id = _new_set(client)
    for n in range(sets.MAX_QUESTIONS - len(bank[:10])):
        data = {
            **VALID["order"],
            **EXPLANATION,
            "question": f"Question numéro {n} : dans quel ordre ?",
        }
        assert client.post(f"/live/sets/{set_id}/write/order", data=data).status_code == 303
    client.post(f"/live/sets/{set_id}/bank", data={"question": [q["id"] for q in bank[:10]]})
    assert len(db.session.get(LiveSet, set_id).question_ids) == sets.MAX_QUESTIONS
    one_more = {**VALID["single"], **EXPLANATION}
    response = client.post(f"/live/sets/{set_id}/write/single", data=one_more)
    assert response.status_code == 200 and "30 questions au plus" in response.text  # said
    assert len(db.session.get(LiveSet, set_id).question_ids) == sets.MAX_QUESTIONS
    for url in ("/live", f"/live/sets/{set_id}", f"/live/sets/{set_id}/preview"):
        html, _total = first_load(client, url)
        assert html < 14 * 1024, url
        with count_queries() as statements:
            assert client.get(url).status_code == 200
        assert len(statements) <= 8, (url, statements)  # whatever the number of questions
