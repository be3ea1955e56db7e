// Lifeline's webhooks: verified with the Standard Webhooks check, de-duplicated
// by `webhook-id`, and recorded.

import { Webhook, WebhookVerificationError } from "standardwebhooks";

/** The events received so far, oldest first, each recorded once. */
export class EventLog {
  #seen = new Set();
  /** @type {Array<{id: string, type: string, timestamp: string, data: object}>} */
  events = [];

  /** Records an event unless its id was seen before; returns whether it was new. */
  record(id, event) {
    if (this.#seen.has(id)) {
      return false;
    }
    this.#seen.add(id);
    this.events.push({ id, type: event.type, timestamp: event.timestamp, data: event.data });
    return true;
  }
}

/**
 * The Express handler for `POST /webhooks/lifeline`. It must be given the raw
 * body (a Buffer): the signature covers the bytes as sent, and a body parsed
 * and serialised again would not verify.
 *
 * Answers 400 when a Standard Webhooks header is missing, 401 when the
 * signature does not match or the timestamp is more than five minutes away
 * (a replayed delivery), and 204 otherwise. A delivery seen before (Lifeline
 * retries until it gets a 2xx) is answered 204 again and recorded once.
 */
export function webhookReceiver(secret, log) {
  const webhook = new Webhook(secret);
  return (request, response) => {
    const headers = {
      "webhook-id": request.get("webhook-id"),
      "webhook-timestamp": request.get("webhook-timestamp"),
      "webhook-signature": request.get("webhook-signature"),
    };
    if (!headers["webhook-id"] || !headers["webhook-timestamp"] || !headers["webhook-signature"]) {
      response.status(400).json({ error: "missing_headers" });
      return;
    }
    if (!Buffer.isBuffer(request.body)) {
      response.status(400).json({ error: "missing_body" });
      return;
    }
    let event;
    try {
      event = webhook.verify(request.body, headers);
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        response.status(401).json({ error: "invalid_signature" });
        return;
      }
      // A signed body that is not JSON: Lifeline never sends one.
      response.status(400).json({ error: "invalid_body" });
      return;
    }
    log.record(headers["webhook-id"], event);
    response.status(204).end();
  };
}
