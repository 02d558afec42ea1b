"""Question sets: write, pick from the bank, preview, share, duplicate, start a live session."""

import io
import uuid

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.core import records
from webapp.core.i18n import gettext as _
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import ngettext
from webapp.core.titles import COMPETENCIES
from webapp.extensions import csrf, db
from webapp.live import bp, sets
from webapp.live.models import LivePicture
from webapp.live.routes import HOSTS, TIME_LIMITS
from webapp.live.sets_forms import QuestionForm, SetForm, ShareForm, StartForm
from webapp.revision.services import SCOPE_NAMES, SCOPES

YEAR = 365 * 24 * 3600
FULL = _l("A set holds at most %(max)d questions.", max=sets.MAX_QUESTIONS)


def _client_id() -> str:
    return records.sent_client_id(request.form.get("client_id"))


@bp.app_template_global()
def live_sets_for(user):
    """The sets listed on /live (its template includes live/sets/_on_index.html)."""
    return sets.sets_for(user)


@bp.route("/live/sets/new", methods=["GET", "POST"])
@roles_required(*HOSTS)
def set_new():
    form = SetForm(client_id=uuid.uuid4().hex)
    if form.validate_on_submit():
        live_set = sets.create_set(current_user, form.title.data.strip(), _client_id())
        return redirect(url_for("live.set_page", set_id=live_set.id), 303)
    return render_template("live/sets/new.html", form=form)


@bp.route("/live/sets/<int:set_id>", methods=["GET", "POST"])
@roles_required(*HOSTS)
def set_page(set_id: int):
    live_set = sets.set_for(current_user, set_id)
    mine = live_set.user_id == current_user.id
    form = SetForm(obj=live_set) if mine else None
    if request.method == "POST":
        if not mine:
            abort(404)
        if form.validate_on_submit():
            sets.rename(live_set, form.title.data.strip())
            flash(_("Saved."), "info")
            return redirect(url_for("live.set_page", set_id=live_set.id), 303)
    return render_template(
        "live/sets/set.html",
        live_set=live_set,
        mine=mine,
        form=form,
        questions=sets.questions(live_set),
        client_id=uuid.uuid4().hex,
    )


@bp.get("/live/sets/<int:set_id>/write")
@roles_required(*HOSTS)
def set_write(set_id: int):
    live_set = sets.set_for(current_user, set_id, mine=True)
    return render_template("live/sets/kinds.html", live_set=live_set, kinds=sets.KIND_NAMES)


def _question_form(data=None) -> QuestionForm:
    """The form filled from the request, or (data given) from a question's values."""
    form = QuestionForm(formdata=None, data=data) if data is not None else QuestionForm()
    form.competency.choices = [SelectChoice("", _l("None"))] + [
        SelectChoice(name, name) for name in COMPETENCIES
    ]
    return form


def _form_values(form: QuestionForm) -> dict:
    return {
        "question": form.question.data,
        "choices": form.choices.data,
        "pictures": form.pictures.data,
        "right": form.right.data or [],
        "truth": form.truth.data,
        "number": form.number.data,
        "unit": form.unit.data,
        "tolerance": form.tolerance.data,
        "explanation": form.explanation.data,
        "pictogram": form.pictogram.data,
        "competency": form.competency.data if form.competency.data in COMPETENCIES else "",
    }


def _picture_of(form: QuestionForm, before: dict) -> dict | None:
    """The question's picture after this form: a new upload (encoded now, kept if the rest of
    the form has errors), the one already sent, the one it had, or none. None and an error on
    the field when the file is refused."""
    upload = form.image_file.data
    if upload and getattr(upload, "filename", ""):
        raw = upload.read(sets.MAX_UPLOAD_BYTES + 1)
        try:
            stored = sets.store_picture(raw)
        except sets.PictureRefused as reason:
            form.image_file.errors = [sets.PICTURE_REFUSALS[str(reason)]]
            return None
        db.session.commit()
        form.image.data = stored.digest
        return {"image": stored.digest, "image_size": [stored.width, stored.height]}
    if form.remove_image.data:
        form.image.data = ""
        return {}
    digest = form.image.data or before.get("image")
    if digest and (stored := db.session.get(LivePicture, digest)) is not None:
        form.image.data = digest
        return {"image": digest, "image_size": [stored.width, stored.height]}
    return {}


