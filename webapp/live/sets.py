"""Question sets for live sessions: written by a volunteer or teacher, or picked from the bank.

A set is an ordered list of question ids. Bank questions are listed by their id. A question the
author writes is checked by the bank's own validator (revision/bank.py check_question) and stored
as a row of the bank's table, with the bank's content format, named by the hash of its content
("set-<hash>") and marked retired: no bank draw, revision, mock exam or read-aloud build ever
picks a retired row, while the live room, which reads a session's questions by id
(services.question_at), grading and the answer macros read it exactly like a bank question. An
edited question is a new row (a new hash): past sessions keep showing what was asked then.

Pictures are re-encoded on the server (Pillow): checked by content, turned upright, resized,
stripped of their metadata (EXIF: place, phone, date) and compressed to WebP, then stored in the
database by the SHA-256 of their bytes, so every instance serves them and a phone keeps them.
"""

import hashlib
import io
import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from PIL import Image

from webapp.accounts import services as accounts
from webapp.accounts.models import Role, group_membership
from webapp.core import grading, pictures, records
from webapp.core.content import Checker, content_hash
from webapp.core.errors import NotYours
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import lazy_ngettext
from webapp.core.time import utcnow
from webapp.extensions import db
from webapp.live.models import LivePicture, LiveSession, LiveSet, LiveSetShare
from webapp.live.services import open_room
from webapp.revision import services as revision
from webapp.revision.bank import check_question

KINDS = ("single", "multiple", "truefalse", "picture", "order", "numeric")
KIND_NAMES = {
    "single": _l("One right answer"),
    "multiple": _l("Several right answers"),
    "truefalse": _l("True or false"),
    "picture": _l("Pictures to choose from"),
    "order": _l("Put in order"),
    "numeric": _l("A number"),
}
ROWS = 6  # choice or item lines on the form: the bank allows at most 6
PICTURE_ROWS = 4  # picture choices: at most 4
MAX_QUESTIONS = 30
TITLE_LENGTH = 80
PREFIX = "set-"

# --- pictures -------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a phone's photo; beyond: a message next to the field
UPLOAD_REQUEST_BYTES = MAX_UPLOAD_BYTES + 512 * 1024  # the whole form with its picture
MAX_SIDE = 800  # pixels shown: enough for a projector's half and a phone's full width
MAX_PICTURE_BYTES = 60_000  # what a phone downloads for one picture, at most


class PictureRefused(ValueError):
    """A file that is not a picture we take; str() is the reason's key in PICTURE_REFUSALS."""


PICTURE_REFUSALS = {
    "too_big": _l(
        "This picture is too large: at most %(size)d MB.", size=MAX_UPLOAD_BYTES // 1048576
    ),
    "not_picture": _l("This file is not a picture. Send a photo (JPEG, PNG or WebP)."),
    "dimensions": _l("This picture is too large in pixels. Send a smaller photo."),
}


