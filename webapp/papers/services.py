"""Rules of My papers: private by default, shared document by document with named teachers.

A trainee's documents are sealed with their own data key (crypto.py), kept in the store
(storage.py). A teacher sees a document only while a share of it names them, has not ended,
and they are attached to one of the trainee's groups at that moment; each look is audited.
"""

import secrets
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO

import sqlalchemy as sa
from flask import current_app

from webapp.accounts import services as accounts
from webapp.accounts.models import Role, User, group_membership
from webapp.core.database import rows_of
from webapp.core.errors import NotYours
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.records import already_sent, save_once
from webapp.core.time import as_utc, utcnow
from webapp.extensions import db
from webapp.papers import crypto, files
from webapp.papers.models import PaperDocument, PaperKey, PaperShare
from webapp.papers.storage import store
from webapp.privacy.services import audit_read, audit_reads

# key: (pictogram, name). Identity papers first: they are the ones asked for everywhere.
KINDS = {
    "id_card": ("🪪", _l("Identity card")),
    "passport": ("🛂", _l("Passport")),
    "residence": ("📄", _l("Residence permit")),
    "release": ("🔓", _l("Release certificate")),
    "payslip": ("💶", _l("Payslip")),
    "caf": ("✉️", _l("CAF letter")),
    "france_travail": ("✉️", _l("France Travail letter")),
    "diploma": ("🎓", _l("Diploma")),
    "title": ("🍽️", _l("Certificate of the catering title")),
    "other": ("📎", _l("Other paper")),
}
# How long a share lasts: (days, name).
PERIODS = {
    "day": (1, _l("One day")),
    "week": (7, _l("One week")),
    "month": (30, _l("One month")),
}
REMIND_DAYS = 60  # a renewal takes weeks (an ID card: often more than a month at the town hall)
ORIGINAL, THUMB = "original", "thumb"
EXTENSIONS = {"image/jpeg": "jpg", "application/pdf": "pdf"}


def keyring() -> crypto.Keyring:
    return current_app.extensions["papers_keyring"]


# --- keys -----------------------------------------------------------------------------------


def _data_key(user_id: int, create: bool = False) -> bytes | None:
    """The trainee's data key, unwrapped; made and stored (wrapped) the first time if create."""
    row = db.session.get(PaperKey, user_id)
    ring = keyring()
    if row is None:
        if not create:
            return None
        key = crypto.new_data_key()
        row = PaperKey(
            user_id=user_id,
            wrapped=crypto.wrap(ring.current, key, user_id),
            master_key_id=ring.current_id,
        )
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except sa.exc.IntegrityError:  # a first upload on two phones at once: theirs won
            row = db.session.get(PaperKey, user_id)
        else:
            return key
    master = ring.by_id(row.master_key_id)
    if master is None:
        raise RuntimeError("papers: the master key that wrapped this data key is not configured")
    return crypto.unwrap(master, row.wrapped, user_id)


def rewrap_all() -> tuple[int, int]:
    """Re-wrap every data key wrapped by an older master key with the current one (the data
    keys, hence the documents, stay as they are). Returns (re-wrapped, already current);
    raises RuntimeError naming no key when a row's master key is not configured."""
    ring = keyring()
    done = current = 0
    for row in db.session.scalars(sa.select(PaperKey).order_by(PaperKey.user_id)):
        if row.master_key_id == ring.current_id:
            current += 1
            continue
        master = ring.by_id(row.master_key_id)
        if master is None:
            raise RuntimeError(
                f"a data key was wrapped by master key {row.master_key_id}, which is not in "
                "PAPERS_MASTER_KEY or PAPERS_OLD_MASTER_KEYS"
            )
        key = crypto.unwrap(master, row.wrapped, row.user_id)
        row.wrapped = crypto.wrap(ring.current, key, row.user_id)
        row.master_key_id = ring.current_id
        done += 1
    db.session.commit()
    return done, current


# --- the trainee's own documents ------------------------------------------------------------


