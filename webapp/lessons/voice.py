"""A teacher's own voice on the lessons they write: recorded in the browser (or sent from the
phone's recorder), re-encoded to Ogg Opus by core.audio, kept in the database, and played on
every phone instead of the synthetic voice."""

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa

from webapp.core import audio
from webapp.core.errors import NotYours
from webapp.extensions import db
from webapp.lessons import spoken
from webapp.lessons.models import Lesson, VoiceRecording
from webapp.lessons.services import authored_lesson, may_read


@dataclass(frozen=True)
class Line:
    """One text of a lesson a teacher can record, with its recording when there is one."""

    words: str  # audio.words_key: what the recording is matched by
    text: str
    lang: str
    recording: VoiceRecording | None


def lines(lesson: Lesson) -> list[Line]:
    """Every text the lesson page reads aloud, once each, in page order, with its recording."""
    mine = own_recordings(lesson)
    seen, result = set(), []
    for text, lang in spoken.lesson_texts(lesson.content):
        words = audio.words_key(text, lang)
        if words not in seen:
            seen.add(words)
            result.append(Line(words, audio.normalise(text), lang, mine.get(words)))
    return result


def own_recordings(lesson: Lesson) -> dict[str, VoiceRecording]:
    """The lesson's recordings by the words they read (one query; without their sound)."""
    if lesson.module != "app":
        return {}
    rows = db.session.scalars(_OWN_RECORDINGS, {"lesson_id": lesson.id})
    return {row.words: row for row in rows}


# Built once (each view of a teacher's lesson asks): building a statement cost SQLAlchemy more
# than running it.
_OWN_RECORDINGS = (
    sa.select(VoiceRecording)
    .where(VoiceRecording.lesson_id == sa.bindparam("lesson_id"))
    .options(sa.orm.defer(VoiceRecording.data))
)


def save(author, lesson_id: str, *, words: str, sent: bytes) -> VoiceRecording:
    """Keep the author's recording of one text of their lesson, replacing the one before: sending
    the same take twice (a double tap) leaves one recording. Raises audio.NotUsable. (The app's
    request limit, MAX_CONTENT_LENGTH, bounds what is sent.)"""
    lesson = authored_lesson(author, lesson_id)
    if words not in {line.words for line in lines(lesson)}:
        raise NotYours  # not a text of this lesson (any more)
    made = audio.transcode(sent)
    row = db.session.scalar(
        sa.select(VoiceRecording).where(
            VoiceRecording.lesson_id == lesson.id, VoiceRecording.words == words
        )
    ) or VoiceRecording(lesson_id=lesson.id, words=words)
    row.data, row.seconds, row.author_id = made.data, made.seconds, author.id
    row.sha = hashlib.sha256(made.data).hexdigest()
    db.session.add(row)
    db.session.commit()
    return row


def remove(author, lesson_id: str, *, words: str) -> None:
    """Back to the synthetic voice for this text (nothing to remove is not an error: a replay)."""
    lesson = authored_lesson(author, lesson_id)
    db.session.execute(
        sa.delete(VoiceRecording).where(
            VoiceRecording.lesson_id == lesson.id, VoiceRecording.words == words
        )
    )
    db.session.commit()


def playable(user, sha: str) -> VoiceRecording:
    """A recording this person may hear: one of a lesson they may read, else 404."""
    row = db.session.scalar(sa.select(VoiceRecording).where(VoiceRecording.sha == sha).limit(1))
    if row is None or not may_read(user, db.session.get(Lesson, row.lesson_id)):
        raise NotYours
    return row
