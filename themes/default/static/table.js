/* Hindsight: sort and filter the all-incidents table.
   Progressive enhancement: without this script the page is a plain table.
   No dependencies. Sort keys come from `data-value` on cells; filters match
   `data-severity` on rows and `data-service` on links in the row. The filter
   and sort state live in the query string (?severity=…&service=…&sort=date&order=ascending)
   so a view can be shared. */
(function () {
  "use strict";

  var table = document.querySelector("table[data-sortable]");
  if (!table || !table.tBodies.length || !table.tHead) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  rows.forEach(function (row, i) { row.dataset.index = String(i); });

  /* ---- Sorting ---- */

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function cellKey(row, col, type) {
    var cell = row.cells[col];
    if (!cell) return type === "number" ? 0 : "";
    var v = cell.getAttribute("data-value");
    if (v === null) v = cell.textContent.trim();
    return type === "number" ? parseFloat(v) || 0 : v.toLowerCase();
  }

  function sortBy(col, dir) {
    var type = headers[col].getAttribute("data-sort");
    var sign = dir === "ascending" ? 1 : -1;
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellKey(a, col, type), y = cellKey(b, col, type);
      var c = type === "number" ? x - y : x.localeCompare(y);
      if (c === 0) return a.dataset.index - b.dataset.index; /* stable: keep date order */
      return c * sign;
    });
    headers.forEach(function (th) { th.removeAttribute("aria-sort"); });
    headers[col].setAttribute("aria-sort", dir);
    var frag = document.createDocumentFragment();
    sorted.forEach(function (row) { frag.appendChild(row); });
    tbody.appendChild(frag);
  }

  headers.forEach(function (th, col) {
    if (!th.hasAttribute("data-sort")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      /* First click sorts ascending (severity: worst first; text: A to Z);
         the next click reverses. The date column starts newest first. */
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      sortBy(col, dir);
      remember({ sort: th.textContent.trim().toLowerCase(), order: dir });
    });
  });

  /* Keeps the view in the query string, so it can be bookmarked and shared. */
  function remember(values) {
    if (!window.history || !history.replaceState) return;
    var params = new URLSearchParams(window.location.search);
    Object.keys(values).forEach(function (k) {
      if (values[k]) params.set(k, values[k]); else params.delete(k);
    });
    var q = params.toString();
    try {
      history.replaceState(null, "", window.location.pathname + (q ? "?" + q : "") + window.location.hash);
    } catch (e) { /* file:// pages may refuse; the view still works. */ }
  }

  /* ?sort=<column heading>&order=ascending|descending */
  var query = new URLSearchParams(window.location.search);
  var wanted = (query.get("sort") || "").toLowerCase();
  headers.forEach(function (th, col) {
    if (wanted && th.hasAttribute("data-sort") && th.textContent.trim().toLowerCase() === wanted) {
      sortBy(col, query.get("order") === "descending" ? "descending" : "ascending");
    }
  });
  var caption = table.caption;
  if (caption) caption.textContent = "All post-mortems (select a column heading to sort)";

  /* ---- Filtering ---- */

  var form = document.getElementById("incident-filters");
  if (!form) return;
  var severity = form.elements.severity;
  var service = form.elements.service;
  var status = document.getElementById("filter-status");
  var none = document.getElementById("no-match");

  function services(row) {
    return Array.prototype.map.call(
      row.querySelectorAll("[data-service]"),
      function (a) { return a.getAttribute("data-service"); }
    );
  }

  function apply(updateUrl) {
    var sev = severity.value, svc = service.value, shown = 0;
    rows.forEach(function (row) {
      var ok = (!sev || row.getAttribute("data-severity") === sev) &&
        (!svc || services(row).indexOf(svc) !== -1);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    if (status) {
      status.textContent = (sev || svc)
        ? "Showing " + shown + " of " + rows.length + " incidents"
        : rows.length + " incidents · select a column heading to sort";
    }
    if (none) none.hidden = shown !== 0;
    if (updateUrl) remember({ severity: sev, service: svc });
  }

  function select(el, value) {
    if (!value) return;
    for (var i = 0; i < el.options.length; i += 1) {
      if (el.options[i].value === value) { el.selectedIndex = i; return; }
    }
  }

  var initial = new URLSearchParams(window.location.search);
  select(severity, initial.get("severity"));
  select(service, initial.get("service"));

  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); apply(true); });
  form.addEventListener("reset", function () {
    /* The reset happens after this event. */
    window.setTimeout(function () { apply(true); }, 0);
  });
  form.hidden = false;
  apply(false);
})();
