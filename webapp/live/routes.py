"""Hosting (projector) and playing (phones) live sessions; phones poll a version number."""

import hashlib
import threading
import uuid
from typing import NamedTuple

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, get_translations
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from webapp.accounts import services as accounts
from webapp.accounts.auth import roles_required
from webapp.accounts.models import Role
from webapp.core import grading, outbox, shuffle
from webapp.core.i18n import gettext as _
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import ngettext
from webapp.core.security import cookie_secure
from webapp.core.spreadsheet import csv_response
from webapp.core.templating import feature_globals
from webapp.core.time import as_utc, utcnow
from webapp.core.urls import public_url
from webapp.live import bp, chart, panels, services, sets
from webapp.live.forms import JoinForm, NewSessionForm, NicknameForm
from webapp.privacy.services import audit_reads
from webapp.revision.services import SCOPE_NAMES, SCOPES

HOSTS = (Role.VOLUNTEER, Role.TEACHER)
TIME_LIMITS = {
    0: _l("No countdown"),
    20: _l("20 seconds"),
    30: _l("30 seconds"),
    60: _l("1 minute"),
    90: _l("1 minute 30"),
}
REFUSALS = {
    "closed": _l("This question is closed. Wait for the next one."),
    "late": _l("Time is up for this question."),
    "missing": _l("Choose an answer first."),
    "clash": _l(
        "Two lines have the same place. Give each line its own place (the lines marked in red)."
    ),
}
NO_SESSION = _l("No session has this code. Check it on the wall.")
TOO_MANY_CODES = _l("Too many wrong codes. Wait a few minutes, then try again.")
JOIN_REFUSALS = {
    "taken": _l("This nickname is taken. Choose another one."),
    "full": _l("This room is full."),
    "too_many": _l("Too many players joined from here. Wait a few minutes."),
}


def light(view):
    """A view that must stay cheap: no session refresh, no user lookup (see accounts.auth)."""
    view.light_request = True
    return view


def _cookie(code: str) -> str:
    return f"live-{code}"


def _client() -> str:
    """Who is trying codes and joining: a signed-in device (its sign-in token, read from the
    signed session cookie: no query), else the IP address. So a classroom behind one IP
    keeps playing while one anonymous device there guesses codes."""
    if token := session.get("_user_id"):
        return "device:" + hashlib.sha256(str(token).encode()).hexdigest()[:32]
    return "ip:" + (request.remote_addr or "unknown")


def _session_and_player(code: str):
    """The session behind a code and this phone's player in it. Unknown, over (ended or
    expired) for someone who did not play, or not theirs to see: one answer for all (the
    same 404), counted as a wrong guess; too many wrong guesses: 429 for any code, except
    for the players of that session."""
    client = _client()
    live, player = services.find_with_player(
        code, request.cookies.get(_cookie(code.upper())), current_user
    )
    if player is None and services.guessing_blocked(client):
        abort(429)
    if live is None or (player is None and live.is_over()):
        _no_session(client)
    return live, player


def _no_session(client: str):
    services.record_wrong_code(client)
    abort(404)


# --- host -----------------------------------------------------------------------------------


@bp.get("/live")
@roles_required(*HOSTS)
def index():
    return render_template("live/index.html", sessions=services.sessions_for_staff(current_user))


@bp.route("/live/new", methods=["GET", "POST"])
@roles_required(*HOSTS)
def new():
    form = NewSessionForm(client_id=uuid.uuid4().hex)
    groups = accounts.groups_for(current_user)
    form.group_id.choices = [SelectChoice(0, _l("Anyone with the code"))] + [
        SelectChoice(group.id, group.name) for group in groups
    ]
    form.scopes.choices = [SelectChoice(scope, SCOPE_NAMES[scope]) for scope in SCOPES]
    form.time_limit.choices = [SelectChoice(s, label) for s, label in TIME_LIMITS.items()]
    if form.validate_on_submit():
        group = next((g for g in groups if g.id == form.group_id.data), None)
        live = services.create_session(
            current_user,
            group,
            scopes=[s for s in form.scopes.data if s in SCOPES],
            count=form.count.data,
            time_limit=form.time_limit.data or None,
            speed_bonus=form.speed_bonus.data,
            team_mode=form.team_mode.data,
            client_id=(form.client_id.data or uuid.uuid4().hex)[:64],
        )
        return redirect(url_for("live.host", code=live.code), 303)
    return render_template("live/new.html", form=form)


