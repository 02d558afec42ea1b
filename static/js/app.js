// Small enhancements on top of pages that already work without JavaScript.
(function () {
  "use strict";
  var body = document.body;

  // --- Service worker: keeps the app shell, the offline page and lessons saved for offline.
  var sw = body.dataset.sw;
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: "/" }).catch(function () {});
  }

  // --- Print buttons are hidden without JavaScript (the browser's own print menu still works).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // --- A file larger than its form takes (data-max-bytes): said beside the field at once, before
  // a phone spends its data on sending it (without JavaScript the server says the same).
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var note = document.getElementById(input.dataset.tooBig);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooBig = Boolean(file && file.size > Number(input.dataset.maxBytes));
      if (tooBig) input.value = "";
      if (note) note.hidden = !tooBig;
    });
  });

  // --- A login card's QR code: its token comes in the #fragment, which no server log, Referer or
  // (once removed here) browser history keeps; the page then offers one "Sign in" button.
  var cardForm = document.querySelector("[data-card-sign-in]");
  if (cardForm && location.hash.length > 1) {
    var token = location.hash.slice(1);
    try { token = decodeURIComponent(token); } catch (e) { /* kept as it came: refused politely */ }
    cardForm.elements.token.value = token;
    history.replaceState(null, "", location.pathname + location.search);
    cardForm.hidden = false;
  }

  // --- "Show" buttons beside passphrase fields, for people who type slowly.
  document.querySelectorAll('input[type="password"]').forEach(function (input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--small reveal";
    button.textContent = body.dataset.showLabel || "Show";
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-controls", input.id);
    button.addEventListener("click", function () {
      var shown = input.type === "text";
      input.type = shown ? "password" : "text";
      button.setAttribute("aria-pressed", shown ? "false" : "true");
    });
    input.insertAdjacentElement("afterend", button);
  });

  // --- Read aloud: with the phone's own voice for the language when it has one, else the
  // recording the link points at (espeak-ng, made when content was loaded). Without JavaScript
  // the link opens the recording.
  var speech = window.speechSynthesis;
  var SLOW = "passerelle.slow";
  var player = null;
  function voiceFor(lang) {
    if (!speech || !speech.getVoices) return null;
    var prefix = lang.slice(0, 2);
    return speech.getVoices().filter(function (v) { return v.lang.replace("_", "-").indexOf(prefix) === 0; })[0];
  }
  function showSpeechControls() {
    var any = !!document.querySelector(".speak");
    document.querySelectorAll("[data-speech-controls]").forEach(function (el) { el.hidden = !any; });
  }
  showSpeechControls();
  document.addEventListener("htmx:afterSwap", showSpeechControls);
  var slow = document.querySelector("[data-speak-slow]");
  if (slow) {
    slow.checked = localStorage.getItem(SLOW) === "1";
    slow.addEventListener("change", function () { localStorage.setItem(SLOW, slow.checked ? "1" : "0"); });
  }
  function stop() {
    if (speech) speech.cancel();
    if (player) { player.pause(); player = null; }
    document.querySelectorAll(".is-playing").forEach(function (b) { b.classList.remove("is-playing"); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".speak");
    if (!link) return;
    event.preventDefault();
    stop();
    var lang = link.dataset.lang || "fr-FR", slower = localStorage.getItem(SLOW) === "1";
    // A teacher's own recording is played even where the phone has a voice: it is theirs.
    var voice = !link.classList.contains("speak--own") && voiceFor(lang);
    if (voice) {
      var utterance = new SpeechSynthesisUtterance(link.dataset.say || link.value);
      utterance.lang = lang;
      utterance.voice = voice;
      utterance.rate = slower ? 0.6 : 1;
      speech.speak(utterance);
      return;
    }
    // No voice on this phone: the recording (saved with the offline copy of a lesson), or for a
    // private figure one made for this answer only, its words sent in the POST body.
    if (link.form) {
      var body = new FormData(link.form);
      body.append("text", link.value);
      link.classList.add("is-playing");
      fetch(link.form.action, { method: "POST", body: body, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw r; return r.blob(); })
        .then(function (blob) { play(link, URL.createObjectURL(blob), slower); })
        .catch(function () { link.classList.remove("is-playing"); });
      return;
    }
    play(link, link.href, slower);
  });
  // Press and hold a button or a tab to hear its label, in the interface language, without
  // pressing it: for people who read little. The phone's voice when it has one; else a recording
  // made for this answer only (a label may name a goal or a person, so it never goes in an
  // address nor in the shared recordings). The hold swallows the tap that ends it.
  var HOLD = "button, .button, .bottom-nav a, input[type=submit], summary";
  var holding = null, held = false;
  function labelOf(el) {
    return (el.getAttribute("aria-label") || el.value && el.matches("input") && el.value || el.textContent || "").replace(/\s+/g, " ").trim();
  }
  function sayLabel(el) {
    var lang = document.documentElement.lang || "fr", text = labelOf(el);
    if (!text) return;
    stop();
    var voice = voiceFor(lang);
    if (voice) {
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = lang;
      utterance.voice = voice;
      speech.speak(utterance);
      return;
    }
    var token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
    var body = new FormData();
    body.append("text", text);
    body.append("lang", lang);
    fetch("/audio/private", { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": token || "" } })
      .then(function (r) { if (!r.ok) throw r; return r.blob(); })
      .then(function (blob) { play(el, URL.createObjectURL(blob), false); })
      .catch(function () {});
  }
  // Whether a press was a hold is decided from the events' own times, never from when the
  // timer ran: on a busy phone the timer can fire before a quick tap's release is handled, and
  // that tap must still go through.
  var HOLD_MS = 600, downAt = 0;
  document.addEventListener("pointerdown", function (event) {
    var el = event.target.closest && event.target.closest(HOLD);
    held = false;
    clearTimeout(holding);
    downAt = el && !el.closest(".speak") ? event.timeStamp : 0;
    if (!downAt) return;
    holding = setTimeout(function () { sayLabel(el); }, HOLD_MS);
  });
  document.addEventListener("pointerup", function (event) {
    clearTimeout(holding);
    held = downAt > 0 && event.timeStamp - downAt >= HOLD_MS;
    downAt = 0;
    // The hold swallows the click its release makes, and nothing after it: where a long press
    // makes no click (some phones), a later tap or key must not be taken for it.
    if (held) setTimeout(function () { held = false; }, 500);
  }, true);
  ["pointercancel", "scroll"].forEach(function (name) {
    document.addEventListener(name, function () { clearTimeout(holding); downAt = 0; }, true);
  });
  document.addEventListener("click", function (event) {
    if (held) { held = false; event.preventDefault(); event.stopImmediatePropagation(); }
  }, true);
  document.addEventListener("contextmenu", function (event) {
    if (held || (event.target.closest && event.target.closest(HOLD))) event.preventDefault();
  });
  function play(link, url, slower) {
    player = new Audio(url);
    player.defaultPlaybackRate = player.playbackRate = slower ? 0.75 : 1;
    link.classList.add("is-playing");
    player.addEventListener("ended", stop);
    player.play().catch(function () { link.classList.remove("is-playing"); });
  }

  // --- Mock exam: the time left, counted down (the end time is written on the page anyway).
  document.querySelectorAll("[data-deadline]").forEach(function (el) {
    var end = Date.parse(el.dataset.deadline);
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      el.textContent = "⏱ " + Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
    }
    el.hidden = false;
    tick();
    setInterval(tick, 1000);
  });

  // --- Live quiz: the seconds left, counted down from the server's figure (not the phone's
  // clock, which may be off); the poll brings the reveal once the server says time is up.
  var timers = [];
  function startTimers(root) {
    (root || document).querySelectorAll("[data-left]").forEach(function (el) {
      if (el.dataset.ticking || el.dataset.paused) return;
      el.dataset.ticking = "1";
      var end = Date.now() + parseInt(el.dataset.left, 10) * 1000, out = el.querySelector("[data-seconds]");
      timers.push(function () {
        var left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
        if (out) out.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
        el.classList.toggle("timer--low", left <= 5);
      });
    });
  }
  startTimers(document);
  setInterval(function () { timers.forEach(function (tick) { tick(); }); }, 1000);
  // The projector's keys (space = next, P = pause, + = more time, S = skip): each button says its
  // key in data-key and aria-keyshortcuts; the hint shows only where the keys work (here).
  function showShortcuts() {
    document.querySelectorAll("[data-shortcuts]").forEach(function (el) { el.hidden = false; });
  }
  showShortcuts();
  document.addEventListener("htmx:afterSwap", function () {
    timers = [];
    startTimers(document);
    showShortcuts();
  });
  document.addEventListener("keydown", function (event) {
    var host = document.getElementById("host");
    if (!host || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    // Space on a focused button or link presses that one, as everywhere.
    if (event.key === " " && target.closest && target.closest("button, a, summary")) return;
    var key = event.key.length === 1 ? event.key.toUpperCase() : "";
    if (key === "=" && event.shiftKey) key = "+";
    var button = key && Array.prototype.filter.call(host.querySelectorAll("[data-key]"), function (b) {
      return b.dataset.key === key;
    })[0];
    if (!button || button.disabled || button.form && button.form.dataset.sending) return;
    event.preventDefault();
    if (button.form) button.form.dataset.sending = "1";  // a held key sends once
    button.click();
  });

  // --- A tapped trade word opens its box of words. Chromium opens a closed <details> when a link
  // targets something inside it; this does the same in browsers that do not (yet).
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.term[href^='#']");
    var entry = link && document.getElementById(link.hash.slice(1));
    var box = entry && entry.closest("details");
    if (box) { box.open = true; }
  });

  // --- Order and match for thumbs: tiles to tap, built from the selects that work without
  // JavaScript. The selects stay in the form (hidden) and hold the answer, so grading, the
  // outbox and the offline copy's own grading read the same fields as before.
  function tile(text, cls) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "tap " + cls;
    var words = document.createElement("span");
    words.className = "tap__text";
    words.lang = "fr";
    words.dir = "ltr";
    words.textContent = text;
    button.append(words);
    return button;
  }
  function changed(select) { select.dispatchEvent(new Event("change", { bubbles: true })); }
  // A tile and its speaker move together: the line's own speaker link (a button cannot hold a
  // link), so every line can be heard before it is placed, by the phone's voice or a recording.
  function withSpeaker(button, speaker) {
    var wrap = document.createElement("span");
    wrap.className = "tapwrap";
    wrap.append(button);
    if (speaker) wrap.append(speaker.cloneNode(true));
    return wrap;
  }

  function orderTiles(lines) {
    var rows = Array.prototype.slice.call(lines.querySelectorAll(".match"));
    var selects = rows.map(function (row) { return row.querySelector("select"); });
    var board = document.createElement("div"), slots = document.createElement("ol"), pool = document.createElement("div");
    board.className = "tapboard";
    slots.className = "slots";
    pool.className = "pool";
    var holders = rows.map(function (row, place) {
      var li = document.createElement("li"), number = document.createElement("span");
      li.className = "slot";
      number.className = "slot__number";
      number.setAttribute("aria-hidden", "true");
      number.textContent = place + 1;
      li.append(number);
      slots.append(li);
      return li;
    });
    var tiles = rows.map(function (row, index) {
      var button = tile(row.querySelector("label").textContent.trim(), "tap--line");
      var wrap = withSpeaker(button, row.querySelector(".speak"));
      wrap.dataset.line = index;
      button.addEventListener("click", function () {
        var holder = wrap.closest(".slot");
        if (holder) {  // placed: back to the pool, where it was
          selects[index].value = "";
          putBack(wrap);
        } else {  // to the first free place
          var free = holders.filter(function (h) { return !h.querySelector(".tap"); })[0];
          if (!free) return;
          free.append(wrap);
          selects[index].value = String(holders.indexOf(free) + 1);
        }
        changed(selects[index]);
        button.focus();
      });
      return wrap;
    });
    function putBack(wrap) {
      var after = tiles.filter(function (t) { return t.parentNode === pool && +t.dataset.line > +wrap.dataset.line; })[0];
      pool.insertBefore(wrap, after || null);
    }
    // What the selects already say (an answer shown again): a place taken twice keeps the first.
    tiles.forEach(function (wrap, index) {
      var holder = holders[parseInt(selects[index].value, 10) - 1];
      if (holder && !holder.querySelector(".tap")) {
        holder.append(wrap);
      } else {
        selects[index].value = "";
        pool.append(wrap);
      }
    });
    board.append(slots, pool);
    return board;
  }

  function matchTiles(lines) {
    var rows = Array.prototype.slice.call(lines.querySelectorAll(".match"));
    var selects = rows.map(function (row) { return row.querySelector("select"); });
    var pairWord = lines.dataset.pairWord || "{n}";
    var board = document.createElement("div"), lefts = document.createElement("div"), rights = document.createElement("div");
    board.className = "tapboard pairing";
    lefts.className = "pairing__col";
    rights.className = "pairing__col";
    var active = null;
    function badge(button) {  // the pair's number, seen; "pair 2", heard
      var span = document.createElement("span"), said = document.createElement("span");
      span.className = "tap__badge";
      span.setAttribute("aria-hidden", "true");
      said.className = "visually-hidden";
      button.prepend(span);
      button.append(said);
    }
    var leftTiles = rows.map(function (row, index) {
      var button = tile(row.querySelector("label").textContent.trim(), "tap--left");
      button.dataset.line = index;
      badge(button);
      lefts.append(withSpeaker(button, row.querySelector(".speak")));
      return button;
    });
    var voices = {};  // the right-hand words' speakers, rendered hidden beside the selects
    lines.querySelectorAll("[data-voice-for]").forEach(function (v) { voices[v.dataset.voiceFor] = v.querySelector(".speak"); });
    var rightTiles = Array.prototype.slice.call(selects[0].options).filter(function (o) { return o.value; })
      .map(function (option) {
        var button = tile(option.textContent.trim(), "tap--right");
        button.dataset.value = option.value;
        badge(button);
        rights.append(withSpeaker(button, voices[option.value]));
        return button;
      });
    function partner(right) {  // the line a right-hand tile is paired with, or -1
      return selects.map(function (s) { return s.value; }).indexOf(right.dataset.value);
    }
    function paint() {
      leftTiles.concat(rightTiles).forEach(function (button) {
        var line = button.dataset.value != null ? partner(button) : (selects[button.dataset.line].value ? +button.dataset.line : -1);
        button.className = button.className.replace(/\s*tap--pair\d+/g, "").replace(/\s*tap--paired/g, "");
        var mark = button.querySelector(".tap__badge"), said = button.querySelector(".visually-hidden");
        if (line >= 0) button.classList.add("tap--paired", "tap--pair" + (line % 6));
        mark.textContent = line >= 0 ? line + 1 : "";
        said.textContent = line >= 0 ? " (" + pairWord.replace("{n}", line + 1) + ")" : "";
        button.setAttribute("aria-pressed", button === active ? "true" : "false");
      });
    }
    function pair(left, right) {
      var line = +left.dataset.line, before = partner(right);
      if (before >= 0) { selects[before].value = ""; changed(selects[before]); }
      selects[line].value = right.dataset.value;
      changed(selects[line]);
    }
    function tap(button) {
      var isRight = button.dataset.value != null;
      var paired = isRight ? partner(button) >= 0 : !!selects[button.dataset.line].value;
      if (paired && !active) {  // a tap on a pair undoes it
        var line = isRight ? partner(button) : +button.dataset.line;
        selects[line].value = "";
        changed(selects[line]);
      } else if (active && (active.dataset.value != null) !== isRight) {  // the other side: a pair
        pair(isRight ? active : button, isRight ? button : active);
        active = null;
      } else {
        active = active === button ? null : button;
      }
      paint();
    }
    leftTiles.concat(rightTiles).forEach(function (button) {
      button.addEventListener("click", function () { tap(button); });
    });
    // A right-hand side chosen twice (an answer shown again): the first line keeps it.
    selects.forEach(function (select, index) {
      if (select.value && selects.slice(0, index).some(function (s) { return s.value === select.value; })) select.value = "";
    });
    paint();
    board.append(lefts, rights);
    return board;
  }

  function enhanceTiles(root) {
    root.querySelectorAll("[data-tiles]").forEach(function (lines) {
      if (lines.dataset.built || !lines.querySelector("select")) return;
      lines.dataset.built = "1";
      var board = lines.dataset.tiles === "order" ? orderTiles(lines) : matchTiles(lines);
      lines.hidden = true;
      lines.before(board);
      var hint = lines.parentNode.querySelector("[data-tiles-hint]");
      if (hint) hint.textContent = hint.dataset.tilesHint;
    });
  }
  // A wrong answer shown again is marked until the learner changes it.
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var marked = event.target.closest && event.target.closest(".answer--wrong");
      if (marked) marked.classList.remove("answer--wrong");
    });
  });
  enhanceTiles(document);
  document.addEventListener("htmx:load", function (event) { enhanceTiles(event.detail.elt.parentNode || document); });
  // A live answer lost on its way (the network dropped, a server restarting) is sent again
  // after 1, 2, 4 then 8 s, and the player is told; the server counts it once (its client id).
  // After that, the player is asked to send it again themselves: nothing is lost silently.
  var LIVE_RETRIES = window.LIVE_RETRIES || [1000, 2000, 4000, 8000];  // tests shorten them
  function retryLiveAnswer(event) {
    var form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-live-retry]")) return;
    if (event.type === "htmx:responseError" && event.detail.xhr.status < 500) return;
    var tries = Number(form.dataset.tries || 0);
    var note = form.querySelector(".live-retry");
    if (!note) {
      note = document.createElement("p");
      note.className = "live-retry";
      note.setAttribute("role", "status");
      form.append(note);
    }
    if (tries >= LIVE_RETRIES.length) {
      delete form.dataset.tries;
      note.textContent = form.dataset.liveFailed;
      return;
    }
    form.dataset.tries = tries + 1;
    note.textContent = form.dataset.liveRetry;
    setTimeout(function () {
      if (document.body.contains(form)) window.htmx.trigger(form, "submit");
    }, LIVE_RETRIES[tries]);
  }
  document.addEventListener("htmx:sendError", retryLiveAnswer);
  document.addEventListener("htmx:responseError", retryLiveAnswer);
  // The form's reset button or an offline form.reset() empties the selects: the tiles follow.
  document.addEventListener("reset", function (event) {
    event.target.querySelectorAll("[data-tiles][data-built]").forEach(function (lines) {
      setTimeout(function () {
        lines.previousElementSibling.remove();
        delete lines.dataset.built;
        enhanceTiles(lines.parentNode);
      });
    });
  });

  // --- The outbox (outbox.js): a write waits on the phone until the server acknowledges its id.
  var O = window.Outbox;
  if (!O || !window.indexedDB) return;
  var words = {};
  try { words = JSON.parse(document.body.dataset.outboxWords); } catch (e) { /* none */ }
  var pageUser = body.dataset.userId || null;  // signed in on this page
  var shell = !!document.querySelector("[data-offline-home]");  // the offline page: no session
  var me = pageUser, last = null, sentNow = [], backoff = 0, timer = null;  // sentNow: also discarded
  var TIMEOUT = window.OUTBOX_TIMEOUT || 6000;
  var SAVED = "passerelle-saved-";

  function say(key, vars) {
    return (words[key] || "").replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? vars[k] : m; });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }
  function french(text) {  // lesson titles are French content, even in an Arabic page
    var span = el("span", null, text);
    span.lang = "fr";
    span.dir = "ltr";
    return span;
  }
  function same(a, b) { return a != null && b != null && String(a) === String(b); }
  function newId() { return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random(); }
  function pageToken() {
    var match = /"X-CSRFToken": "([^"]+)"/.exec(body.getAttribute("hx-headers") || "");
    return match ? match[1] : "";
  }
  // What this phone keeps for one person (saved pages, the copy of home): gone when they leave.
  function forget(user) {
    var gone = window.caches ? [caches.delete(SAVED + user), caches.delete("passerelle-saved")] : [];
    return Promise.all(gone.concat(O.setMeta("home", null))).catch(function () {});
  }

  function render() {
    return O.all().then(function (all) {
      var items = all.filter(function (i) { return same(i.user, me); });
      var needs = items.some(function (i) { return i.state === "needs"; });
      document.querySelectorAll("[data-outbox-badge]").forEach(function (badge) {
        badge.hidden = !items.length;
        badge.querySelector("[data-count]").textContent = items.length;
        badge.classList.toggle("outbox-badge--needs", needs);
      });
      // Signed out (or the session ended): the person who wrote them is asked to sign in again.
      var note = document.querySelector("[data-outbox-note]"), owner = pageUser || (!shell && last);
      var waiting = all.filter(function (i) {
        return same(i.user, owner) && (!pageUser || i.reason === "signin");
      }).length;
      if (note) {
        note.hidden = !waiting;
        note.textContent = say("signin_note", { n: waiting });
      }
      var shown = items.concat(sentNow.filter(function (s) {
        return same(s.user, me) && !items.some(function (i) { return i.client_id === s.client_id; });
      }));
      document.querySelectorAll("[data-outbox-list]").forEach(function (list) {
        list.textContent = "";
        if (!shown.length && !shell) list.append(el("li", "outbox__empty", say("empty")));
        shown.forEach(function (item) {
          var li = el("li", "card outbox__item outbox__item--" + item.state);
          li.dataset.clientId = item.client_id;
          li.dataset.state = item.state;
          var typed = el("bdi", "outbox__label", item.label);  // typed text or a French question
          li.append(el("strong", null, say(item.kind) || item.kind), typed,
                    el("span", "outbox__state", say(item.state)));
          if (item.state !== "sent" && words[item.reason]) li.append(el("span", "outbox__why", say(item.reason)));
          Object.keys(item.errors || {}).forEach(function (field) {
            li.append(el("span", "error", item.errors[field].join(" ")));
          });
          if (item.state !== "sent" && item.state !== "discarded") {
            var discard = el("button", "button button--small", say("discard"));
            discard.type = "button";
            discard.disabled = item.state === "sending";
            discard.addEventListener("click", function () {
              if (!confirm(say("discard_ask"))) return;
              O.discard(item.client_id).then(function (done) {
                if (done) sentNow.push(Object.assign({}, item, { state: "discarded", reason: "" }));
                return render();
              });
            });
            li.append(discard);
          }
          list.append(li);
        });
      });
    }).catch(function () {});
  }

  function sync() {
    return O.sync(TIMEOUT).then(function (result) {
      clearTimeout(timer);
      (result.sent || []).forEach(function (i) { sentNow.push(Object.assign({}, i, { state: "sent" })); });
      if (result.left && result.offline) {  // try again later, waiting longer each time (max 5 min)
        backoff = Math.min(backoff ? backoff * 2 : 5000, 300000);
        timer = setTimeout(sync, backoff);
      } else {
        backoff = 0;
      }
      return render();
    }).catch(function () {});
  }
  function backgroundSync() {
    if (!navigator.serviceWorker) return;
    navigator.serviceWorker.ready.then(function (r) { return r.sync && r.sync.register("outbox"); })
      .catch(function () {});
  }

  // --- Offline-capable forms: kept first, then sent; no network in time = it waits on the phone.
  function label(form) {
    var parts = [];
    form.querySelectorAll("input[type=text], input[type=number], textarea").forEach(function (f) {
      if (f.value.trim()) parts.push(f.value.trim());
    });
    var heading = form.closest("section") && form.closest("section").querySelector("h1, h3");
    var text = parts.join(" · ") || (heading ? heading.textContent.trim() : "");
    return text.length > 60 ? text.slice(0, 59) + "…" : text;
  }
  function gradeHere(form) {  // a lesson copy carries its keys: feedback now, the server decides later
    var key;
    try { key = JSON.parse(form.dataset.key || "null"); } catch (e) { key = null; }
    if (!key) return;
    var data = new FormData(form), right = Object.keys(key).every(function (name) {
      var want = key[name], got = data.getAll(name).map(function (v) { return String(v).trim(); });
      if (want.num != null) {
        var n = parseNumber(got[0] || "");
        return n !== null && Math.abs(n - want.num) <= want.tol;
      }
      if (want.fold) {
        return want.any.indexOf(fold(got[0] || "", want.lenient)) >= 0;
      }
      return got.slice().sort().join("\n") === want.slice().sort().join("\n");
    });
    var out = form.querySelector("[data-local-grade]") || el("p", "feedback", "");
    out.dataset.localGrade = "";
    out.setAttribute("role", "status");
    out.className = "feedback feedback--" + (right ? "right" : "wrong");
    out.textContent = say(right ? "right" : "wrong");
    form.append(out);
  }
  function parseNumber(text) {  // as webapp.core.grading.parse_number: "−18", "moins 18", "- 18 °C", "63,5"
    var m = /(?:([-+]|(?:^|[^\w\u00c0-\u024f])(?:moins|minus|plus))\s*)?(\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?)/i
      .exec(String(text).replace(/[\u2212\u2010\u2011\u2012\u2013\u2014\u2796\ufe63\uff0d]/g, "-"));
    if (!m) return null;
    var n = parseFloat(m[2].replace(/[ \u00a0\u202f]/g, "").replace(",", "."));
    var sign = (m[1] || "").trim().replace(/^[^-+a-z]+/i, "").toLowerCase();
    return sign === "-" || sign === "moins" || sign === "minus" ? -n : n;
  }
  function fold(text, lenient) {
    text = text.split(/\s+/).filter(Boolean).join(" ");
    return lenient ? text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/’/g, "'") : text;
  }

  // A strictly increasing time for each queued write, so two taps in one millisecond keep order.
  var lastStamp = 0;
  function stamp() { lastStamp = Math.max(Date.now(), lastStamp + 1); return lastStamp; }

  function submit(form, idField, submitter) {
    var data;
    try { data = new FormData(form, submitter); } catch (e) { data = new FormData(form); }
    var fields = [];
    data.forEach(function (value, key) { if (typeof value === "string") fields.push([key, value]); });
    if (!data.has("answered_at")) fields.push(["answered_at", new Date().toISOString()]);
    var kind = form.dataset.queue.indexOf("/") > 0 ? "lesson" : form.dataset.queue;
    var item = { client_id: idField.value, kind: kind, user: pageUser, url: form.action, body: fields,
                 state: "waiting", reason: "", attempts: 0, at: stamp(), label: label(form) };
    return O.add(item).then(function (added) {
      // The same id again: a form sent back with errors and fixed; it replaces what waited.
      return added || O.update(item.client_id, { body: fields, state: "waiting", reason: "", errors: null });
    }).then(function () {
      backgroundSync();
      render();
      return navigator.onLine === false ? { kind: "retry" } : O.send(item, pageToken(), TIMEOUT);
    }).then(function (result) {
      if (result.kind === "ack" || result.kind === "invalid" || result.kind === "discarded") return result;
      // Sent meanwhile by the service worker or another tab: acknowledged all the same.
      return O.get(item.client_id).then(function (still) { return still ? result : { kind: "ack" }; });
    }).then(function (result) {
      if (result.kind === "ack") {
        sentNow.push(Object.assign({}, item, { state: "sent" }));
        render();
        if (form.getAttribute("hx-post") && window.htmx) {  // the server's own feedback
          return htmx.ajax("POST", form.getAttribute("hx-post"), {
            source: form, target: form.getAttribute("hx-target"), swap: "outerHTML" });
        }
        location.assign(form.dataset.done || location.href);
        return new Promise(function () {});  // this page is leaving: the form stays busy
      }
      if (result.kind === "invalid") {  // let the server show what to fix, next to the field
        return O.remove(item.client_id).then(function () { HTMLFormElement.prototype.submit.call(form); });
      }
      form.querySelectorAll("[data-queued]").forEach(function (note) {
        note.hidden = false;
        if (result.kind !== "retry") note.textContent = say(words[result.kind] ? result.kind : "needs");
      });
      gradeHere(form);
      if (!form.getAttribute("hx-post")) form.reset();
      // This write waits with its own id. A tap before anything is typed again is the same
      // write (a double tap on a slow phone), never an empty new one; typing starts a new write.
      form.dataset.keptId = idField.value;
      if (result.kind === "retry") { clearTimeout(timer); timer = setTimeout(sync, backoff || 5000); }
      return render();
    });
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var form = event.target.form;
      if (!form || !form.dataset.keptId) return;
      delete form.dataset.keptId;  // something new is being written: it gets its own id
      var idField = form.querySelector('input[name="client_id"]');
      if (idField) idField.value = newId();
    });
  });
  document.addEventListener("submit", function (event) {
    var form = event.target, idField = form.querySelector('input[name="client_id"]');
    if (!pageUser || !form.matches("form[data-queue]") || !idField) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (form.dataset.busy) return;  // a second tap while the first is on its way: the same write
    if (form.dataset.keptId) {  // nothing typed since it was kept on this phone: say so again
      form.querySelectorAll("[data-queued]").forEach(function (note) { note.hidden = false; });
      return;
    }
    form.dataset.busy = "1";
    submit(form, idField, event.submitter).catch(function (e) { console.error("outbox", e); })
      .then(function () { delete form.dataset.busy; });
  }, true);

  // --- Signing out: warn about what is not sent; forget what this phone kept for the person.
  document.querySelectorAll('form[action$="/logout"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.leaving) return;
      event.preventDefault();
      O.all().then(function (all) {
        var mine = all.filter(function (i) { return same(i.user, pageUser); }).length;
        if (mine && !confirm(say("signout_ask", { n: mine }))) return;
        return forget(pageUser).then(function () { return O.setMeta("user", null); }).then(function () {
          form.dataset.leaving = "1";
          HTMLFormElement.prototype.submit.call(form);
        });
      });
    });
  });

  // --- The copy of home, lessons and today's questions kept for offline, for this person only.
  function kilobytes(bytes) {  // "54 ko", "54 kB", "54 كيلوبايت": the page's language says it
    var kb = Math.max(1, Math.round(bytes / 1024));
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "fr",
                                   { style: "unit", unit: "kilobyte" }).format(kb);
    } catch (e) { return kb + " KB"; }
  }
  function savePages(urls, badge) {
    if (!navigator.serviceWorker || !urls.length) return;
    navigator.serviceWorker.ready.then(function (registration) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        if (!badge || !event.data || !event.data.saved) return;
        var size = badge.querySelector("[data-size]");
        if (size) size.textContent = "(" + kilobytes(event.data.bytes) + ")";
        badge.hidden = false;
      };
      // Recordings are kept with the copies only where the phone lacks a voice they stand for.
      var lang = document.documentElement.lang || "fr";
      var recordings = !voiceFor("fr-FR") || (lang !== "fr" && !voiceFor(lang));
      registration.active.postMessage({ type: "save-pages", urls: urls, user: pageUser, recordings: recordings },
                                      [channel.port2]);
    });
  }
  function refreshHome() {
    document.querySelectorAll("[data-save-offline]").forEach(function (badge) {
      savePages(badge.dataset.saveOffline.split(" "), badge);
    });
    return O.meta("home").then(function (home) {
      if (home && same(home.user, pageUser) && Date.now() - home.at < 300000 && location.pathname !== "/") return;
      return fetch("/offline/home", { credentials: "same-origin", headers: { "X-Outbox": "1" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !same(data.user, pageUser)) return;
          data.at = Date.now();
          var urls = data.saved_lessons.map(function (l) { return l.url; });
          if (data.reviews_due) urls.push("/revision/review/offline");
          if (data.week) urls.push(data.week);  // the trainee's week, opened offline at /week
          savePages(urls);
          return O.setMeta("home", data);
        });
    }).catch(function () {});
  }
  function renderHome() {
    var box = document.querySelector("[data-offline-home]");
    return O.meta("home").then(function (home) {
      if (!box || !home || !same(home.user, me)) return;
      return caches.open(SAVED + me).then(function (cache) {
        var list = el("ul", "saved-lessons");
        box.append(el("h2", null, say("hello", { name: "\u2068" + home.name + "\u2069" })));  // FSI…PDI: the name isolated
        if (home.next_lesson) {
          var next = el("a", "button button--primary"), label = el("span", null, say("next_lesson") + " : ");
          label.append(french(home.next_lesson.title));  // one flex item: the words flow as one line
          next.append(label);
          next.href = home.next_lesson.url;
          box.append(next);
        }
        if (home.reviews_due) {
          var review = el("a", "button", say("review", { n: home.reviews_due }));
          review.href = "/revision/review";
          box.append(review);
        }
        box.append(el("h3", null, say("saved")), list);
        box.hidden = false;
        return Promise.all(home.saved_lessons.map(function (lesson) {
          return cache.match(lesson.url).then(function (hit) { return hit && hit.blob(); }).then(function (blob) {
            if (!blob) return;
            var li = el("li"), link = el("a", null, null);
            link.append(french(lesson.title));
            link.href = lesson.url.replace(/\/offline$/, "");
            li.append(link, " ", el("bdi", null, "(" + kilobytes(blob.size) + ")"));
            list.append(li);
          });
        }));
      });
    }).catch(function () {});
  }

  // The former queue (localStorage, before the outbox): moved into the outbox, then removed.
  var old = null;
  try { old = JSON.parse(localStorage.getItem("passerelle.queue") || "null"); } catch (e) { old = null; }
  localStorage.removeItem("passerelle.queue");
  if (pageUser && old && old.length) {
    old.forEach(function (entry) {
      var id = (entry.fields.filter(function (f) { return f[0] === "client_id"; })[0] || [])[1] || newId();
      O.add({ client_id: id, kind: entry.url.indexOf("/lessons/") >= 0 ? "lesson" : "revision", user: pageUser,
              url: entry.url, body: entry.fields, state: "waiting", reason: "", attempts: 0, at: stamp(),
              label: "" });
    });
  }

  O.meta("user").then(function (user) {
    last = user;
    if (pageUser) {
      // Another person signed in on this phone: nothing kept for the one before stays visible.
      var change = user != null && !same(user, pageUser) ? forget(user) : null;
      return Promise.resolve(change).then(function () {
        last = pageUser;
        return Promise.all([O.setMeta("user", pageUser), O.setMeta("words", words)]);
      }).then(refreshHome);
    }
    if (shell) {
      me = user;
      return O.meta("words").then(function (saved) { words = saved || words; return renderHome(); });
    }
  }).then(render).then(sync).catch(function () {});
  window.addEventListener("online", sync);
})();
