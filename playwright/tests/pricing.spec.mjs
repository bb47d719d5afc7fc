// The pricing screen: same prices as the CLI, live updates, the chart, validation messages, the
// screenshot for the record. Attributes come from the model, so a retrained model needs no
// change here.
import { test, expect, CARS, defaultModel, carWith, cliQuote, cents, fillCar, kinds, otherCategory, within, known, expectPrice, headline } from "../fixtures.mjs";

test("prices equal `carprice predict` to the cent", async ({ page, site }) => {
  const model = defaultModel();
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  for (const car of CARS) {
    const full = carWith(model, known(model, car));
    const expected = cliQuote(full);
    await fillCar(page, full);
    const price = page.getByTestId("price");
    await expectPrice(page, expected.price);
    expect(Number(await price.getAttribute("data-price"))).toBe(cents(expected.price));
    await expect(page.getByTestId("source")).toContainText(`Model ${expected.model_version}`);
    if (expected.extrapolations.length > 0) {
      await expect(page.getByTestId("extrapolations").locator("li")).toHaveCount(expected.extrapolations.length);
    } else {
      await expect(page.getByTestId("extrapolations")).toHaveCount(0);
    }
  }
});

test("changing an attribute changes the price and the chart", async ({ page, site }) => {
  const { categorical, numeric } = kinds(defaultModel());
  await page.goto(site.url);
  const price = page.getByTestId("price");
  await expect(price).toBeVisible();
  const before = await price.textContent();
  await expect(page.getByTestId("chart")).toContainText("reference car");
  // The reference price as the headline shows prices, not to the cent (false precision).
  await expect(page.getByTestId("chart")).toContainText(`reference car (${headline(cliQuote(carWith(defaultModel(), {})).price)})`);
  await expect(page.getByTestId("chart")).not.toContainText(/\$[\d,]+\.\d\d/);
  const [first] = categorical;
  await page.locator(`#field-${first.name}`).selectOption(otherCategory(first));
  await expect(price).not.toHaveText(before);
  const bars = page.locator("[data-testid=chart] g.bar");
  await expect(bars).toHaveCount(1);
  await expect(bars.first()).toHaveAttribute("data-attribute", first.name);
  const afterCategory = await price.textContent();
  const number = numeric[0];
  await page.locator(`#field-${number.name}`).fill(String(within(number, number.default > (number.min + number.max) / 2 ? 0.05 : 0.95)));
  await expect(price).not.toHaveText(afterCategory);
  await expect(bars).toHaveCount(2);
  await expect(page.locator(`[data-testid=chart] g.bar[data-attribute=${number.name}]`)).toBeVisible();
});

test("bad values show messages, not prices", async ({ page, site }) => {
  const model = defaultModel();
  const { numeric } = kinds(model);
  const positive = numeric.find((a) => a.positive) ?? numeric[0];
  const [a, b] = numeric;
  await page.goto(site.url);
  await expect(page.getByTestId("price")).toBeVisible();
  const cases = [
    [a, "", "Enter a value."],
    [a, "fast", "Enter a number"],
    [a, "NaN", "Enter a value."], // NaN, like ?, NA and null, means missing
    [positive, "-3", positive.positive ? "greater than 0" : "Too far outside"],
    [b, String(b.max + 10 * (b.max - b.min)), "Too far outside"],
  ];
  for (const [attribute, value, message] of cases) {
    const field = page.locator(`#field-${attribute.name}`);
    await field.fill(value);
    await expect(page.locator(`#message-${attribute.name}`)).toContainText(message);
    await expect(field).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("price")).toHaveCount(0);
    await expect(page.getByTestId("no-price")).toContainText("need");
    await expect(page.locator("main")).not.toContainText(/NaN|undefined|Infinity/);
    await field.fill(String(attribute.default));
    await expect(page.getByTestId("price")).toBeVisible();
  }
  // Two bad fields at once: two messages.
  await page.locator(`#field-${a.name}`).fill("x");
  await page.locator(`#field-${b.name}`).fill("");
  await expect(page.getByTestId("no-price")).toContainText("2 fields");
  // Outside the training range but plausible: priced, with a warning.
  await page.locator(`#field-${a.name}`).fill(String(a.max + (a.max - a.min) / 2));
  await page.locator(`#field-${b.name}`).fill(String(b.default));
  await expect(page.getByTestId("price")).toBeVisible();
  await expect(page.locator(`#message-${a.name}`)).toContainText("extrapolation");
  await expect(page.getByTestId("extrapolations")).toBeVisible();
});

test("a typo far below a range was priced at $0", async ({ page, site }) => {
  const model = defaultModel();
  // A positive attribute whose range is wide for its values (the curb weight).
  const positive = kinds(model).numeric.find((a) => a.positive && a.max - a.min > a.min / 3);
  await page.goto(site.url);
  const field = page.locator(`#field-${positive.name}`);
  // A thousandth of the smallest trained value: a weight in tonnes, or 2.765 for 2,765.
  await field.fill(String(positive.min / 1000));
  await expect(page.locator(`#message-${positive.name}`)).toContainText("Too far outside");
  await expect(page.getByTestId("price")).toHaveCount(0);
  // A third of it is still priced, flagged as an extrapolation.
  await field.fill(String(Math.ceil(positive.min / 2.9)));
  await expect(page.getByTestId("price")).toBeVisible();
  await expect(page.getByTestId("extrapolations")).toBeVisible();
});

test("screenshot of the pricing screen", async ({ page, site }, testInfo) => {
  const model = defaultModel();
  await page.goto(site.url);
  await fillCar(page, known(model, CARS[0]));
  await expect(page.locator("[data-testid=chart] g.bar").first()).toBeVisible();
  await page.locator("h1").click();
  for (const [name, width, height] of [["pricing-screen", 1280, 900], ["pricing-screen-tablet", 768, 1024], ["pricing-screen-phone", 390, 844]]) {
    await page.setViewportSize({ width, height });
    const path = testInfo.outputPath(`${name}.png`);
    await page.screenshot({ path, fullPage: name === "pricing-screen" });
    await testInfo.attach(name, { path, contentType: "image/png" });
    // Nothing overflows sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }
});
