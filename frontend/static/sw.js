// Service worker of the web app (served at /sw.js, scope /): keeps the grid
// worker's pages usable without network. Reports made offline do not pass
// through here: the page keeps them in IndexedDB (offline_queue.js) and sends
// them itself, so the queue survives even if this worker is replaced.
//
// Strategies: pages, the JS translation catalogue and the map layers are
// network-first (fresh when online, the last copy when offline); /static/ is
// stale-while-revalidate. Workflow APIs (/api/events/, /api/cases/) are never
// cached: a stale case would be acted on with a stale version.
const CACHE = "gridmgmt-v1";
const NETWORK_FIRST = ["/jsi18n/", "/map/", "/api/streets/", "/api/communities/", "/api/grids/"];

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

function cacheable(response) {
  // A redirect (e.g. to the sign-in page) must not be stored under the page's URL.
  return response && response.ok && !response.redirected && response.type === "basic";
}

async function store(request, response) {
  if (cacheable(response)) await (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  try {
    return await store(request, await fetch(request));
  } catch (error) {
    const cached = await caches.match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function staleWhileRevalidate(event) {
  const cached = await caches.match(event.request, { ignoreVary: true });
  const fresh = fetch(event.request).then((response) => store(event.request, response));
  if (cached) {
    event.waitUntil(fresh.catch(() => null));
    return cached;
  }
  return fresh;
}

const servedFromCache = (path) => path.startsWith("/static/") || NETWORK_FIRST.some((prefix) => path.startsWith(prefix));

// The page sends its own URL and the resources it loaded before this worker
// controlled it (its first visit), so it opens offline from then on.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache-urls") return;
  const urls = [event.data.page, ...event.data.urls.filter((address) => {
    const url = new URL(address, self.location.origin);
    return url.origin === self.location.origin && servedFromCache(url.pathname);
  })];
  event.waitUntil((async () => {
    for (const url of urls) {
      try {
        await store(new Request(url, { credentials: "same-origin" }), await fetch(url, { credentials: "same-origin" }));
      } catch (error) { /* offline now: the next visit caches it */ }
    }
    if (event.source) event.source.postMessage({ type: "cached", count: urls.length });
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/accounts/logout/") {
    // Signed out: the next user of this device must not see this user's cached pages.
    event.waitUntil(caches.delete(CACHE));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (request.mode === "navigate" || servedFromCache(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
