// Keyboard-only use: every field is reachable with Tab in form order, has a label, and can be
// changed without a mouse; the price follows.
import { test, expect, defaultModel, formOrder, kinds, within } from "../fixtures.mjs";

test("keyboard-only pass through the form", async ({ page, site }) => {
  const model = defaultModel();
  const { categorical, numeric } = kinds(model);
  await page.goto(site.url);
  const price = page.getByTestId("price");
  await expect(price).toBeVisible();
  const order = [];
  for (let i = 0; i < 3 * model.attributes.length && order.length < model.attributes.length; i++) {
    await page.keyboard.press("Tab");
    const id = await page.evaluate(() => document.activeElement?.id ?? "");
    if (id.startsWith("field-")) order.push(id.slice("field-".length));
  }
  expect(order).toEqual(formOrder(model));
  for (const a of model.attributes) {
    await expect(page.getByLabel(a.label, { exact: true })).toHaveCount(1);
  }
  // Walk back to a select with Shift+Tab, change it with the arrow keys, then type a number.
  const select = categorical[0].name;
  for (let i = 0; i < 3 * model.attributes.length; i++) {
    if ((await page.evaluate(() => document.activeElement?.id)) === `field-${select}`) break;
    await page.keyboard.press("Shift+Tab");
  }
  await expect(page.locator(":focus")).toHaveAttribute("id", `field-${select}`);
  const before = await price.textContent();
  const start = await page.locator(`#field-${select}`).inputValue();
  await page.keyboard.press(categorical[0].categories.at(-1) === start ? "ArrowUp" : "ArrowDown");
  await expect(page.locator(`#field-${select}`)).not.toHaveValue(start);
  await expect(price).not.toHaveText(before);
  const number = numeric[0];
  while ((await page.evaluate(() => document.activeElement?.id)) !== `field-${number.name}`) {
    await page.keyboard.press(order.indexOf(number.name) > order.indexOf(select) ? "Tab" : "Shift+Tab");
  }
  const afterSelect = await price.textContent();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(String(within(number, number.default > (number.min + number.max) / 2 ? 0.1 : 0.9)));
  await expect(price).not.toHaveText(afterSelect);
  await expect(page.locator(":focus")).toHaveAttribute("id", `field-${number.name}`);
});
