// Passerelle service worker {{ version }}.
// Keeps the versioned shell files, the offline page and lesson copies saved for offline reading
// (lesson text only). Pages with personal data always come from the network and are never stored.
const CACHE = "passerelle-{{ version }}";
const LESSONS = "passerelle-lessons";
const SHELL = {{ urls|tojson }};
const OFFLINE = {{ offline_url|tojson }};
const LESSON_PAGE = /^\/lessons\/([a-z0-9-]+)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE && key !== LESSONS).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

async function offlineFallback(url) {
  const lesson = LESSON_PAGE.exec(url.pathname);
  if (lesson) {
    const copy = await caches.match(`/lessons/${lesson[1]}/offline`, { cacheName: LESSONS });
    if (copy) return copy;
  }
  return caches.match(OFFLINE);
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

// A lesson page asks to keep itself and the next lesson; the reply says how many bytes that took.
self.addEventListener("message", (event) => {
  const port = event.ports && event.ports[0];
  if (!event.data || event.data.type !== "save-lessons" || !port) return;
  event.waitUntil((async () => {
    const cache = await caches.open(LESSONS);
    let bytes = 0;
    for (const path of event.data.urls.filter((u) => /^\/lessons\/[a-z0-9-]+\/offline$/.test(u))) {
      const response = await fetch(path, { credentials: "same-origin" });
      if (!response.ok) continue;
      bytes += (await response.clone().arrayBuffer()).byteLength;
      await cache.put(path, response);
    }
    port.postMessage({ saved: true, bytes });
  })().catch(() => port.postMessage({ saved: false })));
});
