// Where the model and the quotes come from: a model on another origin (CDN, with CORS) and
// endpoint mode (quotes from POST /api/score).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, expect, startSite, NODE_SERVER, defaultModel, carWith, cliQuote, dollars, kinds, otherCategory } from "../fixtures.mjs";

test("a model served from another origin with CORS", async ({ page }) => {
  const cdn = await startSite({ server: NODE_SERVER, extra: ["--cors"] });
  const cdnOrigin = `http://127.0.0.1:${cdn.port}`;
  let site;
  try {
    // Production's CSP allows https: origins; this test's "CDN" is plain http on 127.0.0.1.
    site = await startSite({
      prepare(dir) {
        const path = join(dir, "staticwebapp.config.json");
        const config = JSON.parse(readFileSync(path, "utf8"));
        const csp = config.globalHeaders["content-security-policy"];
        config.globalHeaders["content-security-policy"] = csp.replace("connect-src 'self'", `connect-src 'self' ${cdnOrigin}`);
        writeFileSync(path, JSON.stringify(config));
        writeFileSync(join(dir, "config.json"), JSON.stringify({ model_base_url: `${cdnOrigin}/models/` }));
      },
    });
    const next = defaultModel();
    next.version = "1.2.0";
    cdn.publish(JSON.stringify(next), "models/");
    const fromCdn = page.waitForRequest(`${cdnOrigin}/models/model.json`);
    await page.goto(site.url);
    await fromCdn;
    await expect(page.getByTestId("model-version")).toContainText("1.2.0");
    await expect(page.getByTestId("price")).toBeVisible();
  } finally {
    await site?.stop();
    await cdn.stop();
  }
});

test("endpoint mode prices with POST /api/score", async ({ page, site }) => {
  site.setConfig({ pricing: "endpoint" });
  const bodies = [];
  // The scoring API belongs to static-host; here the CLI stands in for it.
  await page.route("**/api/score", async (route) => {
    const body = route.request().postDataJSON();
    bodies.push(body);
    const quotes = body.cars.map((car) => cliQuote(car));
    await route.fulfill({ json: { model_version: quotes[0].model_version, quotes } });
  });
  const model = defaultModel();
  const [attribute] = kinds(model).categorical;
  const [first, second] = [otherCategory(attribute, 0), otherCategory(attribute, 1)];
  await page.goto(site.url);
  await page.locator(`#field-${attribute.name}`).selectOption(first);
  const expected = cliQuote(carWith(model, { [attribute.name]: first }));
  await expect(page.getByTestId("source")).toHaveAttribute("data-source", "endpoint");
  await expect(page.getByTestId("price")).toHaveText(dollars(expected.price));
  expect(bodies.at(-1).cars[0][attribute.name]).toBe(first);
  const number = kinds(model).numeric[0].name;
  expect(typeof bodies.at(-1).cars[0][number]).toBe("number");
  // When the endpoint fails, the browser's model prices and says so.
  await page.unroute("**/api/score");
  await page.route("**/api/score", (route) => route.fulfill({ status: 503, body: "down" }));
  await page.locator(`#field-${attribute.name}`).selectOption(second);
  await expect(page.locator("[data-kind=notice-fallback]")).toBeVisible();
  await expect(page.getByTestId("source")).toHaveAttribute("data-source", "browser");
  const fallback = cliQuote(carWith(model, { [attribute.name]: second }));
  await expect(page.getByTestId("price")).toHaveText(dollars(fallback.price));
});
