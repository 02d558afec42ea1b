"""Candidates: people inside applying to join a group (sentence adjustment), followed by staff
from the interview at the prison to the first morning; the first weeks of a new trainee."""

from flask import Blueprint

bp = Blueprint("candidates", __name__)

from webapp.candidates import routes  # noqa: E402,F401
