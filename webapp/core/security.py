"""Response headers that every page gets, and content-hashed static URLs."""

import hashlib
from pathlib import Path

import brotli
from flask import Flask, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

from webapp.core.urls import public_url

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
ONE_YEAR = 31_536_000


def cookie_secure() -> bool:
    """Cookies are Secure when configured so (or PUBLIC_URL is https), or the request is https
    (request.is_secure sees X-Forwarded-Proto only from TRUSTED_PROXIES, via ProxyFix)."""
    if current_app.config["SESSION_COOKIE_SECURE"]:
        return True
    return has_request_context() and request.is_secure


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure whenever the request came over https."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return cookie_secure()


_BROTLI: dict[tuple[str, str], bytes] = {}


def brotli_once(path: str, data: bytes) -> bytes:
    """The file's bytes at brotli's best (about 10% smaller than on-the-fly compression),
    computed once per content: its hash is the key, so an edited file is compressed again."""
    key = (path, hashlib.sha256(data).hexdigest())
    if (packed := _BROTLI.get(key)) is None:
        if len(_BROTLI) > 256:  # a handful of static files; old versions are dropped
            _BROTLI.clear()
        packed = _BROTLI[key] = brotli.compress(data, quality=11)
    return packed


def static_hashes(static_folder: str) -> dict[str, str]:
    """Map each static file to a short hash of its content, for cache-busting URLs."""
    root = Path(static_folder)
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.jinja_env.globals["public_url"] = public_url
    hashes = static_hashes(app.static_folder)
    app.extensions["static_hashes"] = hashes

    @app.url_defaults
    def _version_static(endpoint, values):
        # url_for('static', filename=...) gets ?v=<hash>, so files can be cached for a year.
        if endpoint == "static" and (digest := hashes.get(values.get("filename", ""))):
            values.setdefault("v", digest)

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure and (max_age := app.config["HSTS_MAX_AGE"]):
            headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
        if request.endpoint == "static" and response.status_code == 200:
            # Read the (small) file now so it is compressed as a whole and the file is closed
            # with the response; the streaming path would leave the file open.
            response.direct_passthrough = False
            response.make_sequence()
            if (
                "br" in request.headers.get("Accept-Encoding", "")
                and response.mimetype in app.config["COMPRESS_MIMETYPES"]
                and "Content-Encoding" not in headers
            ):
                # A static file never changes under its hashed address: compressed once, as
                # hard as brotli goes (a few KB less on every first load), kept in memory.
                response.set_data(brotli_once(request.path, response.get_data()))
                headers["Content-Encoding"] = "br"
                headers.add("Vary", "Accept-Encoding")
        if request.endpoint == "static" and request.args.get("v"):
            headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        elif response.mimetype == "text/html":
            # Pages may hold personal data: never kept by shared caches or the back button.
            headers.setdefault("Cache-Control", "no-store")
        if "HX-Request" in request.headers or request.endpoint != "static":
            response.vary.add("HX-Request")
        return response
