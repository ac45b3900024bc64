"""Starting new work: ``handouts new`` writes a handout with complete front matter, and
``handouts init`` creates a clinic project that builds straight away.

The files come from ``data/scaffold/`` ($-placeholders, ``string.Template``). Nothing is
ever overwritten: a file that exists is a usage error naming it.

A new handout's ``reviewed_on`` is the placeholder ``YYYY-MM-DD``: only the clinical
reviewer may fill it in, and until then the build reports ``reviewed_on: not filled in
yet`` and does not print the handout (the preview server still shows it, as a draft).

No placeholder reaches paper: the texts these files hold for the writer to replace are
listed in ``data/scaffold/placeholders.toml``; in handouts.toml they are errors that stop
every build (``placeholders_in_config``), in a handout ``placeholder-text`` errors
(checks/scaffold_text.py). The example handout carries ``example: true``: it is built so
the writer can look at it, but stays out of the catalogue until the writer deletes that
line (which says "I have made this handout my own"); its text is then checked like any.

``init`` makes ``templates/`` and ``styles/`` with a README each instead of copying the
default theme: a project holds only the files it changes, so fixes to the default theme
(the stamp, accessibility, new editions) reach the clinic with each update of the tool,
and a copied file cannot silently freeze an old look.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from clinic_handouts.addresses import bundled_theme_dir
from clinic_handouts.errors import Problem, UsageError, error
from clinic_handouts.project.config import CONFIG_NAME, ProjectConfig, locate
from clinic_handouts.project.sources import DATE_PLACEHOLDER, LANG_RE, SLUG_RE

EXAMPLE = "handouts/en/example-handout.md"


def _template(name: str) -> Template:
    source = resources.files("clinic_handouts") / "data" / "scaffold" / name
    return Template(source.read_text(encoding="utf-8"))


@functools.cache
def _placeholders() -> dict[str, object]:
    source = resources.files("clinic_handouts") / "data" / "scaffold" / "placeholders.toml"
    return tomllib.loads(source.read_text(encoding="utf-8"))


@functools.cache
def placeholder_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(text, pattern) for every text init and new write for the writer to replace. The
    pattern allows any spacing and line breaks between the words and any case; a short
    text (``[lines]``) matches only as a whole line, heading or list item."""
    data = _placeholders()
    phrases, lines = data["text"], data["lines"]
    assert isinstance(phrases, dict) and isinstance(lines, dict)

    def words(text: str) -> str:
        return r"\s+".join(re.escape(w) for w in text.split())

    anywhere = tuple(
        (phrase, re.compile(r"(?<!\w)" + words(phrase) + r"(?!\w)", re.IGNORECASE))
        for phrase in phrases["phrases"]
    )
    whole_line = tuple(
        (
            text,
            re.compile(
                r"^[ \t]*(?:#{1,6}[ \t]+|(?:\d+[.)]|[-*+])[ \t]+)?" + words(text) + r"[ \t]*$",
                re.IGNORECASE | re.MULTILINE,
            ),
        )
        for text in lines["texts"]
    )
    return anywhere + whole_line


def _same(value: str, placeholder: str, key: str) -> bool:
    if key == "phone":
        return re.sub(r"\D", "", value) == re.sub(r"\D", "", placeholder)
    return " ".join(value.lower().split()) == " ".join(placeholder.lower().split())


def placeholders_in_config(config: ProjectConfig) -> list[Problem]:
    """``placeholder-text`` errors for the [clinic] values ``handouts init`` wrote."""
    clinic = _placeholders()["clinic"]
    assert isinstance(clinic, dict)
    problems = []
    for key, placeholder in clinic.items():
        value = str(getattr(config.clinic, key))
        if _same(value, str(placeholder), key):
            problems.append(
                error(
                    CONFIG_NAME,
                    locate(config.source_text, "clinic", key),
                    "placeholder-text",
                    f"clinic.{key}: {value!r} is the example that 'handouts init' wrote, and "
                    f"it would be printed on every page. Write your clinic's own {key} here; "
                    "until then no handout is built",
                )
            )
    return problems


def _usage(message: str) -> UsageError:
    return UsageError([error("", 0, "usage", message)])


