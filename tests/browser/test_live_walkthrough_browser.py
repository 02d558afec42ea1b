"""The volunteer's whole morning, as issue 16 asks it to be tried: write a set of six questions
(one with a picture, one ordering) on the laptop, preview it, run it with a countdown to four
phones (one joins late, one loses the network for a question), see the chart, the scores and
the podium, then export the results and read them as a French spreadsheet would."""

import csv
import io
import re
from pathlib import Path

import sqlalchemy as sa

from tests.browser.conftest import ARTIFACTS, picture_width
from tests.browser.test_journeys import audit, sign_in
from tests.browser.test_live_room_browser import join, key
from tests.browser.test_live_sets_browser import _photo
from tests.browser.test_thumbs_browser import tap_order
from webapp.accounts.models import Role
from webapp.core import grading
from webapp.extensions import db
from webapp.live.models import LiveAnswer, LiveSession, LiveSet
from webapp.revision.models import Question


def write_question(host, kind_label, fields, right=None):
    host.get_by_role("link", name="Écrire une question").click()
    host.get_by_role("link", name=kind_label).click()
    for selector, value in fields.items():
        if selector == "#image_file":
            host.set_input_files(selector, value)
        else:
            host.fill(selector, value)
    if right is not None:
        host.locator(f"input[name=right][value='{right}']").check()
    host.get_by_role("button", name="Enregistrer la question").click()
    host.wait_for_url(re.compile(r"/live/sets/\d+(#.*)?$"))


def answer(page, question: Question, right: bool = True) -> None:
    """Give an answer on the phone, by the fields' values (the same in every language)."""
    item = question.content
    board = page.locator("#play")
    if item["type"] == "order":
        tap_order(board, item["items"])
    elif item["type"] == "numeric":
        board.locator("input[name=text]").fill(grading.format_number(item["answer"]))
    else:
        if item["type"] == "truefalse":
            wanted = ["true" if item["answer"] else "false"]
        elif item["type"] == "multiple":
            wanted = list(item["answers"])
        else:
            wanted = [item["answer"]]
        choices = board.locator("input[name=choice]")
        if not right:  # the first choice that is not right
            values = choices.evaluate_all("els => els.map(e => e.value)")
            wanted = [next(v for v in values if v not in wanted)]
        choices.evaluate_all(
            "(els, wanted) => els.forEach(e => { e.checked = wanted.includes(e.value) })", wanted
        )
    board.locator("button[type=submit]").click()
    page.wait_for_selector("#play[data-answered='1']")