def documents_of(user) -> list[PaperDocument]:
    return list(
        db.session.scalars(
            sa.select(PaperDocument)
            .where(PaperDocument.user_id == user.id)
            .order_by(PaperDocument.created_at.desc(), PaperDocument.id.desc())
        )
    )


def own_document(user, document_id: int) -> PaperDocument:
    document = db.session.get(PaperDocument, document_id)
    if document is None or document.user_id != user.id:
        raise NotYours
    return document


def add_document(
    user,
    client_id: str,
    *,
    kind: str,
    expires_on: date | None,
    prepared: files.Prepared,
    uploaded_bytes: int,
) -> PaperDocument:
    """Seal and store a prepared file once per client id (a double tap stores one)."""
    if done := already_sent(PaperDocument, client_id, user):
        return done
    key = _data_key(user.id, create=True)
    blob_key = secrets.token_hex(16)
    document = PaperDocument(
        user_id=user.id,
        client_id=client_id,
        kind=kind if kind in KINDS else "other",
        expires_on=expires_on,
        media_type=prepared.media_type,
        blob_key=blob_key,
        has_thumb=prepared.thumb is not None,
        size=len(prepared.data),
        stored_size=0,
        uploaded_bytes=uploaded_bytes,
        pages=prepared.pages,
    )
    db.session.add(document)
    db.session.flush()  # its id goes into what the seal is bound to
    sealed = crypto.seal(
        key, prepared.data, crypto.document_context(user.id, document.id, ORIGINAL)
    )
    document.stored_size = len(sealed)
    store().put(_blob(document, ORIGINAL), sealed)
    if prepared.thumb is not None:
        context = crypto.document_context(user.id, document.id, THUMB)
        store().put(_blob(document, THUMB), crypto.seal(key, prepared.thumb, context))
    return save_once(document, PaperDocument, client_id)


def _blob(document: PaperDocument, part: str) -> str:
    return f"{document.blob_key}-{part}"


def content(document: PaperDocument, part: str = ORIGINAL) -> bytes:
    """The document's bytes (or its thumbnail's), unsealed; the caller checked who may."""
    key = _data_key(document.user_id)
    sealed = store().get(_blob(document, part))
    return crypto.open_sealed(
        key, sealed, crypto.document_context(document.user_id, document.id, part)
    )


def file_name(document: PaperDocument) -> str:
    """A name for the downloaded file, from the kind and day (never a name the phone sent)."""
    return f"{document.kind.replace('_', '-')}-{document.created_at:%Y-%m-%d}-{document.id}." + (
        EXTENSIONS.get(document.media_type, "bin")
    )


def delete_document(user, document_id: int) -> None:
    document = own_document(user, document_id)
    keys = [_blob(document, ORIGINAL), _blob(document, THUMB)]
    db.session.delete(document)  # its shares go with it (ON DELETE CASCADE, and here)
    db.session.execute(sa.delete(PaperShare).where(PaperShare.document_id == document_id))
    for key in keys:
        store().delete(key)
    db.session.commit()


def zip_of(user) -> bytes:
    """Every document of user in one ZIP (already compressed files: stored as they are)."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for document in documents_of(user):
            archive.writestr(file_name(document), content(document))
    return out.getvalue()


# --- sharing --------------------------------------------------------------------------------


def teachers_for(trainee) -> list[User]:
    """Whom a paper may be shown to: the teachers attached now to one of the trainee's groups."""
    return accounts.teachers_of_trainee(trainee)


@dataclass(frozen=True)
class ShareLine:
    share: PaperShare
    staff_name: str
    until: datetime
    active: bool


def shares_of(document: PaperDocument) -> list[ShareLine]:
    now = utcnow()
    rows = db.session.execute(
        sa.select(PaperShare, User.display_name)
        .join(User, User.id == PaperShare.staff_id)
        .where(PaperShare.document_id == document.id)
        .order_by(PaperShare.until.desc())
    ).all()
    return [ShareLine(s, name, as_utc(s.until), as_utc(s.until) > now) for s, name in rows]


