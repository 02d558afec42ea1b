"""Today's review, practice by CCP or topic, mock exams, and the revision overview."""

import time
import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import fragments, glossary, grading, outbox, titles
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import sent_client_id
from webapp.core.templating import feature_globals
from webapp.core.time import utcnow
from webapp.core.urls import safe_path
from webapp.privacy.services import audit
from webapp.revision import bp, services
from webapp.revision.forms import ExamTimeForm, TargetForm


def _overview(form=None):
    now = utcnow()
    counts = services.today(current_user, now)
    mastery = services.mastery([current_user.id], now)[current_user.id]
    return render_template(
        "revision/overview.html",
        counts=counts,
        form=form or TargetForm(daily_target=counts.target),
        mastery=mastery,
        title=titles.title(mastery["title"]),
        exam_size=services.EXAM_SIZE,
        exams=services.exam_history(current_user),
        exam_id=uuid.uuid4().hex,
        passed=services.exam_passed,
    )


@bp.get("/revision")
@roles_required(Role.TRAINEE)
def overview():
    return _overview()


@bp.post("/revision/settings")
@roles_required(Role.TRAINEE)
def settings():
    form = TargetForm()
    if form.validate_on_submit():
        services.save_settings(current_user, daily_target=form.daily_target.data)
        flash(_l("Your daily target is saved."), "success")
        return redirect(url_for("revision.overview"), 303)
    return _overview(form)


def _question_page(
    question, mode, next_url, log=None, counts=None, position=None, total=None, sent=None, back=None
):
    """The question, answered (log) or not; sent is an answer that could not be graded, shown
    back as it was sent with what to fix."""
    htmx = request.headers.get("HX-Request")
    template = (
        "revision/question.html"
        if not htmx
        else ("revision/_card.html" if question else "revision/_done.html")
    )
    return render_template(
        template,
        question=question,
        item=question.content if question else None,
        mode=mode,
        next_url=next_url,
        log=log,
        counts=counts,
        position=position,
        total=total,
        client_id=uuid.uuid4().hex,
        shown_at=int(time.time()),
        back=back or request.path,
        sent=sent and sent.to_dict(flat=False),
        clashes=grading.clashes(question.content, sent) if sent else [],
    )


@bp.get("/revision/review")
@roles_required(Role.TRAINEE)
def review():
    now = utcnow()
    counts = services.today(current_user, now)
    last = services.log_for(current_user, request.args.get("last"))
    if last is not None:
        return _question_page(
            services.get_question(last.question_id),
            "review",
            url_for("revision.review"),
            log=last,
            counts=counts,
        )
    question = services.next_review(current_user, now, counts, more="more" in request.args)
    return _question_page(question, "review", url_for("revision.review"), counts=counts)


@bp.get("/revision/review/offline")
@roles_required(Role.TRAINEE)
def review_offline():
    """Today's questions on one page, for the phone to keep: answered offline, sent later."""
    now = utcnow()
    questions = services.offline_set(current_user, now, services.today(current_user, now))
    return render_template(
        "revision/offline.html",
        questions=questions,
        new_id=lambda: uuid.uuid4().hex,
        shown_at=int(time.time()),
    )


@bp.get("/revision/practice/<scope>")
@roles_required(Role.TRAINEE)
def start_practice(scope: str):
    """A new short set: its seed is in the address, so the set stays the same while answering."""
    services.in_scope(scope)
    return redirect(
        url_for("revision.practice", scope=scope, seed=uuid.uuid4().hex[:8], position=0), 303
    )


@bp.get("/revision/practice/<scope>/<seed>/<int:position>")
@roles_required(Role.TRAINEE)
def practice(scope: str, seed: str, position: int):
    ids = services.practice_set(scope, seed)
    if position >= len(ids):
        flash(_l("Practice set finished. Well done!"), "success")
        return redirect(url_for("revision.overview"), 303)
    return _question_page(
        services.get_question(ids[position]),
        "practice",
        url_for("revision.practice", scope=scope, seed=seed, position=position + 1),
        log=services.log_for(current_user, request.args.get("last")),
        position=position + 1,
        total=len(ids),
    )