def suggest_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "my-handout"


def title_from_slug(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


@dataclass(frozen=True)
class NewHandout:
    """The handout file ``handouts new`` just wrote (``new_handout``), and the notes printed
    under it (the same handout in another language, a missing disclaimer)."""

    path: Path
    rel: str  # handouts/<lang>/<slug>.md
    notes: tuple[str, ...]


def new_handout(
    config: ProjectConfig, slug: str, lang: str | None, title: str | None
) -> NewHandout:
    """Write ``handouts/<lang>/<slug>.md`` into the project of the loaded ``config`` (all
    a new file needs: the handouts are not read); refuse a bad name or an existing file."""
    lang = lang or config.default_lang
    if not SLUG_RE.match(slug):
        raise _usage(
            f"'{slug}' cannot be a handout name: use lowercase words joined by hyphens, "
            f"like 'handouts new {suggest_slug(slug)}'"
        )
    if not LANG_RE.match(lang):
        raise _usage(f"--lang: expected a language code like 'en' or 'es', got '{lang}'")
    rel = f"handouts/{lang}/{slug}.md"
    path = config.root / rel
    if path.exists():
        raise _usage(f"{rel} already exists: open it to edit it, or choose another name")
    heading = " ".join((title or title_from_slug(slug)).split())
    text = _template("new-handout.md").substitute(
        # JSON strings are YAML strings: any title (with ':' or quotes) stays one value.
        title=json.dumps(heading, ensure_ascii=False),
        placeholder=DATE_PLACEHOLDER,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:  # "x": never replace a file
        handle.write(text)
    notes: list[str] = []
    others = sorted(
        p.relative_to(config.root).as_posix()
        for p in config.handouts_dir.glob(f"*/{slug}.md")
        if p != path
    )
    if others:
        notes.append(f"This is the '{lang}' version of {', '.join(others)} (same name, same id).")
    if lang not in config.disclaimer:
        notes.append(
            f"{CONFIG_NAME} has no disclaimer for '{lang}' yet: add {lang} = \"...\" under "
            "[disclaimer] before this handout can be built."
        )
    return NewHandout(path, rel, tuple(notes))


def _theme_readme(folder: str) -> str:
    source = bundled_theme_dir() / folder
    names = sorted(p.name for p in source.iterdir() if p.is_file())
    listing = "\n".join(f"- {name}" for name in names)
    return _template("theme-readme.md").substitute(
        folder=folder, theme_dir=str(source), files=listing
    )


def init_project(target: Path, today: dt.date) -> list[str]:
    """Create a clinic project in ``target``; the files written, relative to it."""
    if target.exists() and not target.is_dir():
        raise _usage(f"{target} is a file; give a folder name for the new project")
    if (target / CONFIG_NAME).exists():
        raise _usage(
            f"{target} already holds a clinic project ({CONFIG_NAME}); nothing was changed"
        )
    files = {
        CONFIG_NAME: _template("handouts.toml").substitute(today=today.isoformat()),
        EXAMPLE: _template("example-handout.md").substitute(today=today.isoformat()),
        "templates/README.md": _theme_readme("templates"),
        "styles/README.md": _theme_readme("styles"),
    }
    existing = [rel for rel in files if (target / rel).exists()]
    if existing:
        raise _usage(
            f"{', '.join(existing)} already exist in {target}; nothing was changed. "
            "Choose an empty folder"
        )
    written: list[str] = []
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
        written.append(rel)
    ignore = target / ".gitignore"
    lines = ignore.read_text(encoding="utf-8").splitlines() if ignore.exists() else []
    have = {line.strip().lstrip("/") for line in lines}
    wanted = _template("gitignore").substitute().splitlines()
    missing = [w for w in wanted if not w.startswith("#") and w.strip().lstrip("/") not in have]
    if missing:
        # An existing .gitignore is kept and only gains the lines it lacks: the build
        # folder, and the send log with its salt (patients' addresses, hashed).
        keep = wanted if not lines else [w for w in wanted if w in missing]
        with ignore.open("a", encoding="utf-8") as handle:
            if lines:
                handle.write("\n")
            handle.write("\n".join(keep) + "\n")
        written.append(".gitignore")
    return written
