// Asks Lifeline who is signed in, with the browser's own session cookie.

/** The cookie Lifeline keeps its session in. */
export const SESSION_COOKIE = "lifeline_session";

/**
 * The signed-in account for a request's `Cookie` header: `{ user, session }` as
 * `GET /api/v1/session` answers it, or `null` when Lifeline answers 401.
 * Only Lifeline's own cookie is forwarded, never the app's other cookies.
 * Any other answer is an error: the app must not treat an outage as "signed out"
 * silently.
 */
export async function whoIsSignedIn(lifelineUrl, cookieHeader) {
  const session = readCookie(cookieHeader ?? "", SESSION_COOKIE);
  if (session === undefined) {
    return null;
  }
  const response = await fetch(`${lifelineUrl}/api/v1/session`, {
    headers: { cookie: `${SESSION_COOKIE}=${session}`, accept: "application/json" },
    signal: AbortSignal.timeout(5000),
  });
  if (response.status === 401) {
    return null;
  }
  if (!response.ok) {
    throw new Error(`GET /api/v1/session answered ${response.status}`);
  }
  return response.json();
}

/** The value of cookie `name` in a `Cookie` header, as sent (not decoded). */
export function readCookie(header, name) {
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === name) {
      return pair.slice(at + 1).trim();
    }
  }
  return undefined;
}
