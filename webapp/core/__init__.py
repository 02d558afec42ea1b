"""Shared core, the ground floor: it imports no feature. Health check, errors, security
headers, request idempotency, read-aloud, dates and times, spreadsheets."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from webapp.core import routes  # noqa: E402,F401
