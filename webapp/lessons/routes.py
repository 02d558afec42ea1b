"""Lesson pages, answering exercises (with or without JavaScript, online or replayed offline)."""

import uuid
from dataclasses import dataclass

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import audio, fragments, grading, outbox
from webapp.core.i18n import gettext as _
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.templating import feature_globals
from webapp.lessons import bp, render, services, voice
from webapp.lessons.forms import STARTER, LessonForm
from webapp.lessons.schema import MODULES

# Admins read lessons too: they decide which teachers' lessons every site sees.
READERS = (Role.TRAINEE, Role.TEACHER, Role.ADMIN)


@bp.get("/lessons")
@roles_required(*READERS)
def index():
    lessons, progress = services.catalogue(current_user)
    modules = {module: [] for module in MODULES}
    for lesson in lessons:  # in teaching order, so each module's list is too
        if lesson.module in modules:
            modules[lesson.module].append(lesson)
    authors = services.authors(modules["app"]) if current_user.role is Role.ADMIN else {}
    return render_template(
        "lessons/index.html", modules=modules, progress=progress, authors=authors
    )


@dataclass(frozen=True)
class SentBack:
    """An answer that could not be graded (something missing, two lines in one place), shown
    back as it was sent so that the learner fixes it instead of starting again."""

    item_id: str
    values: dict[str, list[str]]
    clashes: list[int]


def _sent_back(item: dict, form) -> SentBack:
    return SentBack(item["id"], form.to_dict(flat=False), grading.clashes(item, form))


def _own_voice(lesson) -> None:
    """Speaker links of this lesson play its author's own recordings where there are some."""
    g.own_voice = {
        words: url_for("lessons.own_voice", sha=row.sha)
        for words, row in voice.own_recordings(lesson).items()
    }


def _text(lesson) -> Markup:
    """The lesson's text and useful words (lessons/_text.html), the same for every reader: made
    once per version of the lesson, language and set of its author's recordings, and kept
    (core.fragments). _own_voice has put the recordings in g before."""
    return fragments.kept(
        ("lesson-text", lesson.id),
        (lesson.content_hash, frozenset(g.own_voice.items())),
        lambda: render_template("lessons/_text.html", content=lesson.content),
    )


def _page(lesson, offline=False, status=200, sent_back: SentBack | None = None):
    """The lesson page; offline=True is the copy the phone keeps, with nothing personal in it."""
    _own_voice(lesson)
    states = {} if offline else services.states(current_user, lesson)
    progress = None if offline else services.progress_of(current_user, lesson)
    following = services.following(lesson, current_user)
    response = make_response(
        render_template(
            "lessons/lesson.html",
            lesson=lesson,
            content=lesson.content,
            states=states,
            progress=progress,
            following=following,
            offline=offline,
            new_id=lambda: uuid.uuid4().hex,
            sent_back=sent_back,
        ),
        status,
    )
    if offline:
        # Lesson text only, so the service worker may keep it (it is not personal data).
        response.headers["Cache-Control"] = "private, max-age=0"
    return response


@bp.get("/lessons/<lesson_id>")
@roles_required(*READERS)
def lesson(lesson_id: str):
    return _page(services.lesson_for(current_user, lesson_id))


@bp.get("/lessons/<lesson_id>/offline")
@roles_required(*READERS)
def offline_copy(lesson_id: str):
    return _page(services.lesson_for(current_user, lesson_id), offline=True)


@bp.post("/lessons/<lesson_id>/exercises/<exercise_id>")
@outbox.write
@roles_required(Role.TRAINEE)
def answer(lesson_id: str, exercise_id: str):
    lesson = services.lesson_for(current_user, lesson_id)
    item = services.exercise(lesson, exercise_id)
    given = grading.answer_from_form(item, request.form)
    client_id = (request.form.get("client_id") or "")[:64] or uuid.uuid4().hex
    # Nothing graded: what was sent comes back as it was, with the message next to it.
    sent_back = _sent_back(item, request.form) if given is None else None
    if sent_back:
        outbox.invalid({"answer": [_("Choose or write an answer first.")]})
    else:
        correct = services.record_answer(current_user, lesson, item, given, client_id)
        outbox.feedback(correct=correct, expected=grading.expected(item))
    if request.headers.get("HX-Request"):
        _own_voice(lesson)
        state = services.states(current_user, lesson).get(item["id"], services.ExerciseState())
        return render_template(
            "lessons/_exercise.html",
            lesson=lesson,
            item=item,
            state=state,
            missing=bool(sent_back),
            new_id=lambda: uuid.uuid4().hex,
            sent=sent_back and sent_back.values,
            clashes=sent_back and sent_back.clashes,
            offline=False,
            number=lesson.content["exercises"].index(item) + 1,
        )
    if sent_back:  # without JavaScript: the page again, this answer as it was sent
        return _page(lesson, status=422, sent_back=sent_back)
    return redirect(url_for("lessons.lesson", lesson_id=lesson.id, _anchor=f"ex-{item['id']}"), 303)


