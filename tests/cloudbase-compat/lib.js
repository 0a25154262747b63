// Shared by compat.js and identity.js: what the official CloudBase client needs to run under Node against the
// sample, and how a test reads the codes the sample wrote into its pickup directory.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { CloudbaseOAuth } = require('@cloudbase/oauth');

const stepTimeoutMs = 10000;

// Never hang a test run.
function exitAfter(ms) {
  setTimeout(() => {
    console.error(`error: timed out after ${ms / 1000} s`);
    process.exit(3);
  }, ms).unref();
}

// Node has no window.localStorage, which the client's default storage uses (device id, credentials, captcha
// token): give it an in-memory store with the sync and async halves of its SimpleStorage interface. A new store
// is a new browser: no device id and no credentials.
function memoryStorage() {
  const memory = new Map();
  return {
    getItem: async (key) => (memory.has(key) ? memory.get(key) : null),
    setItem: async (key, value) => { memory.set(key, String(value)); },
    removeItem: async (key) => { memory.delete(key); },
    getItemSync: (key) => (memory.has(key) ? memory.get(key) : null),
    setItemSync: (key, value) => { memory.set(key, String(value)); },
    removeItemSync: (key) => { memory.delete(key); },
  };
}

// The client calls the global fetch (Node 20 has it); wrap it to print what it really sends.
function traceFetch() {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    console.log(`request: ${request.method} ${url.pathname}${url.search} content-type=${request.headers.get('content-type') || '(none)'}`);
    const response = await realFetch(input, { ...init, signal: AbortSignal.timeout(stepTimeoutMs) });
    console.log(`response: ${response.status} ${url.pathname}`);
    return response;
  };
}

// apiOrigin is the scheme://host:port; the client appends apiPath (default AUTH_API_PREFIX, "/auth") and then
// its own "/v1/…" paths, so the sample's default prefix /auth/v1 matches.
function newClient(baseUrl) {
  return new CloudbaseOAuth({
    apiOrigin: baseUrl.replace(/\/+$/, ''),
    env: 'sample',
    clientId: 'sample',
    storage: memoryStorage(),
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function seenFiles(pickupDir) {
  return new Set(fs.existsSync(pickupDir) ? fs.readdirSync(pickupDir) : []);
}

// The newest message to `to` in the pickup directory that is not one of `seen` (which it joins).
async function readCode(pickupDir, to, seen) {
  const deadline = Date.now() + stepTimeoutMs;
  while (Date.now() < deadline) {
    const files = fs.existsSync(pickupDir)
      ? fs.readdirSync(pickupDir).filter((f) => f.endsWith('.json') && !seen.has(f)).sort().reverse()
      : [];
    for (const file of files) {
      const message = JSON.parse(fs.readFileSync(path.join(pickupDir, file), 'utf8'));
      if (String(message.to).toLowerCase() === to.toLowerCase()) {
        const match = /(?<!\d)\d{4,10}(?!\d)/.exec(message.body);
        if (!match) throw new Error(`no code in the body of ${file}: ${JSON.stringify(message.body)}`);
        seen.add(file);
        return { code: match[0], file };
      }
    }
    await sleep(100);
  }
  throw new Error(`no message to ${to} appeared in ${pickupDir} within ${stepTimeoutMs} ms`);
}

// Runs main, prints "result: ok" or the failure, and exits 0 or 1. The client throws its errors as the response's
// JSON body (plus error_uri and requestId), not as Error objects.
function run(main) {
  main().then(
    () => {
      console.log('result: ok');
      process.exit(0);
    },
    (error) => {
      const text = error instanceof Error ? error.stack : JSON.stringify(error);
      console.error(`error: ${text}`);
      console.log('result: failed');
      process.exit(1);
    },
  );
}

module.exports = { exitAfter, newClient, readCode, run, seenFiles, traceFetch };
