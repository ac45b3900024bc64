"""The catalogue page, ``build/index.html``: the page staff use to find, print and send
handouts, made from plain data.

It owns ``CatalogueEntry`` (one handout in one language with its built PDFs), the review status
shown on each card (current, due soon, overdue: the governance check's rule), the page's
words (``data/catalogue/<lang>.toml``, with CLDR's plural forms, numbers, dates and
language names through Babel; search text folded by catalogue/folding.py) and rendering:
the theme's ``catalogue.html`` with ``styles/catalogue.css`` and ``templates/catalogue.js``
inlined, so the page is one file that needs no network and works opened from disk or
served. ``write_catalogue`` takes a
list of entries and does not care how the build got them (``catalog_update`` does that).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.units import format_unit
from markupsafe import Markup

from clinic_handouts.build.atomic import write_atomic
from clinic_handouts.catalogue.folding import fold
from clinic_handouts.catalogue.search import folded_synonyms, library_script, search_documents
from clinic_handouts.checks.governance import review_status
from clinic_handouts.project.contrast import ratio
from clinic_handouts.project.theme import Theme
from clinic_handouts.project.words import Strings, as_label, cldr_locale, language_name
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
    # Every heading and sentence of the body (catalogue/search.py): what full-text search
    # finds it by, and the matching sentence shown under the card.
    sentences: tuple[str, ...] = ()

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
    lang_names: Mapping[str, str]  # each language's own name, from its words file
    lang_order: tuple[str, ...] = ()  # languages listed first, in this order
    # The words of the page's language, for dates CLDR cannot write alone (Haitian
    # Creole's month names); None: CLDR's long date.
    ui_words: Strings | None = None

    @property
    def locale(self) -> Locale:
        return cldr_locale(self.ui_lang) or Locale("en")

    synonyms: tuple[tuple[str, str], ...] = ()  # [search] synonyms: (word, also finds)

    def date(self, day: dt.date) -> str:
        if self.ui_words is not None:
            return self.ui_words.date(day)
        return str(format_date(day, "long", locale=self.locale))

    def number(self, value: float, pattern: str | None = None) -> str:
        return str(format_decimal(value, format=pattern, locale=self.locale))

    def plural(self, words: Mapping[str, str], key: str, count: int) -> str:
        """The form of ``key`` for ``count`` by CLDR's plural rules ("1 page", "2 pages";
        Russian and Arabic have more forms): ``key_one``, ``key_few``..., else
        ``key_other``."""
        category = self.locale.plural_form(count)
        return words.get(f"{key}_{category}") or words[f"{key}_other"]

    def language(self, lang: str) -> str:
        """A language's name in the page's language ("Vietnamese" on an English page)."""
        return as_label(language_name(lang, self.ui_lang))

    def native(self, lang: str) -> str:
        """A language's name for itself ("Tiếng Việt")."""
        return self.lang_names.get(lang) or as_label(language_name(lang, lang))

    def direction(self, lang: str) -> str:
        found = cldr_locale(lang)
        return "rtl" if found is not None and found.character_order == "right-to-left" else "ltr"


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


def human_size(size: int, locale: Locale | str = "en") -> str:
    """ "40 kB", "1.5 MB" in the page's language ("1,5 Mo" in French), from CLDR."""
    if size < 1000 * 1000:
        return str(
            format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short", locale=locale)
        )
    return str(
        format_unit(
            size / 1000 / 1000, "digital-megabyte", "short", format="#,##0.0", locale=locale
        )
    )


@dataclass(frozen=True)
class Link:
    """One PDF of a language on its card: the download link for one edition."""

    href: str  # relative to build/ (the desk puts ``External.files`` before it)
    label: str  # the edition's name in the page's language: "Standard print", "Large print"
    meta: str  # what the reader downloads: "PDF, 2 pages, 40 kB"


