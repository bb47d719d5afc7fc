// Caching of the built site as static-host serves it from its staticwebapp.config.json: the
// content-hashed assets are cached for a year as immutable; the page, the manifest, the model,
// the configuration and the scripts with fixed names are revalidated on every use.
import { readdirSync } from "node:fs";
import { test, expect, startSite, STATIC_HOST_SERVER } from "../fixtures.mjs";

const IMMUTABLE = "public, max-age=31536000, immutable";
/** trunk's content-hashed outputs: the wasm-bindgen glue, the wasm and the stylesheet. */
const HASHED = /^(?:frontend-[0-9a-f]{8,}(?:_bg)?\.(?:js|wasm)|style-[0-9a-f]{8,}\.css)$/;
/** Fixed names whose content changes with a release: always revalidated. */
const REVALIDATED = ["/", "/index.html", "/model.json", "/release.json", "/config.json", "/sw.js", "/boot.js", "/telemetry.js", "/manifest.webmanifest"];

test("hashed assets are immutable, everything else is revalidated", async ({ request }) => {
  const site = await startSite({ server: STATIC_HOST_SERVER });
  try {
    const files = readdirSync(site.dir);
    const hashed = files.filter((name) => HASHED.test(name));
    // The real build: one glue script, one wasm, one stylesheet, all named by the page.
    expect(hashed.map((name) => name.split(".").pop()).sort()).toEqual(["css", "js", "wasm"]);
    const page = await (await request.get(site.url)).text();
    for (const name of hashed) expect(page).toContain(name);

    for (const name of hashed) {
      const response = await request.get(`${site.url}${name}`);
      expect(response.status(), name).toBe(200);
      expect(response.headers()["cache-control"], name).toBe(IMMUTABLE);
    }
    expect((await request.get(`${site.url}${hashed.find((n) => n.endsWith(".wasm"))}`)).headers()["content-type"]).toBe("application/wasm");

    const others = files.filter((name) => !HASHED.test(name) && name !== "staticwebapp.config.json").map((name) => `/${name}`);
    for (const path of REVALIDATED) expect(path === "/" || others.includes(path), `${path} is in the site`).toBe(true);
    // Icons have no route (the service's default applies) and a deep link gets the page through
    // the navigation fallback: neither may be cached as immutable.
    for (const path of new Set([...REVALIDATED, ...others, "/cars/42"])) {
      const url = `${site.url}${path.slice(1)}`;
      const response = await request.get(url);
      expect(response.status(), path).toBe(200);
      const cacheControl = response.headers()["cache-control"];
      if (REVALIDATED.includes(path)) expect(cacheControl, path).toBe("no-cache");
      expect(cacheControl, path).not.toContain("immutable");
      // Revalidation is cheap: the validator gets a 304 without the body.
      const etag = response.headers()["etag"];
      expect(etag, path).toBeTruthy();
      const again = await request.get(url, { headers: { "if-none-match": etag } });
      expect(again.status(), path).toBe(304);
      expect((await again.body()).length, path).toBe(0);
    }
  } finally {
    await site.stop();
  }
});