def _write(live_set, kind: str, before=None):
    """The form of a written question, new (before=None) or edited: checked by the bank's rules,
    saved as its own content-named row, put in the set at its place."""
    if kind not in sets.KINDS:
        abort(404)
    request.max_content_length = sets.UPLOAD_REQUEST_BYTES  # a phone's photo fits
    try:
        request.files  # noqa: B018 (read the body now: a too large one is said on the field)
    except RequestEntityTooLarge:
        form = _question_form(sets.question_fields(before.content) if before else {})
        form.image_file.errors = [sets.PICTURE_REFUSALS["too_big"]]
        return _write_page(live_set, kind, form, before)
    if request.method == "POST":
        form = _question_form()
    else:
        form = _question_form(sets.question_fields(before.content) if before else {})
        if before and before.content.get("image"):
            form.image.data = before.content["image"]
    if form.validate_on_submit():
        image = _picture_of(form, before.content if before else {})
        data = sets.question_data(kind, _form_values(form))
        if image:
            data.update(image, image_alt=(form.image_alt.data or "").strip())
        errors = sets.check(data)
        for name, messages in errors.items():
            if name == "choices":
                form.choice_errors = messages  # the lines' block: shown above the lines
            else:
                field = getattr(form, name)
                field.errors = [*field.errors, *messages]
        if image is not None and not errors:
            question = sets.save_question(data)
            if before is None:
                sets.add_questions(live_set, [question.id])
            else:
                sets.replace_question(live_set, before.id, question.id)
            if question.id not in live_set.question_ids:
                flash(FULL, "error")
                return _write_page(live_set, kind, form, before)
            flash(_("The question is saved."), "info")
            return redirect(url_for("live.set_page", set_id=live_set.id, _anchor=question.id), 303)
    return _write_page(live_set, kind, form, before)


def _write_page(live_set, kind, form, before):
    return render_template(
        "live/sets/write.html",
        live_set=live_set,
        kind=kind,
        kind_name=sets.KIND_NAMES[kind],
        form=form,
        before=before,
        rows=sets.PICTURE_ROWS if kind == "picture" else sets.ROWS,
        max_bytes=sets.MAX_UPLOAD_BYTES,
    )


@bp.route("/live/sets/<int:set_id>/write/<kind>", methods=["GET", "POST"])
@roles_required(*HOSTS)
def set_write_kind(set_id: int, kind: str):
    return _write(sets.set_for(current_user, set_id, mine=True), kind)


@bp.route("/live/sets/<int:set_id>/questions/<question_id>/edit", methods=["GET", "POST"])
@roles_required(*HOSTS)
def set_edit_question(set_id: int, question_id: str):
    live_set = sets.set_for(current_user, set_id, mine=True)
    if not sets.is_written(question_id) or question_id not in (live_set.question_ids or []):
        abort(404)
    before = sets.written_question(question_id)
    return _write(live_set, before.kind, before)


# These forms check their own CSRF token (QuestionForm is a Flask-WTF form), after the size is
# raised for a phone's photo: the app-wide check would read the body first, under the 2 MB
# limit, and answer a 3 MB photo with the bare 413 page instead of a message beside the field.
csrf.exempt(set_write_kind)
csrf.exempt(set_edit_question)


@bp.post("/live/sets/<int:set_id>/questions/<question_id>/remove")
@roles_required(*HOSTS)
def set_remove_question(set_id: int, question_id: str):
    live_set = sets.set_for(current_user, set_id, mine=True)
    sets.remove_question(live_set, question_id)
    return redirect(url_for("live.set_page", set_id=live_set.id), 303)


@bp.post("/live/sets/<int:set_id>/questions/<question_id>/move")
@roles_required(*HOSTS)
def set_move_question(set_id: int, question_id: str):
    live_set = sets.set_for(current_user, set_id, mine=True)
    sets.move_question(live_set, question_id, request.form.get("position", type=int) or 0)
    return redirect(url_for("live.set_page", set_id=live_set.id, _anchor=question_id), 303)


