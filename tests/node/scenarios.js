#!/usr/bin/env node
// Provokes each named failure scenario of the xero-nb simulator through xero-node (Xero's official Node
// SDK) and prints what the SDK threw, for tests/test_diagnose_real_node.py.
//
//   node scenarios.js < jobs.json      one JSON document on stdout: a list, one result per job
//
// stdin: {"origin": "http://127.0.0.1:PORT", "jobs": [job, ...]}, where a job is one of
//   {"id", "kind": "api", "method": "GET", "url": "https://api.xero.com/api.xro/2.0/Accounts",
//    "region": "AU" | null, "token": "<access token>", "tenant": "<id>" | null | ""}
//        -> the SDK method for that URL (found in the SDK's own API classes by base path and path)
//   {"id", "kind": "refresh", "clientId", "clientSecret", "refreshToken"}
//        -> XeroClient.refreshWithRefreshToken(clientId, clientSecret, refreshToken)
//   {"id", "kind": "refresh_openid", "clientId", "clientSecret", "refreshToken"}
//        -> XeroClient.refreshToken(), the refresh xero-node's README shows, through openid-client. Its client
//           is built as XeroClient.initialize() builds it, from the discovery document the simulator serves
//           at its own 127.0.0.1 origin (initialize() itself only discovers https://identity.xero.com).
//   {"id", "kind": "client_credentials", "clientId", "clientSecret", "scopes": [...]}
//        -> new XeroClient({..., grantType: "client_credentials", scopes}).getClientCredentialsToken()
// A null tenant passes undefined (the SDK's own "Required parameter" check throws); "" sends the header empty.
//
// Each result: {"id", "call": "accounting.getAccounts", "threw": bool, "type": "string" | "Error" | ...,
// "forms": {"json": JSON.stringify(err), "string": String(err), "message": err.message (Errors only),
// "inspect": util.inspect(err), "console": util.format(err) (what console.log(err) prints)},
// "raw": the thrown value as plain JSON (a thrown string: itself; an object: its own properties, walked,
// cycles cut), "keys": the thrown object's own keys}. Nothing is redacted here: what the SDK puts in its
// error is what the test checks for secrets. The driver prints no token of its own.
//
// Only 127.0.0.1 is reached, and the errors still name Xero's hosts: every https://{api,identity,login}
// .xero.com URL the SDK builds is rewritten to http://<same host>:PORT, and node's global http agent,
// whose DNS lookup answers 127.0.0.1 for every name, carries it. No name is ever resolved (the test also
// clears proxy variables from node's environment), and the host the SDK records in its error is
// api.xero.com or identity.xero.com, as against Xero; only the scheme (http) and port differ.
"use strict";

const http = require("http");
const https = require("https");
const path = require("path");
const util = require("util");
const axios = require("axios");
const xero = require("xero-node");
const { Issuer } = require("openid-client");  // the one xero-node itself requires (one copy in .node/)
const { PayrollAuV2Api } = require(path.join(path.dirname(require.resolve("xero-node")),
  "gen", "api", "payrollAUV2Api"));

const XERO_HOSTS = ["api.xero.com", "identity.xero.com", "login.xero.com"];
// The SDK's API classes, by catalog name; payroll 2.0 is three classes on one base path: region decides.
const APIS = {
  accounting: xero.AccountingApi, assets: xero.AssetApi, files: xero.FilesApi,
  projects: xero.ProjectApi, payroll_au: xero.PayrollAuApi, payroll_au_v2: PayrollAuV2Api,
  payroll_uk: xero.PayrollUkApi, payroll_nz: xero.PayrollNzApi, appstore: xero.AppStoreApi,
  finance: xero.FinanceApi, bankfeeds: xero.BankFeedsApi,
};
const REGION = { payroll_au_v2: "AU", payroll_uk: "UK", payroll_nz: "NZ" };

function loopback(hostname, options, callback) {
  if (typeof options === "function") { callback = options; options = {}; }
  if (options && options.all) callback(null, [{ address: "127.0.0.1", family: 4 }]);
  else callback(null, "127.0.0.1", 4);
}

function pointAtSimulator(origin) {
  const port = new URL(origin).port;
  // The global agents, not agents in axios's config: an agent in the config would be serialised with
  // the error (its sockets hold the raw request, Authorization included), which no user's error has.
  http.globalAgent = new http.Agent({ lookup: loopback });
  https.globalAgent = new https.Agent({ lookup: loopback });  // nothing is https; if it were, it stays local
  axios.interceptors.request.use((config) => {
    if (typeof config.url === "string") {
      for (const host of XERO_HOSTS) {
        const o = "https://" + host;
        if (config.url.startsWith(o)) config.url = `http://${host}:${port}` + config.url.slice(o.length);
      }
    }
    return config;
  });
}

function describe(fn) {
  const src = fn.toString();
  const sig = /function\*\s*\(([^)]*)\)/.exec(src);
  const params = sig ? sig[1].split(",").map((p) => p.split("=")[0].trim()).filter((p) => p && p !== "options") : [];
  const verb = /method: '(\w+)'/.exec(src);
  const where = /localVarPath = this\.basePath \+ '([^']*)'/.exec(src);
  return { params, httpMethod: verb ? verb[1] : null, path: where ? where[1] : null };
}

