"""A teacher's own voice on the lessons they write: recorded (any phone or browser format),
re-encoded to Ogg Opus, kept in the database, and played instead of the synthetic voice to the
people who may read the lesson, and to no one else."""

import io
import math
import struct
import wave

import av
import pytest
import sqlalchemy as sa

from tests.test_lessons import FIXTURES
from webapp.accounts.models import Role
from webapp.core import audio
from webapp.extensions import db
from webapp.lessons import content, voice
from webapp.lessons.models import VoiceRecording
from webapp.lessons.services import save_app_lesson

EN = {"Accept-Language": "en"}


def tone(seconds: float, *, rate: int = 44_100, channels: int = 2) -> bytes:
    """A WAV file with a sound in it, as a phone's recorder app could send."""
    frames = b"".join(
        struct.pack("<" + "h" * channels, *[int(9000 * math.sin(i / 18))] * channels)
        for i in range(int(rate * seconds))
    )
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(channels)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(frames)
    return out.getvalue()


def as_webm(wav: bytes) -> bytes:
    """The same sound as Chrome's MediaRecorder sends it: WebM with Opus inside."""
    out = io.BytesIO()
    with av.open(io.BytesIO(wav)) as source, av.open(out, "w", format="webm") as target:
        stream = target.add_stream("libopus", rate=48_000, layout="mono")
        resample = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        for frame in source.decode(audio=0):
            for mono in resample.resample(frame):
                for packet in stream.encode(mono):
                    target.mux(packet)
        for packet in stream.encode(None):
            target.mux(packet)
    return out.getvalue()


@pytest.fixture
def own(app, make_user, make_group, login, ctx):
    """A teacher's lesson (the first test lesson, written in the app), its author signed in."""
    group, elsewhere = make_group(), make_group()
    teacher = make_user(Role.TEACHER, group=group)
    loaded, problems = content.read_lessons(FIXTURES / "lessons")
    assert not problems
    lesson = save_app_lesson(teacher, {**loaded[0], "id": "mine"}, "id: mine")
    http = app.test_client()
    login(teacher, http=http)
    return {
        "http": http,
        "lesson": lesson,
        "teacher": teacher,
        "trainee": make_user(Role.TRAINEE, group=group),
        "stranger": make_user(Role.TRAINEE, group=elsewhere),
        "other_teacher": make_user(Role.TEACHER, group=elsewhere),
    }


