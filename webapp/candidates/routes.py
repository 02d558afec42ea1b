"""Candidates: the board per upcoming group, a candidate's file, stage changes, accepting (the
login card), and the printable papers for candidates inside."""

import uuid

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.candidates import bp, services
from webapp.candidates.forms import AcceptForm, CandidateForm, CheckinForm, MoveForm, PhotoForm
from webapp.core import fragments, outbox
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import sent_client_id
from webapp.core.templating import feature_globals
from webapp.core.time import local_today

STAFF = (Role.TEACHER, Role.ADMIN)


@bp.after_request
def _never_kept(response):
    """Candidates are personal data: never kept by a browser, a proxy or the service worker."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/candidates")
@roles_required(*STAFF)
def index():
    return render_template(
        "candidates/index.html", groups=services.groups_for(current_user, local_today())
    )


@bp.get("/candidates/groups/<int:group_id>")
@roles_required(*STAFF)
def board(group_id: int):
    group = services.group_for(current_user, group_id)
    candidates = services.candidates_of(current_user, group)
    columns = {stage: [] for stage in services.STAGES}
    for candidate in candidates:
        columns[candidate.stage].append(candidate)
    return render_template(
        "candidates/board.html", group=group, columns=columns, today=local_today()
    )


@bp.route("/candidates/groups/<int:group_id>/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new(group_id: int):
    group = services.group_for(current_user, group_id)
    form = CandidateForm()
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in services.FIELDS}
        candidate = services.add_candidate(current_user, group, local_today(), **fields)
        flash(_l("Candidate added."), "success")
        return redirect(url_for("candidates.candidate", candidate_id=candidate.id), 303)
    return render_template("candidates/form.html", form=form, group=group, candidate=None)


@bp.route("/candidates/<int:candidate_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def candidate(candidate_id: int):
    candidate = services.candidate_for(current_user, candidate_id)
    group = services.group_for(current_user, candidate.group_id)
    form = CandidateForm(obj=candidate)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in services.FIELDS}
        services.update_candidate(current_user, candidate, **fields)
        flash(_l("Saved."), "success")
        return redirect(url_for("candidates.candidate", candidate_id=candidate.id), 303)
    return _candidate_page(candidate, group, form, MoveForm(on=local_today()))


def _candidate_page(candidate, group, form, move_form, status=200):
    services.read_candidate(current_user, candidate)
    return render_template(
        "candidates/form.html",
        form=form,
        group=group,
        candidate=candidate,
        move_form=move_form,
        accept_form=AcceptForm(request_id=uuid.uuid4().hex),
        today=local_today(),
    ), status


@bp.post("/candidates/<int:candidate_id>/move")
@roles_required(*STAFF)
def move(candidate_id: int):
    candidate = services.candidate_for(current_user, candidate_id)
    group = services.group_for(current_user, candidate.group_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            services.move(current_user, candidate, form.stage.data, form.on.data)
        except ValueError:
            abort(404)
        return redirect(url_for("candidates.board", group_id=group.id), 303)
    return _candidate_page(candidate, group, CandidateForm(obj=candidate), form, 422)


@bp.post("/candidates/<int:candidate_id>/accept")
@roles_required(Role.TEACHER)
def accept(candidate_id: int):
    """Accept and make the trainee's account in the group: the login card to print."""
    candidate = services.candidate_for(current_user, candidate_id)
    form = AcceptForm()
    if not form.validate_on_submit() or not form.request_id.data:
        abort(404)
    group, cards = services.accept(current_user, candidate, form.request_id.data, local_today())
    return render_template("accounts/cards.html", cards=cards, group=group)


@bp.get("/candidates/info-sheet")
@roles_required(*STAFF)
def info_sheet():
    return render_template("candidates/info_sheet.html")


@bp.get("/candidates/first-day")
@roles_required(*STAFF)
def first_day():
    return render_template("candidates/first_day.html")


@bp.get("/welcome")
@roles_required(Role.TRAINEE)
def welcome():
    """The first weeks: how the app works (read aloud), where to go, who is who."""
    team = services.team_of(current_user)
    return render_template(
        "candidates/welcome.html",
        team=team,
        photos=services.has_photo(person.id for person in team),
        card=services.welcome_card(current_user, local_today()),
        checkin_form=checkin_form(),
    )


@bp.post("/welcome/checkin")
@outbox.write
@roles_required(Role.TRAINEE)
def checkin():
    """Today's two questions; private unless "share with my teachers" is ticked."""
    form = CheckinForm()
    if form.validate_on_submit():
        services.check_in(
            current_user,
            sent_client_id(form.client_id.data),
            local_today(),
            int(form.mood.data),
            form.needs_help.data == "yes",
            bool(form.shared.data),
        )
        flash(_l("Thank you. Saved."), "success")
        return redirect(url_for("home.index"), 303)
    outbox.invalid(form.errors)
    return render_template(
        "candidates/welcome.html",
        team=services.team_of(current_user),
        photos=set(),
        card=services.welcome_card(current_user, local_today()),
        checkin_form=form,
    ), 422


@bp.route("/welcome/my-photo", methods=["GET", "POST"])
@roles_required(Role.TEACHER, Role.VOLUNTEER, Role.ADMIN)
def my_photo():
    """A staff member chooses to show a photo to the new trainees of their groups, or not."""
    form = PhotoForm()
    if form.validate_on_submit():
        if request.form.get("remove"):
            services.remove_photo(current_user)
            flash(_l("Your photo is removed."), "success")
            return redirect(url_for("candidates.my_photo"), 303)
        upload = form.photo.data
        try:
            services.set_photo(
                current_user, upload.read(services.PHOTO_MAX_BYTES + 1) if upload else b""
            )
        except services.BadPhoto:
            form.photo.errors = [_l("Choose a photo (JPEG or PNG, at most 8 MB).")]
        else:
            flash(_l('Saved. The new trainees of your groups see it in "Who is who".'), "success")
            return redirect(url_for("candidates.my_photo"), 303)
    return render_template(
        "candidates/my_photo.html", form=form, has=bool(services.has_photo([current_user.id]))
    )


@bp.get("/welcome/photos/<int:user_id>.jpg")
@roles_required(Role.TRAINEE, Role.TEACHER, Role.VOLUNTEER, Role.ADMIN)
def photo(user_id: int):
    return Response(services.photo_for(current_user, user_id), mimetype="image/jpeg")


def checkin_form() -> CheckinForm:
    return CheckinForm(formdata=None, client_id=uuid.uuid4().hex)


def new_checkin() -> Markup:
    """Today's check-in as a new trainee's home shows it before anything is chosen: the same
    for everyone in one language but for its form token and client id, so made once and filled
    in at each visit (core.fragments.kept_form; its faces and buttons were a tenth of the
    home's CPU)."""

    def make(client_id, csrf_token=None) -> Markup:
        form = fragments.stamped(CheckinForm(formdata=None), client_id, csrf_token)
        return render_template("candidates/_checkin.html", checkin_form=form)

    return fragments.kept_form("welcome-checkin", make)


feature_globals(
    bp,
    candidate_stages=services.STAGES,
    candidate_waited=services.waited,
    welcome_moods=services.MOODS,
    welcome_checkin=new_checkin,
)