@bp.get("/live/<code>/host")
@roles_required(*HOSTS)
def host(code: str):
    live = services.hosted_by(current_user, code)
    join_url = public_url("live.join_code", code=live.code)
    context = _host_context(live)
    template = "live/_host_panel.html" if request.headers.get("HX-Request") else "live/host.html"
    response = make_response(render_template(template, live=live, join_url=join_url, **context))
    response.headers["Cache-Control"] = "no-store"
    return response


def _chart(live, question, counts, answered, right, width, font):
    item = question.content
    shown = grading.display_order(item["id"], item["items"]) if item["type"] == "order" else None
    if item["type"] in ("single", "multiple", "picture", "listen"):
        shown = shuffle.choices_shown(current_app.secret_key, shuffle.live_seed(live.id), item)
    words = {
        "true": _("True"),
        "false": _("False"),
        "right": _("Right answers"),
        "other": _("Other answers"),
    }
    rows = chart.rows_for(item, shown or [], counts, answered, right, words)
    return chart.bars(rows, width=width, font=font)


def _host_context(live) -> dict:
    question = services.question_at(live)
    state = live.state
    counts, answered, right = services.tally(live, live.current) if question else ({}, 0, 0)
    everyone = services.players(live)
    return {
        "question": question,
        "counts": counts,
        "answered": answered,
        "right": right,
        "players": everyone,
        "chart": _chart(live, question, counts, answered, right, 1000, 24)
        if question and state == "reveal"
        else None,
        "top": services.top_lines(live) if state == "scores" else [],
        "podium": services.podium(live) if state == "end" else [],
        "bests": services.personal_bests(live) if state == "end" else {},
    }


def _version() -> int:
    return request.form.get("version", type=int) or 0


@bp.post("/live/<code>/advance")
@roles_required(*HOSTS)
def advance(code: str):
    live = services.hosted_by(current_user, code)
    services.advance(live, _version())
    return redirect(url_for("live.host", code=live.code), 303)


TIMER_ACTIONS = {
    "pause": services.pause,
    "resume": services.resume,
    "add": services.add_time,
}


@bp.post("/live/<code>/timer")
@roles_required(*HOSTS)
def timer(code: str):
    """Pause, resume or add time to the countdown; with the room's version, so a double tap
    (or a tap that crossed a change) does it once."""
    live = services.hosted_by(current_user, code)
    action = TIMER_ACTIONS.get(request.form.get("action", ""))
    if action is not None:
        action(live, _version())
    return redirect(url_for("live.host", code=live.code), 303)


@bp.get("/live/<code>/results")
@roles_required(*HOSTS)
def results(code: str):
    live = services.hosted_by(current_user, code)
    names = services.named_players(live, current_user)
    if names:  # real names are shown: each trainee named sees this look
        audit_reads(
            current_user, "live_results_viewed", services.named_user_ids(live), f"live={live.id}"
        )
    return render_template(
        "live/results.html",
        live=live,
        results=services.results(live),
        players=services.players(live),
        grid=services.answer_grid(live),
        asked=services.asked_count(live),
        names=names,
    )


@bp.get("/live/<code>/results.csv")
@roles_required(*HOSTS)
def results_csv(code: str):
    """The results as a spreadsheet file (";" and a BOM: it opens as is in a French Excel or
    LibreOffice); real names only for a teacher of the group, and their look is recorded."""
    live = services.hosted_by(current_user, code)
    names = services.named_players(live, current_user)
    if names:
        audit_reads(
            current_user, "live_results_exported", services.named_user_ids(live), f"live={live.id}"
        )
    labels = {
        "question": _("Question"),
        "text": _("Text"),
        "answered": _("Answered"),
        "right": _("Right answers"),
        "nickname": _("Nickname"),
        "trainee": _("Trainee"),
        "points": _("Points"),
        "yes": _("right"),
        "no": _("not right"),
    }
    rows = services.results_table(live, names, labels)
    return csv_response(rows, f"live-{live.code}.csv")


