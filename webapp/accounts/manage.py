"""Organisation pages: admin manages sites, groups and staff; teachers add trainees."""

import uuid

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from webapp.accounts import bp, services
from webapp.accounts.auth import roles_required
from webapp.accounts.forms import GroupForm, SiteForm, StaffForm, TraineesForm, names_from
from webapp.accounts.models import Group, Role, Site, User
from webapp.core import titles
from webapp.core.i18n import lazy_gettext as _l
from webapp.extensions import db
from webapp.privacy.services import audit_reads

STAFF = (Role.TEACHER, Role.VOLUNTEER, Role.ADMIN)


def _sites() -> list[Site]:
    return list(db.session.scalars(sa.select(Site).order_by(Site.name)))


@bp.get("/groups")
@roles_required(*STAFF)
def groups():
    return render_template("accounts/groups.html", groups=services.groups_for(current_user))


@bp.get("/groups/<int:group_id>")
@roles_required(Role.TEACHER, Role.ADMIN)
def group(group_id: int):
    group = services.group_for(current_user, group_id)
    # Admins manage the organisation, not people's learning: they see staff, not trainees.
    trainees = services.trainees_of(group) if current_user.role is Role.TEACHER else []
    staff = services.staff_of(group)
    others = []
    if current_user.role is Role.ADMIN:
        others = [
            person
            for person in services.all_staff()
            if person not in staff and person.role is not Role.ADMIN
        ]
    # Exam-time arrangements are revision's: read through its service, one query for the group.
    from webapp.revision.services import exam_minutes

    # The page names the trainees and their exam times: each of them sees this look.
    audit_reads(current_user, "group_page_viewed", trainees, f"group={group.id}")
    return render_template(
        "accounts/group.html",
        group=group,
        trainees=trainees,
        staff=staff,
        other_staff=others,
        exam_minutes=exam_minutes(trainees),
    )


@bp.post("/groups/<int:group_id>/staff")
@roles_required(Role.ADMIN)
def group_staff(group_id: int):
    """Attach a staff member to a group, or detach one."""
    group = services.group_for(current_user, group_id)
    person = db.session.get(User, request.form.get("user_id", type=int) or 0)
    if person is None or person.role is Role.TRAINEE:
        abort(404)
    attach = request.form.get("action") == "attach"
    services.set_attachment(current_user, group, person, attach)
    return redirect(url_for("accounts.group", group_id=group.id), 303)


@bp.route("/groups/<int:group_id>/trainees/new", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def add_trainees(group_id: int):
    group = services.group_for(current_user, group_id)
    form = TraineesForm(request_id=uuid.uuid4().hex)
    if form.validate_on_submit():
        cards = services.create_trainees(
            current_user, group, names_from(form.names.data), form.request_id.data
        )
        return render_template("accounts/cards.html", cards=cards, group=group)
    return render_template("accounts/add_trainees.html", form=form, group=group)


@bp.post("/groups/<int:group_id>/cards")
@roles_required(Role.TEACHER)
def reissue_cards(group_id: int):
    group = services.group_for(current_user, group_id)
    chosen = {int(value) for value in request.form.getlist("trainee") if value.isdigit()}
    trainees = [trainee for trainee in services.trainees_of(group) if trainee.id in chosen]
    if not trainees:
        flash(_l("Tick at least one person to print a new card for."), "error")
        return redirect(url_for("accounts.group", group_id=group.id), 303)
    return render_template(
        "accounts/cards.html", group=group, cards=services.reissue_cards(current_user, trainees)
    )


@bp.post("/trainees/<int:trainee_id>/reset-code")
@roles_required(Role.TEACHER)
def reset_code(trainee_id: int):
    trainee = services.trainee_for(current_user, trainee_id)
    code = services.issue_reset_code(current_user, trainee)
    return render_template("accounts/reset_code.html", trainee=trainee, code=code)


@bp.post("/trainees/<int:trainee_id>/card-qr/revoke")
@roles_required(Role.TEACHER)
def revoke_card_qr(trainee_id: int):
    """Turn off the QR code of a trainee's printed card (a new card brings a new one)."""
    trainee = services.trainee_for(current_user, trainee_id)
    services.revoke_card_token(current_user, trainee)
    flash(
        _l(
            "The QR code on the card of %(name)s no longer signs in. The passphrase still works.",
            name=trainee.display_name,
        ),
        "success",
    )
    group_id = request.form.get("group_id", type=int)
    return redirect(
        url_for("accounts.group", group_id=group_id) if group_id else url_for("accounts.groups"),
        303,
    )


@bp.route("/sites", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def sites():
    form = SiteForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if db.session.scalar(sa.select(Site.id).where(Site.name == name)):
            form.name.errors.append(_l("A site with this name already exists."))
        else:
            db.session.add(Site(name=name))
            db.session.commit()
            flash(_l("Site created."), "success")
            return redirect(url_for("accounts.sites"), 303)
    return render_template("accounts/sites.html", form=form, sites=_sites())


@bp.route("/groups/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_group():
    form = GroupForm()
    form.title.choices = [SelectChoice(code, name) for code, name in titles.choices()]
    form.site_id.choices = [SelectChoice(site.id, site.name) for site in _sites()]
    if not form.site_id.choices:
        flash(_l("Create a site first."), "info")
        return redirect(url_for("accounts.sites"), 303)
    if form.validate_on_submit():
        name = form.name.data.strip()
        exists = sa.select(Group.id).where(Group.site_id == form.site_id.data, Group.name == name)
        if db.session.scalar(exists):
            form.name.errors.append(_l("This site already has a group with this name."))
        else:
            group = Group(
                site_id=form.site_id.data,
                name=name,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                title=form.title.data,
            )
            db.session.add(group)
            db.session.commit()
            flash(_l("Group created."), "success")
            return redirect(url_for("accounts.group", group_id=group.id), 303)
    return render_template("accounts/group_form.html", form=form)


@bp.get("/staff")
@roles_required(Role.ADMIN)
def staff():
    return render_template("accounts/staff.html", people=services.all_staff())


@bp.route("/staff/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_staff():
    form = StaffForm()
    form.site_id.choices = [SelectChoice(site.id, site.name) for site in _sites()]
    all_groups = services.groups_for(current_user)
    form.group_ids.choices = [SelectChoice(g.id, f"{g.site.name} · {g.name}") for g in all_groups]
    if not form.site_id.choices:
        flash(_l("Create a site first."), "info")
        return redirect(url_for("accounts.sites"), 303)
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        if services.username_taken(username):
            form.username.errors.append(_l("This username is already taken."))
        else:
            site = db.session.get(Site, form.site_id.data) or abort(404)
            chosen = [g for g in all_groups if g.id in set(form.group_ids.data or [])]
            card = services.create_staff(
                current_user,
                form.display_name.data.strip(),
                username,
                Role(form.role.data),
                site,
                chosen,
            )
            return render_template("accounts/cards.html", cards=[card], group=None)
    return render_template("accounts/staff_form.html", form=form)
