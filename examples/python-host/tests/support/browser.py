"""What a browser does that the test needs: one cookie jar for every origin, redirects
followed, forms read from the HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _PageParser(HTMLParser):
    """The forms (action and input values), and the ``href`` and text of elements with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self._open_ids: list[tuple[str, str, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(attributes.get("action", "")))
        elif tag == "input" and self.forms and "name" in attributes:
            self.forms[-1].fields[attributes["name"]] = attributes.get("value", "")
        if "id" in attributes:
            if "href" in attributes:
                self.links[attributes["id"]] = attributes["href"]
            self._open_ids.append((tag, attributes["id"], []))

    def handle_endtag(self, tag):
        if self._open_ids and self._open_ids[-1][0] == tag:
            _, element_id, parts = self._open_ids.pop()
            self.texts[element_id] = " ".join("".join(parts).split())

    def handle_data(self, data):
        for _, _, parts in self._open_ids:
            parts.append(data)


@dataclass
class Page:
    url: str
    status: int
    html: str

    def _parsed(self) -> _PageParser:
        parser = _PageParser()
        parser.feed(self.html)
        return parser

    def link(self, element_id: str) -> str:
        """The absolute ``href`` of the element with ``element_id``."""
        href = self._parsed().links.get(element_id)
        assert href, f"no #{element_id} link on {self.url}:\n{self.html}"
        return urljoin(self.url, href)

    def text(self, element_id: str) -> str | None:
        """The text of the element with ``element_id``, whitespace collapsed."""
        return self._parsed().texts.get(element_id)

    def form(self, action: str) -> Form:
        """The form whose action ends with ``action``."""
        for form in self._parsed().forms:
            if form.action.endswith(action):
                return form
        raise AssertionError(f"no form posting to {action} on {self.url} ({self.status}):\n{self.html}")


class Browser:
    def __init__(self) -> None:
        self._client = httpx.Client(follow_redirects=True, timeout=10.0)

    def get(self, url: str) -> Page:
        return self._page(self._client.get(url))

    def submit(self, page: Page, action: str, **values: str) -> Page:
        """Submits the form on ``page`` posting to ``action``: its fields as the HTML has
        them (the hidden CSRF token included), overridden by ``values``."""
        form = page.form(action)
        data = {**form.fields, **values}
        return self._page(self._client.post(urljoin(page.url, form.action), data=data))

    @staticmethod
    def _page(response: httpx.Response) -> Page:
        return Page(str(response.url), response.status_code, response.text)

    def close(self) -> None:
        self._client.close()
