// A model trained on another car table loads in the unchanged web app and prices like the CLI: a
// used-car table generated here with a yes/no column, display labels from a schema, the target
// `msrp` and a VIN column left out.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, expect, CLI, cliQuote, expectPrice } from "../fixtures.mjs";

const SCHEMA = `
[[attribute]]
name = "brand"
label = "Brand"
group = "identity"
labels = { ford = "Ford", kia = "Kia", audi = "Audi" }

[[attribute]]
name = "drive"
label = "Drive"
group = "body"
labels = { fwd = "Front-wheel drive", awd = "All-wheel drive" }

[[attribute]]
name = "heated_seats"
label = "Heated seats"
group = "body"
description = "Factory-fitted seat heating"

[[attribute]]
name = "mileage"
label = "Mileage"
unit = "mi"
group = "economy"
`;

/** 90 used cars: brand, drive and heated seats raise the price, mileage lowers it. */
function usedCars() {
  const rows = ["vin,brand,drive,heated_seats,mileage,msrp"];
  for (let i = 0; i < 90; i++) {
    const brand = ["ford", "kia", "audi"][i % 3];
    const drive = ["fwd", "awd"][Math.floor(i / 3) % 2];
    const heated = i % 4 === 0 ? "yes" : "no";
    const mileage = 10_000 + 1_000 * i;
    const msrp = 30_000 * [1, 0.9, 1.4][i % 3] * (drive === "awd" ? 1.1 : 1) * (heated === "yes" ? 1.05 : 1)
      * Math.exp(-mileage / 200_000) * (1 + ((i * 7919) % 13) / 400);
    rows.push(`1HGCM${String(i).padStart(6, "0")},${brand},${drive},${heated},${mileage},${msrp.toFixed(2)}`);
  }
  return rows.join("\n") + "\n";
}

test("a model trained on another table prices in the unchanged app", async ({ page, site }) => {
  const dir = mkdtempSync(join(tmpdir(), "carprice-used-"));
  const [data, schema, out] = ["used.csv", "used.schema.toml", "model.json"].map((name) => join(dir, name));
  writeFileSync(data, usedCars());
  writeFileSync(schema, SCHEMA);
  const run = spawnSync(CLI, ["train", "--data", data, "--target", "msrp", "--ignore", "vin", "--schema", schema,
    "--out", out, "--version", "2.0.0", "--created", "2026-11-27T00:00:00Z"], { encoding: "utf8" });
  const modelText = readFileSync(out, "utf8");
  rmSync(dir, { recursive: true, force: true });
  expect(run.status, run.stderr).toBe(0);
  const model = JSON.parse(modelText);
  expect(model.target.name).toBe("msrp");
  expect(model.attributes.map((a) => a.name)).toEqual(["brand", "drive", "heated_seats", "mileage"]);

  site.publish(modelText);
  await page.goto(site.url);
  const price = page.getByTestId("price");
  await expect(price).toBeVisible();
  await expect(page.getByTestId("source")).toContainText("Model 2.0.0");
  const seats = page.locator("#field-heated_seats");
  await expect(seats).toHaveAttribute("type", "checkbox");
  await expect(seats).not.toBeChecked();
  await expect(page.locator("#field-drive option[value=awd]")).toHaveText("All-wheel drive");
  await expect(page.locator("#field-brand option[value=audi]")).toHaveText("Audi");
  await expect(page.locator("[data-attribute=heated_seats] .hint")).toContainText("Factory-fitted seat heating");

  await page.locator("#field-brand").selectOption("kia");
  await page.locator("#field-drive").selectOption("fwd");
  await seats.check();
  await page.locator("#field-mileage").fill("45000");
  const expected = cliQuote({ brand: "kia", drive: "fwd", heated_seats: true, mileage: 45000 }, modelText);
  await expectPrice(page, expected.price);
});