def test_a_volunteer_writes_a_set_runs_it_to_four_phones_and_exports_it(
    projector, phone, make_group, make_user, bank, shot, tmp_path
):
    group = make_group()
    volunteer = make_user(Role.VOLUNTEER, group=group, username="animatrice")
    samir = make_user(group=group, display_name="Samir Benali")
    host = projector()
    sign_in(host, volunteer.username)

    # The set: a picture, an ordering, four from the bank (CCP 1).
    host.goto("/live")
    host.get_by_role("link", name="Nouvelle série de questions").click()
    host.fill("#title", "Matinée hygiène")
    host.get_by_role("button", name="Créer la série").click()
    host.wait_for_url(re.compile(r"/live/sets/\d+$"))
    set_url = host.url
    write_question(
        host,
        "Une seule bonne réponse",
        {
            "#question": "Quel geste protège le plat ?",
            "#choices-0": "Mettre des gants propres",
            "#choices-1": "Se gratter la tête",
            "#choices-2": "Tousser sur le plat",
            "#explanation": "Des gants propres évitent de contaminer le plat.",
            "#image_file": str(_photo(tmp_path / "gants.jpg")),
            "#image_alt": "Des mains avec des gants bleus",
        },
        right=0,
    )
    write_question(
        host,
        "Mettre dans l'ordre",
        {
            "#question": "Dans quel ordre se laver les mains ?",
            "#choices-0": "Mouiller",
            "#choices-1": "Savonner",
            "#choices-2": "Rincer",
            "#choices-3": "Sécher",
            "#explanation": "On mouille, on savonne, on rince, on sèche.",
        },
    )
    host.get_by_role("link", name="Choisir dans la banque").click()
    host.select_option("#scope", "1")  # CCP 1
    host.get_by_role("button", name="Chercher").click()
    boxes = host.locator("input[name=question]:not([disabled])")
    for number in range(4):
        boxes.nth(number).check()
    host.get_by_role("button", name="Ajouter à la série").click()
    host.wait_for_url(set_url)
    questions = [
        db.session.get(Question, qid) for qid in db.session.scalar(sa.select(LiveSet)).question_ids
    ]
    assert len(questions) == 6 and [q.kind for q in questions[:2]] == ["single", "order"]

    host.get_by_role("link", name="Aperçu").click()
    host.wait_for_selector(".set-projector")
    assert picture_width(host.locator(".set-phone .set-figure img").first) > 0
    audit(host)
    shot(host, "walkthrough-preview-1280")

    # Open to anyone with the code (guests' phones too), 20 seconds a question.
    host.goto(set_url)
    host.get_by_role("link", name="Lancer une session en direct").click()
    host.select_option("#group_id", "0")
    host.select_option("#time_limit", "20")
    host.get_by_role("button", name="Ouvrir la session").click()
    host.wait_for_url(re.compile(r"/live/\w{6}/host$"))
    code = db.session.scalar(sa.select(LiveSession.code))

    lina = phone()
    join(lina, code, "Lina")
    moussa = phone(locale="ar")
    join(moussa, code, "=Moussa")  # a nickname a spreadsheet would take for a formula
    chef = phone()
    sign_in(chef, samir.username)
    join(chef, code, "Chef Sam")
    host.wait_for_selector("text=Chef Sam")
    shot(host, "walkthrough-lobby-1280")

    nadia = None
    for number, question in enumerate(questions):
        key(host, "Space", ".phase-question")
        assert host.locator(".timer").is_visible()
        if number == 1:  # Nadia comes in late, during the second question
            nadia = phone()
            join(nadia, code, "Nadia")
        players = [lina, moussa, chef] + ([nadia] if nadia else [])
        if number == 2:  # Moussa's phone loses the network for this question
            moussa.context.set_offline(True)
        for page in players:
            if page is moussa and number == 2:
                continue
            page.wait_for_selector("#play form")
            if number == 0 and page is lina:
                assert picture_width(page.locator("#play .set-figure img")) > 0
                shot(page, "walkthrough-phone-picture")
            answer(page, question, right=not (page is lina and number == 0))
        if number == 1:
            shot(nadia, "walkthrough-phone-late-order")
        key(host, "s", ".phase-reveal")  # all answered: the host skips the time left
        host.wait_for_selector(".chart")
        if number == 2:
            moussa.context.set_offline(False)
            moussa.goto(f"/live/{code}/play")  # back: on the current phase, told what happened
            moussa.wait_for_selector("#play .chart")
        if number == 0:
            audit(host)
            shot(host, "walkthrough-reveal-1280")
            lina.wait_for_selector("#play .chart")
            shot(lina, "walkthrough-phone-reveal")
        key(host, "Space", ".phase-scores")
        if number == 0:
            chef.wait_for_selector("#play .scoreboard")
            audit(chef)
            shot(chef, "walkthrough-phone-scores")
    key(host, "Space", ".podium")
    audit(host)
    shot(host, "walkthrough-podium-1280")
    for page in (lina, moussa, chef, nadia):
        page.wait_for_selector("#play .podium")
    shot(moussa, "walkthrough-phone-ar-end")

    answers = db.session.scalars(sa.select(LiveAnswer)).all()
    assert len(answers) == 3 * 6 + 5 - 1  # Nadia from question 2, Moussa missed question 3
    assert len({(a.player_id, a.question_index) for a in answers}) == len(answers)

    # The results as a French spreadsheet reads a CSV: UTF-8 with a BOM, ";" between cells.
    with host.expect_download() as download:
        host.get_by_role("link", name="Télécharger les résultats (CSV)").click()
    download.value.save_as(ARTIFACTS / "walkthrough-results.csv")  # for a person to open
    text = Path(download.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    by_question = {row[0]: row for row in rows[1:7]}
    # Answered, right: three at the first (Lina wrong), four from Nadia's, three at Moussa's drop.
    assert by_question["1"][2:4] == ["3", "2"]
    assert (by_question["2"][2], by_question["3"][2], by_question["6"][2]) == ("4", "3", "4")
    cells = {cell for row in rows for cell in row}
    assert "=Moussa" not in cells and "'=Moussa" in cells  # never run as a formula
    assert {"Lina", "Chef Sam", "Nadia"} <= cells
    assert "Samir Benali" not in text  # a volunteer sees nicknames only
