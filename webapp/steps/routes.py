"""My steps: the checklist, one step (read aloud, ticked, noted, shared), and what the social
worker (a teacher of the trainee's group) sees of the steps shared with them."""

import uuid

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import outbox
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import local_today
from webapp.core.urls import safe_path
from webapp.privacy.services import audit_read
from webapp.steps import bp, services
from webapp.steps.forms import CommentForm, StatusForm


@bp.get("/steps")
@roles_required(Role.TRAINEE)
def index():
    lines = services.checklist(current_user)
    # Pages are no-store by default (core.security): nothing of a trainee's steps is kept.
    return render_template(
        "steps/index.html",
        lines=lines,
        done=sum(line.done for line in lines),
        tick_id=uuid.uuid4().hex,
    )


def _step_page(step_id: str, form: StatusForm | None = None, status: int = 200):
    line = services.line_of(current_user, step_id)
    mine = line.mine
    form = form or StatusForm(
        note=mine.note if mine else "",
        waiting_since=mine.waiting_since if mine else None,
        remind_on=mine.remind_on if mine else None,
        client_id=uuid.uuid4().hex,
    )
    comments = services.comments_for([mine.id]) if mine else {}
    return render_template(
        "steps/step.html",
        line=line,
        form=form,
        comments=comments.get(mine.id, []) if mine else [],
        readers=services.readers(current_user),
        tick_id=uuid.uuid4().hex,
    ), status


@bp.get("/steps/<step_id>")
@roles_required(Role.TRAINEE)
def step(step_id: str):
    return _step_page(step_id)


@bp.post("/steps/<step_id>/tick")
@outbox.write
@roles_required(Role.TRAINEE)
def tick(step_id: str):
    """Tick or untick: `done` is the state wanted (1 or 0), so a replay changes nothing."""
    done = {"1": True, "0": False}.get(request.form.get("done", ""))
    if done is None:
        outbox.invalid({"done": [_l("Open the step and tap it again.")]})
        return _step_page(step_id, status=422)
    services.tick(current_user, step_id, done, local_today())
    return redirect(safe_path(request.form.get("back"), url_for("steps.index")), 303)


@bp.post("/steps/<step_id>/status")
@outbox.write
@roles_required(Role.TRAINEE)
def status(step_id: str):
    """Where I am: a few words, since when I wait for an answer, when to remind me."""
    services.get_step(step_id)  # 404 before anything else for a step that does not exist
    form = StatusForm()
    if not form.validate_on_submit():
        return _step_page(step_id, form, 422)
    services.set_status(
        current_user,
        step_id,
        note_text=form.note.data or "",
        waiting_since=form.waiting_since.data,
        remind_on=form.remind_on.data,
    )
    flash(_l("Saved. It stays private unless you share it."), "success")
    return redirect(url_for("steps.step", step_id=step_id), 303)


@bp.post("/steps/<step_id>/share")
@roles_required(Role.TRAINEE)
def share(step_id: str):
    """The per-step switch: share with the social worker, or stop sharing."""
    shared = request.form.get("share") == "1"
    services.set_shared(current_user, step_id, shared)
    flash(
        _l("Shared. Your social worker can see this step and answer you.")
        if shared
        else _l("Private again: only you can see it."),
        "success",
    )
    return redirect(url_for("steps.step", step_id=step_id), 303)


@bp.post("/steps/<step_id>/forget")
@roles_required(Role.TRAINEE)
def forget(step_id: str):
    """Delete what I wrote about this step and the comments on it (asked for first)."""
    services.forget(current_user, step_id)
    flash(_l("Deleted."), "success")
    return redirect(url_for("steps.step", step_id=step_id), 303)


# --- staff ----------------------------------------------------------------------------------


@bp.get("/steps/shared/<int:trainee_id>")
@roles_required(Role.TEACHER)
def shared(trainee_id: int):
    """Only the steps the trainee shares; every look is written in the audit log."""
    trainee = accounts.trainee_for(current_user, trainee_id)
    rows = services.shared_with_staff(trainee)
    audit_read(current_user, "steps_shared_viewed", trainee)
    return render_template(
        "steps/shared.html",
        trainee=trainee,
        rows=rows,
        comments=services.comments_for([row.id for _step, row in rows]),
        form=CommentForm(),
        stuck_since=services.stuck_since,
    )


@bp.post("/steps/shared/<int:trainee_id>/comment")
@roles_required(Role.TEACHER)
def comment(trainee_id: int):
    trainee = accounts.trainee_for(current_user, trainee_id)
    form = CommentForm()
    if form.validate_on_submit() and (form.row_id.data or "").isdigit():
        services.add_comment(current_user, trainee, int(form.row_id.data), form.text.data)
        flash(_l("Comment added. The trainee will see it."), "success")
    else:
        flash(_l("Write a comment first (at most 500 characters)."), "error")
    return redirect(url_for("steps.shared", trainee_id=trainee.id), 303)
