// Browser check for the release rehearsal: Chromium opens the site and the app shows the expected
// model version (it verifies model.json against release.json before it uses the model).
// Usage: node scripts/rehearsal-browser.mjs SITE_URL MODEL_VERSION
import { chromium } from "@playwright/test";

const [site, expected] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium" });
try {
  const page = await browser.newPage();
  await page.goto(site);
  const shown = page.getByTestId("model-version");
  await shown.waitFor({ timeout: 20_000 });
  await page.waitForFunction(
    (version) => document.querySelector('[data-testid="model-version"]')?.textContent?.includes(version),
    expected,
    { timeout: 20_000 },
  ).catch(() => {});
  const text = (await shown.textContent())?.trim();
  if (!text?.split(/\s+/).includes(expected)) {
    console.error(`rehearsal-browser: the site shows "${text}", expected model ${expected}`);
    process.exit(1);
  }
  console.log(`rehearsal-browser: Chromium shows ${text}`);
} finally {
  await browser.close();
}