@bp.post("/revision/answer")
@outbox.write
@roles_required(Role.TRAINEE)
def answer():
    """One answer in review or practice; a replayed client id changes nothing."""
    question = services.get_question(request.form.get("question_id", ""))
    mode = "practice" if request.form.get("mode") == "practice" else "review"
    back = safe_path(request.form.get("back"), url_for("revision.review"))
    given = grading.answer_from_form(question.content, request.form)
    next_url = safe_path(request.form.get("next"), url_for("revision.review"))
    if given is None:  # the question again, the answer as it was sent, and what to fix
        outbox.invalid({"answer": [_l("Choose or write an answer first.")]})
        page = _question_page(question, mode, next_url, sent=request.form, back=back)
        return page if request.headers.get("HX-Request") else (page, 422)
    now = utcnow()
    shown = request.form.get("shown_at", type=int) or int(time.time())
    seconds = max(0, min(600, int(time.time()) - shown))
    log = services.answer(
        current_user,
        question,
        given,
        sent_client_id(request.form.get("client_id"), ("live-",)),
        mode,
        seconds,
        bool(request.form.get("guessed")),
        services.plausible_time(request.form.get("answered_at"), now),
    )
    outbox.feedback(correct=log.correct, expected=grading.expected(question.content))
    if request.headers.get("HX-Request"):
        return _question_page(question, mode, next_url, log=log)
    return redirect(f"{back}{'&' if '?' in back else '?'}last={log.client_id}", 303)


@bp.post("/revision/exams")
@roles_required(Role.TRAINEE)
def start_exam():
    client_id = (request.form.get("client_id") or uuid.uuid4().hex)[:64]
    exam = services.start_exam(current_user, client_id)
    return redirect(url_for("revision.exam", exam_id=exam.id), 303)


@bp.route("/revision/exams/<int:exam_id>", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def exam(exam_id: int):
    exam = services.exam_for(current_user, exam_id)
    questions = services.exam_questions(exam)
    if request.method == "POST" and exam.finished_at is None:
        answers = {
            q.id: grading.answer_from_form(q.content, _prefixed(request.form, q.id))
            for q in questions
        }
        services.finish_exam(exam, answers, utcnow())
        return redirect(url_for("revision.exam", exam_id=exam.id), 303)
    return render_template(
        "revision/exam.html",
        exam=exam,
        questions=questions,
        deadline=services.exam_deadline(exam),
        passed=services.exam_passed(exam),
    )


def _prefixed(form, question_id: str):
    """The exam form holds every question: fields are named "<question id>:<field>"."""
    from werkzeug.datastructures import MultiDict

    prefix = f"{question_id}:"
    return MultiDict(
        [
            (key[len(prefix) :], value)
            for key, value in form.items(multi=True)
            if key.startswith(prefix)
        ]
    )


@bp.post("/revision/trainees/<int:trainee_id>/exam-time")
@roles_required(Role.TEACHER)
def exam_time(trainee_id: int):
    """A teacher gives a trainee more (or less) time for mock exams, as the real exam allows."""
    trainee = accounts.trainee_for(current_user, trainee_id)
    form = ExamTimeForm()
    if form.validate_on_submit():
        audit(current_user, "exam_time_changed", trainee, f"minutes={form.minutes.data}")
        services.save_settings(trainee, exam_minutes=form.minutes.data)  # commits both
        flash(_l("Mock exam time saved for %(name)s.", name=trainee.display_name), "success")
    else:
        flash(form.minutes.errors[0], "error")
    group_id = request.form.get("group_id", type=int)
    return redirect(
        url_for("accounts.group", group_id=group_id) if group_id else url_for("accounts.groups"),
        303,
    )


# A question's glossary and heading are the same for everyone who sees it (answered or not):
# found and made once per version of the question rather than at every card (the offline set
# has ten, and looking for the glossary's words in each, deciding which would give the answer
# away, marking and reading aloud were a fifth of its CPU). Bounded: when full, start again.
_GLOSSES: dict[tuple, glossary.CardGlossary] = {}
_MOST_GLOSSES = 5000


def _card_gloss(question, answered: bool) -> glossary.CardGlossary:
    """The trade words of this question's card (core.glossary.for_card), found once a version."""
    key = (question.id, question.content_hash, answered)
    found = _GLOSSES.get(key)
    if found is None:
        if len(_GLOSSES) >= _MOST_GLOSSES:
            _GLOSSES.clear()
        found = _GLOSSES[key] = glossary.for_card(question.content, f"g-{question.id}", answered)
    return found


def _card_heading(question, gloss: glossary.CardGlossary) -> Markup:
    """The question, its words glossed and read aloud, and the list of those words
    (revision/_card_heading.html): made once per version of the question and language."""
    return fragments.kept(
        ("card-heading", question.id, tuple(term.word for term in gloss.terms)),
        question.content_hash,
        lambda: render_template("revision/_card_heading.html", question=question, gloss=gloss),
    )


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    scope_names=services.SCOPE_NAMES,
    card_gloss=_card_gloss,
    card_heading=_card_heading,
)
