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

  function fold(text) {
    // Lower case without accents, so "depresion" finds "depresión".
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
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
      ? fill(words.showing_all, { total: total })
      : fill(words.showing, { shown: shown, total: total });
    noneMatch.hidden = shown !== 0 || total === 0;
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  apply();
})();
