// The example's settings, read from the environment once at start-up.

/**
 * @typedef {object} Config
 * @property {string} lifelineUrl   Lifeline's public address, e.g. "https://id.example.com".
 * @property {string} webhookSecret The endpoint's Standard Webhooks secret ("whsec_…").
 * @property {number} port          The port to listen on (0 picks a free one).
 * @property {string} host          The address to listen on.
 * @property {string|undefined} appUrl The app's own absolute URL, as Lifeline's allow list names it.
 */

/** Reads the configuration, or throws naming the variable that is missing or wrong. */
export function configFromEnv(env = process.env) {
  const webhookSecret = env.WEBHOOK_SECRET ?? "";
  if (!webhookSecret.startsWith("whsec_")) {
    throw new Error("WEBHOOK_SECRET must be set to the endpoint's secret (whsec_…), as in Lifeline's [[webhooks.endpoints]]");
  }
  const port = Number(env.PORT ?? "3000");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, not ${JSON.stringify(env.PORT)}`);
  }
  return {
    lifelineUrl: trimSlash(env.LIFELINE_URL ?? "http://127.0.0.1:8080"),
    webhookSecret,
    port,
    host: env.HOST ?? "127.0.0.1",
    appUrl: env.APP_URL ? trimSlash(env.APP_URL) : undefined,
  };
}

function trimSlash(url) {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}
