"""Plain text of an HTML mail body, for sensitive-data scanning (not for display).

Script and style content is dropped; block elements become line breaks; entities are
decoded. Hostile HTML cannot execute here: nothing is rendered, only text is collected.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = frozenset({"script", "style", "head", "title"})
_BLOCK = frozenset(
    {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}
)
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


class _TextCollector(HTMLParser):
    def __init__(self, limit: int) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.size = 0
        self.limit = limit
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skipping += 1
        elif tag in _BLOCK:
            self._add("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self._skipping:
            self._skipping -= 1
        elif tag in _BLOCK:
            self._add("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._add(data)

    def _add(self, chunk: str) -> None:
        if self.size < self.limit:
            self.chunks.append(chunk)
            self.size += len(chunk)


def html_to_text(html: str, limit: int) -> str:
    """Visible text of ``html``, whitespace tidied, at most about ``limit`` characters."""
    collector = _TextCollector(limit)
    collector.feed(html)
    collector.close()
    joined = _SPACES.sub(" ", "".join(collector.chunks))
    lines = "\n".join(line.strip() for line in joined.split("\n"))
    return _BLANK_LINES.sub("\n\n", lines).strip()[:limit]