@bp.route("/lessons/new", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def new():
    form = LessonForm(source=STARTER)
    if form.validate_on_submit():
        lesson = services.save_app_lesson(current_user, form.lesson_data, form.source.data)
        return redirect(url_for("lessons.lesson", lesson_id=lesson.id), 303)
    return render_template("lessons/edit.html", form=form, lesson=None)


@bp.route("/lessons/<lesson_id>/edit", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def edit(lesson_id: str):
    lesson = services.authored_lesson(current_user, lesson_id)
    form = LessonForm(source=lesson.source)
    if form.validate_on_submit():
        was_published = lesson.published
        services.save_app_lesson(current_user, form.lesson_data, form.source.data, lesson)
        if was_published and not lesson.published:
            flash(
                _l("Saved. Only your groups see it until an admin shows it to all sites again."),
                "info",
            )
        return redirect(url_for("lessons.lesson", lesson_id=lesson.id), 303)
    return render_template("lessons/edit.html", form=form, lesson=lesson)


@bp.route("/lessons/<lesson_id>/voice", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def record(lesson_id: str):
    """The author reads the texts of their lesson in their own voice: from the browser's
    microphone (static/js/recorder.js) or, without JavaScript, a file from the phone's recorder."""
    lesson = services.authored_lesson(current_user, lesson_id)
    problem, words = None, request.form.get("words", "")
    if request.method == "POST":
        sent = request.files.get("recording")
        data = sent.read() if sent else b""
        try:
            if not data:
                raise audio.NotUsable("nothing sent")
            voice.save(current_user, lesson.id, words=words, sent=data)
        except audio.NotUsable as refused:
            problem = VOICE_PROBLEMS.get(str(refused), VOICE_PROBLEMS["not sound"])
        else:
            flash(_l("Your recording is saved: trainees hear your voice."), "info")
            return redirect(
                url_for("lessons.record", lesson_id=lesson.id, _anchor=f"w-{words}"), 303
            )
    _own_voice(lesson)
    response = make_response(
        render_template(
            "lessons/voice.html",
            lesson=lesson,
            lines=voice.lines(lesson),
            problem=problem,
            problem_words=words,
        ),
        422 if problem else 200,
    )
    # The one page that may use the microphone (every other page forbids it: core.security).
    response.headers["Permissions-Policy"] = "camera=(), microphone=(self), geolocation=()"
    return response


VOICE_PROBLEMS = {
    "nothing sent": _l("Record or choose a recording first."),
    "not sound": _l("This file is not a sound recording. Record again."),
    "no sound": _l("This recording is silent or too short. Record again."),
    "too long": _l("This recording is too long: at most 90 seconds."),
}


@bp.post("/lessons/<lesson_id>/voice/remove")
@roles_required(Role.TEACHER)
def remove_recording(lesson_id: str):
    words = request.form.get("words", "")
    voice.remove(current_user, lesson_id, words=words)
    return redirect(url_for("lessons.record", lesson_id=lesson_id, _anchor=f"w-{words}"), 303)


@bp.get("/voice/<sha>.ogg")
@roles_required(*READERS)
def own_voice(sha: str):
    """A teacher's recording, for those who may read its lesson. Named by the hash of its
    sound, so it never changes: the phone keeps it (privately) for a year."""
    row = voice.playable(current_user, sha)
    response = make_response(row.data)
    response.mimetype = "audio/ogg"
    response.headers["Cache-Control"] = f"private, max-age={365 * 24 * 3600}, immutable"
    return response


@bp.post("/lessons/<lesson_id>/publish")
@roles_required(Role.ADMIN)
def publish(lesson_id: str):
    """Show a teacher's lesson to every site (publish=1), or only to its author's groups."""
    if request.form.get("publish") not in ("0", "1"):
        abort(400)
    services.set_published(current_user, lesson_id, request.form["publish"] == "1")
    return redirect(url_for("lessons.index", _anchor=f"lesson-{lesson_id}"), 303)


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    lesson_html=render.to_html,
    lesson_speech=render.to_speech,
    lesson_text=_text,
    module_names=services.MODULE_NAMES,
)
