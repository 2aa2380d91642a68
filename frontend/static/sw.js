// Service worker of the web app (served at /sw.js, scope /): keeps the grid
// worker's pages usable without network. Reports made offline do not pass
// through here: the page keeps them in IndexedDB (offline_queue.js) and sends
// them itself, so the queue survives even if this worker is replaced.
//
// Caches (robustness R14, one phone shared by several workers):
// - SHARED: /static/, the JS translation catalogue, base map layers and the
//   offline page: nobody's own data.
// - one cache per worker ("gridmgmt-user-<name>") for their pages, which the
//   server labels X-Gridmgmt-User and X-Gridmgmt-Session-Expires. Offline, a
//   page is served only from the cache of the worker whose session is known to
//   be alive (last labelled page, not expired, not signed out); otherwise an
//   offline page, which shows nothing of anyone: "not saved on this device"
//   while a session is alive, "no one is signed in" when none is.
// - the photos shown on a worker's cached pages go into that worker's cache
//   too (read through the photo view, with that worker's session), so a
//   report's detail shows its photos offline; served offline only to the live session.
//   Pages fetched ahead (each report's detail) bring their /static/ files into SHARED.
// Strategies: pages, photos and map layers network-first, /static/ stale-while-revalidate.
// Workflow APIs (/api/events/, /api/cases/) are never cached: a stale case
// would be acted on with a stale version.
const SHARED = "gridmgmt-shared-v2";
const META = "gridmgmt-meta";
const USER_PREFIX = "gridmgmt-user-";
const SESSION_KEY = "/__gridmgmt/session";
const OFFLINE_PAGE = "/worker/offline/"; // no one is signed in
const OFFLINE_SIGNED_IN = "/worker/offline/signed-in/"; // signed in, but the page asked for is not on this device
const OFFLINE_PAGES = [OFFLINE_PAGE, OFFLINE_SIGNED_IN];
const NETWORK_FIRST = ["/jsi18n/", "/map/", "/api/streets/", "/api/communities/", "/api/grids/"];
// MEDIA_URL: every stored photo is served there by the permission-checked photo view.
const PHOTOS = "/media/";

const userCache = (user) => `${USER_PREFIX}${encodeURIComponent(user)}`;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    // Anonymous on purpose: the offline pages must carry no one's name.
    try {
      for (const path of OFFLINE_PAGES) await store(new Request(path), await fetch(path, { credentials: "omit" }));
    } catch (error) { /* offline at install: fetched again by the next visit */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    const kept = (name) => name === SHARED || name === META || name.startsWith(USER_PREFIX);
    await Promise.all(names.filter((name) => !kept(name)).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

// --- whose session is alive on this device ----------------------------------
async function session() {
  const response = await (await caches.open(META)).match(SESSION_KEY);
  return response ? response.json() : null;
}

async function liveSession() {
  const known = await session();
  return known && Date.parse(known.expires) > Date.now() ? known : null;
}

// A new user's first page drops every other user's pages from the device (their queued reports stay in IndexedDB, theirs).
async function setSession(user, expires) {
  const meta = await caches.open(META);
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(USER_PREFIX) && (!user || name !== userCache(user)))
    .map((name) => caches.delete(name)));
  if (user) await meta.put(SESSION_KEY, new Response(JSON.stringify({ user, expires })));
  else await meta.delete(SESSION_KEY);
}

// --- strategies --------------------------------------------------------------
function cacheable(response) {
  // A redirect (e.g. to the sign-in page) must not be stored under the page's URL.
  return response && response.ok && !response.redirected && response.type === "basic";
}

async function store(request, response) {
  if (cacheable(response)) await (await caches.open(SHARED)).put(request, response.clone());
  return response;
}

const signInPage = (response) => response.redirected && new URL(response.url).pathname.startsWith("/accounts/login/");

// What a page missing offline says: whether a worker's session is alive on this device decides which.
async function offlinePage(alive) {
  return (await caches.match(alive ? OFFLINE_SIGNED_IN : OFFLINE_PAGE, { cacheName: SHARED })) || Response.error();
}

// An offline page opened itself: online, the server's (it knows who is signed in; not stored, the stored
// copies are the anonymous ones); offline, the stored one that fits the device's session.
async function offlinePageOpened(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage(await liveSession());
  }
}