def encode_picture(raw: bytes) -> tuple[bytes, int, int]:
    """A WebP of at most MAX_SIDE pixels a side and MAX_PICTURE_BYTES, without metadata.

    Raises PictureRefused for what is not a JPEG, PNG, WebP or GIF picture (whatever its name
    says: the bytes decide), for a file over MAX_UPLOAD_BYTES and for huge dimensions (checked
    in the header, before any pixel is decoded: a "decompression bomb" is refused cheaply)."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PictureRefused("too_big")
    try:
        image = pictures.open_upright(raw, MAX_SIDE)
    except pictures.TooManyPixels:
        raise PictureRefused("dimensions") from None
    except pictures.NotAPicture:
        raise PictureRefused("not_picture") from None
    image = image.convert("RGBA" if pictures.has_alpha(image) else "RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    data = b""
    for side, quality in ((MAX_SIDE, 72), (MAX_SIDE, 55), (MAX_SIDE, 40), (560, 40), (400, 30)):
        if max(image.size) > side:
            image.thumbnail((side, side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        pictures.pixels_only(image).save(out, "WEBP", quality=quality, method=6)
        data = out.getvalue()
        if len(data) <= MAX_PICTURE_BYTES:
            break
    return data, image.size[0], image.size[1]


def store_picture(raw: bytes) -> LivePicture:
    """Encode and store a picture once (the same picture twice is one row); no commit."""
    data, width, height = encode_picture(raw)
    digest = hashlib.sha256(data).hexdigest()
    picture = db.session.get(LivePicture, digest)
    if picture is None:
        picture = LivePicture(digest=digest, data=data, width=width, height=height)
        db.session.add(picture)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except sa.exc.IntegrityError:  # another instance stored the same bytes a moment ago
            picture = db.session.get(LivePicture, digest)
    return picture


# A picture sent with a form the volunteer has not saved yet is kept meanwhile (the form shows
# it back): unused pictures go only once they are this old.
PICTURE_GRACE = timedelta(days=1)


def forget_unused_pictures(now: datetime, dry_run: bool = False) -> int:
    """Delete the pictures no written question shows (replaced, or a form never saved), a day
    after their upload; for the daily purge. Returns how many (none deleted on a dry run)."""
    used = {content.get("image") for content in revision.private_contents(PREFIX)}
    unused = [
        digest
        for digest in db.session.scalars(
            sa.select(LivePicture.digest).where(LivePicture.created_at < now - PICTURE_GRACE)
        )
        if digest not in used
    ]
    if unused and not dry_run:
        db.session.execute(sa.delete(LivePicture).where(LivePicture.digest.in_(unused)))
    return len(unused)


def picture(digest: str) -> LivePicture:
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise NotYours
    if (picture := db.session.get(LivePicture, digest)) is None:
        raise NotYours
    return picture


# --- writing a question: the form's fields as the bank's content, checked by the bank's rules --


def _number(text: str):
    """A number as typed ("63", "-18", "0,5"); the text itself when it is none (the bank's rule
    then says "a number")."""
    cleaned = (text or "").strip().replace(",", ".").replace("\u2212", "-")
    try:
        value = float(cleaned)
    except ValueError:
        return text.strip() if text and text.strip() else None
    return int(value) if value.is_integer() and "." not in cleaned else value


def question_data(kind: str, fields: dict) -> dict:
    """Bank content from the form's values: `choices` and `pictures` are the lines (empty ones
    skipped), `right` the numbers of the lines marked right, the rest texts as typed."""
    lines = [(text or "").strip() for text in fields.get("choices", [])]
    right = {int(n) for n in fields.get("right", []) if str(n).isdigit()}
    data = {"id": f"{PREFIX}draft", "type": kind, "question": fields.get("question") or None}
    if kind in ("single", "multiple"):
        data["choices"] = [text for text in lines if text]
        marked = [text for n, text in enumerate(lines) if text and n in right]
        if kind == "single":
            data["answer"] = marked[0] if len(marked) == 1 else None
        else:
            data["answers"] = marked
    elif kind == "picture":
        pictures = [(p or "").strip() for p in fields.get("pictures", [])]
        rows = [
            (n, pictures[n] if n < len(pictures) else "", text)
            for n, text in enumerate(lines[:PICTURE_ROWS])
        ]
        data["choices"] = [{"picture": p, "label": t} for _n, p, t in rows if p or t]
        marked = [t for n, _p, t in rows if t and n in right]
        data["answer"] = marked[0] if len(marked) == 1 else None
    elif kind == "order":
        data["items"] = [text for text in lines if text]
    elif kind == "truefalse":
        data["answer"] = {"true": True, "false": False}.get(fields.get("truth") or "")
    elif kind == "numeric":
        data["answer"] = _number(fields.get("number") or "")
        data["unit"] = (fields.get("unit") or "").strip() or None
        tolerance = (fields.get("tolerance") or "").strip()
        data["tolerance"] = _number(tolerance) if tolerance else 0
    data["explanation"] = fields.get("explanation") or None
    if fields.get("pictogram"):
        data["picture"] = fields["pictogram"].strip()
    if fields.get("competency"):
        data["competency"] = fields["competency"]
    data["difficulty"] = 1
    return {key: value for key, value in data.items() if value is not None}


class _FieldChecker(Checker):
    """The bank's checker, keeping each problem's path (the field) instead of a file line."""

    def __init__(self):
        super().__init__("set", {})

    def fail(self, path: tuple, message: str) -> None:
        self.problems.append((path, message))


# Which form field shows a problem about a content key, by question type.
FIELD_OF = {"answer": "choices", "answers": "choices", "items": "choices", "picture": "pictogram"}
FIELD_OF_KIND = {"truefalse": {"answer": "truth"}, "numeric": {"answer": "number"}}
# Keys the author does not fill in: a set question has no bank id, source or (if none is
# chosen) competency. Every other rule of the bank applies.
NOT_ASKED = {"id", "source", "see_also"}
FILL_IN = _l("Please fill in this field.")
FALLBACK = _l("Check this field.")  # a message of the bank not foreseen here (a test guards)
# The bank's messages (English, for content files) said in the author's language.
MESSAGES = [
    (r"'(answers)' .*(items|list)", _l("Tick at least one right answer.")),
    (r"'answer' must be a text", _l("Tick the right answer, only one.")),
    (r"'answer' must be true or false", _l("Choose true or false.")),
    (r"'answer' must be a number", _l("Enter a number.")),
    (r"'answer' .* is not one of the choices", _l("The right answer must be one of the choices.")),
    (r"every answer must be one of the choices", _l("Each right answer must be a choice.")),
    (r"'tolerance' must be", _l("Enter a number, 0 or more.")),
    (r"'picture' must be an emoji", _l("Give one pictogram, an emoji like 📘.")),
    (r"'choices' must be 2 to 4 items", _l("Write 2 to 4 choices, each a pictogram and a word.")),
    (r"is missing: expected a text|must be a non-empty text", FILL_IN),
    (r"has the same item twice", _l("The same line is written twice.")),
    (r"is missing: expected one of|expected one of", _l("Choose one of the list.")),
]
_COUNT = re.compile(r"'(\w+)' (?:has (\d+) items: expected|must be a list of) (\d+) to (\d+)")
_TOO_LONG = re.compile(r"is too long: \d+ characters, at most (\d+)")


def _translated(message: str):
    """The author's-language message for one of the bank's problems."""
    if match := _TOO_LONG.search(message):
        most = int(match.group(1))
        return lazy_ngettext(
            "Too long: at most %(num)d character.", "Too long: at most %(num)d characters.", most
        )
    if match := _COUNT.match(message):
        key, low, high = match.group(1), int(match.group(3)), int(match.group(4))
        if key == "answers":
            return _l("Tick at least one right answer.")
        return _l("Write %(low)d to %(high)d lines.", low=low, high=high)
    for pattern, said in MESSAGES:
        if re.search(pattern, message):
            return said
    return FALLBACK


def check(data: dict) -> dict[str, list]:
    """The bank's rules on a written question: {form field: [messages in the author's
    language]}; empty when it is valid. Also one rule of the sets: a picture needs a text
    that says what it shows (for those who cannot see it)."""
    checker = _FieldChecker()
    bank_view = {"source": "S1", **data}
    check_question(checker, bank_view, ())
    if "picture" in data:  # the pictogram: the bank's rule for pictures (lessons, choices)
        checker.picture(data, ())
    errors: dict[str, list] = {}
    for path, message in checker.problems:
        quoted = re.match(r"'(\w+)", message)
        key = path[0] if path else (quoted.group(1) if quoted else "question")
        if key in NOT_ASKED or (key == "competency" and "competency" not in data):
            continue
        field = FIELD_OF_KIND.get(data["type"], {}).get(key) or FIELD_OF.get(key, key)
        said = _translated(message)
        if not any(said is known for known in errors.setdefault(field, [])):
            errors[field].append(said)
    if data.get("image") and not (data.get("image_alt") or "").strip():
        errors.setdefault("image_alt", []).append(FILL_IN)
    return errors


def question_fields(content: dict) -> dict:
    """The form's values for an existing written question (the reverse of question_data)."""
    kind = content["type"]
    fields = {
        "question": content.get("question", ""),
        "explanation": content.get("explanation", ""),
        "pictogram": content.get("picture", ""),
        "competency": content.get("competency", ""),
        "image_alt": content.get("image_alt", ""),
        "choices": [],
        "pictures": [],
        "right": [],
    }
    if kind in ("single", "multiple"):
        fields["choices"] = list(content["choices"])
        right = {content["answer"]} if kind == "single" else set(content["answers"])
        fields["right"] = [str(n) for n, text in enumerate(content["choices"]) if text in right]
    elif kind == "picture":
        fields["choices"] = [choice["label"] for choice in content["choices"]]
        fields["pictures"] = [choice["picture"] for choice in content["choices"]]
        fields["right"] = [
            str(n) for n, c in enumerate(content["choices"]) if c["label"] == content["answer"]
        ]
    elif kind == "order":
        fields["choices"] = list(content["items"])
    elif kind == "truefalse":
        fields["truth"] = "true" if content["answer"] else "false"
    elif kind == "numeric":
        fields["number"] = str(content["answer"])
        fields["unit"] = content.get("unit", "")
        fields["tolerance"] = str(content.get("tolerance", 0))
    return fields


