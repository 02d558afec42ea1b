"""My papers: send, see, download, delete and share documents; what teachers see of them."""

import uuid

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core.i18n import format_datetime
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import sent_client_id
from webapp.core.templating import feature_globals
from webapp.core.time import local_today
from webapp.extensions import csrf
from webapp.papers import bp, files, services
from webapp.papers.forms import PaperForm, ShareForm

# A file too large is read and dropped up to this much, so the phone gets the page saying so
# (a server that answers before reading the body often has the connection reset under it).
DRAIN_LIMIT = 64 * 1024 * 1024


@bp.after_request
def _never_kept(response):
    """Nothing of My papers is kept by a browser, a proxy or the service worker."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.get("/papers")
@roles_required(Role.TRAINEE)
def index():
    documents = services.documents_of(current_user)
    return render_template(
        "papers/index.html",
        documents=documents,
        expiring={e.document.id: e.days for e in services.expiring(documents, local_today())},
    )


def _drain() -> None:
    stream = request.environ.get("wsgi.input")
    left = min(request.content_length or 0, DRAIN_LIMIT)
    while stream is not None and left > 0 and (chunk := stream.read(min(left, 1 << 20))):
        left -= len(chunk)


@bp.route("/papers/new", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def new():
    """Photograph or send a paper. A file too large is said beside the field, never a 413."""
    request.max_content_length = files.UPLOAD_REQUEST_BYTES
    if (request.content_length or 0) > files.UPLOAD_REQUEST_BYTES:
        _drain()
        return _too_big()
    try:
        form = PaperForm(client_id=uuid.uuid4().hex)
    except RequestEntityTooLarge:  # no length said beforehand (chunked), found while reading
        return _too_big()
    if form.validate_on_submit():
        sent = [f for f in (form.photo.data, form.file.data) if f and f.filename]
        raw = sent[0].read(files.MAX_UPLOAD_BYTES + 1) if sent else b""
        try:
            prepared = files.prepare(raw)
        except files.Refused as reason:
            form.file.errors = [files.REFUSALS[str(reason)]]
        else:
            document = services.add_document(
                current_user,
                sent_client_id(form.client_id.data),
                kind=form.kind.data,
                expires_on=form.expires_on.data,
                prepared=prepared,
                uploaded_bytes=len(raw),
            )
            flash(_l("Saved in your safe. Only you can see it."), "success")
            return redirect(url_for("papers.document", document_id=document.id), 303)
    return _new_page(form)


# The form checks its own CSRF token (Flask-WTF's form field), after the size: the app-wide
# check would read the body first and answer a large photo with the bare 413 page.
csrf.exempt(new)


def _too_big():
    form = PaperForm(formdata=None, client_id=uuid.uuid4().hex)
    form.file.errors = [files.REFUSALS["too_big"]]
    return _new_page(form)


def _new_page(form):
    return render_template(
        "papers/new.html",
        form=form,
        max_bytes=files.MAX_UPLOAD_BYTES,
        too_big=files.REFUSALS["too_big"],
    )


@bp.get("/papers/<int:document_id>")
@roles_required(Role.TRAINEE)
def document(document_id: int):
    paper = services.own_document(current_user, document_id)
    return _document_page(paper, _share_form())


def _share_form(formdata=None) -> ShareForm:
    form = ShareForm(formdata=formdata) if formdata is not None else ShareForm()
    form.staff_id.choices = [
        SelectChoice(t.id, t.display_name) for t in services.teachers_for(current_user)
    ]
    return form


def _document_page(paper, share_form):
    days = {e.document.id: e.days for e in services.expiring([paper], local_today())}
    return render_template(
        "papers/document.html",
        paper=paper,
        shares=services.shares_of(paper),
        share_form=share_form,
        days_left=days.get(paper.id),
    )


def _file(paper, part: str, download: bool) -> Response:
    data = services.content(paper, part)
    media_type = "image/webp" if part == services.THUMB else paper.media_type
    response = Response(data, mimetype=media_type)
    # A PDF is always saved, never shown in the page's origin (a PDF viewer runs scripts).
    how = "attachment" if download or media_type == "application/pdf" else "inline"
    response.headers["Content-Disposition"] = f'{how}; filename="{services.file_name(paper)}"'
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.get("/papers/<int:document_id>/file")
@roles_required(Role.TRAINEE)
def file(document_id: int):
    paper = services.own_document(current_user, document_id)
    return _file(paper, services.ORIGINAL, bool(request.args.get("download")))


@bp.get("/papers/<int:document_id>/thumb")
@roles_required(Role.TRAINEE)
def thumb(document_id: int):
    paper = services.own_document(current_user, document_id)
    if not paper.has_thumb:
        return Response(status=404)
    return _file(paper, services.THUMB, False)


@bp.get("/papers/all.zip")
@roles_required(Role.TRAINEE)
def download_all():
    """Every paper in one file: the trainee takes their safe with them (export, GDPR 20)."""
    response = Response(services.zip_of(current_user), mimetype="application/zip")
    response.headers["Content-Disposition"] = 'attachment; filename="passerelle-my-papers.zip"'
    return response


@bp.post("/papers/<int:document_id>/delete")
@roles_required(Role.TRAINEE)
def delete(document_id: int):
    services.delete_document(current_user, document_id)
    flash(_l("Deleted."), "success")
    return redirect(url_for("papers.index"), 303)


@bp.post("/papers/<int:document_id>/share")
@roles_required(Role.TRAINEE)
def share(document_id: int):
    paper = services.own_document(current_user, document_id)
    form = _share_form(request.form)
    if not form.validate_on_submit():
        return _document_page(paper, form)
    row = services.share(current_user, paper.id, form.staff_id.data, form.period.data)
    flash(
        _l("Shared until %(date)s. You can stop it at any time.", date=_date(row.until)), "success"
    )
    return redirect(url_for("papers.document", document_id=paper.id), 303)


def _date(moment) -> str:
    return format_datetime(moment, "d MMMM, HH:mm")


@bp.post("/papers/<int:document_id>/shares/<int:share_id>/revoke")
@roles_required(Role.TRAINEE)
def revoke(document_id: int, share_id: int):
    services.revoke(current_user, document_id, share_id)
    flash(_l("Stopped. This person cannot see it any more."), "success")
    return redirect(url_for("papers.document", document_id=document_id), 303)


# --- teachers -------------------------------------------------------------------------------


@bp.get("/papers/shared")
@roles_required(Role.TEACHER)
def shared():
    """The papers trainees show to me now: their kind and until when, not their content (each
    trainee listed sees that this list was looked at)."""
    papers = services.shared_with(current_user)
    services.audit_list(current_user, [paper.trainee for paper in papers])
    return render_template("papers/shared.html", papers=papers)


@bp.get("/papers/shared/<int:document_id>")
@roles_required(Role.TEACHER)
def shared_file(document_id: int):
    """A shared paper itself: only while shared with me and I am attached to the trainee's
    group; every opening is written in the audit log the trainee reads."""
    paper = services.shared_document(current_user, document_id)
    download = bool(request.args.get("download"))
    services.audit_view(current_user, paper, "paper_downloaded" if download else "paper_viewed")
    return _file(paper.document, services.ORIGINAL, download)


feature_globals(bp, paper_kinds=services.KINDS, share_periods=services.PERIODS)
