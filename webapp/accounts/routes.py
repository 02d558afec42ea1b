"""Sign-in, sign-out, reset with a code, the account page and the language switch."""

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, format_timedelta
from flask_login import current_user, login_required

from webapp.accounts import auth, bp, devices, passphrases, services, throttle
from webapp.accounts.forms import (
    CardSignInForm,
    ChangePassphraseForm,
    LoginForm,
    ResetWithCodeForm,
)
from webapp.core.i18n import LANGUAGE_COOKIE, format_date, format_time
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.security import cookie_secure
from webapp.core.urls import safe_path
from webapp.extensions import db


def _safe_next(target: str | None) -> str:
    """Only follow a next= that stays on this site."""
    return safe_path(target, url_for("home.index"))


def _throttled_message(until: int) -> str:
    wait = timedelta(seconds=max(1, until - throttle.now_seconds()))
    return _l(
        "Too many wrong tries. Try again in %(wait)s, at %(time)s.",
        wait=format_timedelta(wait, threshold=1),
        time=format_time(datetime.fromtimestamp(until, tz=UTC), "HH:mm:ss"),
    )


def _address() -> str:
    return request.remote_addr or "unknown"  # the client's, via ProxyFix behind TRUSTED_PROXIES


def _tell_about_account_actions(user) -> None:
    """Once, at sign-in: who renewed the card or reset the passphrase since last time."""
    notices = services.take_notices(user)
    if not notices:
        return
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else None
    with force_locale(locale) if locale else nullcontext():
        for notice in notices:
            name = notice.by or _l("a staff member")
            when = format_date(notice.at, "long")
            if notice.action == "card_reissued":
                message = _l(
                    "Your card was renewed by %(name)s on %(date)s. Not you? Tell the workshop.",
                    name=name,
                    date=when,
                )
            else:
                message = _l(
                    "Your passphrase was changed with a code from %(name)s on %(date)s. "
                    "Not you? Tell the workshop.",
                    name=name,
                    date=when,
                )
            flash(str(message), "warning")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(username=request.args.get("u", ""))
    if form.validate_on_submit():
        attempt = services.sign_in(
            form.username.data, form.passphrase.data, devices.known(), _address()
        )
        if attempt.wait_until is not None:
            form.username.errors.append(_throttled_message(attempt.wait_until))
            return render_template("accounts/login.html", form=form), 429
        if attempt.user is None:
            form.passphrase.errors.append(
                _l("This username and passphrase do not match. Check them and try again.")
            )
        else:
            auth.start_session(attempt.user, remember=form.remember.data)
            _tell_about_account_actions(attempt.user)
            response = redirect(_safe_next(request.args.get("next")), 303)
            devices.remember(response, attempt.user.id)
            return response
    return render_template("accounts/login.html", form=form)


@bp.route("/card", methods=["GET", "POST"])
def card_sign_in():
    """Where a login card's QR code leads: one tap signs the trainee in on this device.

    The token travels in the #fragment and the form's body, never in a URL the server sees.
    A GET only shows the button (a link preview or a scanner app signs no one in). Without
    JavaScript the page offers the ordinary sign-in, the username filled in from ?u=.
    """
    form = CardSignInForm()
    if form.validate_on_submit():
        attempt = services.sign_in_with_card(form.token.data or "", devices.known(), _address())
        form.token.data = ""  # never written back into the page
        if attempt.wait_until is not None:
            return render_template(
                "accounts/card_sign_in.html",
                form=form,
                refused=_throttled_message(attempt.wait_until),
            ), 429
        if attempt.user is None:
            # One message for a revoked, replaced, unknown or staff card: no hint which.
            return render_template(
                "accounts/card_sign_in.html",
                form=form,
                refused=_l(
                    "This card does not sign you in. Type your username and passphrase, or ask "
                    "your teacher for a new card."
                ),
            ), 404
        if current_user.is_authenticated:  # a shared phone: the previous person is signed out
            auth.end_session()
        auth.start_session(attempt.user, remember=form.remember.data)
        _tell_about_account_actions(attempt.user)
        response = redirect(url_for("home.index"), 303)
        devices.remember(response, attempt.user.id)
        return response
    return render_template("accounts/card_sign_in.html", form=form)


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
        attempt = services.reset_with_code(
            username, form.code.data, form.passphrase.data, devices.known(), _address()
        )
        if attempt.wait_until is not None:
            form.code.errors.append(_throttled_message(attempt.wait_until))
            return render_template("accounts/reset.html", form=form), 429
        if attempt.user is not None:
            flash(_l("Your new passphrase is ready. Sign in with it."), "success")
            return redirect(url_for("accounts.login", u=username), 303)
        if attempt.problem:
            form.passphrase.errors.append(attempt.problem)
        else:
            form.code.errors.append(
                _l(
                    "This code is not valid. It works once, for 15 minutes. Ask your teacher for a "
                    "new one."
                )
            )
    return render_template("accounts/reset.html", form=form)


@bp.route("/me", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePassphraseForm(owner=current_user.username, owner_name=current_user.display_name)
    if form.validate_on_submit():
        if not passphrases.verify(current_user.password_hash, form.current.data):
            form.current.errors.append(_l("This is not your current passphrase."))
        else:
            services.change_passphrase(current_user, form.passphrase.data)
            flash(_l("Your passphrase is changed. Your other devices are signed out."), "success")
            return redirect(url_for("accounts.account"), 303)
    return render_template("accounts/account.html", form=form)


@bp.post("/language")
def language():
    """Switch language: kept in a cookie, and on the account of a signed-in user."""
    code = request.form.get("lang", "")
    response = redirect(_safe_next(request.form.get("next")), 303)
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANGUAGE_COOKIE,
            code,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=cookie_secure(),
        )
        if current_user.is_authenticated and current_user.locale != code:
            current_user.locale = code
            db.session.commit()
    return response