def save_question(data: dict) -> "revision.Question":
    """Store a valid written question as a retired bank row named by its content (no commit):
    the same content twice is the same row, and an edit is a new one."""
    content = {key: value for key, value in data.items() if key != "id"}
    question_id = PREFIX + content_hash(content)[: 40 - len(PREFIX)]
    content["id"] = question_id
    return revision.keep_private_question(question_id, content, content_hash(content))


def written_question(question_id: str):
    """A question written for a set, else 404."""
    row = revision.question_by_id(question_id) if is_written(question_id) else None
    if row is None:
        raise NotYours
    return row


def is_written(question_id: str) -> bool:
    return question_id.startswith(PREFIX)


# --- sets: who sees what ----------------------------------------------------------------------


def _current_groups(user) -> list[int]:
    return [group.id for group in user.groups]


def _shared_with(user):
    """SQL: ids of the sets shared with a group that both this person and the set's author
    are attached to now (attachments read at each request, never remembered)."""
    author_in_group = sa.exists().where(
        group_membership.c.user_id == LiveSet.user_id,
        group_membership.c.group_id == LiveSetShare.group_id,
    )
    return (
        sa.select(LiveSetShare.set_id)
        .join(LiveSet, LiveSet.id == LiveSetShare.set_id)
        .where(LiveSetShare.group_id.in_(_current_groups(user)), author_in_group)
    )


