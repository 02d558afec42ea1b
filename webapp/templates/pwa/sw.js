// Passerelle service worker {{ version }}.
// Keeps the versioned shell files, the offline page and lesson copies saved for offline reading
// (lesson text only). Pages with personal data always come from the network and are never stored.
const CACHE = "passerelle-{{ version }}";
const SAVED = "passerelle-saved";
const SHELL = {{ urls|tojson }};
const OFFLINE = {{ offline_url|tojson }};
// Pages that may be kept for offline use; each has a copy at <page>/offline holding no personal state.
const SAVEABLE = /^\/(lessons\/[a-z0-9-]+|revision\/review)\/offline$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE && key !== SAVED).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

async function offlineFallback(url) {
  const copy = await caches.match(`${url.pathname}/offline`, { cacheName: SAVED });
  return copy || caches.match(OFFLINE);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => offlineFallback(url)));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// A page asks to keep copies (a lesson and the next one, today's questions); the reply gives the size.
self.addEventListener("message", (event) => {
  const port = event.ports && event.ports[0];
  if (!event.data || event.data.type !== "save-pages" || !port) return;
  event.waitUntil((async () => {
    const cache = await caches.open(SAVED);
    let bytes = 0;
    for (const path of event.data.urls.filter((u) => SAVEABLE.test(u))) {
      const response = await fetch(path, { credentials: "same-origin" });
      if (!response.ok) continue;
      bytes += (await response.clone().arrayBuffer()).byteLength;
      await cache.put(path, response);
    }
    port.postMessage({ saved: true, bytes });
  })().catch(() => port.postMessage({ saved: false })));
});
