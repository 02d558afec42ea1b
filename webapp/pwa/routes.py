"""Manifest, service worker and offline page."""

import hashlib

from flask import current_app, jsonify, make_response, render_template, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from webapp.accounts.models import Role
from webapp.core import outbox
from webapp.core.i18n import gettext as _
from webapp.core.templating import feature_globals
from webapp.core.time import utcnow
from webapp.pwa import bp
from webapp.pwa import outbox as outbox_words

# Files every page needs; the service worker keeps them so the shell opens without network.
SHELL_FILES = (
    "css/app.css",
    "js/outbox.js",
    "js/app.js",
    "js/htmx-2.0.11.min.js",
    "icons/icon.svg",
    "icons/icon-192.png",
)


def shell_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL_FILES]


@bp.get("/manifest.webmanifest")
def manifest():
    response = current_app.json.response(
        {
            "name": "Passerelle",
            "short_name": "Passerelle",
            "description": _("Lessons, revision, budget and goals, on your phone."),
            "start_url": url_for("home.index"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5563",
            "icons": [
                {
                    "src": url_for("static", filename="icons/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": url_for("static", filename="icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
                {
                    "src": url_for("static", filename="icons/maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {
                    "src": url_for("static", filename="icons/icon.svg"),
                    "sizes": "any",
                    "type": "image/svg+xml",
                },
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The worker's text changes whenever a shell file changes, so phones pick up new versions."""
    urls = shell_urls() + [url_for("pwa.offline")]
    version = hashlib.sha256("|".join(urls).encode()).hexdigest()[:12]
    body = render_template(
        "pwa/sw.js",
        urls=urls,
        version=version,
        offline_url=url_for("pwa.offline"),
        outbox_url=url_for("static", filename="js/outbox.js"),
    )
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when a page cannot be reached; holds nothing personal."""
    return render_template("pwa/offline.html", bare=True, shell=True)


@bp.get("/outbox", endpoint="outbox")
def outbox_page():
    """What waits on this phone: the script lists it from the phone's own store (nothing comes
    from the server). Offline, the service worker shows the offline page, which lists it too."""
    return render_template("pwa/outbox.html")


def _signed_in_json(view):
    """Signed-in JSON for the phone's scripts: 401 {"reason": "signin"}, never the sign-in page."""

    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return outbox.refuse(401, "signin")
        response = view(*args, **kwargs)
        response.headers["Cache-Control"] = "no-store"
        return response

    wrapped.__name__ = view.__name__
    wrapped.outbox_signed_in = True
    return wrapped


@bp.get("/outbox/token")
@_signed_in_json
def outbox_token():
    """A fresh CSRF token for replaying queued writes, and whose session this is."""
    return jsonify(csrf=generate_csrf(), user=current_user.id)


@bp.get("/offline/home")
@_signed_in_json
def offline_home():
    """What the home page shows offline: first name, next lesson, today's review count and the
    lessons worth keeping offline. Nothing more personal."""
    from webapp.lessons import services as lessons
    from webapp.revision import services as revision

    next_lesson, due, saved = None, 0, []
    if current_user.role is Role.TRAINEE:
        kept = lessons.for_offline(current_user)
        if kept:
            next_lesson = {
                "id": kept[0].id,
                "title": kept[0].title,
                "url": url_for("lessons.lesson", lesson_id=kept[0].id),
            }
        saved = [
            {
                "id": lesson.id,
                "title": lesson.title,
                "url": url_for("lessons.offline_copy", lesson_id=lesson.id),
                "bytes": lessons.offline_bytes(lesson),
            }
            for lesson in kept
        ]
        due = revision.left_today(current_user, utcnow())
    return jsonify(
        user=current_user.id,
        name=(current_user.display_name.split() or [""])[0],
        next_lesson=next_lesson,
        reviews_due=due,
        saved_lessons=saved,
        week=url_for("week.offline") if current_user.role is Role.TRAINEE else None,
    )


# The names this feature's templates use (core.templating.feature_globals).
feature_globals(bp, outbox_words_json=outbox_words.words_json)
