// Smoke check of a deployed site: its release.json names the expected model version, and its
// model.json has the sha256 that release.json states (what the web app itself checks).
// Usage: node scripts/smoke-check.mjs SITE_URL MODEL_VERSION [SECONDS]
// Retries until SECONDS (default 300) have passed, since a new deployment takes a while to be
// served everywhere. Exits 1 with one line saying what the site serves instead.
import { createHash } from "node:crypto";

const [site, expected, seconds = "300"] = process.argv.slice(2);
if (!site || !expected) {
  console.error("usage: node scripts/smoke-check.mjs SITE_URL MODEL_VERSION [SECONDS]");
  process.exit(2);
}
const base = site.endsWith("/") ? site : `${site}/`;
const deadline = Date.now() + Number(seconds) * 1000;

async function check() {
  const get = async (name) => {
    const response = await fetch(new URL(name, base), { cache: "no-store" });
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  };
  const release = JSON.parse((await get("release.json")).toString("utf8"));
  if (release.model_version !== expected) {
    throw new Error(`release.json names model ${release.model_version}, expected ${expected}`);
  }
  const sha = createHash("sha256").update(await get("model.json")).digest("hex");
  if (sha !== release.model_sha256) {
    throw new Error(`model.json has sha256 ${sha}, release.json says ${release.model_sha256}`);
  }
  return release;
}

for (;;) {
  try {
    const release = await check();
    console.log(`smoke-check: ${base} serves model ${release.model_version} (app ${release.app_version}, commit ${release.commit || "unknown"})`);
    process.exit(0);
  } catch (error) {
    if (Date.now() > deadline) {
      console.error(`smoke-check: ${base}: ${error.message}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}
