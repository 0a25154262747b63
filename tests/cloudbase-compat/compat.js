#!/usr/bin/env node
// Drives the official CloudBase auth client, @cloudbase/oauth, against a running Verification sample:
// getVerification to an email, the code read back from the sample's pickup directory, verify, then two
// errors (the resend cooldown and a malformed email) as the client surfaces them.
//
//   node compat.js <baseUrl> <pickupDir> [email]
//   node compat.js http://127.0.0.1:5080 /tmp/pickup
//
// What @cloudbase/oauth 3.3.3 sends (read from its code and seen here): POST <apiOrigin>/auth/v1/verification and
// /auth/v1/verification/verify with "?client_id=<clientId>" appended, the JSON body as a string with no
// Content-Type of its own (so fetch sends text/plain;charset=UTF-8), headers x-request-id and x-device-id, and
// a header named "undefined" (its i18n language header when no i18n is configured). Errors are thrown as the
// response's JSON body plus error_uri and requestId, not as Error objects.
//
// Prints one "key: value" line per fact (read by tests/Verification.Samples.Tests/CloudBaseCompatTests.cs);
// exits 0 when every step behaved, 1 otherwise, 2 on a usage error, 3 on the overall time limit.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { CloudbaseOAuth } = require('@cloudbase/oauth');
const clientVersion = require('@cloudbase/oauth/package.json').version;

const [baseUrl, pickupDir, emailArg] = process.argv.slice(2);
if (!baseUrl || !pickupDir) {
  console.error('usage: node compat.js <baseUrl> <pickupDir> [email]');
  process.exit(2);
}

const email = emailArg || `cloudbase-${process.pid}-${Date.now()}@example.com`;
const stepTimeoutMs = 10000;

// Never hang a test run: the whole script gets 30 s.
setTimeout(() => {
  console.error('error: compat.js timed out after 30 s');
  process.exit(3);
}, 30000).unref();

// Node has no window.localStorage, which the client's default storage uses (device id, credentials, captcha
// token): give it an in-memory store with the sync and async halves of its SimpleStorage interface.
const memory = new Map();
const storage = {
  getItem: async (key) => (memory.has(key) ? memory.get(key) : null),
  setItem: async (key, value) => { memory.set(key, String(value)); },
  removeItem: async (key) => { memory.delete(key); },
  getItemSync: (key) => (memory.has(key) ? memory.get(key) : null),
  setItemSync: (key, value) => { memory.set(key, String(value)); },
  removeItemSync: (key) => { memory.delete(key); },
};

// The client calls the global fetch (Node 20 has it); wrap it to print what it really sends.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const request = new Request(input, init);
  const url = new URL(request.url);
  console.log(`request: ${request.method} ${url.pathname}${url.search} content-type=${request.headers.get('content-type') || '(none)'}`);
  const response = await realFetch(input, { ...init, signal: AbortSignal.timeout(stepTimeoutMs) });
  console.log(`response: ${response.status} ${url.pathname}`);
  return response;
};

// apiOrigin is the scheme://host:port; the client appends apiPath (default AUTH_API_PREFIX, "/auth") and then
// its own "/v1/verification" and "/v1/verification/verify", so the sample's default prefix /auth/v1 matches.
const oauth = new CloudbaseOAuth({
  apiOrigin: baseUrl.replace(/\/+$/, ''),
  env: 'sample',
  clientId: 'sample',
  storage,
});
const auth = oauth.authApi;

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// The newest message to `to` in the pickup directory that is not one of `seen`.
async function readCode(to, seen) {
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
        return { code: match[0], file };
      }
    }
    await sleep(100);
  }
  throw new Error(`no message to ${to} appeared in ${pickupDir} within ${stepTimeoutMs} ms`);
}

function describe(error) {
  const details = error && error.details && typeof error.details === 'object' ? error.details : {};
  return `${error.error} error_code=${error.error_code} reason=${details.reason || ''}`
    + `${details.retry_after !== undefined ? ` retry_after=${details.retry_after}` : ''}`
    + `${details.field ? ` field=${details.field}` : ''} error_uri=${error.error_uri}`;
}

async function expectError(label, call) {
  try {
    const answer = await call();
    throw new Error(`${label}: expected an error, got ${JSON.stringify(answer)}`);
  } catch (error) {
    if (error instanceof Error) throw error;
    console.log(`error (${label}): ${describe(error)}`);
    return error;
  }
}

async function main() {
  console.log(`client: @cloudbase/oauth ${clientVersion}`);
  console.log(`email: ${email}`);
  const seen = new Set(fs.existsSync(pickupDir) ? fs.readdirSync(pickupDir) : []);

  const sent = await auth.getVerification({ email, target: 'ANY' });
  console.log(`verification_id: ${sent.verification_id}`);
  console.log(`expires_in: ${sent.expires_in}`);
  console.log(`is_user: ${sent.is_user}`);

  const { code, file } = await readCode(email, seen);
  console.log(`code: ${code} (${file})`);

  const verified = await auth.verify({ verification_id: sent.verification_id, verification_code: code });
  console.log(`verification_token: ${verified.verification_token}`);
  console.log(`token_expires_in: ${verified.expires_in}`);

  // A second send to the same contact inside the cooldown (60 s by default).
  await expectError('cooldown', () => auth.getVerification({ email, target: 'ANY' }));
  // A malformed email.
  await expectError('bad email', () => auth.getVerification({ email: 'not-an-email', target: 'ANY' }));

  console.log('result: ok');
}

main().then(
  () => process.exit(0),
  (error) => {
    const text = error instanceof Error ? error.stack : JSON.stringify(error);
    console.error(`error: ${text}`);
    console.log('result: failed');
    process.exit(1);
  },
);
