/* Hindsight: sort and filter the all-incidents table, at any size.
   Progressive enhancement: without this script each page of the table is a
   plain table with links to the other pages.

   The pages hold `paginate_by` rows each, so sorting or filtering one page's
   rows would be wrong. The first time a reader sorts or filters (or opens a
   link that does), the script fetches the table's data (`data-rows` on the
   table: `meta.json` and row files of 1,000 incidents, fetched in parallel;
   see src/site/pages/incidents.rs for the format) and from then on draws
   the table itself: the matching rows, sorted, one page at a time, with its
   own page bar. Rows are built with DOM calls and `textContent`, never from
   HTML strings, so a title cannot inject markup.

   The view lives in the query string (?severity=…&service=…&sort=date&
   order=ascending&page=2) so it can be bookmarked and shared. No
   dependencies. */
(function () {
  "use strict";

  var table = document.querySelector("table[data-sortable]");
  if (!table || !table.tBodies.length || !table.tHead) return;
  var tbody = table.tBodies[0];
  var source = table.getAttribute("data-rows");
  var listUrl = table.getAttribute("data-list") || window.location.pathname;
  var count = parseInt(table.getAttribute("data-count"), 10) || tbody.rows.length;
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var form = document.getElementById("incident-filters");
  var severity = form ? form.elements.severity : null;
  var service = form ? form.elements.service : null;
  var status = document.getElementById("filter-status");
  var none = document.getElementById("no-match");
  var pager = document.getElementById("incidents-pages");

  /* ---- The view: filters, sort and page, read from and kept in the URL ---- */

  var query = new URLSearchParams(window.location.search);
  var view = {
    severity: query.get("severity") || "",
    service: query.get("service") || "",
    sort: (query.get("sort") || "").toLowerCase(),
    order: query.get("order") === "descending" ? "descending" : "ascending",
    page: parseInt(query.get("page"), 10) || parseInt(table.getAttribute("data-page"), 10) || 1
  };
  /* A sort by a column this table does not have is no sort. */
  if (view.sort && !headers.some(function (th) { return heading(th) === view.sort; })) view.sort = "";

  function heading(th) { return th.textContent.trim().toLowerCase(); }

  function remember() {
    if (!window.history || !history.replaceState) return;
    var params = new URLSearchParams();
    if (view.severity) params.set("severity", view.severity);
    if (view.service) params.set("service", view.service);
    if (view.sort) { params.set("sort", view.sort); params.set("order", view.order); }
    if (view.page > 1) params.set("page", String(view.page));
    var q = params.toString();
    try {
      history.replaceState(null, "", listUrl + (q ? "?" + q : "") + window.location.hash);
    } catch (e) { /* file:// pages may refuse; the view still works. */ }
  }

  /* ---- The data, fetched once, the first time it is needed ---- */

  var data = null;
  var loading = null;

  function json(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": " + r.status);
      return r.json();
    });
  }

  function load() {
    if (loading) return loading;
    table.setAttribute("aria-busy", "true");
    if (status) status.textContent = "Loading all " + count + " incidents…";
    loading = json(source + "meta.json").then(function (meta) {
      var files = [];
      for (var k = 0; k < meta.shards; k += 1) files.push(json(source + k + ".json"));
      return Promise.all(files).then(function (shards) {
        var ranks = {};
        meta.severities.forEach(function (s) { ranks[s[0]] = s[1]; });
        var rows = [];
        shards.forEach(function (shard) {
          shard.rows.forEach(function (r) {
            rows.push({
              index: rows.length, date: r[0], rank: r[1], severity: ranks[r[1]] || "",
              title: r[2], url: meta.url + r[3], services: r[4], status: r[5]
            });
          });
        });
        data = { meta: meta, rows: rows };
        table.removeAttribute("aria-busy");
        return data;
      });
    });
    loading.catch(function () {
      table.removeAttribute("aria-busy");
      if (status) status.textContent = "The table’s data could not be loaded, so it cannot be sorted or filtered here. The page links below still work.";
      loading = null;
    });
    return loading;
  }

  /* ---- Drawing the view ---- */

  var collator = window.Intl && Intl.Collator ? new Intl.Collator(undefined, { sensitivity: "base", numeric: true }) : null;
  function compareText(a, b) { return collator ? collator.compare(a, b) : a.toLowerCase().localeCompare(b.toLowerCase()); }

  function serviceNames(row) {
    return row.services.map(function (s) { return data.meta.services[s][0]; }).join(" ");
  }

  /* How rows compare on each column, ascending. */
  var compare = {
    date: function (a, b) { return a.date < b.date ? -1 : a.date > b.date ? 1 : 0; },
    severity: function (a, b) { return a.rank - b.rank; },
    incident: function (a, b) { return compareText(a.title, b.title); },
    services: function (a, b) { return compareText(serviceNames(a), serviceNames(b)); },
    status: function (a, b) { return a.status < b.status ? -1 : a.status > b.status ? 1 : 0; }
  };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function rowElement(row) {
    var tr = el("tr", { "data-severity": row.severity });
    var date = el("td", { "class": "nowrap", "data-label": "Date" });
    date.appendChild(el("time", { datetime: row.date }, row.date));
    tr.appendChild(date);

    var sev = el("td", { "data-label": "Severity" });
    var badge = el("span", { "class": "sev sev-" + row.rank });
    badge.appendChild(el("span", { "class": "sev-dot", "aria-hidden": "true" }));
    badge.appendChild(el("span", { "class": "visually-hidden" }, "Severity "));
    badge.appendChild(document.createTextNode(row.severity));
    sev.appendChild(badge);
    tr.appendChild(sev);

    var title = el("td", { "class": "title-cell" });
    title.appendChild(el("a", { href: row.url }, row.title));
    tr.appendChild(title);

    var services = el("td", { "data-label": "Services" });
    var shown = row.services.slice(0, data.meta.shown);
    shown.forEach(function (s, i) {
      var svc = data.meta.services[s];
      if (i > 0) services.appendChild(document.createTextNode(" "));
      services.appendChild(el("a", { "class": "chip", href: svc[1], "data-service": svc[0] }, svc[0]));
    });
    if (row.services.length > shown.length) {
      services.appendChild(document.createTextNode(" "));
      services.appendChild(el("a", { "class": "more", href: row.url }, "and " + (row.services.length - shown.length) + " more"));
    }
    tr.appendChild(services);

    var state = el("td", { "data-label": "Status" });
    if (row.status === "final") state.appendChild(el("span", { "class": "muted" }, "Final"));
    else if (row.status === "review") state.appendChild(el("span", { "class": "badge badge-review" }, "In review"));
    else state.appendChild(el("span", { "class": "badge badge-draft" }, "Draft"));
    tr.appendChild(state);
    return tr;
  }

  /* A page bar like the server's: previous, the first and last pages and
     two on each side of this one, next. Its links are real URLs of the view,
     so they open in a new tab too. */
  function pageBar(total) {
    var nav = el("nav", { "class": "pagination", "aria-label": "Pages of this table" });
    if (total <= 1) return nav;
    function href(n) {
      var saved = view.page;
      view.page = n;
      var params = new URLSearchParams();
      if (view.severity) params.set("severity", view.severity);
      if (view.service) params.set("service", view.service);
      if (view.sort) { params.set("sort", view.sort); params.set("order", view.order); }
      if (n > 1) params.set("page", String(n));
      view.page = saved;
      var q = params.toString();
      return listUrl + (q ? "?" + q : "");
    }
    function link(n, label, cls, rel) {
      var a = el("a", { href: href(n), "data-page": String(n) });
      if (cls) a.className = cls;
      if (rel) a.setAttribute("rel", rel);
      if (typeof label === "string") a.textContent = label; else a.appendChild(label);
      return a;
    }
    if (view.page > 1) nav.appendChild(link(view.page - 1, "← Previous", "page-step", "prev"));
    var ol = el("ol", { role: "list" });
    var last = 0;
    for (var n = 1; n <= total; n += 1) {
      if (n !== 1 && n !== total && Math.abs(n - view.page) > 2) continue;
      if (last && n > last + 1) ol.appendChild(el("li", { "class": "page-gap", "aria-hidden": "true" }, "…"));
      var li = el("li");
      var a = link(n, String(n));
      a.setAttribute("aria-label", "Page " + n);
      if (n === view.page) a.setAttribute("aria-current", "page");
      li.appendChild(a);
      ol.appendChild(li);
      last = n;
    }
    nav.appendChild(ol);
    if (view.page < total) nav.appendChild(link(view.page + 1, "Next →", "page-step", "next"));
    return nav;
  }

  function draw() {
    /* The server's page number no longer says what is shown: the status
       line does. */
    Array.prototype.forEach.call(document.querySelectorAll(".page-of"), function (e) { e.hidden = true; });
    document.title = document.title.replace(/, page \d+ of \d+/, "");
    var svc = -1;
    data.meta.services.forEach(function (s, i) { if (s[0] === view.service) svc = i; });
    var rows = data.rows.filter(function (r) {
      return (!view.severity || r.severity === view.severity) &&
        (!view.service || r.services.indexOf(svc) !== -1);
    });
    if (view.sort) {
      var by = compare[view.sort];
      var sign = view.order === "ascending" ? 1 : -1;
      if (by) {
        rows.sort(function (a, b) { return by(a, b) * sign || a.index - b.index; });
      }
    }
    var per = data.meta.per_page || 50;
    var total = Math.max(1, Math.ceil(rows.length / per));
    view.page = Math.min(Math.max(1, view.page), total);
    var frag = document.createDocumentFragment();
    rows.slice((view.page - 1) * per, view.page * per).forEach(function (r) {
      frag.appendChild(rowElement(r));
    });
    tbody.textContent = "";
    tbody.appendChild(frag);

    headers.forEach(function (th) {
      if (!th.hasAttribute("data-sort")) return;
      if (view.sort ? heading(th) === view.sort : heading(th) === "date") {
        th.setAttribute("aria-sort", view.sort ? view.order : "descending");
      } else {
        th.removeAttribute("aria-sort");
      }
    });
    if (status) {
      var filtered = view.severity || view.service;
      var range = rows.length > per
        ? "; " + ((view.page - 1) * per + 1) + " to " + Math.min(view.page * per, rows.length) + " on this page"
        : "";
      status.textContent = filtered
        ? "Showing " + rows.length + " of " + data.rows.length + " incidents" + range
        : data.rows.length + " incidents" + range + " · select a column heading to sort";
    }
    if (none) none.hidden = rows.length !== 0;
    if (pager) {
      pager.textContent = "";
      pager.appendChild(pageBar(total));
    }
    remember();
  }

  function update() {
    load().then(draw, function () {});
  }

  /* ---- Wiring ---- */

  headers.forEach(function (th) {
    if (!th.hasAttribute("data-sort")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      /* First click sorts ascending (severity: worst first; text: A to Z);
         the next click reverses. The date column starts newest first. */
      var name = heading(th);
      var current = th.getAttribute("aria-sort");
      view.order = current === "ascending" ? "descending" : "ascending";
      view.sort = name;
      view.page = 1;
      update();
    });
  });

  if (pager) {
    pager.addEventListener("click", function (e) {
      var a = e.target.closest ? e.target.closest("a") : null;
      if (!a || !data || e.ctrlKey || e.metaKey || e.shiftKey || e.button) return;
      var n = parseInt(a.getAttribute("data-page"), 10);
      if (!n) return;
      e.preventDefault();
      view.page = n;
      draw();
      table.scrollIntoView && table.scrollIntoView({ block: "start" });
    });
  }

  function select(el, value) {
    if (!el || !value) return;
    for (var i = 0; i < el.options.length; i += 1) {
      if (el.options[i].value === value) { el.selectedIndex = i; return; }
    }
  }

  if (form) {
    select(severity, view.severity);
    select(service, view.service);
    var changed = function () {
      view.severity = severity.value;
      view.service = service.value;
      view.page = 1;
      update();
    };
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (e) { e.preventDefault(); changed(); });
    form.addEventListener("reset", function () {
      /* The reset happens after this event. */
      window.setTimeout(changed, 0);
    });
    form.hidden = false;
  }
  var caption = table.caption;
  if (caption) caption.textContent = "All post-mortems (select a column heading to sort)";

  /* A link that asks for a view draws it at once; otherwise the server's
     page stands until the reader sorts or filters. */
  if (view.severity || view.service || view.sort || query.get("page")) {
    update();
  } else if (status) {
    status.textContent = count + " incidents · select a column heading to sort";
  }
})();