// A worker's page: from the network into that worker's cache; offline, from the live session's cache only.
async function workerPage(request) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const alive = await liveSession();
    const cached = alive && await (await caches.open(userCache(alive.user))).match(request, { ignoreVary: true });
    return cached || offlinePage(alive);
  }
  const user = response.headers.get("X-Gridmgmt-User");
  if (user && cacheable(response)) {
    const known = await session();
    const expires = response.headers.get("X-Gridmgmt-Session-Expires") || "";
    if (!known || known.user !== user || known.expires !== expires) await setSession(user, expires);
    await (await caches.open(userCache(user))).put(request, response.clone());
  } else if (signInPage(response)) {
    await setSession(null); // the server says no one is signed in any more
  }
  return response;
}

// What a worker page fetched ahead (never opened yet) needs offline: the photos in its <img src>
// (the photo view's URLs, read with this worker's session) into this worker's cache, and its
// stylesheets and scripts under /static/ into the shared cache.
async function cachePageResources(user, html) {
  const own = await caches.open(userCache(user));
  const shared = await caches.open(SHARED);
  const found = (pattern) => new Set([...html.matchAll(pattern)].map((match) => match[1]));
  for (const path of found(/<img [^>]*src="(\/media\/[^"]+)"/g)) {
    if (await own.match(path)) continue; // a stored name is never reused: a cached photo is up to date
    const response = await fetch(path, { credentials: "same-origin" });
    if (cacheable(response)) await own.put(path, response);
  }
  for (const path of found(/(?:href|src)="(\/static\/[^"]+)"/g)) {
    if (!(await shared.match(path, { ignoreVary: true }))) await store(new Request(path), await fetch(path));
  }
}

// A photo: from the network (the photo view checks the reader); offline, from the live session's cache only.
async function photo(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const alive = await liveSession();
    const cached = alive && await (await caches.open(userCache(alive.user))).match(request, { ignoreVary: true });
    if (cached) return cached;
    throw error;
  }
}

async function networkFirst(request) {
  try {
    return await store(request, await fetch(request));
  } catch (error) {
    const cached = await caches.match(request, { ignoreVary: true, cacheName: SHARED });
    if (cached) return cached;
    throw error;
  }
}

async function staleWhileRevalidate(event) {
  const cached = await caches.match(event.request, { ignoreVary: true, cacheName: SHARED });
  const fresh = fetch(event.request).then((response) => store(event.request, response));
  if (cached) {
    event.waitUntil(fresh.catch(() => null));
    return cached;
  }
  return fresh;
}

const isShared = (path) => path.startsWith("/static/") || NETWORK_FIRST.some((prefix) => path.startsWith(prefix));
const isOfflinePage = (path) => OFFLINE_PAGES.includes(path);
const isWorkerPage = (path) => path.startsWith("/worker/") && !path.startsWith(OFFLINE_PAGE) && !path.endsWith(".json");

// The page sends its own URL, the resources it loaded before this worker
// controlled it (its first visit) and the worker pages it links to that must
// open offline (each report's detail), so they open offline from then on.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache-urls") return;
  const local = (address) => new URL(address, self.location.origin).origin === self.location.origin;
  const urls = [event.data.page, ...OFFLINE_PAGES, ...event.data.urls.filter((address) => {
    return local(address) && isShared(new URL(address, self.location.origin).pathname);
  }), ...(event.data.pages || []).filter((address) => {
    return local(address) && isWorkerPage(new URL(address, self.location.origin).pathname);
  })];
  event.waitUntil((async () => {
    for (const url of urls) {
      const path = new URL(url, self.location.origin).pathname;
      try {
        if (isWorkerPage(path)) {
          const response = await workerPage(new Request(url, { credentials: "same-origin" }));
          const user = response.headers.get("X-Gridmgmt-User");
          if (user && cacheable(response)) await cachePageResources(user, await response.text());
        } else {
          await store(new Request(url), await fetch(url, { credentials: isOfflinePage(path) ? "omit" : "same-origin" }));
        }
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
    event.waitUntil(setSession(null));
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (isOfflinePage(url.pathname)) {
    event.respondWith(offlinePageOpened(request));
  } else if (isWorkerPage(url.pathname)) {
    event.respondWith(workerPage(request));
  } else if (url.pathname.startsWith(PHOTOS)) {
    event.respondWith(photo(request));
  } else if (isShared(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
