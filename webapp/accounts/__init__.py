"""Accounts: sign-in, sites, groups, staff and trainee accounts, login cards, reset codes."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)

from webapp.accounts import manage, routes  # noqa: E402,F401
