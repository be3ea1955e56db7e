// The example beside the real Lifeline binary, walked as a browser would:
// a password reset and a magic-link sign-in, then the webhooks they caused.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";

import { Webhook } from "standardwebhooks";

import { Browser, linkById, textById } from "./support/browser.js";
import { Lifeline, freePort, newWebhookSecret } from "./support/lifeline.js";
import { Child, waitFor } from "./support/processes.js";
import { SmtpSink } from "./support/smtp_sink.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const DEADLINE_MS = 30000;

let sink;
let lifeline;
let app;
let appUrl;
const webhookSecret = newWebhookSecret();

before(async () => {
  sink = await SmtpSink.start();
  const lifelinePort = await freePort();
  app = new Child("node-host", process.execPath, ["src/server.js"], {
    cwd: appDir,
    env: {
      PATH: process.env.PATH,
      LIFELINE_URL: `http://127.0.0.1:${lifelinePort}`,
      WEBHOOK_SECRET: webhookSecret,
      PORT: "0",
    },
  });
  [, appUrl] = await app.waitForOutput(/listening on (http:\/\/\S+)/);
  lifeline = await Lifeline.start({ port: lifelinePort, smtpPort: sink.port, appUrl, webhookSecret });
});

after(async () => {
  await Promise.allSettled([app?.stop(), lifeline?.stop()]);
  await sink?.stop();
});

/** A test whose failure message ends with what Lifeline and the app printed. */
function walk(name, body) {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      error.message += `\n--- lifeline output:\n${lifeline?.child.output}\n--- node-host output:\n${app?.output}`;
      throw error;
    }
  });
}

/** The events the app recorded, once `matches` finds one among them. */
async function waitForEvent(what, matches) {
  return waitFor(`the app to record ${what}`, DEADLINE_MS, async () => {
    const { events } = await (await fetch(`${appUrl}/events`)).json();
    return events.find(matches);
  });
}

walk("a password reset asked from the app's link ends signed in, and the app hears of it", async () => {
  const email = "reset@example.com";
  await lifeline.addUser(email, "the first password");
  const browser = new Browser();

  const home = await browser.get(`${appUrl}/`);
  assert.equal(textById(home, "who"), "Not signed in.");
  const forgot = await browser.get(linkById(home, "forgot"));
  assert.equal(forgot.status, 200, forgot.html);
  const asked = await browser.submit(forgot, "/password/forgot", { email });
  assert.equal(asked.status, 200, asked.html);

  const link = await sink.waitForLink(email, `${lifeline.url}/password/reset?token=`, DEADLINE_MS);
  const form = await browser.get(link);
  assert.equal(form.status, 200, form.html);
  const newPassword = "a brand new passphrase";
  const login = await browser.submit(form, "/password/reset", {
    password: newPassword,
    password_confirm: newPassword,
  });
  assert.equal(login.status, 200, login.html);
  const account = await browser.submit(login, "/login", { email, password: newPassword });
  assert.equal(account.status, 200, account.html);
  assert.equal(new URL(account.url).origin, lifeline.url);

  const back = await browser.get(`${appUrl}/`);
  assert.match(textById(back, "who"), new RegExp(`^Signed in as ${email} \\(by password,`));
  const changed = await waitForEvent("password.changed", (e) => e.type === "password.changed" && e.data.email === email);
  assert.equal(typeof changed.data.user_id, "number");
  const signedIn = await waitForEvent(
    "signin.succeeded by password",
    (e) => e.type === "signin.succeeded" && e.data.email === email,
  );
  assert.equal(signedIn.data.method, "password");
});

walk("a magic link asked from the app's link lands back on the app, signed in", async () => {
  const email = "link@example.com";
  await lifeline.addUser(email, "a password unused here");
  const browser = new Browser();

  const home = await browser.get(`${appUrl}/`);
  const ask = await browser.get(linkById(home, "magic-link"));
  assert.equal(ask.status, 200, ask.html);
  const asked = await browser.submit(ask, "/magic-link", { email });
  assert.equal(asked.status, 200, asked.html);

  const link = await sink.waitForLink(email, `${lifeline.url}/magic-link/verify?token=`, DEADLINE_MS);
  const verify = await browser.get(link);
  assert.equal(verify.status, 200, verify.html);
  const landed = await browser.submit(verify, "/magic-link/verify");

  assert.equal(landed.url, `${appUrl}/`);
  assert.equal(landed.status, 200, landed.html);
  assert.match(textById(landed, "who"), new RegExp(`^Signed in as ${email} \\(by link,`));
  const signedIn = await waitForEvent(
    "signin.succeeded by link",
    (e) => e.type === "signin.succeeded" && e.data.email === email,
  );
  assert.equal(signedIn.data.method, "link");
});

walk("the webhook receiver refuses forged, stale and unsigned deliveries and records a retry once", async () => {
  const body = JSON.stringify({
    type: "account.deleted",
    timestamp: new Date().toISOString(),
    data: { user_id: 999, email: "forged@example.com" },
  });
  const post = (headers) =>
    fetch(`${appUrl}/webhooks/lifeline`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  const signed = (secret, id, at) => ({
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, at, body),
  });

  const forged = await post(signed(newWebhookSecret(), "msg_forged", new Date()));
  const stale = await post(signed(webhookSecret, "msg_stale", new Date(Date.now() - 10 * 60 * 1000)));
  const unsigned = await post({ "webhook-id": "msg_unsigned" });
  const first = await post(signed(webhookSecret, "msg_twice", new Date()));
  const retry = await post(signed(webhookSecret, "msg_twice", new Date()));

  assert.equal(forged.status, 401);
  assert.equal(stale.status, 401);
  assert.equal(unsigned.status, 400);
  assert.equal(first.status, 204);
  assert.equal(retry.status, 204);
  const { events } = await (await fetch(`${appUrl}/events`)).json();
  const ids = events.map((e) => e.id);
  assert.ok(!ids.includes("msg_forged") && !ids.includes("msg_stale") && !ids.includes("msg_unsigned"));
  assert.equal(ids.filter((id) => id === "msg_twice").length, 1);
});
