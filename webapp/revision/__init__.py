"""Revision for the catering title: the question bank, spaced repetition (FSRS), practice,
mock exams."""

from flask import Blueprint

bp = Blueprint("revision", __name__)

from webapp.revision import routes  # noqa: E402,F401