def send(http, lesson_id, words, data, name="voice.webm", headers=None):
    return http.post(
        f"/lessons/{lesson_id}/voice",
        data={"words": words, "recording": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=headers or {},
    )


def test_any_recording_is_re_encoded_to_small_ogg_opus():
    for sent in (tone(2.0), as_webm(tone(2.0))):
        made = audio.transcode(sent)
        assert made.data[:4] == b"OggS" and b"OpusHead" in made.data[:100]
        assert made.seconds == 2.0
        assert len(made.data) < 10_000  # 24 kbit/s mono: about 6 KB for two seconds


@pytest.mark.parametrize(
    ("sent", "reason"),
    [
        (b"GIF89a not a sound at all", "not sound"),
        (b"", "not sound"),
        (tone(0.1), "no sound"),
        (tone(91, rate=8000, channels=1), "too long"),
    ],
)
def test_what_is_not_a_usable_recording_is_refused(sent, reason):
    with pytest.raises(audio.NotUsable, match=reason):
        audio.transcode(sent)


def test_the_author_records_a_text_and_trainees_hear_it(app, own, login):
    http, lesson = own["http"], own["lesson"]
    page = http.get(f"/lessons/{lesson.id}/voice")
    assert page.status_code == 200
    # The microphone is allowed on this page only.
    assert "microphone=(self)" in page.headers["Permissions-Policy"]
    assert "microphone=()" in http.get(f"/lessons/{lesson.id}").headers["Permissions-Policy"]
    title = voice.lines(lesson)[0]
    assert title.text == lesson.content["title"] and title.recording is None
    assert f'value="{title.words}"' in page.text

    sent = send(http, lesson.id, title.words, as_webm(tone(1.5)))
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/lessons/{lesson.id}/voice#w-{title.words}")
    again = send(http, lesson.id, title.words, as_webm(tone(1.5)))  # a double tap: one recording
    assert again.status_code == 303
    rows = db.session.scalars(sa.select(VoiceRecording)).all()
    assert len(rows) == 1 and rows[0].seconds == 1.5 and rows[0].data[:4] == b"OggS"
    url = f"/voice/{rows[0].sha}.ogg"

    # The trainee's lesson page points the title's speaker at the teacher's voice; other texts
    # keep the synthetic voice.
    trainee = app.test_client()
    login(own["trainee"], http=trainee)
    lesson_page = trainee.get(f"/lessons/{lesson.id}").text
    assert f'class="speak speak--own" href="{url}"' in lesson_page
    assert lesson_page.count("speak--own") == 1
    heard = trainee.get(url)
    assert heard.status_code == 200 and heard.mimetype == "audio/ogg"
    assert heard.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    assert heard.data == rows[0].data
    # The offline copy carries it too.
    assert url in trainee.get(f"/lessons/{lesson.id}/offline").text


def test_nobody_else_hears_or_records_it(app, own, login):
    http, lesson = own["http"], own["lesson"]
    words = voice.lines(lesson)[0].words
    assert send(http, lesson.id, words, tone(1.0)).status_code == 303
    url = f"/voice/{db.session.scalar(sa.select(VoiceRecording.sha))}.ogg"
    for person in ("stranger", "other_teacher"):
        other = app.test_client()
        login(own[person], http=other)
        assert other.get(url).status_code == 404
        assert other.get(f"/lessons/{lesson.id}/voice").status_code == 404
        assert send(other, lesson.id, words, tone(1.0)).status_code == 404
        assert (
            other.post(f"/lessons/{lesson.id}/voice/remove", data={"words": words}).status_code
            == 404
        )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoiceRecording)) == 1
    # A text that is not in the lesson is not recordable.
    assert send(http, lesson.id, "0" * 32, tone(1.0)).status_code == 404


def test_a_bad_file_gets_a_message_next_to_its_text(own):
    http, lesson = own["http"], own["lesson"]
    words = voice.lines(lesson)[2].words
    refused = send(http, lesson.id, words, b"%PDF-1.7 a letter", name="voice.webm", headers=EN)
    assert refused.status_code == 422
    assert 'id="e-' + words + '"' in refused.text
    assert "This file is not a sound recording. Record again." in refused.text
    assert 'aria-invalid="true"' in refused.text and "autofocus" in refused.text
    empty = http.post(f"/lessons/{lesson.id}/voice", data={"words": words}, headers=EN)
    assert empty.status_code == 422 and "Record or choose a recording first." in empty.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoiceRecording)) == 0


def test_back_to_the_synthetic_voice(own):
    http, lesson = own["http"], own["lesson"]
    words = voice.lines(lesson)[0].words
    send(http, lesson.id, words, tone(1.0))
    assert http.post(f"/lessons/{lesson.id}/voice/remove", data={"words": words}).status_code == 303
    assert http.post(f"/lessons/{lesson.id}/voice/remove", data={"words": words}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoiceRecording)) == 0
    assert "speak--own" not in http.get(f"/lessons/{lesson.id}").text


def test_a_recording_falls_silent_when_its_words_change(own):
    http, lesson = own["http"], own["lesson"]
    title = voice.lines(lesson)[0]
    send(http, lesson.id, title.words, tone(1.0))
    save_app_lesson(
        own["teacher"], {**lesson.content, "title": "Un autre titre"}, "id: mine", lesson
    )
    assert "speak--own" not in http.get(f"/lessons/{lesson.id}").text
    assert voice.lines(lesson)[0].recording is None


def test_erasing_the_teacher_erases_their_voice(own):
    from webapp.privacy.services import erase_user

    lesson = own["lesson"]
    send(own["http"], lesson.id, voice.lines(lesson)[0].words, tone(1.0))
    erase_user(own["teacher"].id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoiceRecording)) == 0