@bp.post("/live/<code>/review")
@roles_required(*HOSTS)
def review(code: str):
    """ "Review these questions": the session's missed questions go to the revision of the
    signed-in trainees who played. Doing it twice changes nothing more."""
    live = services.hosted_by(current_user, code)
    reached = services.send_review(live, utcnow())
    flash(
        ngettext(
            "The questions missed are in the revision of %(num)d trainee.",
            "The questions missed are in the revision of %(num)d trainees.",
            reached,
        )
        if reached
        else _("No signed-in trainee has a question to review."),
        "success",
    )
    return redirect(url_for("live.results", code=live.code), 303)


# --- players --------------------------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
def join():
    form = JoinForm(code=request.args.get("code", ""))
    status = 200
    if form.validate_on_submit():
        code = form.code.data.strip().upper().replace(" ", "")
        client = _client()
        live = services.find(code)
        player = (
            services.player_for(live, request.cookies.get(_cookie(live.code)), current_user)
            if live
            else None
        )
        if player is None and services.guessing_blocked(client):
            form.code.errors.append(TOO_MANY_CODES)
            status = 429
        elif live is None or (player is None and live.is_over()):
            services.record_wrong_code(client)  # unknown and ended codes: the same answer
            form.code.errors.append(NO_SESSION)
        else:
            return redirect(url_for("live.join_code", code=live.code), 303)
    return render_template("live/join.html", form=form), status


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_code(code: str):
    live, player = _session_and_player(code)
    if player:
        return redirect(url_for("live.play", code=live.code), 303)
    if live.group_id and not (
        current_user.is_authenticated and live.group_id in {g.id for g in current_user.groups}
    ):
        _no_session(_client())  # a group's session: only its members play
    if request.method == "GET" and (page := _nickname_page(live)) is not None:
        return page
    form = NicknameForm(nickname=services.remembered_nickname(current_user))
    if form.validate_on_submit():
        try:
            if not services.may_join_now(_client()):
                raise services.Refused("too_many")
            _player, token = services.join(live, form.nickname.data, current_user)
        except services.Refused as reason:
            form.nickname.errors.append(JOIN_REFUSALS[str(reason)])
        else:
            response = redirect(url_for("live.play", code=live.code), 303)
            response.set_cookie(
                _cookie(live.code),
                token,
                max_age=24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=cookie_secure(),
            )
            return response
    return render_template("live/join_nickname.html", form=form, live=live)


# The nickname page (GET /join/CODE) as an anonymous phone sees it, rendered once per room,
# language and address in this process, cut at the form token: 500 phones ask for it in a
# lobby's few seconds and it is the same page for all of them but that token (no nickname to
# offer, no user, no message). A signed-in person (their remembered nickname, their account),
# a phone with a message waiting or an address with a query string get the page rendered.
_nickname_pages: dict[tuple, list[str]] = {}


def _nickname_page(live) -> str | None:
    if current_user.is_authenticated or "_flashes" in session or request.query_string:
        return None
    created = int(as_utc(live.created_at).timestamp())  # a code given again is another room
    key = (live.id, created, live.team_mode, str(get_locale()), request.script_root, request.path)
    token = generate_csrf()
    if (pieces := _nickname_pages.get(key)) is not None:
        return token.join(pieces)
    page = render_template("live/join_nickname.html", form=NicknameForm(), live=live)
    with _shared_lock:
        if len(_nickname_pages) > 256:  # rooms long over
            _nickname_pages.clear()
        _nickname_pages[key] = page.split(token)
    return page


def _player_or_join(code: str):
    live, player = _session_and_player(code)
    if player is None and outbox.is_outbox():
        abort(404)  # not in this game on this phone: the answer cannot be sent any more
    if player is None:
        abort(redirect(url_for("live.join_code", code=live.code), 303))
    return live, player


class QuestionParts(NamedTuple):
    heading: Markup
    fields: Markup


# What every phone of a room shows alike, made once per room, version, phase and language in this
# process: when a question appears (or its answer) every phone asks for it within two seconds.
# The question's heading and answer fields (live/_question.html), the reveal's chart (its counts
# are final: the question is closed). Each phone's panel adds its own line around them.
_shared: dict[tuple, object] = {}
_shared_lock = threading.Lock()


