// Where the model and the quotes come from: a model on another origin (CDN, with CORS) and
// endpoint mode (quotes from POST /api/score, answered by the real static-host).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, expect, startSite, STATIC_HOST_SERVER, CARS, defaultModel, carWith, cliQuote, cents, fillCar, kinds, known, otherCategory, expectPrice } from "../fixtures.mjs";

/** Edits a site copy's staticwebapp.config.json before its server starts. */
function editSiteConfig(dir, edit) {
  const path = join(dir, "staticwebapp.config.json");
  const config = JSON.parse(readFileSync(path, "utf8"));
  edit(config);
  writeFileSync(path, JSON.stringify(config));
}

/** A site copy in endpoint mode, served by static-host (so `/api/score` is real). */
const endpointSite = () =>
  startSite({
    server: STATIC_HOST_SERVER,
    prepare: (dir) => writeFileSync(join(dir, "config.json"), JSON.stringify({ pricing: "endpoint" })),
  });

/** A car as comparable text, whatever the order of its attributes. */
const canonical = (car) => JSON.stringify(Object.keys(car).sort().map((name) => [name, car[name]]));

/** Every `/api/score` exchange of a page: the request's cars and the answer. */
function recordScoring(page) {
  const exchanges = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/api/score") {
      exchanges.push({ cars: response.request().postDataJSON().cars, response });
    }
  });
  return exchanges;
}

test("a model served from another origin with CORS", async ({ page }) => {
  // The "CDN": a site copy whose every answer allows any origin (a simple GET needs no preflight).
  const cdn = await startSite({
    prepare: (dir) => editSiteConfig(dir, (config) => (config.globalHeaders["access-control-allow-origin"] = "*")),
  });
  const cdnOrigin = `http://127.0.0.1:${cdn.port}`;
  let site;
  try {
    // Production's CSP allows https: origins; this test's "CDN" is plain http on 127.0.0.1.
    site = await startSite({
      prepare(dir) {
        editSiteConfig(dir, (config) => {
          const csp = config.globalHeaders["content-security-policy"];
          config.globalHeaders["content-security-policy"] = csp.replace("connect-src 'self'", `connect-src 'self' ${cdnOrigin}`);
        });
        writeFileSync(join(dir, "config.json"), JSON.stringify({ model_base_url: `${cdnOrigin}/models/` }));
      },
    });
    const next = defaultModel();
    next.version = "1.2.0";
    cdn.publish(JSON.stringify(next), "models/");
    const fromCdn = page.waitForResponse(`${cdnOrigin}/models/model.json`);
    await page.goto(site.url);
    expect((await fromCdn).ok()).toBe(true);
    await expect(page.getByTestId("model-version")).toContainText("1.2.0");
    await expect(page.getByTestId("price")).toBeVisible();
  } finally {
    await site?.stop();
    await cdn.stop();
  }
});

test("browser and endpoint modes show identical prices, equal to `carprice predict`", async ({ context }) => {
  const model = defaultModel();
  const browserSite = await startSite({ server: STATIC_HOST_SERVER });
  const serviceSite = await endpointSite();
  try {
    const inBrowser = await context.newPage();
    const byService = await context.newPage();
    const exchanges = recordScoring(byService);
    await inBrowser.goto(browserSite.url);
    await byService.goto(serviceSite.url);
    for (const page of [inBrowser, byService]) await expect(page.getByTestId("price")).toBeVisible();
    for (const car of CARS) {
      const full = carWith(model, known(model, car));
      const expected = cliQuote(full);
      await fillCar(inBrowser, full);
      await fillCar(byService, full);
      for (const [page, source] of [[inBrowser, "browser"], [byService, "endpoint"]]) {
        await expect(page.getByTestId("source")).toHaveAttribute("data-source", source);
        await expectPrice(page, expected.price);
        expect(Number(await page.getByTestId("price").getAttribute("data-price"))).toBe(cents(expected.price));
        await expect(page.getByTestId("source")).toContainText(`Model ${expected.model_version}`);
      }
      // Same screen in both modes: the range, the warnings and the chart too.
      for (const part of ["range", "chart"]) {
        await expect(byService.getByTestId(part)).toHaveText((await inBrowser.getByTestId(part).textContent()) ?? "");
      }
      await expect(byService.getByTestId("extrapolations")).toHaveCount(expected.extrapolations.length > 0 ? 1 : 0);
      await expect(inBrowser.getByTestId("extrapolations")).toHaveCount(expected.extrapolations.length > 0 ? 1 : 0);
      // The shown quote came from static-host: the page sent this very car and got the CLI's quote.
      const exchange = exchanges.findLast((e) => e.cars.length === 1 && canonical(e.cars[0]) === canonical(full));
      expect(exchange, `a POST /api/score for ${car.make}`).toBeDefined();
      expect(exchange.response.status()).toBe(200);
      const answer = await exchange.response.json();
      expect(answer.model_version).toBe(model.version);
      expect(answer.quotes).toEqual([expected]);
    }
    expect(exchanges.length).toBeGreaterThanOrEqual(CARS.length);
  } finally {
    await serviceSite.stop();
    await browserSite.stop();
  }
});

test("endpoint mode: when the service fails, the browser's model prices and says so", async ({ page }) => {
  const model = defaultModel();
  const [attribute] = kinds(model).categorical;
  const [first, second, third] = [0, 1, 2].map((n) => otherCategory(attribute, n));
  const site = await endpointSite();
  try {
    await page.goto(site.url);
    const select = page.locator(`#field-${attribute.name}`);
    const source = page.getByTestId("source");
    await select.selectOption(first);
    await expect(source).toHaveAttribute("data-source", "endpoint");
    await expectPrice(page, cliQuote(carWith(model, { [attribute.name]: first })).price);
    // The service goes down (static-host itself cannot be made to fail, so the browser sees a 503).
    await page.route("**/api/score", (route) => route.fulfill({ status: 503, body: "down" }));
    await select.selectOption(second);
    await expect(page.locator("[data-kind=notice-fallback]")).toContainText("503");
    await expect(source).toHaveAttribute("data-source", "browser");
    await expectPrice(page, cliQuote(carWith(model, { [attribute.name]: second })).price);
    // Back up: the next change is priced by the service again.
    await page.unroute("**/api/score");
    await select.selectOption(third);
    await expect(source).toHaveAttribute("data-source", "endpoint");
    await expectPrice(page, cliQuote(carWith(model, { [attribute.name]: third })).price);
  } finally {
    await site.stop();
  }
});
