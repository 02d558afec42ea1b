"""My papers: a digital safe of the trainee's documents, encrypted, shared one by one."""

from flask import Blueprint, Flask
from flask.helpers import get_debug_flag

bp = Blueprint("papers", __name__)

MISSING_KEY = (
    "PAPERS_MASTER_KEY is not set: the trainees' papers cannot be encrypted. Make one with\n"
    "  python3 -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())'\n"
    "and set it in the environment (or PAPERS_MASTER_KEY_FILE to a file holding it), kept out "
    "of the database and its backups (README, 'My papers')."
)


def init_app(app: Flask) -> None:
    """The master keys and the blob store, once; outside debug and tests no key, no start."""
    from webapp.papers import crypto
    from webapp.papers.storage import make_store

    text = app.config["PAPERS_MASTER_KEY"]
    if not text or text == crypto.DEV_MASTER_KEY:
        if not (app.testing or app.debug or get_debug_flag()):
            raise RuntimeError(MISSING_KEY)
        text = crypto.DEV_MASTER_KEY  # anyone can read it in crypto.py: for trying out only
    try:
        app.extensions["papers_keyring"] = crypto.Keyring.from_config(
            text, app.config["PAPERS_OLD_MASTER_KEYS"]
        )
    except crypto.BadMasterKey:
        raise RuntimeError(
            "PAPERS_MASTER_KEY (or one of PAPERS_OLD_MASTER_KEYS) is not 32 bytes in URL-safe "
            "base64.\n" + MISSING_KEY
        ) from None
    app.extensions["papers_store"] = make_store(app)


@bp.record_once
def _setup(state):
    init_app(state.app)


from webapp.papers import routes  # noqa: E402,F401
