#!/usr/bin/env node
// Drives the official CloudBase auth client, @cloudbase/oauth, through the whole passwordless flow against the
// Verification sample running with Sample:Users=Identity (users in ASP.NET Core Identity):
//   a new user: getVerification (is_user false) → verify → signUp (credentials) → getUserInfo;
//   a new client (a fresh browser: no credentials): getVerification (is_user true) → verify → signIn with the
//   verification token → getUserInfo (the same user) → token refresh → getUserInfo with the refreshed token.
//
//   node identity.js <baseUrl> <pickupDir> <phone number>
//   node identity.js http://127.0.0.1:5080 /tmp/pickup "+86 13800138000"
//
// What @cloudbase/oauth sends (read from its code): signUp posts its parameters as they are to /auth/v1/signup;
// signIn posts them to /auth/v1/signin (not encrypted unless isEncrypt is set); both store the answer as the
// credentials. getUserInfo sends GET /auth/v1/user/me with "Authorization: <token_type> <access_token>".
// refreshTokenForce posts {client_id, grant_type: "refresh_token", refresh_token} to /auth/v1/token.
// signOut without arguments would post the access token to /auth/v1/revoke, which the sample does not offer:
// a new client stands for the signed-out browser.
//
// Prints one "key: value" line per fact (read by tests/Verification.Samples.Tests/CloudBaseCompatTests.cs);
// exits 0 when every step behaved, 1 otherwise, 2 on a usage error, 3 on the overall time limit.
'use strict';

const { exitAfter, newClient, readCode, run, seenFiles, traceFetch } = require('./lib');

const [baseUrl, pickupDir, phone] = process.argv.slice(2);
if (!baseUrl || !pickupDir || !phone) {
  console.error('usage: node identity.js <baseUrl> <pickupDir> <phone number>');
  process.exit(2);
}

// The pickup directory names the recipient in E.164.
const e164 = phone.replace(/[^\d+]/g, '');

exitAfter(45000);
traceFetch();

// Sends a code with the client, reads it from the pickup directory and verifies it: the verification token.
async function verificationToken(auth, label, seen) {
  const sent = await auth.getVerification({ phone_number: phone, target: 'ANY' });
  console.log(`is_user (${label}): ${sent.is_user}`);
  const { code } = await readCode(pickupDir, e164, seen);
  const verified = await auth.verify({ verification_id: sent.verification_id, verification_code: code });
  return verified.verification_token;
}

async function main() {
  const seen = seenFiles(pickupDir);

  const first = newClient(baseUrl);
  const signUpToken = await verificationToken(first.authApi, 'sign-up', seen);
  const signedUp = await first.authApi.signUp({ phone_number: phone, verification_token: signUpToken, name: 'CloudBase Client' });
  console.log(`sign-up token_type: ${signedUp.token_type}`);
  console.log(`sign-up expires_in: ${signedUp.expires_in}`);
  console.log(`sign-up sub: ${signedUp.sub}`);
  const me = await first.authApi.getUserInfo();
  console.log(`sign-up user: ${me.sub} ${me.phone_number} ${me.name}`);

  // A fresh browser: no stored credentials, a new device id.
  const second = newClient(baseUrl);
  const signInToken = await verificationToken(second.authApi, 'sign-in', seen);
  const signedIn = await second.authApi.signIn({ username: phone, verification_token: signInToken });
  console.log(`sign-in sub: ${signedIn.sub}`);
  const again = await second.authApi.getUserInfo();
  console.log(`sign-in user: ${again.sub} ${again.phone_number}`);

  const refreshed = await second.authApi.refreshTokenForce({});
  console.log(`refreshed: ${refreshed.access_token !== signedIn.access_token} ${refreshed.sub}`);
  const stored = await second.authApi.getCredentials();
  console.log(`stored refreshed: ${stored.access_token === refreshed.access_token}`);
  const afterRefresh = await second.authApi.getUserInfo();
  console.log(`refreshed user: ${afterRefresh.sub}`);
}

run(main);
