// Offline use, bad models and new releases: the app keeps pricing with the last good model.
import { test, expect, defaultModel, carWith, cliQuote, reloadOffline, kinds, otherCategory, within, expectPrice } from "../fixtures.mjs";

test("after one visit the app loads and prices offline", async ({ page, context, site }) => {
  const model = defaultModel();
  const [attribute] = kinds(model).categorical;
  await reloadOffline(page, context, site.url);
  await expect(page.getByTestId("status")).toContainText(`model ${model.version}`);
  const value = otherCategory(attribute, 1);
  await page.locator(`#field-${attribute.name}`).selectOption(value);
  const expected = cliQuote(carWith(model, { [attribute.name]: value }));
  await expectPrice(page, expected.price);
  await context.setOffline(false);
  await expect(page.getByTestId("status")).toContainText("Online");
});

for (const [name, corrupt] of [
  ["bad JSON", (site) => site.publish('{"format": "carprice-model", "version": "2.0.0",')],
  ["hash mismatch", (site) => site.write("model.json", site.read("model.json").replace('"intercept": ', '"intercept": 1'))],
]) {
  test(`a corrupted model (${name}) on the next visit: notice, last good model still prices`, async ({ page, site }) => {
    const model = defaultModel();
    const [attribute] = kinds(model).categorical;
    await page.goto(site.url);
    await expect(page.getByTestId("price")).toBeVisible();
    corrupt(site);
    await page.reload();
    const notice = page.locator("[data-kind=notice-rejected]");
    await expect(notice).toContainText("not used");
    await expect(notice).toContainText(model.version);
    const value = otherCategory(attribute, 2);
    await page.locator(`#field-${attribute.name}`).selectOption(value);
    const expected = cliQuote(carWith(model, { [attribute.name]: value }));
    await expectPrice(page, expected.price);
    // The notice does not block: it can be dismissed and the form still works.
    await notice.getByRole("button").click();
    await expect(notice).toHaveCount(0);
  });
}

test("a new release deployed while the page is open is picked up, keeping the form", async ({ page, site }) => {
  const model = defaultModel();
  const { categorical, numeric } = kinds(model);
  site.setConfig({ pricing: "browser", release_check_seconds: 1 });
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  const typed = { [categorical[0].name]: otherCategory(categorical[0], 3), [numeric[0].name]: within(numeric[0], 0.3) };
  await page.locator(`#field-${categorical[0].name}`).selectOption(typed[categorical[0].name]);
  await page.locator(`#field-${numeric[0].name}`).fill(String(typed[numeric[0].name]));
  const next = structuredClone(model);
  next.version = `${model.version.split(".")[0]}.99.0`;
  next.intercept += 0.05;
  const text = JSON.stringify(next, null, 2) + "\n";
  site.publish(text);
  await expect(page.locator("[data-kind=notice-updated]")).toContainText(`model ${next.version}`);
  for (const [name, value] of Object.entries(typed)) {
    await expect(page.locator(`#field-${name}`)).toHaveValue(String(value));
  }
  const expected = cliQuote(carWith(next, typed), text);
  await expectPrice(page, expected.price);
  await expect(page.getByTestId("model-version")).toContainText(next.version);
});