@bp.route("/live/sets/<int:set_id>/bank", methods=["GET", "POST"])
@roles_required(*HOSTS)
def set_bank(set_id: int):
    live_set = sets.set_for(current_user, set_id, mine=True)
    if request.method == "POST":
        added = sets.add_questions(live_set, sets.bank_ids(request.form.getlist("question")))
        flash(ngettext("%(num)d question added.", "%(num)d questions added.", added), "info")
        if len(live_set.question_ids) >= sets.MAX_QUESTIONS:
            flash(FULL, "error")
        return redirect(url_for("live.set_page", set_id=live_set.id), 303)
    scope = request.args.get("scope", "")
    scope = scope if scope in SCOPES else ""
    words = (request.args.get("q") or "")[:100]
    searched = bool(scope or words.strip())
    return render_template(
        "live/sets/bank.html",
        live_set=live_set,
        scope=scope,
        words=words,
        scopes=SCOPE_NAMES,
        found=sets.search_bank(scope or None, words) if searched else [],
        searched=searched,
    )


@bp.get("/live/sets/<int:set_id>/preview")
@roles_required(*HOSTS)
def set_preview(set_id: int):
    live_set = sets.set_for(current_user, set_id)
    return render_template(
        "live/sets/preview.html",
        live_set=live_set,
        questions=sets.questions(live_set),
        who=f"preview-{live_set.id}",
    )


@bp.post("/live/sets/<int:set_id>/duplicate")
@roles_required(*HOSTS)
def set_duplicate(set_id: int):
    live_set = sets.set_for(current_user, set_id)
    copy = sets.duplicate(
        current_user,
        live_set,
        _("%(title)s (copy)", title=live_set.title),
        _client_id(),
    )
    flash(_("A copy is made: it is yours to change."), "info")
    return redirect(url_for("live.set_page", set_id=copy.id), 303)


@bp.route("/live/sets/<int:set_id>/share", methods=["GET", "POST"])
@roles_required(*HOSTS)
def set_share(set_id: int):
    live_set = sets.set_for(current_user, set_id, mine=True)
    groups = sets.share_groups(current_user)
    form = ShareForm(groups=sorted(sets.shared_group_ids(live_set)))
    form.groups.choices = [SelectChoice(group.id, group.name) for group in groups]
    if form.validate_on_submit():
        # Read as sent: no box ticked sends no value, which must unshare (not keep the default).
        ticked = {int(v) for v in request.form.getlist("groups") if v.isdigit()}
        sets.share(live_set, current_user, ticked)
        flash(_("Sharing saved."), "info")
        return redirect(url_for("live.set_page", set_id=live_set.id), 303)
    return render_template("live/sets/share.html", live_set=live_set, form=form, groups=groups)


@bp.route("/live/sets/<int:set_id>/start", methods=["GET", "POST"])
@roles_required(*HOSTS)
def set_start(set_id: int):
    live_set = sets.set_for(current_user, set_id)
    groups = accounts.groups_for(current_user)
    form = StartForm(client_id=uuid.uuid4().hex)
    form.group_id.choices = [SelectChoice(0, _l("Anyone with the code"))] + [
        SelectChoice(group.id, group.name) for group in groups
    ]
    form.time_limit.choices = [SelectChoice(s, label) for s, label in TIME_LIMITS.items()]
    questions = sets.questions(live_set)
    if form.validate_on_submit() and questions:
        live = sets.start_session(
            current_user,
            live_set,
            group=next((g for g in groups if g.id == form.group_id.data), None),
            time_limit=form.time_limit.data or None,
            speed_bonus=form.speed_bonus.data,
            team_mode=form.team_mode.data,
            client_id=_client_id(),
        )
        return redirect(url_for("live.host", code=live.code), 303)
    return render_template(
        "live/sets/start.html", live_set=live_set, form=form, count=len(questions)
    )


@bp.get("/live/pictures/<digest>.webp")
def picture(digest: str):
    """A set's picture, named by the hash of its bytes: it never changes, so phones and
    proxies keep it a year. Public like the room it is shown in (a guest's phone shows it);
    the name is unguessable."""
    found = sets.picture(digest)
    response = send_file(
        io.BytesIO(found.data), mimetype="image/webp", max_age=YEAR, conditional=True, etag=digest
    )
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response
