// Validate a Teams app manifest offline against the JSON schema bundled in Microsoft's
// @microsoft/app-manifest package. Usage: node validate.mjs <manifest.json | package.zip>
// Exit 0 when valid; 1 with one error per line otherwise. Never touches the network: the schema is
// read from the package's build/json-schemas, and a $schema URL without a bundled copy is an error.
import { AppManifestUtils } from "@microsoft/app-manifest";
import { execFileSync } from "node:child_process";
import { readFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const file = process.argv[2];
if (!file) {
  console.error("usage: node validate.mjs <manifest.json | package.zip>");
  process.exit(2);
}
const text = file.endsWith(".zip")
  ? execFileSync("unzip", ["-p", file, "manifest.json"], { encoding: "utf8" })
  : readFileSync(file, "utf8");
const manifest = JSON.parse(text);

const prefix = "https://developer.microsoft.com/json-schemas/teams/";
const url = manifest.$schema ?? "";
if (!url.startsWith(prefix)) {
  console.error(`$schema ${JSON.stringify(url)} is not a Teams schema URL (${prefix}...)`);
  process.exit(1);
}
const require = createRequire(import.meta.url);
const pkgDir = path.dirname(require.resolve("@microsoft/app-manifest/package.json"));
const local = path.join(pkgDir, "build", "json-schemas", "teams", url.slice(prefix.length));
if (!existsSync(local)) {
  console.error(`no bundled schema for ${url} (looked for ${local})`);
  process.exit(1);
}
const schema = JSON.parse(readFileSync(local, "utf8").replace(/\\a/g, "\\u0007").replace(/\\v/g, "\\u000b"));

let errors;
try {
  errors = await AppManifestUtils.validateAgainstSchema(manifest, schema);
} catch (e) {
  // Version 1.1.x throws (instead of returning errors) on some invalid values, e.g. an unknown enum.
  errors = [`validator threw: ${e.message}`];
}
if (errors.length > 0) {
  for (const e of errors) console.error(e);
  process.exit(1);
}
console.log(`valid against ${url}`);
