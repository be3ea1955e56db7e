// The Express app: its own pages, Lifeline for everything about passwords.

import express from "express";

import { whoIsSignedIn } from "./lifeline.js";
import { homePage, unavailablePage } from "./pages.js";
import { EventLog, webhookReceiver } from "./webhooks.js";

/**
 * Builds the app. `config.appUrl` is the app's origin (no trailing slash), as
 * Lifeline's `server.redirect_allow_list` names it.
 */
export function createApp(config) {
  const events = new EventLog();
  const app = express();
  app.disable("x-powered-by");

  app.get("/", async (request, response) => {
    let signedIn;
    try {
      signedIn = await whoIsSignedIn(config.lifelineUrl, request.get("cookie"));
    } catch (error) {
      console.error(`asking Lifeline who is signed in failed: ${error.message}`);
      response.status(502).type("html").send(unavailablePage());
      return;
    }
    response.type("html").send(homePage({ ...config, signedIn }));
  });

  // The raw body, not express.json(): the signature covers the bytes as sent.
  app.post(
    "/webhooks/lifeline",
    express.raw({ type: () => true, limit: "64kb" }),
    webhookReceiver(config.webhookSecret, events),
  );

  // What the app was told, for the example's test and for a person trying it.
  // A real app would act on the events (and not publish them).
  app.get("/events", (request, response) => {
    response.json({ events: events.events });
  });

  return app;
}
