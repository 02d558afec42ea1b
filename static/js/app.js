// Small enhancements on top of pages that already work without JavaScript.
(function () {
  "use strict";
  var body = document.body;

  // --- Service worker: keeps the app shell, the offline page and lessons saved for offline.
  var sw = body.dataset.sw;
  if (sw && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(sw, { scope: "/" }).then(saveLessonsForOffline).catch(function () {});
  }

  // --- Print buttons are hidden without JavaScript (the browser's own print menu still works).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

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

  // --- Read aloud with the phone's own voices; buttons stay hidden when there is no voice.
  var speech = window.speechSynthesis;
  var SLOW = "passerelle.slow";
  function voiceFor(lang) {
    var prefix = lang.slice(0, 2);
    return speech.getVoices().filter(function (v) { return v.lang.replace("_", "-").indexOf(prefix) === 0; })[0];
  }
  function showSpeakButtons() {
    if (!speech) return;
    var any = false;
    document.querySelectorAll("button.speak").forEach(function (button) {
      var ok = !!voiceFor(button.dataset.lang || "fr-FR");
      button.hidden = !ok;
      any = any || ok;
    });
    document.querySelectorAll("[data-speech-controls]").forEach(function (el) { el.hidden = !any; });
  }
  if (speech) {
    showSpeakButtons();
    speech.addEventListener("voiceschanged", showSpeakButtons);
    document.addEventListener("htmx:afterSwap", showSpeakButtons);
    var slow = document.querySelector("[data-speak-slow]");
    if (slow) {
      slow.checked = localStorage.getItem(SLOW) === "1";
      slow.addEventListener("change", function () { localStorage.setItem(SLOW, slow.checked ? "1" : "0"); });
    }
    document.addEventListener("click", function (event) {
      var button = event.target.closest("button.speak");
      if (!button) return;
      speech.cancel();
      var utterance = new SpeechSynthesisUtterance(button.dataset.say);
      utterance.lang = button.dataset.lang || "fr-FR";
      utterance.voice = voiceFor(utterance.lang) || null;
      utterance.rate = localStorage.getItem(SLOW) === "1" ? 0.6 : 1;
      speech.speak(utterance);
    });
  }

  // --- Pages saved for offline (lesson copies, today's questions): nothing personal beyond them.
  function saveLessonsForOffline() {
    document.querySelectorAll("[data-save-offline]").forEach(function (badge) {
      var urls = badge.dataset.saveOffline.split(" ");
      navigator.serviceWorker.ready.then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          if (!event.data || !event.data.saved) return;
          var size = badge.querySelector("[data-size]");
          if (size) size.textContent = "(" + Math.max(1, Math.round(event.data.bytes / 1024)) + " KB)";
          badge.hidden = false;
        };
        registration.active.postMessage({ type: "save-pages", urls: urls }, [channel.port2]);
      });
    });
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

  // --- Answers given without network wait on the phone, each with its own id, and are sent once.
  var QUEUE = "passerelle.queue";
  function readQueue() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "[]"); } catch (e) { return []; }
  }
  function writeQueue(items) { localStorage.setItem(QUEUE, JSON.stringify(items)); }
  function freshToken() {
    var match = /"X-CSRFToken": "([^"]+)"/.exec(body.getAttribute("hx-headers") || "");
    return match ? match[1] : "";
  }
  function newId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function queueForm(form) {
    var fields = [];
    new FormData(form).forEach(function (value, key) { fields.push([key, value]); });
    fields.push(["answered_at", new Date().toISOString()]);  // reviews are scheduled in answer order
    // A saved copy of a page may be answered several times: each answer gets its own id.
    var idField = form.querySelector('input[name="client_id"]');
    if (idField) idField.value = newId();
    var items = readQueue();
    items.push({ url: form.action, fields: fields });
    writeQueue(items);
    form.querySelectorAll("[data-queued]").forEach(function (el) { el.hidden = false; });
  }
  function replay() {
    var items = readQueue();
    if (!items.length || !navigator.onLine) return;
    var next = items[0];
    var data = new FormData();
    next.fields.forEach(function (pair) { if (pair[0] !== "csrf_token") data.append(pair[0], pair[1]); });
    // The token saved with the answer may have expired: always send this page's fresh one.
    data.append("csrf_token", freshToken());
    fetch(next.url, { method: "POST", body: data, credentials: "same-origin",
                      headers: { "HX-Request": "true", "X-CSRFToken": freshToken() } })
      .then(function (response) {
        if (response.ok || response.status === 404) {  // 404: the exercise is gone, drop it
          writeQueue(readQueue().slice(1));
          replay();
        } else {
          body.dataset.queueError = String(response.status);  // kept, retried on the next page
        }
      })
      .catch(function () {});
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-queue]") || navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    queueForm(form);
  }, true);
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-queue]")) queueForm(form);
  });
  window.addEventListener("online", replay);
  replay();
  // Signing out forgets what this phone kept for the person: the next person must not see or send it.
  document.querySelectorAll('form[action$="/logout"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      localStorage.removeItem(QUEUE);
      if (window.caches) caches.delete("passerelle-saved");
    });
  });
})();
