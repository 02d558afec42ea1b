// Passerelle service worker {{ version }}.
// Keeps the versioned shell files, the offline page, and for the person signed in last the copies
// saved for offline use (lessons, today's questions) in a cache of their own. Other pages with
// personal data always come from the network and are never stored. Background Sync sends the outbox.
importScripts({{ outbox_url|tojson }});
const CACHE = "passerelle-{{ version }}";
const SAVED = "passerelle-saved-";  // + the user id
const SHELL = {{ urls|tojson }};
const OFFLINE = {{ offline_url|tojson }};
const WAIT = 12000;  // "connected but no data": after this, a page is taken from the phone
// Pages that may be kept for offline use; each has a copy at <page>/offline holding no personal state.
const SAVEABLE = /^\/(lessons\/[a-z0-9-]+|revision\/review|week)\/offline$/;
// Recordings a saved page links to (read-aloud for phones without a voice): named by their
// content's hash, so a saved one never goes stale.
const RECORDING = /\/audio\/[0-9a-f]{32}\.opus/g;
// A teacher's own voice on their lesson: named by its hash too, and kept with every copy (it
// is played even where the phone has a voice).
const OWN_VOICE = /\/voice\/[0-9a-f]{64}\.ogg/g;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE && !key.startsWith(SAVED))
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

async function offlineFallback(url) {
  const user = await Outbox.meta("user").catch(() => null);
  const saved = user != null && await caches.open(SAVED + user);
  const copy = saved && ((await saved.match(url.pathname)) || (await saved.match(`${url.pathname}/offline`)));
  return copy || caches.match(OFFLINE);
}

function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), ms))]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(withTimeout(fetch(request), WAIT).catch(() => offlineFallback(url)));
  } else if (url.pathname.startsWith("/static/") || url.pathname.match(RECORDING) || url.pathname.match(OWN_VOICE)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// A page asks to keep copies for its user (lessons, today's questions); the reply gives the size.
self.addEventListener("message", (event) => {
  const port = event.ports && event.ports[0];
  if (!event.data || event.data.type !== "save-pages" || !port || event.data.user == null) return;
  event.waitUntil((async () => {
    const cache = await caches.open(SAVED + event.data.user);
    let bytes = 0;
    for (const path of event.data.urls.filter((u) => SAVEABLE.test(u))) {
      // Asked as a machine (the outbox protocol): signed out, or someone else signed in since,
      // the answer is a bare 401/409, never the sign-in page, so this background request sets
      // no cookie that could land after a new sign-in and undo it, and keeps nobody's page in
      // another person's copies.
      const response = await fetch(path, {
        credentials: "same-origin",
        headers: { "X-Outbox": "1", "X-Outbox-User": String(event.data.user) },
      });
      if (!response.ok || response.redirected) continue;
      const page = await response.clone().text();
      bytes += new Blob([page]).size;
      await cache.put(path, response);
      const recordings = [
        ...(event.data.recordings === false ? [] : page.match(RECORDING) || []),
        ...(page.match(OWN_VOICE) || []),
      ];
      for (const recording of new Set(recordings)) {
        const kept = await cache.match(recording);
        const sound = kept || await fetch(recording).catch(() => null);
        if (!sound || !sound.ok) continue;
        bytes += (await sound.clone().arrayBuffer()).byteLength;
        if (!kept) await cache.put(recording, sound);
      }
    }
    port.postMessage({ saved: true, bytes });
  })().catch(() => port.postMessage({ saved: false })));
});

// Background Sync: the outbox is sent even when no page is open; failing asks for a later try.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(Outbox.sync().then((result) => {
    if (result.left && result.offline) throw new Error("later");
  }));
});
