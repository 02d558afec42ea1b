"""A volunteer writes a question set on a 360 px phone (a picture, an ordering), previews it."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import picture_width
from tests.browser.test_journeys import audit, sign_in
from webapp.accounts.models import Role
from webapp.extensions import db
from webapp.live.models import LivePicture, LiveSet
from webapp.revision.models import Question


def _photo(path):
    """A photo-like JPEG of 1600 x 1200 with EXIF, as a phone would send."""
    size = (1600, 1200)
    image = Image.blend(
        Image.effect_noise(size, 40).convert("RGB"),
        Image.linear_gradient("L").resize(size).convert("RGB"),
        0.6,
    )
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    path.write_bytes(out.getvalue())
    return path


def test_volunteer_writes_a_set_with_a_picture_and_an_ordering_then_previews_it(
    phone, make_group, make_user, bank, shot, tmp_path
):
    group = make_group()
    volunteer = make_user(Role.VOLUNTEER, group=group, username="benevole")
    page = phone()
    sign_in(page, volunteer.username)
    page.goto("/live")
    page.get_by_role("link", name="Nouvelle série de questions").click()
    page.fill("#title", "Hygiène, semaine 3")
    page.get_by_role("button", name="Créer la série").click()
    page.wait_for_url(re.compile(r"/live/sets/\d+$"))
    set_url = page.url
    audit(page)

    # 1. One right answer, with a picture; first sent without its description: told where.
    page.get_by_role("link", name="Écrire une question").click()
    page.wait_for_url(re.compile(r"/live/sets/\d+/write$"))
    audit(page)
    shot(page, "live-sets-kinds")
    page.get_by_role("link", name="Une seule bonne réponse").click()
    page.fill("#question", "Quel geste protège le plat ?")
    page.fill("#choices-0", "Mettre des gants")
    page.fill("#choices-1", "Se gratter la tête")
    page.fill("#choices-2", "Tousser sur le plat")
    page.locator("input[name=right][value='0']").check()
    page.fill("#explanation", "Les gants propres évitent de contaminer le plat.")
    page.set_input_files("#image_file", str(_photo(tmp_path / "photo.jpg")))
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_selector("#image_alt-error")
    expect(page.locator("#image_alt")).to_be_focused()  # autofocus, given when the page is drawn
    assert page.locator(".set-figure img").count() == 1  # the picture is kept
    audit(page)
    shot(page, "live-sets-write-error")
    page.fill("#image_alt", "Des mains avec des gants bleus")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_url(re.compile(r"/live/sets/\d+(#.*)?$"))

    # 2. An ordering question, with a pictogram; a line written twice is refused beside the lines.
    page.get_by_role("link", name="Écrire une question").click()
    page.get_by_role("link", name="Mettre dans l'ordre").click()
    page.fill("#question", "Dans quel ordre se laver les mains ?")
    for number, line in enumerate(["Mouiller", "Savonner", "Savonner", "Sécher"]):
        page.fill(f"#choices-{number}", line)
    page.fill("#explanation", "On mouille, on savonne, on rince, on sèche.")
    page.fill("#pictogram", "🧼")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_selector("#choices-error")
    assert "deux fois" in page.locator("#choices-error").inner_text()
    page.fill("#choices-2", "Rincer")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_url(re.compile(r"/live/sets/\d+(#.*)?$"))

    # 3. True or false, and one from the bank.
    page.get_by_role("link", name="Écrire une question").click()
    page.get_by_role("link", name="Vrai ou faux").click()
    page.fill("#question", "On peut recongeler un produit décongelé.")
    page.get_by_label("Faux").check()
    page.fill("#explanation", "Un produit décongelé ne se recongèle pas.")
    page.get_by_role("button", name="Enregistrer la question").click()
    page.wait_for_url(re.compile(r"/live/sets/\d+(#.*)?$"))
    page.get_by_role("link", name="Choisir dans la banque").click()
    page.select_option("#scope", "hygiene")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_url(re.compile(r"/bank\?.*scope=hygiene"))
    audit(page)
    page.locator("input[name=question]:not([disabled])").first.check()
    page.get_by_role("button", name="Ajouter à la série").click()
    page.wait_for_url(set_url)
    audit(page)
    shot(page, "live-sets-set")

    live_set = db.session.scalar(db.select(LiveSet))
    kinds = [db.session.get(Question, qid).kind for qid in live_set.question_ids]
    assert kinds[:3] == ["single", "order", "truefalse"] and len(kinds) == 4
    picture = db.session.scalar(db.select(LivePicture))
    assert len(picture.data) <= 60_000 and b"PhoneMaker" not in picture.data
    print(f"picture: {len(picture.data)} bytes, {picture.width} x {picture.height}")

    # The preview: as phones and the projector show them; the ordering as tiles.
    page.get_by_role("link", name="Aperçu").click()
    page.wait_for_selector(".set-phone")
    assert page.locator(".set-phone__screen").first.evaluate("e => e.offsetWidth") <= 360
    image = page.locator(".set-phone .set-figure img").first
    assert picture_width(image) > 0
    assert page.locator("[data-tiles='order']").count() == 1
    assert page.locator(".set-projector ol.set-projector__choices li").count() == 4
    audit(page)
    shot(page, "live-sets-preview")

    # Started as a session: the room opens with the set's questions.
    page.goto(set_url)
    page.get_by_role("link", name="Lancer une session en direct").click()
    page.get_by_role("button", name="Ouvrir la session").click()
    page.wait_for_url(re.compile(r"/live/\w{6}/host$"))
    page.goto("/live")  # the set, then past sessions
    assert page.get_by_role("link", name="Hygiène, semaine 3").is_visible()
    assert page.get_by_role("heading", name="Sessions passées").is_visible()
    audit(page)
    shot(page, "live-sets-index")

    # In Arabic, right to left: the bank's rules said beside each field, the typed French kept.
    page.goto(f"{set_url}/write/numeric")
    page.get_by_role("button", name="العربية").click()
    page.fill("#question", "À quelle température garde-t-on un plat chaud ?")
    page.fill("#number", "beaucoup")
    page.get_by_role("button", name="حفظ السؤال").click()
    page.wait_for_selector("#number-error")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#number-error").inner_text() != "Enter a number."
    assert (
        page.locator("#unit-error").is_visible() and page.locator("#explanation-error").is_visible()
    )
    audit(page)
    shot(page, "live-sets-write-ar")
