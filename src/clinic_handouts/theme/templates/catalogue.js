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
  var byId = {}; // handout id -> its card
  var place = new Map(); // card -> its place in the catalogue's order
  // Read from the page once: a key typed must not ask 1,000 elements for their id and state.
  var idOf = cards.map(function (card) { return card.id.replace(/^handout-/, ""); });
  // A card the search or a filter leaves out is taken out of the list, hidden, into a
  // hidden list of its own: hidden among the others, each made the browser's work on the
  // next one slower (hiding 500 of 1,000 in the list took 400 to 900 ms, taking them out
  // 30 ms). It stays in the page, as it was, for whoever looks it up by id.
  var inList = cards.map(function () { return true; });
  var leftOut = document.createElement("ul");
  leftOut.className = "cards-left-out";
  leftOut.hidden = true;
  list.parentNode.insertBefore(leftOut, list.nextSibling);
  cards.forEach(function (card, k) {
    byId[idOf[k]] = card;
    place.set(card, k);
  });
  var sentencesOf = {};
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

  // --- the matching sentence ----------------------------------------------------------
  // A card's body is folded once, as one string with a line break between sentences (the
  // build collapsed the whitespace inside each sentence, so a line break only ever
  // separates two), when it is first needed. The first place one of the matched words
  // stands whole in it gives the sentence. Splitting every sentence into words cost the
  // first key 20 to 200 ms; a regular expression made for each card's words costs 1 to 2
  // ms to compile (the Unicode letter classes), 70 ms for 50 cards.
  var foldedBodies = {}; // handout id -> its sentences, folded, one per line
  var WORD_CHAR = /[\p{L}\p{N}\p{M}]/u; // what termsOf keeps in a word

  function partOfWord(text, at) {
    // Is the character at ``at`` (a UTF-16 index; a pair of surrogates is one character)
    // a letter, digit or mark? Outside the text it is not.
    if (at < 0 || at >= text.length) {
      return false;
    }
    var code = text.charCodeAt(at);
    if (code >= 0xdc00 && code <= 0xdfff && at > 0) {
      at -= 1; // the second half of a pair: look at the whole character
    }
    return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(at)));
  }

  function firstWhole(text, term) {
    // Where ``term`` first stands as a whole word in ``text`` (not inside a longer word).
    for (var at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) {
      if (!partOfWord(text, at - 1) && !partOfWord(text, at + term.length)) {
        return at;
      }
    }
    return -1;
  }

  function matchingSentence(id, terms) {
    var sentences = sentencesOf[id];
    if (!sentences || !sentences.length || !terms.length) {
      return "";
    }
    if (foldedBodies[id] === undefined) {
      foldedBodies[id] = fold(sentences.join("\n"));
    }
    var body = foldedBodies[id];
    var first = -1;
    terms.forEach(function (term) {
      var at = term ? firstWhole(body, term) : -1;
      if (at !== -1 && (first === -1 || at < first)) { first = at; }
    });
    if (first === -1) {
      return "";
    }
    var line = 0;
    for (var at = body.indexOf("\n"); at !== -1 && at < first; at = body.indexOf("\n", at + 1)) {
      line += 1;
    }
    return sentences[line] || "";
  }

  var matchOf = new Map(); // card -> its .match and .match-text, looked up when first needed

  function showSentence(card, sentence) {
    if (!matchOf.has(card)) {
      var match = card.querySelector(".match");
      matchOf.set(card, match ? [match, match.querySelector(".match-text")] : null);
    }
    var parts = matchOf.get(card);
    if (!parts) {
      return;
    }
    if (parts[1].textContent !== sentence) { parts[1].textContent = sentence; }
    if (parts[0].hidden !== !sentence) { parts[0].hidden = !sentence; }
  }

  // --- the rows a language or status filter leaves --------------------------------------
  var rowsOf = new Map(); // card -> its .edition rows, looked up when first needed
  var rowsShown = cards.map(function () { return 1; }); // no row filter yet: every row shows
  var rowFilter = "\u0000";

  function filterRows(lang, status) {
    // Only when a row filter changed: a key typed in the search leaves the rows as they are.
    if (lang + "\u0000" + status === rowFilter) {
      return;
    }
    rowFilter = lang + "\u0000" + status;
    cards.forEach(function (card, k) {
      if (!rowsOf.has(card)) {
        rowsOf.set(card, Array.prototype.slice.call(card.querySelectorAll(".edition")));
      }
      var count = 0;
      rowsOf.get(card).forEach(function (row) {
        var ok = (!lang || row.getAttribute("data-lang") === lang) &&
          (!status || row.getAttribute("data-status") === status);
        if (row.hidden !== !ok) { row.hidden = !ok; } // untouched rows cost no layout
        if (ok) { count += 1; }
      });
      rowsShown[k] = count;
    });
  }

  // --- the order of the list ------------------------------------------------------------
  // The list holds the cards shown: the best matches (SENTENCES_SHOWN of them, by
  // MiniSearch's score: title above body) first, then the others in the catalogue's order.
  // Only the cards that must move are moved: moving a card costs the browser work on it
  // and on the whole list, and re-sorting all 1,000 moved up to 970 of them per key
  // (400 ms).
  var SENTENCES_SHOWN = 50; // the matching sentence is shown under the best 50 cards
  var top = []; // the cards the last search put at the top, best first

  function staying(before, after) {
    // The most cards of ``before`` (the top, as it is) that are also in ``after`` (the
    // top, as it must be) in the same order: the longest increasing run of their new
    // places, by patience sorting. They stay put; the others move.
    var rankIn = new Map();
    after.forEach(function (card, k) { rankIn.set(card, k); });
    var kept = before.filter(function (card) { return rankIn.has(card); });
    var tails = []; // tails[n]: index in kept ending the best run of length n + 1
    var previous = [];
    kept.forEach(function (card, k) {
      var rank = rankIn.get(card);
      var low = 0;
      var high = tails.length;
      while (low < high) {
        var middle = (low + high) >> 1;
        if (rankIn.get(kept[tails[middle]]) < rank) { low = middle + 1; } else { high = middle; }
      }
      previous[k] = low > 0 ? tails[low - 1] : -1;
      tails[low] = k;
    });
    var stay = new Set();
    for (var k = tails.length ? tails[tails.length - 1] : -1; k !== -1; k = previous[k]) {
      stay.add(kept[k]);
    }
    return stay;
  }

  function arrange(best, visible) {
    // ``best``: the best matches shown, best first; ``visible[k]``: is cards[k] shown.
    var atTop = new Set(top);
    var inBest = new Set(best);
    // Out of the list: the cards not shown.
    cards.forEach(function (card, k) {
      if (inList[k] && !visible[k]) {
        card.hidden = true;
        leftOut.appendChild(card);
        inList[k] = false;
        atTop.delete(card);
      }
    });
    // The best cards, in order, in front of everything else. The longest run of them
    // already in order stays; a best card that must still move is passed over where it
    // stands (it will be taken from there).
    var stay = staying(top.filter(function (card) { return atTop.has(card); }), best);
    var placed = new Set();
    var next = list.firstElementChild;
    best.forEach(function (card) {
      while (next && next !== card && inBest.has(next) && !stay.has(next) && !placed.has(next)) {
        next = next.nextElementSibling;
      }
      if (next === card) {
        next = next.nextElementSibling;
      } else {
        card.hidden = false;
        list.insertBefore(card, next);
      }
      inList[place.get(card)] = true;
      placed.add(card);
    });
    // Into the rest of the list, at their place in the catalogue's order: shown cards that
    // are not among the best and are out of the list or were at its top. Last first, each
    // before the next card in the catalogue's order that is in the rest of the list.
    for (var k = cards.length - 1; k >= 0; k -= 1) {
      var card = cards[k];
      if (!visible[k] || inBest.has(card) || (inList[k] && !atTop.has(card))) {
        continue;
      }
      atTop.delete(card);
      var after = k + 1;
      while (after < cards.length &&
        (!inList[after] || inBest.has(cards[after]) || atTop.has(cards[after]))) {
        after += 1;
      }
      card.hidden = false;
      list.insertBefore(card, after < cards.length ? cards[after] : null);
      inList[k] = true;
    }
    top = best;
  }

  var withSentence = []; // the cards showing a matching sentence

  function apply() {
    var text = search.value.trim();
    var hits = null;
    if (text) {
      // Any of the variants (as typed, or with a synonym swapped in), each with all its
      // words: MiniSearch hands an outer combineWith down to plain strings, so each
      // variant carries its own AND.
      hits = index.search({
        combineWith: "OR",
        queries: queries(text).map(function (variant) {
          return { queries: [variant], combineWith: "AND" };
        })
      });
    }
    var tag = tagFilter.value;
    filterRows(langFilter.value, statusFilter.value);
    var found = {};
    var best = [];
    if (hits) {
      hits.forEach(function (hit) {
        if (byId[hit.id]) {
          found[hit.id] = hit;
          if (best.length < SENTENCES_SHOWN) { best.push(byId[hit.id]); }
        }
      });
    }
    var shown = 0;
    var visible = cards.map(function (card, k) {
      var show = rowsShown[k] > 0 && (!hits || Boolean(found[idOf[k]]));
      if (show && tag) {
        show = (card.getAttribute("data-tags") || "").split(" ").indexOf(tag) !== -1;
      }
      if (show) { shown += 1; }
      return show;
    });
    best = best.filter(function (card) { return visible[place.get(card)]; });
    // The matching sentence under each of the best cards shown; gone from the others.
    var showing = [];
    best.forEach(function (card) {
      var id = idOf[place.get(card)];
      var sentence = matchingSentence(id, found[id].terms);
      showSentence(card, sentence);
      if (sentence) { showing.push(card); }
    });
    var stillShowing = new Set(showing);
    withSentence.forEach(function (card) {
      if (!stillShowing.has(card)) { showSentence(card, ""); }
    });
    withSentence = showing;
    arrange(best, visible);
    var total = cards.length;
    var counted = shown === total
      ? fill(plural("showing_all", total), { total: number(total) })
      : fill(plural("showing", total), { shown: number(shown), total: number(total) });
    if (count.textContent !== counted) { count.textContent = counted; }
    noneMatch.hidden = shown !== 0 || total === 0;
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
})();
