# ruff: noqa: E501  (HTML templates: a line per element reads better than wrapped strings)
"""The desk's own pages (sign-in, a handout's page, the record), as Jinja templates with
autoescape on: every handout title and every word a user typed is shown as text. No page
carries inline script or style (the desk's Content-Security-Policy forbids both)."""

from __future__ import annotations

from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup

_BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · {{ clinic }}</title>
<link rel="stylesheet" href="/static/catalogue.css">
<link rel="stylesheet" href="/static/desk.css">
</head>
<body>
<header class="masthead"><div class="wrap">
<p class="clinic">{{ clinic }}</p>
<h1>{{ title }}</h1>
{% if user %}{% include "account.html" %}{% endif %}
</div></header>
<main class="wrap" id="main">
{% block main %}{% endblock %}
</main>
</body>
</html>
"""

# Who is signed in, the desk's two other pages, and Sign out: on every desk page, and in
# the catalogue's masthead (``account_bar``), so the menu is written once.
_ACCOUNT = """<form class="signout" method="post" action="/signout">
<input type="hidden" name="csrf" value="{{ csrf }}">
<p>Signed in as {{ user }}. <a href="/racks">Restock a rack</a>
{% if admin %}<a href="/records">Education record</a>{% endif %}
<button type="submit">Sign out</button></p></form>"""

_SIGNIN = """{% extends "base.html" %}{% block main %}
{% if message %}<p class="notice" role="alert">{{ message }}</p>{% endif %}
<form class="desk-form" method="post" action="/signin">
<input type="hidden" name="csrf" value="{{ signin_csrf }}">
<p><label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>
{% endblock %}"""

_HANDOUT = """{% extends "base.html" %}{% block main %}{% import "forms.html" as forms %}
<p><a href="/">Back to all handouts</a></p>
{{ forms.notice(message, kind) }}
<h2 lang="{{ entry.lang }}">{{ entry.title }}</h2>
{% if entry.summary %}<p lang="{{ entry.lang }}">{{ entry.summary }}</p>{% endif %}
<h3>Preview</h3>
<ul>{% for file in entry.files %}
<li><a href="/files/{{ file.path }}">{{ file.variant.replace('-', ' ') | capitalize }} PDF</a></li>
{% endfor %}</ul>
<h3>Email</h3>
<form class="desk-form" method="post" action="/handout/{{ entry.lang }}/{{ entry.id }}/email">
<input type="hidden" name="csrf" value="{{ csrf }}">
<p><label for="to">Patient's email address</label>
<input id="to" name="to" type="email" autocomplete="off" required></p>
<p><label for="email-lang">Language</label>
<select id="email-lang" name="lang">{% for code, name in languages %}
<option value="{{ code }}"{% if code == entry.lang %} selected{% endif %}>{{ name }}</option>{% endfor %}
</select></p>
{{ forms.edition_and_teach_back("email", entry.files, "Send") }}
</form>
<h3>Print</h3>
{% if printers %}
{{ forms.print_form("/handout/" ~ entry.lang ~ "/" ~ entry.id ~ "/print", csrf, printers, max_copies, "", "Copies") }}
{{ forms.edition_and_teach_back("print", entry.files, "Print") }}
</form>
{% else %}
<p>No printers are set up for the desk yet. An administrator adds them under [printers] in handouts.toml.</p>
{% endif %}
{% endblock %}"""

_RECORDS = """{% extends "base.html" %}{% block main %}
<p><a href="/">Back to all handouts</a></p>
<table class="records"><caption>Handouts given, newest last</caption>
<thead><tr><th scope="col">Time (UTC)</th><th scope="col">Staff</th><th scope="col">Handout</th>
<th scope="col">Language</th><th scope="col">Edition</th><th scope="col">Reviewed</th>
<th scope="col">PDF</th><th scope="col">How</th><th scope="col">Copies</th>
<th scope="col">Teach-back</th></tr></thead>
<tbody>{% for r in records %}<tr><td>{{ r.time }}</td><td>{{ r.user }}</td><td>{{ r.handout }}</td>
<td>{{ r.lang }}</td><td>{{ r.edition }}</td><td>{{ r.reviewed_on }}</td>
<td><code>{{ r.pdf_sha256[:12] }}</code></td><td>{{ r.channel }}</td><td>{{ r.copies }}</td>
<td>{{ 'yes' if r.teach_back else 'no' }}</td></tr>{% endfor %}</tbody></table>
{% endblock %}"""

_RACKS = """{% extends "base.html" %}{% block main %}{% import "forms.html" as forms %}
<p><a href="/">Back to all handouts</a></p>
{{ forms.notice(message, kind) }}
{% if not racks %}<p>No racks are set up yet. An administrator describes each rack in racks/NAME.toml.</p>{% endif %}
{% if racks and not printers %}<p>No printers are set up for the desk yet. An administrator adds them under [printers] in handouts.toml.</p>{% endif %}
{% for name, pack in racks %}
<section aria-labelledby="rack-{{ loop.index }}">
<h2 id="rack-{{ loop.index }}">{{ name }}</h2>
{% if pack %}<p>{{ pack.handouts }} handouts, {{ pack.copies }} copies, {{ pack.pages }} pages, made {{ pack.made_on }}.
<a href="/files/{{ pack.href }}">Preview the pack (PDF)</a></p>{% endif %}
{% if printers %}
{{ forms.print_form("/racks/" ~ name ~ "/print", csrf, printers, max_copies, "-" ~ loop.index, "Packs") }}
<p><button type="submit">Print the {{ name }} pack</button></p>
</form>
{% endif %}
</section>
{% endfor %}
{% endblock %}"""

# The parts the handout page's two forms and the rack page share: the opening of a Print
# form (printer and copies) and the fields after it.
_FORMS = """{% macro notice(message, kind) %}{% if message %}<div class="notice {{ kind }}" role="{{ 'alert' if kind == 'refused' else 'status' }}">
{% for line in message %}<p>{{ line }}</p>{% endfor %}</div>{% endif %}{% endmacro %}
{% macro print_form(action, csrf, printers, max_copies, suffix, copies_label) %}<form class="desk-form" method="post" action="{{ action }}">
<input type="hidden" name="csrf" value="{{ csrf }}">
<p><label for="printer{{ suffix }}">Printer</label>
<select id="printer{{ suffix }}" name="printer">{% for printer in printers %}<option>{{ printer }}</option>{% endfor %}</select></p>
<p><label for="copies{{ suffix }}">{{ copies_label }}</label>
<input id="copies{{ suffix }}" name="copies" type="number" min="1" max="{{ max_copies }}" value="1" required></p>{% endmacro %}
{% macro edition_and_teach_back(prefix, files, button) %}<p><label for="{{ prefix }}-edition">Edition</label>
<select id="{{ prefix }}-edition" name="edition">{% for file in files %}
<option value="{{ file.variant }}">{{ file.variant.replace('-', ' ') | capitalize }}</option>{% endfor %}
</select></p>
<p><input id="{{ prefix }}-teach-back" name="teach_back" type="checkbox" value="yes">
<label for="{{ prefix }}-teach-back">Checked understanding with the patient (teach-back)</label></p>
<p><button type="submit">{{ button }}</button></p>{% endmacro %}"""

DESK_CSS = """.desk-form p { margin: 0.6rem 0; }
.desk-form label { display: block; font-weight: bold; }
.desk-form input[type=checkbox] + label { display: inline; font-weight: normal; }
.desk-form input[type=checkbox] { min-height: 0; width: 1.4rem; height: 1.4rem; margin: 0 0.4rem 0 0; vertical-align: middle; }
.desk-form input, .desk-form select, .desk-form button, .signout button { font: inherit; padding: 0.3rem; }
.notice { border: 2px solid #1f4e79; padding: 0.5rem 1rem; }
.notice.refused { border-color: #8a1c1c; }
.signout { margin: 0; }
.masthead a { color: inherit; }
.records { border-collapse: collapse; }
.records th, .records td { border: 1px solid #767676; padding: 0.2rem 0.4rem; text-align: left; }
"""

ENV = Environment(
    loader=DictLoader(
        {
            "base.html": _BASE,
            "account.html": _ACCOUNT,
            "forms.html": _FORMS,
            "signin.html": _SIGNIN,
            "handout.html": _HANDOUT,
            "records.html": _RECORDS,
            "racks.html": _RACKS,
        }
    ),
    autoescape=select_autoescape(default=True, default_for_string=True),
)


def render(name: str, **values: Any) -> str:
    return ENV.get_template(name).render(**values)


def account_bar(user: str, csrf: str, admin: bool) -> Markup:
    """The signed-in menu, escaped and ready for another page's masthead."""
    return Markup(render("account.html", user=user, csrf=csrf, admin=admin))
