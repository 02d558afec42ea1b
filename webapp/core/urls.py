"""Links that leave the app (login cards, the projector's join code, QR codes).

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
