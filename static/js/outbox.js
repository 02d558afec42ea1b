// The outbox: every write the phone could not send yet, in IndexedDB, until the server acknowledges
// its client id (protocol: /outbox/token, X-Outbox headers). Shared by pages and the service worker.
(function (self) {
  "use strict";
  var opened;
  function db() {
    return opened || (opened = new Promise(function (ok, ko) {
      var open = indexedDB.open("passerelle", 1);
      open.onupgradeneeded = function () {
        open.result.createObjectStore("outbox", { keyPath: "client_id" });
        open.result.createObjectStore("meta");
      };
      open.onsuccess = function () { ok(open.result); };
      open.onerror = function () { opened = null; ko(open.error); };
    }));
  }
  // One transaction; fn gets the store and returns the request whose result we want (or nothing).
  function tx(name, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (ok, ko) {
        var t = d.transaction(name, mode), out, request = fn(t.objectStore(name));
        if (request) request.addEventListener("success", function () { out = request.result; });
        t.oncomplete = function () { ok(out); };
        t.onerror = t.onabort = function () { ko(t.error); };
      });
    });
  }
  var O = {
    // Oldest first: writes reach the server in the order they were made (the store's own order
    // is by client id, which is random).
    all: function () {
      return tx("outbox", "readonly", function (s) { return s.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return (a.at || 0) - (b.at || 0); });
      });
    },
    get: function (id) { return tx("outbox", "readonly", function (s) { return s.get(id); }); },
    remove: function (id) { return tx("outbox", "readwrite", function (s) { s.delete(id); }); },
    meta: function (key) { return tx("meta", "readonly", function (s) { return s.get(key); }); },
    setMeta: function (key, value) {
      return tx("meta", "readwrite", function (s) { if (value == null) s.delete(key); else s.put(value, key); });
    },
    // Adds the item unless its client id is already there (a double tap): true when added.
    add: function (item) {
      return tx("outbox", "readwrite", function (s) {
        var request = s.get(item.client_id);
        request.onsuccess = function () { if (!request.result) s.add(item); };
        return request;
      }).then(function (found) { return !found; });
    },
    // Changes an item still waiting (true), never bringing back one acknowledged meanwhile (false).
    update: function (id, patch) {
      return tx("outbox", "readwrite", function (s) {
        var request = s.get(id);
        request.onsuccess = function () {
          var item = request.result;
          if (item) s.put(Object.assign(item, patch));
        };
        return request;
      }).then(function (item) { return !!item; });
    },
    // Discarded by its owner: refused while it is on its way (it may be stored already).
    discard: function (id) {
      return tx("outbox", "readwrite", function (s) {
        var request = s.get(id);
        request.onsuccess = function () { if (request.result && request.result.state !== "sending") s.delete(id); };
        return request;
      }).then(function (item) { return !!item && item.state !== "sending"; });
    },
  };

  function timed(url, options, ms) {
    var control = new AbortController(), timer = setTimeout(function () { control.abort(); }, ms);
    options.signal = control.signal;
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        clearTimeout(timer);
        var json = {};
        try { json = JSON.parse(text); } catch (e) { /* not for us */ }
        return { response: response, json: json };
      });
    }, function (error) { clearTimeout(timer); throw error; });
  }

  // A fresh CSRF token and whose session it is: {csrf, user} or {reason: "signin" | "retry"}.
  O.token = function (ms) {
    return timed("/outbox/token", { headers: { "X-Outbox": "1" }, cache: "no-store" }, ms || 6000)
      .then(function (r) {
        if (r.response.status === 200 && r.json.csrf) return r.json;
        return { reason: r.response.status === 401 ? "signin" : "retry" };
      }, function () { return { reason: "retry" }; });
  };

  // One try at sending an item: {kind: "ack" | "signin" | "other-user" | "csrf" | "invalid" |
  // "gone" | "retry", json}. Only a 200 acknowledging this very client id counts as sent.
  O.post = function (item, token, ms) {
    var data = new URLSearchParams();
    item.body.forEach(function (pair) { if (pair[0] !== "csrf_token") data.append(pair[0], pair[1]); });
    data.append("csrf_token", token);
    return timed(item.url, {
      method: "POST", body: data, redirect: "manual", cache: "no-store",
      headers: { "X-Outbox": "1", "X-Outbox-User": String(item.user), "X-CSRFToken": token },
    }, ms || 6000).then(function (r) {
      var status = r.response.status, why = r.response.headers.get("X-Outbox-Reason");
      if (status === 200 && r.response.headers.get("X-Outbox-Ack") === item.client_id) {
        return { kind: "ack", json: r.json };
      }
      if (status === 401) return { kind: "signin" };
      if (status === 409) return { kind: "other-user" };
      if (status === 403 && why === "csrf") return { kind: "csrf" };
      if (status === 422) return { kind: "invalid", json: r.json };
      if (status === 404) return { kind: "gone" };
      return { kind: "retry" };  // offline, no answer in time, 429, 5xx, a redirect, anything else
    }, function () { return { kind: "retry" }; });
  };

  // Sends one item with a token; a stale token is refreshed once. Records the outcome. An item
  // this page is sending already is not sent twice: a tap's send and the sync a page starts
  // with can both pick up a write just kept (on a slow phone the sync reads the outbox after
  // the tap added to it); the second gets the first's outcome.
  var inFlight = {};
  O.send = function (item, token, ms) {
    var id = item.client_id;
    if (!inFlight[id]) {
      var done = function () { delete inFlight[id]; };
      inFlight[id] = sendOnce(item, token, ms);
      inFlight[id].then(done, done);
    }
    return inFlight[id];
  };
  function sendOnce(item, token, ms) {
    return O.update(item.client_id, { state: "sending" })
      .then(function (found) { return found ? O.post(item, token, ms) : { kind: "discarded" }; })
      .then(function (result) {
        if (result.kind !== "csrf") return result;
        return O.token(ms).then(function (fresh) {
          return fresh.csrf && String(fresh.user) === String(item.user)
            ? O.post(item, fresh.csrf, ms) : { kind: fresh.reason || "other-user" };
        });
      })
      .then(function (result) {
        var k = result.kind;
        if (k === "discarded") return result;
        if (k === "ack") return O.remove(item.client_id).then(function () { return result; });
        var needs = k === "invalid" || k === "gone" || k === "signin";
        var errors = k === "invalid" ? (result.json && result.json.errors) || {} : null;
        return O.update(item.client_id, {
          state: needs ? "needs" : "waiting", reason: k === "csrf" ? "retry" : k, errors: errors,
          attempts: (item.attempts || 0) + 1,
        }).then(function () { return result; });
      });
  }

  // Sends what waits for the user whose session this is (the server says who: never anyone else's).
  var running = null;
  O.sync = function (ms) {
    if (running) return running;
    var run = function () {
      return O.all().then(function (items) {
        var due = items.filter(function (i) { return i.state !== "needs" || i.reason === "signin"; });
        if (!due.length) return { left: 0 };
        return O.token(ms).then(function (token) {
          if (!token.csrf) {
            if (token.reason !== "signin") return { left: due.length, offline: true };
            return O.meta("user").then(function (last) {
              return Promise.all(due.filter(function (i) { return String(i.user) === String(last); })
                .map(function (i) { return O.update(i.client_id, { state: "needs", reason: "signin" }); }));
            }).then(function () { return { left: due.length, signin: true }; });
          }
          var mine = due.filter(function (i) { return String(i.user) === String(token.user); });
          var sent = [];
          var step = function (index) {
            if (index >= mine.length) return { left: mine.length - sent.length, sent: sent };
            return O.send(mine[index], token.csrf, ms).then(function (result) {
              if (result.kind === "ack") sent.push(mine[index]);
              if (result.kind === "retry" || result.kind === "signin" || result.kind === "other-user") {
                return { left: mine.length - sent.length, sent: sent, offline: result.kind === "retry" };
              }
              return step(index + 1);
            });
          };
          return step(0);
        });
      });
    };
    var locked = self.navigator.locks
      ? self.navigator.locks.request("passerelle-outbox", run) : run();
    running = locked.then(function (r) { running = null; return r; },
                          function (e) { running = null; throw e; });
    return running;
  };

  self.Outbox = O;
})(self);