def _shared_once(live, what: str, make):
    key = (live.id, live.version, live.current, what, str(get_locale()))
    if (found := _shared.get(key)) is not None:
        return found
    made = make()
    with _shared_lock:
        if len(_shared) > 256:  # rooms long moved on
            _shared.clear()
        _shared[key] = made
    return made


def _question_parts(live, question, sent=None, clashes=()) -> QuestionParts:
    def make():
        html = render_template(
            "live/_question.html", live=live, question=question, sent=sent, clashes=clashes
        )
        heading, fields = html.split("<!--fields-->", 1)
        return QuestionParts(Markup(heading), Markup(fields))

    if sent:  # what a player sent back with a clash is theirs: never shared
        return make()
    return _shared_once(live, f"question-{question.id}", make)


def _reveal_chart(live, question):
    return _shared_once(
        live,
        f"reveal-{question.id}",
        lambda: _chart(live, question, *services.tally(live, live.current), 400, 22),
    )


def _panel_context(live, question, state, mine, sent=None, refused=None) -> dict:
    """What a phone's panel shows alike for everyone in the room (but the player's answer)."""
    clashes = grading.clashes(question.content, sent) if sent and question else []
    return {
        "live": live,
        "question": question,
        "mine": mine,
        "shared": _question_parts(live, question, sent, clashes)
        if question and state == "question" and not mine
        else None,
        "reveal": _reveal_chart(live, question) if question and state == "reveal" else None,
        "refused": refused,
        "sent": sent,
        "poll_key": services.poll_key(live),
    }


def _asked(live) -> int:
    """Questions asked so far (the current one included; a room ended from its lobby: 0)."""
    return min(live.current + 1, len(live.question_ids))


def _play(live, player, refused=None, mine=None, sent=None, status=200, warm=False):
    question = services.question_at(live)
    state = live.state
    mine = mine or (services.my_answer(player, live.current) if question else None)
    top = services.top_lines(live) if state in ("scores", "end") else []
    own = services.own_line(live, player, top) if top else None
    context = _panel_context(live, question, state, mine, sent, refused)
    best = services.personal_bests(live).get(player.id) if state == "end" else None
    me = panels.me_for(
        get_translations(),
        get_locale(),
        player,
        mine,
        _asked(live),
        own.place if own else None,
        live.left if state == "question" else None,
    )
    template = "live/_play_panel.html" if request.headers.get("HX-Request") else "live/play.html"
    response = make_response(
        render_template(
            template,
            player=player,
            me=me,
            top=top,
            own=own,
            podium=services.podium(live) if state == "end" else [],
            best=None
            if best is None
            else panels.Best(
                player.score > best, panels.points_text(get_translations(), get_locale(), best)
            ),
            client_id=uuid.uuid4().hex,
            **context,
        ),
        status,
    )
    response.headers["Cache-Control"] = "no-store"
    if warm and request.headers.get("HX-Request"):
        _warm_panels(live, question, state)
    return response


# The variants of a version's panel (live.panels): how each phone of the room may see it.
ANSWERS_SEEN = {"reveal": None, "reveal-right": True, "reveal-wrong": False}
PANEL_STATES = ("lobby", "question", "reveal", "scores", "end")


class _Answer(NamedTuple):
    correct: bool
    points: int


def _warm_panels(live, question, state) -> None:
    """Read the room's players once and render this version's panel in this language once
    for each way a phone sees it, so the room's next polls are answered before Flask."""
    if state not in PANEL_STATES or live.state != state:
        return
    up = live.time_is_up()
    key = panels.key(live.code, live.created_at, live.version, up)
    language = str(get_locale())
    cache = panels.cache_of(current_app)
    if (*key, language) in cache.panels or not cache.start(key, language):
        return  # made already, or being made by another thread: this phone needs it not
    try:
        _make_panels(live, question, state, key, language, cache)
    finally:
        cache.done(key, language)


