// Smoke check of a deployed site: its release.json names the expected model version, and its
// model.json has the sha256 that release.json states (what the web app itself checks).
// Usage: node scripts/smoke-check.mjs SITE_URL MODEL_VERSION [SECONDS] [CHALLENGER]
// CHALLENGER checks the rollout too: `none` or empty (release.json names no challenger) or
// `VERSION/MODE/PERCENT` (it names that challenger, and challenger.json has its sha256).
// Retries until SECONDS (default 300) have passed, since a new deployment takes a while to be
// served everywhere. Exits 1 with one line saying what the site serves instead.
import { createHash } from "node:crypto";

const [site, expected, seconds = "300", challengerArg] = process.argv.slice(2);
const challenger = challengerArg === "" ? "none" : challengerArg;
if (!site || !expected || (challenger !== undefined && challenger !== "none" && challenger.split("/").length !== 3)) {
  console.error("usage: node scripts/smoke-check.mjs SITE_URL MODEL_VERSION [SECONDS] [none|VERSION/MODE/PERCENT]");
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
  if (challenger === "none" && release.challenger) {
    throw new Error(`release.json names challenger ${release.challenger.model_version}, expected none`);
  }
  if (challenger && challenger !== "none") {
    const served = release.challenger
      ? `${release.challenger.model_version}/${release.challenger.mode}/${release.challenger.percent}`
      : "none";
    if (served !== challenger) {
      throw new Error(`release.json names challenger ${served}, expected ${challenger}`);
    }
    const challengerSha = createHash("sha256").update(await get("challenger.json")).digest("hex");
    if (challengerSha !== release.challenger.model_sha256) {
      throw new Error(`challenger.json has sha256 ${challengerSha}, release.json says ${release.challenger.model_sha256}`);
    }
  }
  return release;
}

for (;;) {
  try {
    const release = await check();
    const trying = release.challenger
      ? `, challenger ${release.challenger.model_version} in ${release.challenger.mode} mode, ${release.challenger.percent}%`
      : "";
    console.log(`smoke-check: ${base} serves model ${release.model_version}${trying} (app ${release.app_version}, commit ${release.commit || "unknown"})`);
    process.exit(0);
  } catch (error) {
    if (Date.now() > deadline) {
      console.error(`smoke-check: ${base}: ${error.message}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}
