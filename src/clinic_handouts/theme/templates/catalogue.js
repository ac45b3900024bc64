/* The catalogue's search and filters, inlined into build/index.html (plain JavaScript, no
 * library, nothing fetched). Without JavaScript every handout is listed and the filter
 * form stays hidden. The review status was decided on the build date; on a later day this
 * script marks handouts whose review has fallen due since, and puts the links of an
 * overdue one behind the same warning the build gives it. */
(function () {
  "use strict";
  var form = document.querySelector(".filters");
  var count = document.getElementById("count");
  var noneMatch = document.getElementById("none-match");
  var words = JSON.parse(document.getElementById("catalogue-words").textContent);
  var cards = Array.prototype.slice.call(document.querySelectorAll(".card"));
  if (!form || !count) {
    return;
  }

  // The same steps as catalogue/folding.py, which folded each card's data-search: lower
  // case, accents and Arabic vowel marks off (NFKD, then the marks removed), the letters
  // Unicode does not split (đ, ł, ø...) and the Arabic/Farsi letter variants spelled one
  // way, then NFC. So "doi" finds "đổi" and Arabic is found with or without harakat.
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g;
  var LETTERS = {
    "\u0111": "d", "\u00f0": "d", "\u0142": "l", "\u00f8": "o", "\u00df": "ss",
    "\u00e6": "ae", "\u0153": "oe", "\u0127": "h", "\u0131": "i",
    "\u06cc": "\u064a", "\u06d0": "\u064a", "\u0649": "\u064a", "\u06a9": "\u0643",
    "\u0629": "\u0647"
  };
  var LETTER = /[\u0111\u00f0\u0142\u00f8\u00df\u00e6\u0153\u0127\u0131\u06cc\u06d0\u0649\u06a9\u0629]/g;

  function fold(text) {
    return text.toLowerCase().normalize("NFKD").replace(MARKS, "")
      .replace(LETTER, function (letter) { return LETTERS[letter]; })
      .normalize("NFC");
  }

  // CLDR's plural forms ("1 handout", "2 handouts"): the build put the category and the
  // written number of every count this page can show into the page's words.
  function plural(key, count) {
    var category = (words.plurals && words.plurals[count]) || "other";
    return words[key + "_" + category] || words[key + "_other"];
  }

  function number(count) {
    return words.numbers && count in words.numbers ? words.numbers[count] : String(count);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? String(values[key]) : all;
    });
  }

  function isoDay(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
  }

  function daysBetween(fromIso, toIso) {
    return Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 86400000);
  }

  // --- review status on the day the page is read ------------------------------------
  var rank = { "current": 0, "due-soon": 1, "overdue": 2 };
  var labels = {
    "current": words.status_current,
    "due-soon": words.status_due_soon,
    "overdue": words.status_overdue
  };
  var dueSoonDays = parseInt(document.body.getAttribute("data-due-soon-days"), 10) || 0;
  var today = isoDay(new Date());
  if (today > (document.body.getAttribute("data-today") || "")) {
    Array.prototype.forEach.call(document.querySelectorAll(".edition"), function (row) {
      var next = row.getAttribute("data-next-review");
      var days = daysBetween(today, next);
      var status = days < 0 ? "overdue" : days <= dueSoonDays ? "due-soon" : "current";
      if (rank[status] <= rank[row.getAttribute("data-status")]) {
        return; // only ever more cautious than the build
      }
      row.setAttribute("data-status", status);
      var badge = row.querySelector(".status");
      badge.className = "status status-" + status;
      badge.textContent = labels[status];
      var links = row.querySelector(".links");
      if (status === "overdue" && links && !links.querySelector("details")) {
        var details = document.createElement("details");
        details.className = "overdue";
        var summary = document.createElement("summary");
        summary.textContent = words.overdue_open;
        var warning = document.createElement("p");
        warning.className = "warning";
        var when = row.querySelector(".next-review");
        warning.textContent = fill(words.overdue_warning, { date: when ? when.textContent : next });
        details.appendChild(summary);
        details.appendChild(warning);
        while (links.firstChild) {
          details.appendChild(links.firstChild);
        }
        links.appendChild(details);
      }
    });
  }

  // --- search and filters -----------------------------------------------------------
  var search = document.getElementById("search");
  var langFilter = document.getElementById("filter-lang");
  var tagFilter = document.getElementById("filter-tag");
  var statusFilter = document.getElementById("filter-status");
  var haystacks = cards.map(function (card) { return fold(card.getAttribute("data-search") || ""); });

  function apply() {
    var terms = fold(search.value).split(/\s+/).filter(Boolean);
    var lang = langFilter.value;
    var tag = tagFilter.value;
    var status = statusFilter.value;
    var shown = 0;
    cards.forEach(function (card, index) {
      var visible = terms.every(function (term) { return haystacks[index].indexOf(term) !== -1; });
      if (visible && tag) {
        visible = (card.getAttribute("data-tags") || "").split(" ").indexOf(tag) !== -1;
      }
      var rowsShown = 0;
      Array.prototype.forEach.call(card.querySelectorAll(".edition"), function (row) {
        var ok = (!lang || row.getAttribute("data-lang") === lang) &&
          (!status || row.getAttribute("data-status") === status);
        row.hidden = !ok;
        if (ok) { rowsShown += 1; }
      });
      visible = visible && rowsShown > 0;
      card.hidden = !visible;
      if (visible) { shown += 1; }
    });
    var total = cards.length;
    count.textContent = shown === total
      ? fill(plural("showing_all", total), { total: number(total) })
      : fill(plural("showing", total), { shown: number(shown), total: number(total) });
    noneMatch.hidden = shown !== 0 || total === 0;
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
})();
