/* The catalogue's search and filters, inlined into build/index.html (and linked, not
 * inlined, by the front desk, whose Content-Security-Policy forbids inline script: so this
 * file never writes script or style into the page). Full-text search is MiniSearch
 * (shipped in the package, nothing fetched) over the documents the build wrote into
 * #catalogue-index (catalogue/search.py). Without JavaScript every handout is listed and
 * the filter form stays hidden. The review status was decided on the build date; on a later day this
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
  var list = document.querySelector(".cards");
  var documents = JSON.parse(document.getElementById("catalogue-index").textContent);
  var synonyms = JSON.parse(document.getElementById("catalogue-synonyms").textContent);
  var byId = {};
  cards.forEach(function (card) { byId[card.id.replace(/^handout-/, "")] = card; });
  var sentencesOf = {};
  var sentenceTerms = {}; // id -> the words of each sentence, made when first needed
  documents.forEach(function (doc) { sentencesOf[doc.i] = doc.s; });

  function termsOf(text) {
    // Letters and digits of any script; everything else separates words.
    return fold(text).split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
  }

  var index = new MiniSearch({
    idField: "i",
    fields: ["t", "m", "b"],
    extractField: function (doc, field) {
      return field === "b" ? doc.s.join(" ") : doc[field];
    },
    tokenize: function (text) { return termsOf(text); },
    processTerm: function (term) { return fold(term); },
    searchOptions: {
      boost: { t: 4, m: 2, b: 1 },
      prefix: true,
      // One typo forgiven in a word of 4 letters or more; shorter words must be exact.
      fuzzy: function (term) { return term.length >= 4 ? 1 : 0; },
      combineWith: "AND"
    }
  });
  index.addAll(documents);

  function queries(text) {
    // The query as typed, and the query with each clinic synonym swapped in.
    var folded = " " + termsOf(text).join(" ") + " ";
    var all = [folded.trim()];
    Object.keys(synonyms).forEach(function (phrase) {
      if (folded.indexOf(" " + phrase + " ") === -1) {
        return;
      }
      synonyms[phrase].forEach(function (other) {
        all.push(folded.replace(" " + phrase + " ", " " + other + " ").trim());
      });
    });
    return all;
  }

  function matchingSentence(id, terms) {
    var sentences = sentencesOf[id] || [];
    if (!sentenceTerms[id]) {
      sentenceTerms[id] = sentences.map(termsOf);
    }
    for (var k = 0; k < sentences.length; k += 1) {
      for (var t = 0; t < terms.length; t += 1) {
        if (sentenceTerms[id][k].indexOf(terms[t]) !== -1) {
          return sentencesOf[id][k];
        }
      }
    }
    return "";
  }

  var SENTENCES_SHOWN = 50; // the matching sentence is shown under the best 50 cards
  var original = cards.slice();

  function apply() {
    var text = search.value.trim();
    var hits = null;
    if (text) {
      hits = index.search({ queries: queries(text), combineWith: "OR" });
    }
    var lang = langFilter.value;
    var tag = tagFilter.value;
    var status = statusFilter.value;
    var shown = 0;
    var found = {};
    var order = original;
    if (hits) {
      // The best matches first (SENTENCES_SHOWN of them, by MiniSearch's score: title
      // above body); the rest keep the catalogue's order, so few cards move per key.
      var best = [];
      hits.forEach(function (hit) {
        if (byId[hit.id]) {
          found[hit.id] = hit;
          if (best.length < SENTENCES_SHOWN) { best.push(byId[hit.id]); }
        }
      });
      var inBest = {};
      best.forEach(function (card) { inBest[card.id] = true; });
      order = best.concat(original.filter(function (card) { return !inBest[card.id]; }));
    }
    var rank = {};
    order.forEach(function (card, k) { rank[card.id] = k; });
    cards.forEach(function (card) {
      var id = card.id.replace(/^handout-/, "");
      var visible = !hits || Boolean(found[id]);
      if (visible && tag) {
        visible = (card.getAttribute("data-tags") || "").split(" ").indexOf(tag) !== -1;
      }
      var rowsShown = 0;
      Array.prototype.forEach.call(card.querySelectorAll(".edition"), function (row) {
        var ok = (!lang || row.getAttribute("data-lang") === lang) &&
          (!status || row.getAttribute("data-status") === status);
        if (row.hidden !== !ok) { row.hidden = !ok; } // untouched rows cost no layout
        if (ok) { rowsShown += 1; }
      });
      visible = visible && rowsShown > 0;
      if (card.hidden !== !visible) { card.hidden = !visible; }
      var match = card.querySelector(".match");
      if (match) {
        var sentence = visible && hits && rank[card.id] < SENTENCES_SHOWN
          ? matchingSentence(id, found[id].terms) : "";
        var matchText = match.querySelector(".match-text");
        if (matchText.textContent !== sentence) { matchText.textContent = sentence; }
        if (match.hidden !== !sentence) { match.hidden = !sentence; }
      }
      if (visible) { shown += 1; }
    });
    // Move only the cards that are out of place: moving all 1,000 costs a layout each.
    var children = list.children;
    order.forEach(function (card, k) {
      if (children[k] !== card) { list.insertBefore(card, children[k] || null); }
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
