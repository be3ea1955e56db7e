// The app's own pages. Plain template literals; every value is escaped.

const escapes = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `text` made safe for HTML text and quoted attributes. */
export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => escapes[c]);
}

/**
 * The home page: who is signed in (from Lifeline's `GET /api/v1/session`) and
 * links to Lifeline's pages; the magic link brings the browser back here (`next`).
 */
export function homePage({ lifelineUrl, appUrl, signedIn }) {
  const back = encodeURIComponent(`${appUrl}/`);
  const who = signedIn
    ? `<p id="who">Signed in as <strong>${escapeHtml(signedIn.user.email)}</strong>
  (by ${escapeHtml(signedIn.session.method)}, until ${escapeHtml(signedIn.session.expires_at)}).</p>
<p><a href="${escapeHtml(lifelineUrl)}/account">Your account at Lifeline</a></p>`
    : `<p id="who">Not signed in.</p>
<ul>
  <li><a href="${escapeHtml(lifelineUrl)}/login">Sign in with your password</a></li>
  <li><a id="magic-link" href="${escapeHtml(lifelineUrl)}/magic-link?next=${back}">Sign in with a link by email</a></li>
  <li><a id="forgot" href="${escapeHtml(lifelineUrl)}/password/forgot">Forgot your password?</a></li>
</ul>`;
  return layout("Example app", `<h1>Example app</h1>
${who}
<p><a href="/events">Events Lifeline sent</a> (JSON)</p>`);
}

/** The page shown when Lifeline cannot be asked. */
export function unavailablePage() {
  return layout("Sign-in unavailable", `<h1>Sign-in unavailable</h1>
<p>The sign-in service did not answer. Try again in a moment.</p>`);
}

function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body>
${body}
</body>
</html>
`;
}