@dataclass(frozen=True)
class Row:
    """One language of a handout on its card."""

    id: str
    lang: str
    lang_name: str  # in the page's language
    lang_native: str  # in its own language, shown beside it when different
    dir: str
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
    dir: str
    title: str
    summary: str
    tags: tuple[str, ...]
    thumbnail: str
    rows: tuple[Row, ...]
    search: str  # folded (catalogue/folding.py), as catalogue.js folds a query
    sentences: tuple[str, ...] = ()


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
                        pages=settings.plural(words, "page", f.pages).format(
                            n=settings.number(f.pages)
                        ),
                        size=human_size(f.size, settings.locale),
                    ),
                )
                for f in entry.files
            )
            grade = (
                words["grade_unknown"]
                if entry.reading_grade is None
                else settings.number(entry.reading_grade, "0.0")
            )
            rows.append(
                Row(
                    id=entry.id,
                    lang=entry.lang,
                    lang_name=settings.language(entry.lang),
                    lang_native=settings.native(entry.lang),
                    dir=settings.direction(entry.lang),
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
        search = fold(
            " ".join(
                part
                for entry in group
                for part in (
                    entry.title,
                    entry.summary,
                    " ".join(entry.tags),
                    entry.id,
                    settings.language(entry.lang),
                    settings.native(entry.lang),
                )
            )
        )
        tags = tuple(sorted({tag for entry in group for tag in entry.tags}))
        thumbnail = next((e.thumbnail for e in group if e.thumbnail), "")
        cards.append(
            Card(
                id=handout_id,
                lang=first.lang,
                dir=settings.direction(first.lang),
                title=first.title,
                summary=first.summary,
                tags=tags,
                thumbnail=thumbnail,
                rows=tuple(rows),
                search=search,
                sentences=tuple(s for entry in group for s in entry.sentences),
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


@dataclass(frozen=True)
class External:
    """Where the front desk serves what the static page inlines (its CSP forbids inline
    script), and the address prefixes of its files and handout pages."""

    stylesheet: str
    library: str
    script: str
    files: str  # prefix of a built file's path (PDFs, thumbnails)
    handout: str  # prefix of a handout's desk page: <prefix><lang>/<id>
    extra_stylesheet: str = ""
    # The desk's signed-in menu (escaped HTML it renders), shown in the masthead.
    account: Markup = field(default_factory=Markup)


def render_catalogue(
    theme: Theme,
    settings: CatalogueSettings,
    entries: Sequence[CatalogueEntry],
    external: External | None = None,
    packs: Sequence[RackPack] = (),
) -> str:
    words = catalogue_strings(settings.ui_lang)
    cards = cards_for(entries, settings, words)
    env = make_environment(theme)
    # The page's data blocks (|tojson) without the spaces after "," and ":": the search
    # index holds every sentence of every handout, and the spaces were 1% of the page.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
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
            languages=[
                (lang, settings.language(lang), settings.native(lang), settings.direction(lang))
                for lang in langs
            ],
            tags=sorted({tag for card in cards for tag in card.tags}),
            statuses=[(status, words[f"status_{status.replace('-', '_')}"]) for status in STATUSES],
            date=settings.date,
            showing_all=settings.plural(words, "showing_all", len(cards)).format(
                total=settings.number(len(cards))
            ),
            page_dir=settings.direction(settings.ui_lang),
            on_brand=readable_on(settings.brand_color),
            css=_raw_text(theme.style(STYLESHEET).read_text(encoding="utf-8"), "style"),
            script=_raw_text(script, "script"),
            # The count line changes as a person searches: its plural forms, and CLDR's
            # category of every count it can show, go with the page.
            library=_raw_text(library_script(), "script") if external is None else "",
            external=external,
            search_index=search_documents(cards),
            synonyms=folded_synonyms(dict(settings.synonyms)),
            script_words={
                "plurals": [settings.locale.plural_form(n) for n in range(len(cards) + 1)],
                "numbers": [settings.number(n) for n in range(len(cards) + 1)],
                **{key: value for key, value in words.items() if key.startswith("showing")},
                **{
                    key: words[key]
                    for key in (
                        "status_current",
                        "status_due_soon",
                        "status_overdue",
                        "overdue_open",
                        "overdue_warning",
                    )
                },
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
    html = render_catalogue(theme, settings, entries, packs=packs)
    page = build_dir / PAGE
    write_atomic(page, html.encode("utf-8"))
    return page