def make_panels(code: str, key: tuple, language: str) -> None:
    """The panels of version `key` in `language`, made for the shortcut (live.shortcut, which
    holds the making for that key) when a phone brings news this process has no panel for:
    inside a bare request context of that language (no session, no user: nothing of the phone
    that asked goes into a panel for the whole room). The room moved on meanwhile: nothing."""
    live = services.find(code)
    if live is None or str(get_locale()) != language:
        return
    state = live.state
    if state not in PANEL_STATES or (live.is_over() and state != "end"):
        return
    if panels.key(live.code, live.created_at, live.version, live.time_is_up()) != key:
        return
    question = services.question_at(live)
    _make_panels(live, question, state, key, language, panels.cache_of(current_app))


def _make_panels(live, question, state, key, language, cache) -> None:
    up = key[3]
    found = cache.rosters.get(key)
    if found is None:
        bests = services.personal_bests(live) if state == "end" else None
        found = panels.roster(services.roster_rows(live), bests)
    # Each variant's detail: the answer seen at the reveal, the id highlighted in the scores.
    variants: dict[str, object] = {}
    top = []
    if state in ("lobby", "question"):
        variants[state] = None
    if state == "question":
        variants[panels.SENT] = True  # what the phone that answered sees
    elif state == "reveal":
        variants.update(ANSWERS_SEEN)
    elif state == "end":
        variants.update(panels.END_BESTS)
    else:
        ranked = sorted(found.seats.values(), key=lambda seat: seat.rank)[: panels.TOP]
        places = services.places([seat.score for seat in ranked])
        top = [services.Line(n, seat) for n, seat in zip(places, ranked, strict=True)]
        variants.update({f"scores-{seat.rank}": seat.id for seat in ranked})
        variants["scores-own"] = -1
    rendered = {}
    podium = services.podium(live) if state == "end" else []
    for name, detail in variants.items():
        me = panels.marked(detail if state == "scores" else -1)
        mine = (
            _Answer(detail, 0) if state in ("reveal", "question") and detail is not None else None
        )
        own = services.Line(me.place, me) if name == "scores-own" or state == "end" else None
        best = panels.Best(detail, panels.mark("best_points")) if state == "end" else None
        html = render_template(
            "live/_play_panel.html",
            player=me,
            me=me,
            top=top,
            own=own,
            podium=podium,
            best=best if detail is not None else None,
            client_id=panels.mark("client_id"),
            csrf_token=lambda: panels.mark("csrf"),
            **_panel_context(live, question, state, mine),
        )
        rendered[name] = panels.cut(html)
    if live.time_is_up() != up:  # the countdown ran out while rendering: not this version's
        return
    cache.keep(cache.rosters, key, found)
    if state == "question":  # before the panel: an answer the shortcut takes needs both
        asked = panels.Asked(
            live.id,
            live.current,
            question.id,
            question.content,
            live.question_started_at,
            live.speed_bonus,
            live.time_limit,
        )
        cache.keep(cache.asked, key, asked)
    panel = panels.Panel(
        state,
        rendered,
        get_translations(),
        get_locale(),
        _asked(live),
        live.paused_left if live.paused else None,
        live.deadline if state == "question" else None,
    )
    cache.keep(cache.panels, (*key, language), panel)


@bp.get("/live/<code>/play")
def play(code: str, warm: bool = False):
    live, player = _player_or_join(code)
    if not warm and (page := _lobby_page(live, player)) is not None:
        return page
    return _play(live, player, warm=warm)


# The play page in the lobby (where a phone lands once it joined) as an anonymous phone sees
# it: rendered once per room, version, language and address in this process with markers
# where the player's words and the form token go, and filled in for each phone (live.panels),
# as the nickname page is: 500 phones land there in a lobby's few seconds. A signed-in person,
# a phone with a message waiting or an address with a query get it rendered.
_lobby_pages: dict[tuple, panels.Panel] = {}


