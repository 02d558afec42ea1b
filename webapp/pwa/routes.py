"""Manifest, service worker and offline page."""

import hashlib

from flask import current_app, make_response, render_template, url_for
from flask_babel import gettext as _

from webapp.pwa import bp

# Files every page needs; the service worker keeps them so the shell opens without network.
SHELL_FILES = ("css/app.css", "js/app.js", "js/htmx-2.0.11.min.js", "icons/icon.svg",
               "icons/icon-192.png")


def shell_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL_FILES]


@bp.get("/manifest.webmanifest")
def manifest():
    response = current_app.json.response(
        {
            "name": "Passerelle",
            "short_name": "Passerelle",
            "description": _("Lessons, revision, budget and goals, on your phone."),
            "start_url": url_for("core.home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5563",
            "icons": [
                {"src": url_for("static", filename="icons/icon-192.png"), "sizes": "192x192",
                 "type": "image/png"},
                {"src": url_for("static", filename="icons/icon-512.png"), "sizes": "512x512",
                 "type": "image/png"},
                {"src": url_for("static", filename="icons/maskable-512.png"), "sizes": "512x512",
                 "type": "image/png", "purpose": "maskable"},
                {"src": url_for("static", filename="icons/icon.svg"), "sizes": "any",
                 "type": "image/svg+xml"},
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
    body = render_template("pwa/sw.js", urls=urls, version=version,
                           offline_url=url_for("pwa.offline"))
    response = make_response(body)
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when a page cannot be reached; holds nothing personal."""
    return render_template("pwa/offline.html", bare=True)
