"""Sign-in, sign-out, reset with a code, the account page and the language switch."""

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from webapp.accounts import auth, bp, passphrases, services
from webapp.accounts.forms import ChangePassphraseForm, LoginForm, ResetWithCodeForm
from webapp.core.i18n import LANGUAGE_COOKIE
from webapp.extensions import db


def _safe_next(target: str | None) -> str:
    """Only follow a next= that stays on this site."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/"):
        return target
    return url_for("core.home")


def _throttled_message(until) -> str:
    return _l("Too many tries for this account. Try again at %(time)s.",
              time=format_time(until, "short"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm(username=request.args.get("u", ""))
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        if until := auth.blocked_until(username):
            form.username.errors.append(_throttled_message(until))
            return render_template("accounts/login.html", form=form), 429
        user = services.authenticate(username, form.passphrase.data)
        if user is None:
            auth.record_failure(username)
            form.passphrase.errors.append(
                _l("This username and passphrase do not match. Check them and try again.")
            )
        else:
            auth.start_session(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")), 303)
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    auth.end_session()
    flash(_l("You are signed out."), "info")
    return redirect(url_for("accounts.login"), 303)


@bp.route("/reset", methods=["GET", "POST"])
def reset():
    form = ResetWithCodeForm(username=request.args.get("u", ""))
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        if until := auth.blocked_until(username):
            form.code.errors.append(_throttled_message(until))
            return render_template("accounts/reset.html", form=form), 429
        if services.redeem_reset_code(username, form.code.data, form.passphrase.data):
            flash(_l("Your new passphrase is ready. Sign in with it."), "success")
            return redirect(url_for("accounts.login", u=username), 303)
        auth.record_failure(username)
        form.code.errors.append(
            _l("This code is not valid. It works once, for 15 minutes. Ask your teacher for a new one.")
        )
    return render_template("accounts/reset.html", form=form)


@bp.route("/me", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePassphraseForm(owner=current_user.username)
    if form.validate_on_submit():
        if not passphrases.verify(current_user.password_hash, form.current.data):
            form.current.errors.append(_l("This is not your current passphrase."))
        else:
            current_user.password_hash = passphrases.hash_passphrase(form.passphrase.data)
            db.session.commit()
            flash(_l("Your passphrase is changed."), "success")
            return redirect(url_for("accounts.account"), 303)
    return render_template("accounts/account.html", form=form)


@bp.post("/language")
def language():
    """Switch language: kept in a cookie, and on the account of a signed-in user."""
    code = request.form.get("lang", "")
    response = redirect(_safe_next(request.form.get("next")), 303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600,
                            samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        if current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
            db.session.commit()
    return response
