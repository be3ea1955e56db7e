// What a browser does that the test needs: a cookie jar shared by every
// origin, redirects followed hop by hop, forms read from the HTML.

import { parse } from "node-html-parser";
import { CookieJar } from "tough-cookie";

export class Browser {
  jar = new CookieJar();

  /** GET `url`, following redirects; returns `{ url, status, html }` of the last answer. */
  async get(url) {
    return this.#request(url, { method: "GET" });
  }

  /**
   * Submits the form on `page` whose action ends with `action`: its fields as
   * the HTML has them (hidden CSRF token included), overridden by `values`.
   */
  async submit(page, action, values = {}) {
    const form = parse(page.html)
      .querySelectorAll("form")
      .find((candidate) => (candidate.getAttribute("action") ?? "").endsWith(action));
    if (!form) {
      throw new Error(`no form posting to ${action} on ${page.url} (${page.status}):\n${page.html}`);
    }
    const fields = new URLSearchParams();
    for (const input of form.querySelectorAll("input")) {
      const name = input.getAttribute("name");
      if (name && !(name in values)) {
        fields.append(name, input.getAttribute("value") ?? "");
      }
    }
    for (const [name, value] of Object.entries(values)) {
      fields.append(name, value);
    }
    const target = new URL(form.getAttribute("action"), page.url).href;
    return this.#request(target, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
    });
  }

  async #request(url, init) {
    let current = url;
    let request = init;
    for (let hop = 0; hop < 10; hop += 1) {
      const cookie = await this.jar.getCookieString(current);
      const response = await fetch(current, {
        ...request,
        redirect: "manual",
        headers: { ...request.headers, ...(cookie ? { cookie } : {}) },
      });
      for (const header of response.headers.getSetCookie()) {
        await this.jar.setCookie(header, current);
      }
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).href;
        request = { method: "GET" };
        continue;
      }
      return { url: current, status: response.status, html: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The `href` of the element with `id` on `page`. */
export function linkById(page, id) {
  const href = parse(page.html).getElementById(id)?.getAttribute("href");
  if (!href) {
    throw new Error(`no #${id} link on ${page.url}:\n${page.html}`);
  }
  return new URL(href, page.url).href;
}

/** The text of the element with `id` on `page`, whitespace collapsed. */
export function textById(page, id) {
  return parse(page.html).getElementById(id)?.text.replace(/\s+/g, " ").trim();
}
