"""Content is code: hostile or broken input in a real build gives page:line messages and never
runs code, emits markup, hangs or prints a traceback."""

from __future__ import annotations

import time
from html.parser import HTMLParser
from pathlib import Path

from tests.site.helpers import run_mkdocs

CONFIG = """\
site_name: attacks
plugins:
  - genai-notes:
      glossary: abbreviations.md
markdown_extensions:
  - abbr
  - admonition
  - md_in_html
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.superfences
  - pymdownx.snippets:
      base_path: ["."]
      auto_append: [abbreviations.md]
"""

BOMB = "\n".join(
    ["name: sampling.temperature", "params:", "  a: &a [x, x, x, x, x, x, x, x, x]"]
    + [
        f"  {chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]"
        for i in range(8)
    ]
    + ["caption: c", "alt: a"]
)

PAGE = f"""\
# Attacks

One {{{{ memory.np.save('pwned.npy', [1.0]) }}}} two.

Format {{{{ '{{0.__class__}}'.format(1) }}}} three.

Power {{{{ 10**10**10 }}}} four.

Digits {{{{ {"7" * 5000} }}}} five.

Sum {{{{ {"+".join(["1"] * 2000)} }}}} six.

Infinite {{{{ 1e308 * 10 }}}} seven.

Script $\\text{{<script>alert(1)</script>}}$ eight.

Unclosed {{{{ oops

Still evaluated {{{{ 1 + 1 | .0f }}}} ten.

A lone ` backtick.

Between {{{{ 2 + 2 | .0f }}}} lone ticks.

Another ` backtick.

    {{{{ 3 + 3 }}}} in indented code

```figure
{BOMB}
```

```figure
name: sampling.temperature
caption: "<script>alert(2)</script> {{{{ 5 + 5 | .0f }}}}"
alt: "<img src=x onerror=alert(3)>"
```
"""

GLOSSARY = "*[XSS]: <img src=x onerror=alert(4)> a term.\n"


def _project(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "docs/glossary.md").write_text("# Glossary\n\n<!-- glossary -->\n\nXSS here.\n")
    (tmp_path / "abbreviations.md").write_text(GLOSSARY, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


class _Markup(HTMLParser):
    """Scripts' text and every attribute name of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.attributes: set[str] = set()
        self.tags: set[str] = set()
        self.sources: set[str] = set()
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)
        self.sources.update(value or "" for name, value in attrs if name == "src")
        self._in_script = tag == "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False


def test_hostile_input_is_reported_and_inert(tmp_path: Path) -> None:
    project = _project(tmp_path)
    started = time.monotonic()
    result = run_mkdocs(project, "build", "--site-dir", "site")
    assert time.monotonic() - started < 120
    assert result.returncode == 0, result.stderr
    log = result.stderr
    assert "Traceback" not in log
    assert not list(project.rglob("pwned*"))
    expected = {
        "One": "only science functions",
        "Format": "only science functions",
        "Power": "too large an integer",
        "Digits": "longer than",
        "Sum": "longer than",
        "Infinite": "not a finite number",
        "Unclosed": "is never closed",
        "  a: &a": "anchors and aliases",
    }
    for start, problem in expected.items():
        line = next(n for n, text in enumerate(PAGE.splitlines(), 1) if text.startswith(start))
        assert any(f"docs/index.md:{line}:" in m and problem in m for m in log.splitlines()), (
            line,
            problem,
            log,
        )
    assert "abbreviations.md:1:1:" not in log  # markup in a definition is escaped, not an error
    page = (project / "site/index.html").read_text(encoding="utf-8")
    glossary = (project / "site/glossary/index.html").read_text(encoding="utf-8")
    for html_text in (page, glossary):
        markup = _Markup()
        markup.feed(html_text)
        assert not any("alert" in script for script in markup.scripts)
        assert not any(name.startswith("on") for name in markup.attributes)
        assert "x" not in markup.sources  # no <img src=x> from a caption, alt or definition
    assert "Still evaluated 2 ten" in page
    assert "Between 4 lone ticks" in page
    assert "{{ 3 + 3 }}" in page  # indented code is code
    assert "&lt;script&gt;alert(2)&lt;/script&gt; 10" in page
    assert run_mkdocs(project, "build", "--strict", "--site-dir", "site").returncode != 0
