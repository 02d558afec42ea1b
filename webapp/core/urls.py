"""Links that leave the app (login cards, the projector's join code, QR codes), and the one rule
for following a return address a form sent (safe_path).

They are built from the configured PUBLIC_URL, never from the request's Host header: a Host
header is chosen by whoever sends the request, and a printed card or a QR code on a projector
must not point anywhere they like.
"""

from urllib.parse import urlsplit

from flask import current_app


def public_base(config) -> str:
    """PUBLIC_URL if set; else SERVER_NAME with the preferred scheme; else the dev server."""
    if url := (config.get("PUBLIC_URL") or "").strip():
        return url.rstrip("/")
    if server := config.get("SERVER_NAME"):
        return f"{config.get('PREFERRED_URL_SCHEME', 'http')}://{server}"
    return "http://127.0.0.1:5000"


def public_url(endpoint: str, **values) -> str:
    """An absolute URL for endpoint under PUBLIC_URL, like url_for(..., _external=True)."""
    base = urlsplit(public_base(current_app.config))
    current_app.inject_url_defaults(endpoint, values)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def safe_path(target: str | None, default: str) -> str:
    """target when it is a path on this site, else default: a form's next= or back= must never
    send someone to another site. Browsers read "//host", "/\\host" and "\\host" as another
    host, and drop tabs and line breaks in addresses, so all of those are refused."""
    target = target or ""
    parts = urlsplit(target)
    if (
        target.startswith("/")
        and not parts.scheme
        and not parts.netloc
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(char) < 32 or ord(char) == 127 for char in target)
    ):
        return target
    return default
