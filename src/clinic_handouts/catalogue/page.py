"""The catalogue page, ``build/index.html``: the page staff use to find, print and send
handouts, made from plain data.

It owns ``CatalogueEntry`` (one handout in one language with its built PDFs), the review status
shown on each card (current, due soon, overdue: the governance check's rule), the page's
words (``data/catalogue/<lang>.toml``) and rendering: the theme's ``catalogue.html`` with
``styles/catalogue.css`` and ``templates/catalogue.js`` inlined, so the page is one file
that needs no network and works opened from disk or served. ``write_catalogue`` takes a
list of entries and does not care how the build got them (``catalog_update`` does that).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from markupsafe import Markup

from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.checks.governance import review_status
from clinic_handouts.project.contrast import ratio
from clinic_handouts.project.theme import Theme
from clinic_handouts.render.html import make_environment, template_errors

TEMPLATE = "catalogue.html"
SCRIPT = "catalogue.js"
STYLESHEET = "catalogue.css"
PAGE = "index.html"
STATUSES = ("current", "due-soon", "overdue")


@dataclass(frozen=True)
class FileEntry:
    """One built PDF: a variant of a handout."""

    variant: str  # "standard", "large-print"
    path: str  # relative to build/, with forward slashes
    pages: int
    size: int
    sha256: str


@dataclass(frozen=True)
class CatalogueEntry:
    """One handout in one language, with the PDFs that exist for it."""

    id: str
    lang: str
    slug: str
    source: str  # relative to the project: handouts/<lang>/<slug>.md
    title: str
    summary: str
    tags: tuple[str, ...]
    reviewed_on: dt.date
    next_review: dt.date
    large_print: bool  # False when the handout opted out of the large-print edition
    reading_grade: float | None  # None when the text is too short to score
    files: tuple[FileEntry, ...]
    thumbnail: str = ""  # relative to build/; "" when there is none
    thumbnail_of: str = ""  # sha256 of the PDF the thumbnail was made from

    @property
    def key(self) -> tuple[str, str]:
        return (self.lang, self.id)


@dataclass(frozen=True)
class CatalogueSettings:
    """What the page needs besides the entries."""

    clinic_name: str
    ui_lang: str
    today: dt.date
    due_soon_days: int
    brand_color: str
    lang_names: Mapping[str, str]
    lang_order: tuple[str, ...] = ()  # languages listed first, in this order
    date_format: str = "{month} {day}, {year}"
    months: tuple[str, ...] = (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )

    def date(self, day: dt.date) -> str:
        return self.date_format.format(day=day.day, month=self.months[day.month - 1], year=day.year)


# --- what the page shows ----------------------------------------------------------------


def catalogue_strings(lang: str) -> dict[str, str]:
    """The page's words in ``lang``, each missing one taken from English."""
    folder = resources.files("clinic_handouts") / "data" / "catalogue"
    words: dict[str, str] = {}
    for name in ("en", lang):
        source = folder / f"{name}.toml"
        if source.is_file():
            data = tomllib.loads(source.read_text(encoding="utf-8"))
            words.update({key: str(value) for key, value in data.items()})
    return words


def human_size(size: int) -> str:
    if size < 1000 * 1000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1000 / 1000:.1f} MB"


@dataclass(frozen=True)
class Link:
    href: str
    label: str
    meta: str


@dataclass(frozen=True)
class Row:
    """One language of a handout on its card."""

    id: str
    lang: str
    lang_name: str
    slug: str
    title: str
    status: str
    reviewed_on: dt.date
    next_review: dt.date
    grade: str
    links: tuple[Link, ...]
    large_print: bool


@dataclass(frozen=True)
class RackPack:
    """A rack's restock pack (printing/racks.py): one file that restocks the rack."""

    name: str
    href: str  # relative to build/: racks/<name>.pdf
    handouts: int
    copies: int
    pages: int
    made_on: dt.date


@dataclass(frozen=True)
class Card:
    """One handout, with every language it exists in."""

    id: str
    lang: str
    title: str
    summary: str
    tags: tuple[str, ...]
    thumbnail: str
    rows: tuple[Row, ...]
    search: str


def _lang_rank(lang: str, order: Sequence[str]) -> tuple[int, str]:
    return (order.index(lang) if lang in order else len(order), lang)


