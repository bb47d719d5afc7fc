// Service worker of the carprice staff app: makes the app load and price with the network off.
//
// The build (frontend/hooks/post_build.mjs) fills in the asset list and a cache version derived
// from the content of every asset, so each release gets its own cache and old caches are removed.
// - The app shell (hashed JS/wasm/CSS, icons, and telemetry.js, the rollout telemetry sender the
//   app loads only during a rollout) is served from the cache first.
// - The page, model.json, release.json, challenger.json (a rollout's second model) and config.json
//   go to the network first, so a new release is seen as soon as it is deployed, and fall back to
//   the cache when offline. challenger.json is precached too when the site has one.
"use strict";

const CACHE_VERSION = "__CARPRICE_CACHE_VERSION__";
const ASSETS = ["__CARPRICE_ASSETS__"];
const CACHE = `carprice-${CACHE_VERSION}`;
const NETWORK_FIRST = new Set(["", "index.html", "model.json", "release.json", "challenger.json", "config.json", "manifest.webmanifest"]);
// Only while a release rolls a challenger out; a site without one answers 404, which is fine.
const OPTIONAL = ["challenger.json"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) =>
        cache
          .addAll(ASSETS.map((asset) => new Request(asset, { cache: "reload" })))
          .then(() => Promise.all(OPTIONAL.map((file) => cache.add(new Request(file, { cache: "reload" })).catch(() => {})))),
      )
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("carprice-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** Path of a request relative to the worker's scope, e.g. "model.json" ("" for the root). */
function scopePath(url) {
  const scope = new URL(self.registration.scope);
  return url.pathname.startsWith(scope.pathname) ? url.pathname.slice(scope.pathname.length) : null;
}

async function networkFirst(request, cacheKey) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(cacheKey, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(cacheKey);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return; // The scoring API, other origins (a model CDN): straight to the network.
  }
  const path = scopePath(url);
  if (path === null || path.startsWith("api/")) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, "index.html"));
  } else if (NETWORK_FIRST.has(path)) {
    event.respondWith(networkFirst(request, path));
  } else {
    event.respondWith(cacheFirst(request));
  }
});
