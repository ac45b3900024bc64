"""Handout -> complete print HTML document, through the theme's Jinja2 templates.

The Jinja environment autoescapes and uses StrictUndefined, so a typo in a template fails
loudly. Handout text reaches templates only as data: the body as already-sanitised HTML
(``Markup``) and front-matter values as plain strings, which are escaped; neither is ever
parsed as template code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from clinic_handouts.errors import ConfigError, error
from clinic_handouts.project.config import ProjectConfig
from clinic_handouts.project.crisis import CrisisInfo
from clinic_handouts.project.editions import Variant
from clinic_handouts.project.online import online_copy
from clinic_handouts.project.sources import Handout
from clinic_handouts.project.theme import Theme
from clinic_handouts.project.words import Strings
from clinic_handouts.render.stacking import stack_wide_tables
from clinic_handouts.render.whitespace import trim_space_before_blocks

TEMPLATE = "handout.html"

# Korean is written with spaces between words (eojeol) and breaks lines only there, but
# WeasyPrint (Pango's default line breaking, which treats every Hangul syllable like a
# Chinese character) breaks anywhere inside a word, and it rejects word-break: keep-all.
# Each Korean word is therefore wrapped in an element the theme keeps on one line
# (.keep-word { white-space: nowrap }). A word here: a run of characters without space
# or markup that holds a Hangul syllable and at least one other character.
_HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
_KOREAN_WORD = re.compile(rf"[^\s<>]*[{_HANGUL}][^\s<>]*", re.UNICODE)
# A tag (attribute values may hold ">" only escaped, as Jinja and the sanitizer write
# them) or a comment: never changed.
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.DOTALL)
KEEP_WORD = "keep-word"


def _keep(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) < 2:
        return word  # one syllable has nowhere to break
    return f'<span class="{KEEP_WORD}">{word}</span>'


def keep_korean_words(html: str) -> str:
    """``html`` with every Korean word of its body kept whole on its line.

    Only the text between tags after ``<body`` is touched (the head's title and styles
    and every attribute stay as they are); the text itself is unchanged, so copying,
    searching and the stamp check see the same words.
    """
    start = html.find("<body")
    if start < 0 or not re.search(f"[{_HANGUL}]", html[start:]):
        return html
    parts = _MARKUP.split(html[start:])
    for index in range(0, len(parts), 2):  # even items are text, odd ones markup
        parts[index] = _KOREAN_WORD.sub(_keep, parts[index])
    return html[:start] + "".join(parts)


@dataclass(frozen=True)
class Page:
    """Everything a handout template may use."""

    handout: Handout
    body: Markup
    crisis: CrisisInfo
    strings: Strings
    disclaimer: str
    build_date: dt.date
    variant: Variant
    # The words of the language the crisis box is printed in (its dir and name), when
    # that is not the handout's own language; None means the same as ``strings``.
    crisis_strings: Strings | None = None
    # [languages] notice = true: the words of every listed language, for the notice of
    # free language help at the end of the handout; () prints none.
    notices: tuple[Strings, ...] = ()


def make_environment(theme: Theme) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def css_string(text: str) -> str:
    """Quote text for a CSS string literal (used for localized page labels)."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;!?¿¡-" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def page_counter(pattern: str) -> str:
    """A CSS ``content`` value for a pattern like "Página {page} de {pages}"."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(pattern):
        if literal:
            parts.append(css_string(literal))
        if name:
            parts.append(f"counter({name})")
    return " ".join(parts)


@contextlib.contextmanager
def template_errors(name: str) -> Iterator[None]:
    """A mistake in a theme template is a config error naming the file and line."""
    try:
        yield
    except jinja2.TemplateSyntaxError as exc:
        # The template's name inside the theme, as the project holds it (not where this
        # machine keeps the file).
        where = f"templates/{exc.name}" if exc.name else "templates"
        raise ConfigError(
            [error(where, exc.lineno, "theme", f"template error: {exc.message}")]
        ) from None
    except jinja2.TemplateError as exc:
        raise ConfigError(
            [error(f"templates/{name}", 0, "theme", f"template error: {exc}")]
        ) from None


def render_html(env: jinja2.Environment, theme: Theme, config: ProjectConfig, page: Page) -> str:
    name = page.variant.template or TEMPLATE
    with template_errors(name):
        template = env.get_template(name)
        html = template.render(
            page=page,
            handout=page.handout,
            body=Markup(stack_wide_tables(page.body)) if page.variant.stack_tables else page.body,
            crisis=page.crisis,
            t=page.strings,
            crisis_t=page.crisis_strings or page.strings,
            notices=page.notices,
            disclaimer=page.disclaimer,
            clinic=config.clinic,
            brand=config.brand,
            paper=config.paper,
            stylesheet=theme.style("print.css").resolve().as_uri(),
            variant_stylesheet=theme.style(page.variant.stylesheet).resolve().as_uri()
            if page.variant.stylesheet
            else "",
            logo=(config.root / config.clinic.logo).resolve().as_uri()
            if config.clinic.logo
            else "",
            css_string=css_string,
            page_counter=page_counter,
            online=online_copy(
                config.online_url,
                page.handout.lang,
                page.handout.slug,
                page.handout.id,
                page.strings.online_qr_alt,
            ),
        )
    return keep_korean_words(trim_space_before_blocks(html))