def cards_for(
    entries: Sequence[CatalogueEntry], settings: CatalogueSettings, words: Mapping[str, str]
) -> list[Card]:
    order = settings.lang_order or (settings.ui_lang,)
    by_id: dict[str, list[CatalogueEntry]] = {}
    for entry in entries:
        by_id.setdefault(entry.id, []).append(entry)
    cards: list[Card] = []
    for handout_id, group in by_id.items():
        group.sort(key=lambda e: _lang_rank(e.lang, order))
        rows = []
        for entry in group:
            links = tuple(
                Link(
                    href=f.path,
                    label=words.get(f"variant_{f.variant}", f.variant.replace("-", " ").title()),
                    meta=words["pdf_meta"].format(
                        pages=words["page_one" if f.pages == 1 else "page_other"].format(n=f.pages),
                        size=human_size(f.size),
                    ),
                )
                for f in entry.files
            )
            grade = (
                words["grade_unknown"]
                if entry.reading_grade is None
                else f"{entry.reading_grade:.1f}"
            )
            rows.append(
                Row(
                    id=entry.id,
                    lang=entry.lang,
                    lang_name=settings.lang_names.get(entry.lang, entry.lang),
                    slug=entry.slug,
                    title=entry.title,
                    status=review_status(entry.next_review, settings.today, settings.due_soon_days),
                    reviewed_on=entry.reviewed_on,
                    next_review=entry.next_review,
                    grade=words["grade"].format(grade=grade),
                    links=links,
                    large_print=entry.large_print,
                )
            )
        first = group[0]
        search = " ".join(
            part
            for entry in group
            for part in (entry.title, entry.summary, " ".join(entry.tags), entry.id)
        )
        tags = tuple(sorted({tag for entry in group for tag in entry.tags}))
        thumbnail = next((e.thumbnail for e in group if e.thumbnail), "")
        cards.append(
            Card(
                id=handout_id,
                lang=first.lang,
                title=first.title,
                summary=first.summary,
                tags=tags,
                thumbnail=thumbnail,
                rows=tuple(rows),
                search=search,
            )
        )
    cards.sort(key=lambda c: (c.title.casefold(), c.id))
    return cards


def readable_on(colour: str) -> str:
    """White or near-black, whichever has more contrast on ``colour``: a clinic's brand
    colour can be light or dark and the header must stay readable."""
    return "#ffffff" if ratio("#ffffff", colour) >= ratio("#111111", colour) else "#111111"


def _raw_text(text: str, closing: str) -> Markup:
    """Theme CSS or JS for inlining: it may not close its own element early."""
    return Markup(text.replace(f"</{closing}", f"<\\/{closing}"))


def render_catalogue(
    theme: Theme,
    settings: CatalogueSettings,
    entries: Sequence[CatalogueEntry],
    packs: Sequence[RackPack] = (),
) -> str:
    words = catalogue_strings(settings.ui_lang)
    cards = cards_for(entries, settings, words)
    env = make_environment(theme)
    langs = sorted(
        {row.lang for card in cards for row in card.rows},
        key=lambda lang: _lang_rank(lang, settings.lang_order or (settings.ui_lang,)),
    )

    with template_errors(TEMPLATE):
        assert env.loader is not None
        script, _, _ = env.loader.get_source(env, SCRIPT)
        template = env.get_template(TEMPLATE)
        return template.render(
            s=words,
            settings=settings,
            cards=cards,
            packs=packs,
            languages=[(lang, settings.lang_names.get(lang, lang)) for lang in langs],
            tags=sorted({tag for card in cards for tag in card.tags}),
            statuses=[(status, words[f"status_{status.replace('-', '_')}"]) for status in STATUSES],
            date=settings.date,
            on_brand=readable_on(settings.brand_color),
            css=_raw_text(theme.style(STYLESHEET).read_text(encoding="utf-8"), "style"),
            script=_raw_text(script, "script"),
            script_words={
                key: words[key]
                for key in (
                    "showing",
                    "showing_all",
                    "status_current",
                    "status_due_soon",
                    "status_overdue",
                    "overdue_open",
                    "overdue_warning",
                )
            },
        )


def write_catalogue(
    build_dir: Path,
    theme: Theme,
    settings: CatalogueSettings,
    entries: Sequence[CatalogueEntry],
    packs: Sequence[RackPack] = (),
) -> Path:
    """Write ``build/index.html`` for these entries (and rack packs)."""
    html = render_catalogue(theme, settings, entries, packs)
    page = build_dir / PAGE
    write_atomic(page, html.encode("utf-8"))
    return page
