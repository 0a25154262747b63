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

const { exitAfter, newClient, readCode, run, seenFiles, traceFetch } = require('./lib');
const clientVersion = require('@cloudbase/oauth/package.json').version;

const [baseUrl, pickupDir, emailArg] = process.argv.slice(2);
if (!baseUrl || !pickupDir) {
  console.error('usage: node compat.js <baseUrl> <pickupDir> [email]');
  process.exit(2);
}

const email = emailArg || `cloudbase-${process.pid}-${Date.now()}@example.com`;

// Never hang a test run: the whole script gets 30 s.
exitAfter(30000);
traceFetch();
const auth = newClient(baseUrl).authApi;

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
  const seen = seenFiles(pickupDir);

  const sent = await auth.getVerification({ email, target: 'ANY' });
  console.log(`verification_id: ${sent.verification_id}`);
  console.log(`expires_in: ${sent.expires_in}`);
  console.log(`is_user: ${sent.is_user}`);

  const { code, file } = await readCode(pickupDir, email, seen);
  console.log(`code: ${code} (${file})`);

  const verified = await auth.verify({ verification_id: sent.verification_id, verification_code: code });
  console.log(`verification_token: ${verified.verification_token}`);
  console.log(`token_expires_in: ${verified.expires_in}`);

  // A second send to the same contact inside the cooldown (60 s by default).
  await expectError('cooldown', () => auth.getVerification({ email, target: 'ANY' }));
  // A malformed email.
  await expectError('bad email', () => auth.getVerification({ email: 'not-an-email', target: 'ANY' }));
}

run(main);