// The SDK method behind METHOD URL: a class whose base path starts the URL, a method with that verb and path.
function sdkMethod(instances, method, url, region) {
  const found = [];
  for (const [api, inst] of Object.entries(instances)) {
    const base = inst.basePath;
    if (!url.startsWith(base + "/")) continue;
    const rest = url.slice(base.length).split("?")[0];
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(inst))) {
      if (name === "constructor" || typeof inst[name] !== "function") continue;
      const d = describe(inst[name]);
      if (d.httpMethod === method && d.path === rest) found.push({ api, name, params: d.params });
    }
  }
  const regional = found.filter((f) => !REGION[f.api] || REGION[f.api] === region);
  const pick = regional.length ? regional : found;
  if (pick.length !== 1) {
    throw new Error(`no single SDK method for ${method} ${url} (region ${region}): `
      + pick.map((f) => `${f.api}.${f.name}`).join(", "));
  }
  return pick[0];
}

// The thrown value as plain JSON: own properties walked (an Error's name, message and stack too, which
// are not enumerable), AxiosHeaders as their plain object, functions and sockets left out, cycles cut.
function plain(value, seen = new Set(), depth = 0) {
  if (value === null || value === undefined || typeof value !== "object") {
    return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  }
  if (depth > 8) return "<deep>";
  if (seen.has(value)) return "<cycle>";
  if (Buffer.isBuffer(value)) return { "<bytes>": value.length };
  if (value instanceof Date) return value.toISOString();
  if (value instanceof axios.AxiosHeaders) return value.toJSON();
  seen.add(value);
  let out;
  if (Array.isArray(value)) {
    out = value.map((v) => plain(v, seen, depth + 1));
  } else {
    out = {};
    if (value instanceof Error) {
      out.name = value.name;
      out.message = value.message;
    }
    for (const [k, v] of Object.entries(value)) {
      const p = plain(v, seen, depth + 1);
      if (p !== undefined) out[k] = p;
    }
    if (value instanceof Error && typeof value.stack === "string") out.stack = value.stack;
  }
  seen.delete(value);
  return out;
}

function forms(err) {
  const out = {};
  try { out.json = JSON.stringify(err); } catch (e) { out.json = `<JSON.stringify threw: ${e.message}>`; }
  out.string = String(err);
  if (err instanceof Error) out.message = err.message;
  out.inspect = util.inspect(err);
  out.console = util.format(err);
  return out;
}

function typeOf(err) {
  if (err === null) return "null";
  if (typeof err !== "object") return typeof err;
  return err.constructor && err.constructor.name ? err.constructor.name : "object";
}

async function run(job, client, instances, origin) {
  const result = { id: job.id, threw: false };
  let promise;
  if (job.kind === "api") {
    const m = sdkMethod(instances, job.method, job.url, job.region);
    result.call = `${m.api}.${m.name}`;
    const inst = instances[m.api];
    inst.accessToken = job.token;
    const args = m.params.map((p) => (p === "xeroTenantId" ? (job.tenant === null ? undefined : job.tenant)
      : undefined));
    promise = inst[m.name](...args);
  } else if (job.kind === "refresh") {
    result.call = "XeroClient.refreshWithRefreshToken";
    promise = client.refreshWithRefreshToken(job.clientId, job.clientSecret, job.refreshToken);
  } else if (job.kind === "refresh_openid") {
    result.call = "XeroClient.refreshToken";
    const issuer = await Issuer.discover(origin);
    const oc = new xero.XeroClient({ clientId: job.clientId, clientSecret: job.clientSecret,
      redirectUris: ["http://localhost:5000/callback"], scopes: ["openid", "offline_access"] });
    oc.openIdClient = new issuer.Client({ client_id: job.clientId, client_secret: job.clientSecret,
      redirect_uris: ["http://localhost:5000/callback"] });
    // an access token is required by setTokenSet; this one is long expired and never sent
    oc.setTokenSet({ access_token: "expired", refresh_token: job.refreshToken, token_type: "Bearer",
      expires_at: 1 });
    promise = oc.refreshToken();
  } else if (job.kind === "client_credentials") {
    result.call = "XeroClient.getClientCredentialsToken";
    const cc = new xero.XeroClient({ clientId: job.clientId, clientSecret: job.clientSecret,
      grantType: "client_credentials", scopes: job.scopes });
    promise = cc.getClientCredentialsToken();
  } else {
    throw new Error(`unknown job kind ${job.kind}`);
  }
  try {
    const answer = await promise;
    const status = answer && answer.response ? answer.response.status : undefined;
    result.status = status;  // no error: the scenario did not fail through the SDK (a finding)
  } catch (err) {
    result.threw = true;
    result.type = typeOf(err);
    result.keys = err !== null && typeof err === "object" ? Object.keys(err) : [];
    result.forms = forms(err);
    result.raw = plain(err);
  }
  return result;
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  pointAtSimulator(input.origin);
  const client = new xero.XeroClient();
  const instances = {};
  for (const [api, cls] of Object.entries(APIS)) {
    instances[api] = api === "payroll_au_v2" ? new cls() : Object.values(client).find((v) => v instanceof cls);
  }
  const results = [];
  for (const job of input.jobs) results.push(await run(job, client, instances, input.origin));
  process.stdout.write(JSON.stringify(results) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err).slice(0, 2000) + "\n");
  process.exit(1);
});