def share(user, document_id: int, staff_id: int, period: str) -> PaperShare:
    """Show the document to one teacher of the trainee's groups for a period. Sharing again
    with the same person sets a new end (sent twice: the same row, the same end)."""
    document = own_document(user, document_id)
    if period not in PERIODS or staff_id not in {t.id for t in teachers_for(user)}:
        raise NotYours
    until = utcnow() + timedelta(days=PERIODS[period][0])
    row = db.session.scalar(
        sa.select(PaperShare).where(
            PaperShare.document_id == document.id, PaperShare.staff_id == staff_id
        )
    )
    if row is None:
        row = PaperShare(document_id=document.id, staff_id=staff_id, until=until)
        db.session.add(row)
    else:
        row.until = until
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same share sent twice at once: the first one stands
        db.session.rollback()
        row = db.session.scalar(
            sa.select(PaperShare).where(
                PaperShare.document_id == document.id, PaperShare.staff_id == staff_id
            )
        )
    return row


def revoke(user, document_id: int, share_id: int) -> None:
    document = own_document(user, document_id)
    db.session.execute(
        sa.delete(PaperShare).where(
            PaperShare.id == share_id, PaperShare.document_id == document.id
        )
    )
    db.session.commit()


# --- what a teacher sees ----------------------------------------------------------------------


@dataclass(frozen=True)
class SharedPaper:
    document: PaperDocument  # on the home, a row of its id, kind and expiry date
    trainee: User
    until: datetime


def shared_with(staff) -> list[SharedPaper]:
    """Documents shared with this teacher now, of trainees they are attached to now."""
    if staff.role is not Role.TEACHER:
        return []
    mine = sa.select(group_membership.c.group_id).where(group_membership.c.user_id == staff.id)
    reachable = sa.select(group_membership.c.user_id).where(group_membership.c.group_id.in_(mine))
    rows = db.session.execute(
        sa.select(PaperDocument, User, PaperShare.until)
        .join(PaperShare, PaperShare.document_id == PaperDocument.id)
        .join(User, User.id == PaperDocument.user_id)
        .where(
            PaperShare.staff_id == staff.id,
            PaperShare.until > utcnow(),
            PaperDocument.user_id.in_(reachable),
            User.role == Role.TRAINEE,
        )
        .order_by(User.display_name, PaperDocument.created_at.desc())
    ).all()
    return [SharedPaper(d, u, as_utc(until)) for d, u, until in rows]


def shared_document(staff, document_id: int) -> SharedPaper:
    """The document if it is shared with this teacher now and they may act on its owner now;
    else NotYours (the same 404 whether it exists or not)."""
    if staff.role is not Role.TEACHER:
        raise NotYours
    row = db.session.execute(
        sa.select(PaperDocument, PaperShare.until)
        .join(PaperShare, PaperShare.document_id == PaperDocument.id)
        .where(PaperDocument.id == document_id, PaperShare.staff_id == staff.id)
    ).first()
    if row is None or as_utc(row.until) <= utcnow():
        raise NotYours
    trainee = accounts.trainee_for(staff, row.PaperDocument.user_id)  # NotYours if not attached
    return SharedPaper(row.PaperDocument, trainee, as_utc(row.until))


def audit_list(staff, trainees) -> None:
    """Write at once that a teacher saw which papers these trainees show them."""
    audit_reads(staff, "papers_list_viewed", trainees)


def audit_view(staff, paper: SharedPaper, action: str) -> None:
    """Write at once that a teacher opened (or downloaded) a shared paper."""
    audit_read(staff, action, paper.trainee, f"paper={paper.document.id}")


# --- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StorageFigures:
    documents: int
    trainees: int
    sent: int  # bytes the phones sent
    kept: int  # after compression (the plaintext sealed)
    stored: int  # sealed originals, plus thumbnails and wrapped keys
    overhead: int  # stored - kept - thumbnails: nonces, tags, versions, wrapped keys

    @property
    def per_document(self) -> float:
        return self.overhead / self.documents if self.documents else 0.0

    @property
    def percent(self) -> float:
        return 100 * self.overhead / self.kept if self.kept else 0.0


