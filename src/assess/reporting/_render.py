"""Templates: the one Jinja2 environment every page and report section renders from.

The HTML lives in template files under ``assess/reporting/templates/`` (loaded with a
:class:`jinja2.PackageLoader`, as pandas' ``Styler`` loads ``html.tpl``); the Python side hands
them plain data — text, numbers, lists. Autoescape is on for every template, so every value a
template prints is text: a name ``<script>alert(1)</script>`` shows as those characters and
never runs, without any call to remember. The few values that are markup on purpose — the
inlined stylesheet and script, a page body nbconvert assembled from rendered sections — pass
through :func:`trusted`, the one door past the escaping (grep for it to review them).

Stylesheets and the script are real files next to the templates (``report.css``,
``print.css``, ``bound.css``, ``sort.js``), read once with :mod:`importlib.resources` and
inlined into each page, which stays self-contained.
"""

from __future__ import annotations

import functools
import html
import re
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["environment", "render", "asset", "trusted", "print_css", "page_css"]


def _as_text(value: Any) -> Any:
    """Every printed value, escaped as :func:`html.escape` does (``&quot;``, ``&#x27;``), so the
    pages keep the bytes they had before templates; markup (``__html__``) passes as it is.

    Jinja2 calls this before its own escaping (``finalize``), which then leaves the result alone.
    """
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


@functools.cache
def environment() -> jinja2.Environment:
    """The templates' environment, built once per process: autoescape on for every template,
    an undefined name an error (never an empty string)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("assess.reporting", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        finalize=_as_text,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, /, **context: Any) -> Markup:
    """Render the template ``name`` (``"sections/summary.html.j2"``) with ``context``.

    The result is markup (the template escaped every value it printed), so it can be handed
    to another template as it is.
    """
    return Markup(environment().get_template(name).render(**context))


@functools.cache
def asset(name: str) -> str:
    """The text of the static file ``templates/<name>`` (``report.css``, ``sort.js``), read once."""
    return resources.files("assess.reporting").joinpath("templates", name).read_text(encoding="utf-8")


def trusted(markup: str) -> Markup:
    """``markup`` to be inserted as it is, unescaped: only for text this package made as HTML
    or CSS/JS (a rendered section, nbconvert's body of a report, a stylesheet file), never for
    data. The one door past autoescape."""
    return Markup(markup)


def _css_string(value: str) -> str:
    """``value`` as a CSS string literal (quotes, backslashes, angle brackets and control
    characters escaped as CSS hex escapes)."""
    return '"' + "".join(f"\\{ord(ch):x} " if ch in '"\\<>' or ord(ch) < 32 else ch for ch in value) + '"'


def print_css(lang: str = "en", volume_pages: int | None = None) -> str:
    """The printed page's footer, ``第 n 页 共 m 页`` (``Page n of m``), as ``@page`` CSS;
    with ``volume_pages``, the bound file's own ``汇编第 n 页 共 m 页`` (``m`` that number)
    for its front matter, whose pages are the first of the volume."""
    from assess.reporting._i18n import text

    parts = []
    phrase = text("bound_page_of" if volume_pages else "page_of", lang)
    for piece in re.split(r"(\{n\}|\{m\})", phrase):
        if piece == "{n}":
            parts.append("counter(page)")
        elif piece == "{m}":
            parts.append(_css_string(str(volume_pages)) if volume_pages else "counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return f"@page {{ @bottom-right {{ content: {' '.join(parts)}; }} }}"


def page_css(lang: str = "en") -> str:
    """The stylesheet inlined into every page (:func:`assess.reporting._pages.render_page`):
    ``report.css``, ``print.css`` and the footer's :func:`print_css`. Here, apart from the
    pages, so that the PDF exporter can warm up on it without loading nbconvert and the figures."""
    return asset("report.css") + asset("print.css") + print_css(lang)
