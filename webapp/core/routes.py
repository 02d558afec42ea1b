"""Home screen and health check."""

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user

from webapp.core import bp
from webapp.core.database import check_database


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return render_template("core/home.html")


@bp.get("/healthz")
def healthz():
    """For the load balancer and the person on call: is the app up, and its database?"""
    if reason := check_database():
        return jsonify(status="error", db=reason), 503
    return jsonify(status="ok", db="ok")
