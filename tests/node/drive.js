#!/usr/bin/env node
// Drives xero-node (Xero's official Node SDK) against the xero-nb simulator for tests/test_sim_node.py.
//
//   node drive.js list          the SDK's GET methods: API, name, parameters, required ones, answer type
//   node drive.js call < in     calls the methods named in the JSON on stdin, prints one JSON document
//
// stdin for "call": {"origin": "http://127.0.0.1:PORT", "token": "...", "calls": [{"api": "accounting",
// "method": "getInvoice", "args": {"xerotenantid": "...", "invoiceid": "..."}}, ...]}; argument names are
// the SDK's own, lower case, without "-" or "_". Each result: {"api", "method", "type", "ok", "error",
// "body"}, where "body" is what the SDK returned, written back under the wire names of its model classes
// (so the test reads it against the spec): a value the SDK could not read shows as "<invalid date>"
// and a binary answer as {"<bytes>": n}. Only 127.0.0.1 is reached: every Xero origin the SDK knows
// (API base paths, /connections, identity) is rewritten to the simulator's origin, the way an integrator
// points xero-node at a sandbox. The token never reaches the output.
"use strict";

const path = require("path");
const axios = require("axios");
const xero = require("xero-node");
const { PayrollAuV2Api } = require(path.join(path.dirname(require.resolve("xero-node")),
  "gen", "api", "payrollAUV2Api"));

// Catalog API name -> the SDK's API class (XeroClient exposes all but payroll AU v2 as properties).
const APIS = {
  accounting: xero.AccountingApi, assets: xero.AssetApi, files: xero.FilesApi,
  projects: xero.ProjectApi, payroll_au: xero.PayrollAuApi, payroll_au_v2: PayrollAuV2Api,
  payroll_uk: xero.PayrollUkApi, payroll_nz: xero.PayrollNzApi, appstore: xero.AppStoreApi,
  finance: xero.FinanceApi, bankfeeds: xero.BankFeedsApi,
};
const XERO_ORIGINS = ["https://api.xero.com", "https://identity.xero.com", "https://login.xero.com"];

function describe(fn) {
  const src = fn.toString();
  const sig = /function\*\s*\(([^)]*)\)/.exec(src);
  const params = sig ? sig[1].split(",").map((p) => p.split("=")[0].trim()).filter((p) => p && p !== "options") : [];
  const required = [...src.matchAll(/Required parameter (\w+) was null/g)].map((m) => m[1]);
  const type = /ObjectSerializer\.deserialize\(response\.data, "([^"]+)"\)/.exec(src);
  const method = /method: '(\w+)'/.exec(src);
  return { params, required, type: type ? type[1] : null, httpMethod: method ? method[1] : null };
}

function gets() {
  const out = [];
  for (const [api, cls] of Object.entries(APIS)) {
    for (const name of Object.getOwnPropertyNames(cls.prototype)) {
      if (name === "constructor" || typeof cls.prototype[name] !== "function") continue;
      const d = describe(cls.prototype[name]);
      if (d.httpMethod === "GET") out.push({ api, method: name, ...d });
    }
  }
  return out;
}

// The SDK's answer under the wire names of its models (attributeTypeMap: name -> baseName).
function wire(value, seen = new Set()) {
  if (value === null || value === undefined) return value;
  if (value instanceof Date) return isNaN(value.getTime()) ? "<invalid date>" : value.toISOString();
  if (Buffer.isBuffer(value) || value instanceof ArrayBuffer) return { "<bytes>": value.byteLength };
  if (Array.isArray(value)) return value.map((v) => wire(v, seen));
  if (typeof value !== "object") return value;
  if (seen.has(value)) return "<cycle>";
  seen.add(value);
  const map = value.constructor && typeof value.constructor.getAttributeTypeMap === "function"
    ? value.constructor.getAttributeTypeMap() : null;
  const out = {};
  if (map) {
    for (const attr of map) {
      if (value[attr.name] !== undefined) out[attr.baseName] = wire(value[attr.name], seen);
    }
  } else {
    for (const [k, v] of Object.entries(value)) out[k] = wire(v, seen);
  }
  seen.delete(value);
  return out;
}

function hide(text, secret) {
  const s = typeof text === "string" ? text : JSON.stringify(text);
  return secret ? s.split(secret).join("<token>") : s;
}

async function call(input) {
  const { origin, token } = input;
  // /connections and identity are fixed URLs inside XeroClient: rewrite them on the way out.
  axios.interceptors.request.use((config) => {
    for (const o of XERO_ORIGINS) {
      if (typeof config.url === "string" && config.url.startsWith(o)) config.url = origin + config.url.slice(o.length);
    }
    return config;
  });
  const client = new xero.XeroClient();
  client.setTokenSet({ access_token: token, token_type: "Bearer", expires_in: 1800 });
  const instances = {};
  for (const [api, cls] of Object.entries(APIS)) {
    const inst = api === "payroll_au_v2" ? new cls() : null;
    instances[api] = inst || Object.values(client).find((v) => v instanceof cls);
    instances[api].accessToken = token;
    instances[api].basePath = origin + new URL(instances[api].basePath).pathname;
  }
  const results = [];
  if (input.tenants) {
    try {
      const tenants = await client.updateTenants(true);
      results.push({ api: "identity", method: "updateTenants", ok: true,
        body: tenants.map((t) => ({ tenantId: t.tenantId, tenantName: t.tenantName,
          orgData: wire(t.orgData) })) });
    } catch (err) {
      results.push({ api: "identity", method: "updateTenants", ok: false, error: hide(err, token).slice(0, 400) });
    }
  }
  for (const c of input.calls) {
    const api = instances[c.api];
    const fn = api && api[c.method];
    const d = fn ? describe(fn) : { params: [], type: null };
    const result = { api: c.api, method: c.method, type: d.type, ok: false };
    if (!fn) {
      result.error = "the SDK has no such method";
      results.push(result);
      continue;
    }
    const args = d.params.map((p) => c.args[p.toLowerCase()]);
    const missing = d.required.filter((p, i) => c.args[p.toLowerCase()] === undefined);
    if (missing.length) {
      result.error = "no value for " + missing.join(", ");
      results.push(result);
      continue;
    }
    try {
      const answer = await fn.apply(api, args);
      result.ok = true;
      result.status = answer.response.status;
      result.body = wire(answer.body);
    } catch (err) {
      result.error = hide(err instanceof Error ? `${err.name}: ${err.message}` : err, token).slice(0, 400);
    }
    results.push(result);
  }
  return results;
}

async function main() {
  const mode = process.argv[2];
  if (mode === "list") {
    process.stdout.write(JSON.stringify(gets()) + "\n");
    return;
  }
  if (mode !== "call") throw new Error("usage: node drive.js list|call");
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const results = await call(JSON.parse(Buffer.concat(chunks).toString("utf8")));
  process.stdout.write(JSON.stringify(results) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err).slice(0, 2000) + "\n");
  process.exit(1);
});