def may_host(user) -> bool:
    return user.is_authenticated and user.role in (Role.VOLUNTEER, Role.TEACHER)


def sets_for(user) -> list[LiveSet]:
    """This person's sets, then those shared with them, newest first (one query)."""
    if not may_host(user):
        return []
    return list(
        db.session.scalars(
            sa.select(LiveSet)
            .where(sa.or_(LiveSet.user_id == user.id, LiveSet.id.in_(_shared_with(user))))
            .order_by((LiveSet.user_id == user.id).desc(), LiveSet.updated_at.desc())
            .limit(50)
        )
    )


def set_for(user, set_id: int, mine: bool = False) -> LiveSet:
    """A set its author reads and changes, or (mine=False) that is shared with this person;
    anything else: 404, as if it did not exist."""
    live_set = db.session.get(LiveSet, set_id)
    if live_set is None or not may_host(user):
        raise NotYours
    if live_set.user_id == user.id:
        return live_set
    if mine or db.session.scalar(_shared_with(user).where(LiveSet.id == set_id).limit(1)) is None:
        raise NotYours
    return live_set


def create_set(user, title: str, client_id: str) -> LiveSet:
    """A new empty set; the same client id (a double tap, a replay) makes it once."""
    if (done := records.already_sent(LiveSet, client_id, user)) is not None:
        return done
    row = LiveSet(user_id=user.id, client_id=client_id, title=title[:TITLE_LENGTH])
    row.question_ids = []
    return records.save_once(row, LiveSet, client_id)


def rename(live_set: LiveSet, title: str) -> None:
    live_set.title = title[:TITLE_LENGTH]
    _touch(live_set)


def _touch(live_set: LiveSet) -> None:
    live_set.updated_at = utcnow()
    db.session.commit()


def questions(live_set: LiveSet) -> "list[revision.Question]":
    """The set's questions in order (one query); a bank question since removed is skipped."""
    found = revision.questions_by_id(live_set.question_ids or [])
    return [found[qid] for qid in live_set.question_ids or [] if qid in found]


def add_questions(live_set: LiveSet, question_ids: list[str]) -> int:
    """Add questions at the end, each once (adding again changes nothing: a double tap is
    harmless); at most MAX_QUESTIONS. Returns how many were added."""
    ids = list(live_set.question_ids or [])
    added = 0
    for question_id in question_ids:
        if question_id not in ids and len(ids) < MAX_QUESTIONS:
            ids.append(question_id)
            added += 1
    live_set.question_ids = ids
    _touch(live_set)
    return added