def storage_figures() -> StorageFigures:
    """What encryption costs in bytes (originals only; thumbnails carry the same 29 bytes)."""
    documents, trainees, sent, kept, sealed = db.session.execute(
        sa.select(
            sa.func.count(PaperDocument.id),
            sa.func.count(sa.distinct(PaperDocument.user_id)),
            sa.func.coalesce(sa.func.sum(PaperDocument.uploaded_bytes), 0),
            sa.func.coalesce(sa.func.sum(PaperDocument.size), 0),
            sa.func.coalesce(sa.func.sum(PaperDocument.stored_size), 0),
        )
    ).one()
    keys = db.session.scalar(sa.select(sa.func.count()).select_from(PaperKey)) or 0
    wrapped = keys * crypto.WRAPPED_BYTES
    return StorageFigures(
        documents, trainees, sent, kept, sealed + wrapped, sealed + wrapped - kept
    )


# --- home, export, erasure ------------------------------------------------------------------


@dataclass(frozen=True)
class Expiring:
    document: PaperDocument  # on the home, a row of its id, kind and expiry date
    days: int  # 0: today; negative: already past


@dataclass(frozen=True)
class HomeCard:
    count: int
    expiring: list[Expiring]


def expiring(documents: list[PaperDocument], today: date, within: int = REMIND_DAYS):
    """Papers with an expiry date within `within` days (or past), soonest first."""
    found = [
        Expiring(d, (d.expires_on - today).days)
        for d in documents
        if d.expires_on is not None and (d.expires_on - today).days <= within
    ]
    return sorted(found, key=lambda e: e.days)


def home_card(user, today: date) -> HomeCard | None:
    """What the trainee's home shows of their papers: the ones to renew soon (one query)."""
    if user.role is not Role.TRAINEE:
        return None
    rows = rows_of(
        _EXPIRING, {"user_id": user.id, "until": today + timedelta(days=REMIND_DAYS)}
    ).all()
    return HomeCard(len(rows), expiring(rows, today))


# Built once: the home page asks it at every visit. Rows with what the card shows, not
# objects: the ORM cost more than the query.
_EXPIRING = sa.select(PaperDocument.id, PaperDocument.kind, PaperDocument.expires_on).where(
    PaperDocument.user_id == sa.bindparam("user_id"),
    PaperDocument.expires_on.is_not(None),
    PaperDocument.expires_on <= sa.bindparam("until"),
)


def export_for(user) -> dict:
    """What My papers holds about user, as plain values (the files: ZIP from /papers/all.zip)."""
    documents = documents_of(user)
    shares = {}
    if documents:
        for row, name in db.session.execute(
            sa.select(PaperShare, User.display_name)
            .join(User, User.id == PaperShare.staff_id)
            .where(PaperShare.document_id.in_([d.id for d in documents]))
        ):
            shares.setdefault(row.document_id, []).append(
                {"with": name, "until": as_utc(row.until).isoformat()}
            )
    return {
        "documents": [
            {
                "id": d.id,
                "kind": d.kind,
                "kind_name": str(KINDS.get(d.kind, KINDS["other"])[1]),
                "expires_on": d.expires_on and d.expires_on.isoformat(),
                "type": d.media_type,
                "bytes": d.size,
                "pages": d.pages,
                "added_at": as_utc(d.created_at).isoformat(),
                "file": file_name(d),
                "shared_with": shares.get(d.id, []),
            }
            for d in documents
        ],
    }


def erase_user(user_id: int) -> None:
    """Remove every document of user_id, its blobs, shares and the data key (no commit)."""
    documents = list(
        db.session.scalars(sa.select(PaperDocument).where(PaperDocument.user_id == user_id))
    )
    ids = [d.id for d in documents]
    if ids:
        db.session.execute(sa.delete(PaperShare).where(PaperShare.document_id.in_(ids)))
    for document in documents:
        store().delete(_blob(document, ORIGINAL))
        store().delete(_blob(document, THUMB))
    db.session.execute(sa.delete(PaperDocument).where(PaperDocument.user_id == user_id))
    # Without its key, a blob an object store failed to delete can never be read again.
    db.session.execute(sa.delete(PaperKey).where(PaperKey.user_id == user_id))
