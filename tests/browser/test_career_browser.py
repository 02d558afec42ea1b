"""A trainee on a 360 px phone writes their CV, saves it as a PDF (A4, French, nothing of the
app around it) in both layouts, adds two applications and an interview date, and opens the
interview practice."""

import io
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader

from tests.browser.test_journeys import audit, sign_in
from webapp.core.time import local_today, utcnow
from webapp.extensions import db
from webapp.revision import services as revision

SHOTS = Path("/work/notes/shots")


def _save_pdf_pages(page, name: str) -> PdfReader:
    """The CV as Chromium prints it (print media, A4), and each page as a PNG to look at."""
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    if shutil.which("pdftoppm") and SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        (SHOTS / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(SHOTS / f"{name}.pdf"), str(SHOTS / name)],
            check=True,
        )
    return PdfReader(io.BytesIO(pdf))


def test_trainee_builds_prints_a_cv_and_follows_applications(phone, make_group, make_user, app):
    app.config["WORKSHOP_EMPLOYER"] = "Les Cuisines Solidaires"
    trainee = make_user(group=make_group(), display_name="Sam Martin")
    page = phone()
    sign_in(page, trainee.username)
    page.goto("/")
    page.locator("a[href='/career']").click()
    page.locator("a[href='/career/cv']").click()
    page.wait_for_url("**/career/cv")
    audit(page)
    page.fill("#town", "Aubervilliers")
    page.fill("#phone", "06 12 34 56 78")
    page.fill("#email", "sam.martin@example.org")
    page.fill("#summary", "Sérieux et ponctuel, je veux travailler en cuisine collective.")
    page.fill("#languages", "Français, Arabe (courant), Anglais (notions)")
    page.locator("label.check", has_text="en cours").click()
    page.fill("#qualities", "Ponctuel, soigneux, esprit d'équipe")
    page.fill("#gap", "2021 – 2024 : période personnelle ; formation en cuisine.")
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").first.click()
    assert page.locator("#town").input_value() == "Aubervilliers"
    page.fill("#position", "Plongeur")
    page.fill("#company", "Hôtel Bellevue")
    page.fill("#location", "Saint-Denis")
    page.fill("#from_year", "2017")
    page.fill("#to_year", "2018")
    page.fill("#tasks", "Plonge, nettoyage des cuisines, aide à la mise en place")
    page.locator("form.card button[type=submit]").last.click()
    page.locator("section.card", has_text="Hôtel Bellevue").wait_for()

    page.screenshot(path=str(SHOTS / "career-cv-form.png"), full_page=True)
    # A mock exam half right or better in CCP 4: its competencies show on the CV.
    exam = revision.start_exam(trainee, "browser-exam")
    exam.per_ccp, exam.finished_at, exam.score = {"4": [4, 5]}, utcnow(), 4
    db.session.commit()
    page.goto("/career/cv/print")
    assert "Réaliser la plonge" in page.content()
    page.emulate_media(media="print")
    assert not page.locator("nav").first.is_visible()
    classic = _save_pdf_pages(page, "career-cv-classic")
    assert len(classic.pages) == 1
    text = classic.pages[0].extract_text()
    for words in ("SAM MARTIN", "Sam Martin", "Les Cuisines Solidaires", "Hôtel Bellevue"):
        assert words in text or words.title() in text
    assert "prison" not in text.lower()
    assert "Passerelle" not in text and "Accueil" not in text  # nothing of the app around it

    page.emulate_media(media="screen")
    page.goto("/career/cv")
    page.locator("label.check", has_text="Deux colonnes").click()
    with page.expect_navigation():
        page.locator("form.card button[type=submit]").first.click()
    page.goto("/career/cv/print")
    assert page.locator("article.cv--columns").count() == 1
    page.emulate_media(media="print")
    columns = _save_pdf_pages(page, "career-cv-columns")
    assert len(columns.pages) == 1
    page.emulate_media(media="screen")

    # Two applications; the second with an interview date.
    sent = (local_today() - timedelta(days=16)).isoformat()
    interview = (local_today() + timedelta(days=3)).isoformat()
    for company, status, extra in (
        ("Sodexo", "sent", {"#sent_on": sent}),
        ("Elior", "interview", {"#next_action": "Entretien à 10 h", "#next_on": interview}),
    ):
        page.goto("/career/applications")
        page.fill("#company", company)
        page.fill("#job", "Employé de restauration")
        page.select_option("#status", status)
        for selector, value in extra.items():
            page.fill(selector, value)
        with page.expect_navigation():
            page.locator("form.card button[type=submit]").click()
    listing = page.locator(".applications").inner_text()
    assert "Pas de réponse après 2 semaines" in listing or "No answer" in listing
    assert "Entretien à 10 h" in listing
    audit(page)
    page.screenshot(path=str(SHOTS / "career-applications.png"), full_page=True)

    page.goto("/career/interview")
    assert page.locator(".practice__item").count() == 10
    page.screenshot(path=str(SHOTS / "career-interview.png"), full_page=True)


def test_interview_questions_and_tips_without_javascript(phone, make_group, make_user):
    trainee = make_user(group=make_group())
    page = phone(javascript=False)
    sign_in(page, trainee.username)
    page.goto("/career/interview")
    assert page.locator(".practice__item").count() == 10
    assert "Présentez-vous." in page.content()
    assert page.locator("button.record").count() == 0


def test_a_spoken_answer_is_recorded_and_played_back_without_leaving_the_phone(
    phone, make_group, make_user
):
    trainee = make_user(group=make_group())
    page = phone()
    page.context.grant_permissions(["microphone"])
    sign_in(page, trainee.username)
    page.goto("/career/interview")
    audit(page)
    sent = []
    page.on("request", lambda request: sent.append(request) if request.method != "GET" else None)
    first = page.locator(".practice__item").first
    record = first.locator("button.record")
    record.click()
    page.wait_for_selector("button.record[aria-pressed=true]")
    page.wait_for_timeout(1200)  # answer for a second
    record.click()
    player = first.locator("audio")
    player.wait_for()
    assert player.get_attribute("src").startswith("blob:")
    assert "Recommencer" in record.inner_text()
    assert sent == []  # nothing of the answer went anywhere


def test_my_work_pages_in_arabic_read_right_to_left_and_fit_the_phone(phone, make_group, make_user):
    trainee = make_user(group=make_group())
    page = phone(locale="ar")
    sign_in(page, trainee.username)
    page.goto("/career/cv")
    with page.expect_navigation():
        page.locator("button[name=lang][value=ar]").click()
    for url in ("/career", "/career/cv", "/career/applications", "/career/interview"):
        page.goto(url)
        assert page.locator("html").get_attribute("dir") == "rtl"
        audit(page)
    page.goto("/career/cv/print")
    assert page.locator("article.cv").get_attribute("dir") == "ltr"  # the CV stays French
