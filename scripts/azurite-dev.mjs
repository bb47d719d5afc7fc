// Helpers for the Azurite emulator's well-known development account (devstoreaccount1; its key is
// public, documented by Microsoft, and works only against the emulator). Used by the rehearsal.
//   node scripts/azurite-dev.mjs sas                       print an account SAS (blob, full rights)
//   node scripts/azurite-dev.mjs create CONTAINER_URL      create a private container
//   node scripts/azurite-dev.mjs corrupt BLOB_URL          replace a blob's bytes, keeping its metadata
//   node scripts/azurite-dev.mjs read BLOB_URL             print a blob's bytes
//   node scripts/azurite-dev.mjs list CONTAINER_URL [PREFIX]  print the names of its blobs, one a line
// The same operations are exported for scripts (scripts/rehearsal-browser.mjs reads telemetry with them).
import { createHmac } from "node:crypto";
import { pathToFileURL } from "node:url";

const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const VERSION = "2021-08-06";

/** An account SAS over the documented string-to-sign, signed with HMAC-SHA256. */
function accountSas() {
  const [permissions, services, types, expiry, protocol] = ["rwdlacup", "b", "sco", "2099-01-01T00:00:00Z", "https,http"];
  const toSign = [ACCOUNT, permissions, services, types, "", expiry, "", protocol, VERSION, "", ""].join("\n");
  const sig = createHmac("sha256", Buffer.from(KEY, "base64")).update(toSign, "utf8").digest("base64");
  const query = new URLSearchParams({ sv: VERSION, ss: services, srt: types, sp: permissions, se: expiry, spr: protocol, sig });
  return query.toString();
}

async function request(method, url, headers = {}, body = undefined) {
  const response = await fetch(`${url}${url.includes("?") ? "&" : "?"}${accountSas()}`, {
    method,
    headers: { "x-ms-version": VERSION, ...headers },
    body,
  });
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${await response.text()}`);
  return response;
}

/** The bytes of a blob. */
export async function readBlob(url) {
  return Buffer.from(await (await request("GET", url)).arrayBuffer());
}

/** The names of a container's blobs that start with `prefix`, in the service's (lexical) order. */
export async function listBlobs(containerUrl, prefix = "") {
  const names = [];
  let marker = "";
  do {
    const query = new URLSearchParams({ restype: "container", comp: "list", prefix, marker });
    const xml = await (await request("GET", `${containerUrl}?${query}`)).text();
    // The List Blobs answer: <Blob><Name>…</Name>…</Blob> per blob, then <NextMarker>.
    for (const [, name] of xml.matchAll(/<Name>([^<]*)<\/Name>/g)) names.push(unescapeXml(name));
    marker = unescapeXml(/<NextMarker>([^<]*)<\/NextMarker>/.exec(xml)?.[1] ?? "");
  } while (marker);
  return names;
}

const unescapeXml = (text) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e]);

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));

async function main([command, url, prefix]) {
  if (command === "sas") {
    console.log(accountSas());
  } else if (command === "create" && url) {
    await request("PUT", `${url}?restype=container`);
  } else if (command === "corrupt" && url) {
    const original = await request("GET", url);
    const meta = Object.fromEntries([...original.headers].filter(([name]) => name.startsWith("x-ms-meta-")));
    const bytes = Buffer.from(await original.arrayBuffer());
    bytes[bytes.length - 2] ^= 0x20; // one flipped bit, as a storage fault would
    await request("PUT", url, { ...meta, "x-ms-blob-type": "BlockBlob" }, bytes);
  } else if (command === "read" && url) {
    process.stdout.write(await readBlob(url));
  } else if (command === "list" && url) {
    for (const name of await listBlobs(url, prefix)) console.log(name);
  } else {
    console.error("usage: node scripts/azurite-dev.mjs sas | create CONTAINER_URL | corrupt BLOB_URL | read BLOB_URL | list CONTAINER_URL [PREFIX]");
    process.exit(2);
  }
}