def replace_question(live_set: LiveSet, old_id: str, new_id: str) -> None:
    """An edited question takes its old place. Sent twice: the old one is gone and the new
    one already there, nothing changes."""
    ids = list(live_set.question_ids or [])
    if old_id in ids and new_id not in ids:
        ids[ids.index(old_id)] = new_id
    elif old_id in ids:
        ids.remove(old_id)
    elif new_id not in ids and len(ids) < MAX_QUESTIONS:
        ids.append(new_id)
    live_set.question_ids = ids
    _touch(live_set)


def remove_question(live_set: LiveSet, question_id: str) -> None:
    live_set.question_ids = [qid for qid in live_set.question_ids or [] if qid != question_id]
    _touch(live_set)


def move_question(live_set: LiveSet, question_id: str, position: int) -> None:
    """Put a question at a place (0 first): a place, not a step, so a double tap moves once."""
    ids = [qid for qid in live_set.question_ids or [] if qid != question_id]
    if len(ids) == len(live_set.question_ids or []):
        return
    ids.insert(max(0, min(position, len(ids))), question_id)
    live_set.question_ids = ids
    _touch(live_set)


def duplicate(user, live_set: LiveSet, title: str, client_id: str) -> LiveSet:
    """A copy that belongs to `user` (the author, or staff it is shared with); once per
    client id."""
    if (done := records.already_sent(LiveSet, client_id, user)) is not None:
        return done
    row = LiveSet(user_id=user.id, client_id=client_id, title=title[:TITLE_LENGTH])
    row.question_ids = list(live_set.question_ids or [])
    return records.save_once(row, LiveSet, client_id)


def share_groups(user) -> list:
    """The groups the author may share with: those they are attached to now."""
    return [group for group in accounts.groups_for(user) if group.id in _current_groups(user)]


def shared_group_ids(live_set: LiveSet) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(LiveSetShare.group_id).where(LiveSetShare.set_id == live_set.id)
        )
    )


def share(live_set: LiveSet, user, group_ids: set[int]) -> None:
    """Share with exactly these groups (the author's current ones only); the others stop.
    The whole choice is sent each time: sending it twice changes nothing."""
    allowed = {group.id for group in share_groups(user)}
    wanted = set(group_ids) & allowed
    have = shared_group_ids(live_set)
    db.session.execute(
        sa.delete(LiveSetShare).where(
            LiveSetShare.set_id == live_set.id, LiveSetShare.group_id.not_in(wanted)
        )
    )
    for group_id in wanted - have:
        db.session.add(LiveSetShare(set_id=live_set.id, group_id=group_id))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same choice sent twice at once: it is stored
        db.session.rollback()


# --- the bank, searched -------------------------------------------------------------------------


def _words(item: dict) -> str:
    parts = [item.get("question", ""), item.get("explanation", ""), *item.get("items", [])]
    for choice in item.get("choices", []):
        parts.append(choice["label"] if isinstance(choice, dict) else choice)
    return grading.fold(" ".join(map(str, parts)), lenient=True)


def search_bank(scope: str | None, words: str, limit: int = 40) -> "list[revision.Question]":
    """Bank questions of a CCP part or topic whose texts hold every word typed, ignoring case
    and accents ("temperature" finds "température"). One query; the bank is a few hundred
    questions, so the words are matched here rather than in SQL (JSON text differs by
    database)."""
    wanted = grading.fold(words, lenient=True).split()[:6]
    found = []
    for question in revision.bank_in_scope(scope):
        text = _words(question.content)
        if all(word in text for word in wanted):
            found.append(question)
            if len(found) >= limit:
                break
    return found


def bank_ids(question_ids: list[str]) -> list[str]:
    """The ids that are current bank questions (what a form may add from the bank)."""
    if not question_ids:
        return []
    found = revision.current_ids(question_ids[:MAX_QUESTIONS])
    return [qid for qid in question_ids if qid in found]


# --- a live session from a set -----------------------------------------------------------------


def start_session(
    host,
    live_set: LiveSet,
    *,
    group,
    time_limit: int | None,
    speed_bonus: bool,
    team_mode: bool,
    client_id: str,
) -> LiveSession:
    """A live session asking the set's questions in the set's order; the same client id
    starts it once (scoped to this host, set and group, as services.create_session does)."""
    return open_room(
        host,
        group,
        target=f"set={live_set.id}|group={group.id if group else 0}",
        client_id=client_id,
        pick=lambda: [question.id for question in questions(live_set)],
        time_limit=time_limit,
        speed_bonus=speed_bonus,
        team_mode=team_mode,
    )