def _lobby_page(live, player):
    if (
        live.state != "lobby"
        or request.headers.get("HX-Request")
        or current_user.is_authenticated
        or "_flashes" in session
        or request.query_string
    ):
        return None
    language = str(get_locale())
    version = panels.key(live.code, live.created_at, live.version, False)
    key = (*version, language, request.script_root, request.path)
    if (panel := _lobby_pages.get(key)) is None:
        me = panels.marked()
        html = render_template(
            "live/play.html",
            player=me,
            me=me,
            top=[],
            own=None,
            podium=[],
            best=None,
            client_id=panels.mark("client_id"),
            csrf_token=lambda: panels.mark("csrf"),
            **_panel_context(live, None, "lobby", None),
        )
        translations = get_translations()
        panel = panels.Panel(
            "lobby", {"lobby": panels.cut(html)}, translations, get_locale(), 0, None, None
        )
        with _shared_lock:
            if len(_lobby_pages) > 256:  # rooms long moved on
                _lobby_pages.clear()
            _lobby_pages[key] = panel
    seat = panels.Seat(player.id, player.nickname, player.score, player.right, False, False, 0, 0)
    if (html := panels.fill(panel, "lobby", seat, [], utcnow(), generate_csrf())) is None:
        return None
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/live/<code>/poll")
@light
def poll(code: str):
    """Nothing new: 204 and no body, after one indexed query. Else the new phase's panel.
    Unknown, over or blocked: the full checks of the play page (same answers as there).
    The phone says which version it shows and whether its question's time was up then
    (up=1): a countdown that ran out since is news too."""
    found = services.poll_state(code.upper())
    if found is None or found.over or services.guessing_blocked(_client()):
        return play(code)
    shown = (request.args.get("v", type=int), request.args.get("up", 0, type=int) == 1)
    if (found.version, found.time_is_up(utcnow())) == shown:
        response = make_response("", 204)
        response.headers["Cache-Control"] = "no-store"
        return response
    return play(code, warm=True)


def _sent_panel(live, question, player, mine) -> str | None:
    """The "Answer sent" panel for the phone that just answered the open question, filled in
    from this version's panel (made here if this process has none yet) rather than rendered:
    answers come in a burst when a question opens. None: _play renders it."""
    if live.state != "question" or mine.question_index != live.current:
        return None
    key = panels.key(live.code, live.created_at, live.version, False)
    language, cache = str(get_locale()), panels.cache_of(current_app)
    if (*key, language) not in cache.panels:
        _warm_panels(live, question, "question")
    panel = cache.panels.get((*key, language))
    if panel is None or panel.state != "question":
        return None
    seat = panels.Seat(
        player.id,
        player.nickname,
        player.score,
        player.right,
        True,
        bool(mine.correct),
        mine.points,
        0,
    )
    return panels.fill(panel, panels.SENT, seat, [], utcnow(), None)


@bp.post("/live/<code>/answer")
@outbox.write
def answer(code: str):
    live, player = _player_or_join(code)
    index = request.form.get("index", type=int)
    question = services.question_at(live, index if index is not None else -1)
    refused = mine = sent = None
    given = grading.answer_from_form(question.content, request.form) if question else None
    if question is None:
        refused = REFUSALS["closed"]
    elif given is None:
        # Shown back as sent, the lines sharing a place marked: nothing else is lost.
        clash = grading.clashes(question.content, request.form)
        refused = REFUSALS["clash" if clash else "missing"]
        if live.state == "question" and index == live.current:
            sent = request.form.to_dict(flat=False)
    else:
        try:
            mine = services.answer(live, player, index, given, utcnow())
        except services.Refused as reason:
            refused = REFUSALS[str(reason)]
    if refused:
        outbox.invalid({"answer": [refused]})
    if request.headers.get("HX-Request"):
        if mine is not None and (html := _sent_panel(live, question, player, mine)) is not None:
            response = make_response(html)
            response.headers["Cache-Control"] = "no-store"
            return response
        return _play(live, player, refused, mine, sent)
    if sent:  # without JavaScript too: the page with the answer as sent, not a fresh form
        return _play(live, player, refused, sent=sent, status=422)
    if refused:
        flash(refused, "error")
    return redirect(url_for("live.play", code=live.code), 303)


NEXT_LABELS = {
    "lobby": _l("Start the quiz"),
    "question": _l("Show the answer"),
    "reveal": _l("Show the scores"),
    "scores": _l("Next question"),
}
PHASE_NAMES = {
    "lobby": _l("Waiting"),
    "question": _l("Question"),
    "reveal": _l("Answer"),
    "scores": _l("Scores"),
    "end": _l("Ended"),
}

# The names this feature's templates use (core.templating.feature_globals).
feature_globals(
    bp,
    next_labels=NEXT_LABELS,
    phase_names=PHASE_NAMES,
    set_kind_names=sets.KIND_NAMES,
)
