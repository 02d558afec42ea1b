"""The privacy notice, a trainee's data rights, and the admin's erasures and audit search."""

import json

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.time import local_today
from webapp.extensions import db
from webapp.privacy import bp, services
from webapp.privacy.forms import AuditSearchForm, EraseForm

NO_STORE = {"Cache-Control": "no-store"}


@bp.get("/privacy")
def notice():
    """What is kept, who sees it, for how long, your rights: readable before signing in."""
    return render_template(
        "privacy/notice.html",
        months=current_app.config["RETENTION_AFTER_GROUP_MONTHS"],
        audit_months=current_app.config["AUDIT_RETENTION_MONTHS"],
    )


@bp.get("/privacy/me")
@roles_required(Role.TRAINEE)
def mine():
    """My data and my rights: see, download, who saw it, erase."""
    return render_template(
        "privacy/mine.html",
        erasure=services.erasure_request_of(current_user),
        erased_on=services.erasure_date(current_user, local_today()),
    )


@bp.get("/privacy/my-data")
@roles_required(Role.TRAINEE)
def my_data():
    """Everything the app holds about me, readable and printable (or saved as a file)."""
    data = services.export_for(current_user)
    response = Response(render_template("privacy/my_data.html", data=data))
    response.headers.update(NO_STORE)
    if request.args.get("download"):
        response.headers["Content-Disposition"] = "attachment; filename=passerelle-my-data.html"
    return response


@bp.get("/privacy/my-data.json")
@roles_required(Role.TRAINEE)
def my_data_json():
    """The same, for a program (GDPR art. 20: portability)."""
    body = json.dumps(services.export_for(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={**NO_STORE, "Content-Disposition": "attachment; filename=passerelle-my-data.json"},
    )


@bp.get("/privacy/seen")
@roles_required(Role.TRAINEE)
def seen():
    """Who saw my data: every staff read, share and account action about me, newest first."""
    page = max(1, min(request.args.get("page", 1, type=int) or 1, 10_000))
    lines, more = services.seen_by(current_user, page)
    return render_template("privacy/seen.html", lines=lines, page=page, more=more)


@bp.route("/privacy/erase", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def erase():
    """Ask for my account to be erased (an admin confirms), or cancel that request."""
    form = EraseForm()
    if request.method == "POST" and request.form.get("action") == "cancel":  # CSRF is app-wide
        services.cancel_erasure(current_user)
        flash(_l("Your request is cancelled. Your account stays."), "success")
        return redirect(url_for("privacy.mine"), 303)
    if form.validate_on_submit():
        services.request_erasure(current_user)
        flash(_l("Your request is sent. An administrator will erase your account soon."), "success")
        return redirect(url_for("privacy.mine"), 303)
    return render_template(
        "privacy/erase.html", form=form, erasure=services.erasure_request_of(current_user)
    )


# --- admins ---------------------------------------------------------------------------------


@bp.get("/admin/erasures")
@roles_required(Role.ADMIN)
def erasures():
    return render_template("privacy/erasures.html", pending=services.pending_erasures())


@bp.post("/admin/erasures/<int:request_id>")
@roles_required(Role.ADMIN)
def confirm_erasure(request_id: int):
    reference = services.confirm_erasure(current_user, request_id) or abort(404)
    flash(_l("The account is erased. Reference: %(ref)s.", ref=reference), "success")
    return redirect(url_for("privacy.erasures"), 303)


@bp.get("/admin/audit")
@roles_required(Role.ADMIN)
def audit_log():
    """Who did what to whose account: search by trainee, staff member, action and dates.

    Reading the log is itself audited: once, and once for each trainee searched for."""
    form = AuditSearchForm(request.args)
    form.action.choices = [("", "—")] + [(code, code) for code in services.known_actions()]
    events, people = [], {}
    if form.validate():
        found = {name: (getattr(form, name).data or "") for name in ("trainee", "staff", "action")}
        found = {name: value.strip() for name, value in found.items()}
        events, people = services.search_audit(start=form.start.data, end=form.end.data, **found)
        used = ",".join(
            name
            for name in ("trainee", "staff", "action", "start", "end")
            if getattr(form, name).data
        )
        services.audit(current_user, "audit_log_viewed", None, f"filters={used}")
        if found["trainee"]:
            services.audit_reads(
                current_user, "audit_log_searched", services.trainees_matching(found["trainee"])
            )
        db.session.commit()
    return render_template("privacy/audit.html", form=form, events=events, people=people)


@bp.app_template_filter("isodate")
def isodate(text: str | None) -> str:
    """An ISO date or moment from the export, written as the reader's language writes dates."""
    from datetime import date, datetime

    from webapp.core.i18n import format_date

    if not text:
        return ""
    moment = datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    return format_date(moment, "medium")
