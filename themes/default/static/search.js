// In-browser search: reads the export under search/ (see src/search/export.rs)
// and ranks like `hindsight search`: the same analyzer (src/search/analyzer.rs,
// mirrored line by line below), tantivy's query syntax for words, "phrases",
// +must, -exclude and field:word, tantivy's BM25 computed in float32.
// Data from the files is only ever put in the page as text (textContent).
(function () {
  "use strict";
  var app = document.getElementById("search-app");
  if (!app) return;
  var base = app.getAttribute("data-base") || "/";
  var root = base + "search/";
  var f32 = Math.fround;

  // ---- The analyzer (rules 1-4 of analyzer.rs) ----
  var ALNUM = /[\p{Alphabetic}\p{N}]/u;
  var LOWER = /\p{Lowercase}/u;
  var UPPER = /\p{Uppercase}/u;
  var CONNECTORS = "-_./:";
  var MAX_TERM_CHARS = 40;

  function tokenize(text) {
    var cs = [];
    for (var i = 0; i < text.length; ) {
      var ch = String.fromCodePoint(text.codePointAt(i));
      cs.push([i, ch]);
      i += ch.length;
    }
    var n = cs.length;
    var at = function (k) { return k < n ? cs[k][0] : text.length; };
    var alnum = function (k) { return k < n && ALNUM.test(cs[k][1]); };
    var out = [];
    var push = function (from, to, position) {
      var term = text.slice(from, to).toLowerCase();
      if (Array.from(term).length > MAX_TERM_CHARS) return;
      out.push({ text: term, from: from, to: to, position: position });
    };
    var position = 0, k = 0;
    while (k < n) {
      if (!alnum(k)) { k++; continue; }
      var start = at(k), end, parts = [];
      for (;;) {
        var ws = k;
        while (alnum(k)) k++;
        var ps = ws;
        for (var j = ws + 1; j < k; j++) {
          var c = cs[j][1], prev = cs[j - 1][1];
          var nextLower = j + 1 < k && LOWER.test(cs[j + 1][1]);
          if (UPPER.test(c) && (LOWER.test(prev) || (UPPER.test(prev) && nextLower))) {
            parts.push([at(ps), at(j)]);
            ps = j;
          }
        }
        parts.push([at(ps), at(k)]);
        end = at(k);
        if (k + 1 < n && CONNECTORS.indexOf(cs[k][1]) >= 0 && alnum(k + 1)) k++;
        else break;
      }
      if (parts.length > 1) push(start, end, position);
      for (var p = 0; p < parts.length; p++) push(parts[p][0], parts[p][1], position + p);
      position += parts.length;
    }
    return out;
  }

  // ---- Query syntax (the part of tantivy's that `hindsight search` uses) ----
  // Clauses: {occur: "should"|"must"|"not", field: index or -1, text, phrase}.
  function parse(q, fields) {
    var clauses = [], errors = [], i = 0, pendingMust = false, pendingNot = false;
    while (i < q.length) {
      var c = q[i];
      if (/\s/.test(c)) { i++; continue; }
      var occur = "should";
      if (c === "+" || c === "-") { occur = c === "+" ? "must" : "not"; i++; }
      var field = -1, text, phrase = false;
      var m = /^([A-Za-z_][A-Za-z0-9_]*):(?=\S)/.exec(q.slice(i));
      if (m) {
        field = fields.indexOf(m[1]);
        if (field < 0) errors.push(m[1]);
        i += m[0].length;
      }
      if (q[i] === '"') {
        var close = q.indexOf('"', i + 1);
        if (close < 0) close = q.length;
        text = q.slice(i + 1, close);
        phrase = true;
        i = close + 1;
      } else {
        var s = i;
        while (i < q.length && !/\s/.test(q[i])) i++;
        text = q.slice(s, i);
      }
      if (!phrase && field < 0 && occur === "should" && !m) {
        if (text === "OR") continue;
        if (text === "AND") {
          if (clauses.length) clauses[clauses.length - 1].occur = clauses[clauses.length - 1].occur === "not" ? "not" : "must";
          pendingMust = true;
          continue;
        }
        if (text === "NOT") { pendingNot = true; continue; }
      }
      if (pendingNot) occur = "not";
      else if (pendingMust && occur === "should") occur = "must";
      pendingMust = pendingNot = false;
      if (m && field < 0) continue;
      clauses.push({ occur: occur, field: field, text: text, phrase: phrase, tokens: tokenize(text) });
    }
    return { clauses: clauses.filter(function (c) { return c.tokens.length > 0; }), errors: errors };
  }

  // Whether `tokens` are one compound: its whole term, then its parts.
  function oneCompound(tokens) {
    if (tokens.length < 3 || tokens[0].position !== tokens[1].position) return false;
    for (var i = 1; i < tokens.length; i++) {
      if (tokens[i].position !== tokens[0].position + i - 1) return false;
    }
    return true;
  }

  // ---- Data ----
  // Every file is gzip'd JSON (`.json.gz`). A host that adds
  // `Content-Encoding: gzip` itself gets it inflated by the browser, so the
  // bytes are inflated here only when they start with gzip's magic number.
  var cache = {};
  function getJSON(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + path).then(function (r) {
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.arrayBuffer();
      }).then(function (buf) {
        var b = new Uint8Array(buf);
        if (b.length > 1 && b[0] === 0x1f && b[1] === 0x8b) {
          return new Response(new Blob([b]).stream().pipeThrough(new DecompressionStream("gzip"))).json();
        }
        return JSON.parse(new TextDecoder().decode(b));
      });
      // A failed fetch is tried again by the next search, not cached.
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }
  var meta;

  // Varint strings (export.rs): base 32, least significant digit first, one
  // character of the URL-safe base-64 alphabet per digit, 32 added to every
  // digit but the last.
  var DIGIT = new Int8Array(128).fill(-1);
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".split("").forEach(function (c, i) { DIGIT[c.charCodeAt(0)] = i; });
  function reader(s) {
    var i = 0;
    return {
      more: function () { return i < s.length; },
      next: function () {
        var v = 0, scale = 1, d;
        do {
          d = i < s.length ? DIGIT[s.charCodeAt(i++) & 127] : 0;
          if (d < 0) d = 0;
          v += (d & 31) * scale;
          scale *= 32;
        } while (d >= 32);
        return v;
      }
    };
  }

  // The term shard of `term`: the number of shard keys at or before it
  // (keys are sorted as JavaScript compares strings).
  function shardOf(term) {
    var lo = 0, hi = meta.keys.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (meta.keys[mid] <= term) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  function shardFile(n) { return "t/" + n + ".json.gz"; }
  // Decoded postings of `term`: per field index, Map doc → [tf, norm];
  // compound occurrences only with `compound`; null for a term in no
  // document.
  var decoded = {};
  function postings(term, compound) {
    return getJSON(shardFile(shardOf(term))).then(function (shard) {
      var id = (compound ? "c:" : "t:") + term;
      if (!(id in decoded)) {
        var enc = (compound && own(shard.c, term)) || own(shard.t, term);
        decoded[id] = enc === null ? null : decode(enc);
      }
      return decoded[id];
    });
  }
  function own(o, k) { return o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : null; }
  // Per field: its index, the number of documents, their gaps, term
  // frequencies minus one, norm ids.
  function decode(enc) {
    var out = {}, r = reader(enc);
    while (r.more()) {
      var f = r.next(), n = r.next(), docs = [], doc = 0, k;
      var m = new Map();
      for (k = 0; k < n; k++) { doc += r.next(); docs.push(doc); }
      var tfs = [];
      for (k = 0; k < n; k++) tfs.push(r.next() + 1);
      for (k = 0; k < n; k++) m.set(docs[k], [tfs[k], r.next()]);
      out[f] = m;
    }
    return out;
  }
  // The most frequent terms that start with `prefix` (prefix search): they
  // are in its shard and the next ones whose keys start with it.
  function expand(prefix) {
    var first = shardOf(prefix), last = first;
    while (last < meta.keys.length && last - first < 3 && meta.keys[last].indexOf(prefix) === 0) last++;
    var files = [];
    for (var n = first; n <= last; n++) files.push(getJSON(shardFile(n)));
    return Promise.all(files).then(function (shards) {
      var terms = [];
      shards.forEach(function (s) {
        Object.keys(s.t).forEach(function (t) { if (t.indexOf(prefix) === 0) terms.push([t, df(s.t[t])]); });
      });
      terms.sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
      return terms.slice(0, 6).map(function (t) { return t[0]; });
    });
  }
  // The largest document count of the term's fields.
  function df(enc) {
    var r = reader(enc), d = 0;
    while (r.more()) {
      r.next();
      var n = r.next();
      d = Math.max(d, n);
      for (var k = 0; k < 3 * n; k++) r.next();
    }
    return d;
  }

  // Facet columns (f/<name>.json.gz), loaded when first needed: per
  // document, one value index (severity, quarter, the date's rank) or a
  // list of them (service, cause).
  var MULTI = { service: true, cause: true };
  var cols = {};
  function column(name) {
    return getJSON("f/" + name + ".json.gz").then(function (c) {
      if (!cols[name]) {
        var r = reader(c.docs), docs = [];
        for (var d = 0; d < meta.n; d++) {
          if (MULTI[name]) {
            var k = r.next(), vs = [];
            for (var j = 0; j < k; j++) vs.push(r.next());
            docs.push(vs);
          } else {
            docs.push(r.next());
          }
        }
        cols[name] = { values: c.values || [], docs: docs };
      }
      return cols[name];
    });
  }

  // ---- BM25, as tantivy (src/query/bm25.rs) in float32 ----
  // tantivy's field norm id → length table (fieldnorm/code.rs): lengths 0
  // to 39 as themselves, then steps of 2, 4, 8… eight ids each. A unit test
  // in export.rs holds tantivy's table to this rule.
  var NORMS = [];
  for (var id = 0, len = 0; id < 256; id++) { NORMS.push(len); len += id < 40 ? 1 : Math.pow(2, 1 + ((id - 40) >> 3)); }
  var K1, B, W;
  function setup() {
    K1 = f32(meta.k1); B = f32(meta.b); W = f32(1 + K1);
    var N = meta.n;
    meta.avg = meta.tokens.map(function (t) { return f32(f32(t) / f32(N)); });
    meta.norm = meta.avg.map(function (avg) {
      return NORMS.map(function (len) {
        return f32(K1 * f32(f32(1 - B) + f32(f32(B * f32(len)) / avg)));
      });
    });
  }
  function idf(docFreq) {
    var x = f32(f32(f32(meta.n - docFreq) + 0.5) / f32(docFreq + 0.5));
    return f32(Math.log(f32(1 + x)));
  }
  function bm25(weight, field, tf, norm) {
    return f32(weight * f32(tf / f32(tf + meta.norm[field][norm])));
  }

  // Scores of one clause: Map doc → score. `lists[t]` are the postings of
  // its tokens' terms.
  function clauseScores(clause, lists, compound) {
    var scores = new Map();
    var fields = clause.field >= 0 ? [clause.field] : meta.fields.map(function (_, i) { return i; });
    var tokens = clause.tokens;
    fields.forEach(function (f) {
      var boost = f32(meta.boosts[f]);
      if (tokens.length === 1) {
        var p = lists[0] && lists[0][f];
        if (!p) return;
        var w = f32(idf(p.size) * W);
        if (boost !== 1) w = f32(w * boost);
        p.forEach(function (v, doc) { add(scores, doc, bm25(w, f, v[0], v[1])); });
        return;
      }
      // A phrase: every term in the field; idf summed over its terms.
      var sum = 0;
      for (var i = 0; i < tokens.length; i++) {
        var q = lists[i] && lists[i][f];
        if (!q) return;
        sum = f32(sum + idf(q.size));
      }
      var w2 = f32(sum * W);
      if (boost !== 1) w2 = f32(w2 * boost);
      if (compound) {
        // One compound: its whole term's compound occurrences are the phrase's.
        var whole = compound[f];
        if (!whole) return;
        whole.forEach(function (v, doc) {
          for (var i = 1; i < tokens.length; i++) if (!lists[i][f].has(doc)) return;
          add(scores, doc, bm25(w2, f, v[0], v[1]));
        });
        return;
      }
      // Without positions: all words in the field, the smallest tf as the
      // phrase's frequency (an approximation; see the guide).
      lists[0][f].forEach(function (v, doc) {
        var tf = v[0];
        for (var i = 1; i < tokens.length; i++) {
          var o = lists[i][f].get(doc);
          if (!o) return;
          tf = Math.min(tf, o[0]);
        }
        add(scores, doc, bm25(w2, f, tf, v[1]));
      });
    });
    return scores;
  }
  function add(map, doc, s) {
    var old = map.get(doc);
    map.set(doc, old === undefined ? s : f32(old + s));
  }

  // Runs `parsed` (with the last word expanded to `expansions` if any):
  // {scores: Map doc → score, unknown: [terms in no document]}.
  function run(parsed, expansions) {
    var clauses = parsed.clauses.slice();
    if (expansions && expansions.length && clauses.length) {
      var last = clauses.pop();
      clauses.push(last);
      expansions.forEach(function (t) {
        if (t !== last.tokens[0].text) clauses.push({ occur: "should", field: last.field, text: t, tokens: [{ text: t, position: 0 }], expanded: true });
      });
      if (last.occur === "should") last.optional = true;
    }
    var jobs = clauses.map(function (c) {
      var lists = Promise.all(c.tokens.map(function (t) { return postings(t.text, false); }));
      var comp = oneCompound(c.tokens) ? postings(c.tokens[0].text, true) : Promise.resolve(null);
      return Promise.all([lists, comp]);
    });
    return Promise.all(jobs).then(function (data) {
      var total = new Map(), must = [], not = [], unknown = [], anyShould = false;
      clauses.forEach(function (c, i) {
        var lists = data[i][0];
        c.tokens.forEach(function (t, j) {
          if (!c.expanded && !lists[j] && unknown.indexOf(t.text) < 0) unknown.push(t.text);
        });
        var s = clauseScores(c, lists, data[i][1]);
        if (c.occur === "not") { not.push(s); return; }
        if (c.occur === "must") must.push(s); else anyShould = true;
        s.forEach(function (v, doc) { add(total, doc, v); });
      });
      var result = new Map();
      if (!must.length && !anyShould) {
        for (var d = 0; d < meta.n; d++) result.set(d, 1);
      } else {
        total.forEach(function (v, doc) {
          for (var i = 0; i < must.length; i++) if (!must[i].has(doc)) return;
          result.set(doc, v);
        });
      }
      not.forEach(function (s) { s.forEach(function (_, doc) { result.delete(doc); }); });
      return { scores: result, unknown: unknown };
    });
  }

  // "Did you mean": indexed terms of the word's shard nearest in edit distance.
  function suggest(word) {
    return getJSON(shardFile(shardOf(word))).then(function (s) {
      var best = [];
      Object.keys(s.t).forEach(function (t) {
        if (Math.abs(t.length - word.length) > (word.length / 3 | 0) + 1) return;
        var d = distance(word, t);
        if (d <= Math.max(1, (word.length / 3) | 0)) best.push([d, t]);
      });
      best.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : 1); });
      return best.slice(0, 3).map(function (b) { return b[1]; });
    });
  }
  function distance(a, b) {
    var prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      }
      prev = cur;
    }
    return prev[b.length];
  }

  // ---- The page ----
  var FACETS = [["severity", "Severity"], ["service", "Service"], ["cause", "Root cause"], ["quarter", "Quarter"]];
  var input = document.getElementById("search-q");
  var sortSelect = document.getElementById("search-sort");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var hint = document.getElementById("search-hint");
  var facetBox = document.getElementById("search-facets");
  var more = document.getElementById("search-more");
  // Ten cards a page: each may sit in its own card shard.
  var PAGE = 10;
  // `open`: the collapsed facet groups (service, cause) the reader opened.
  var state = { q: "", sort: "", filters: {}, shown: PAGE, open: {} };
  var lastMatched = [];
  var generation = 0;

  function readURL() {
    var params = new URLSearchParams(location.search);
    state.q = params.get("q") || "";
    state.sort = params.get("sort") === "date" ? "date" : "";
    state.filters = {};
    FACETS.forEach(function (f) {
      var values = params.getAll(f[0]).filter(Boolean);
      if (values.length) state.filters[f[0]] = values;
    });
    input.value = state.q;
    sortSelect.value = state.sort;
  }
  function writeURL() {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FACETS.forEach(function (f) { (state.filters[f[0]] || []).forEach(function (v) { params.append(f[0], v); }); });
    if (state.sort) params.set("sort", state.sort);
    var s = params.toString();
    history.replaceState(null, "", location.pathname + (s ? "?" + s : ""));
  }

  // Whether doc passes every facet's filter but `skip`'s (the columns of
  // the filters set are loaded: see `needed`).
  function passes(doc, skip) {
    for (var f = 0; f < FACETS.length; f++) {
      var name = FACETS[f][0];
      var want = state.filters[name];
      if (!want || name === skip || !cols[name]) continue;
      var values = cols[name].values;
      if (!valuesOf(doc, name).some(function (v) { return want.indexOf(values[v]) >= 0; })) return false;
    }
    return true;
  }
  function valuesOf(doc, name) {
    var v = cols[name].docs[doc];
    return MULTI[name] ? v : [v];
  }
  // The columns a search needs: severity and quarter for their counts,
  // service and cause when filtered on or open, the date to sort by date.
  function needed(byDate) {
    var names = ["severity", "quarter"];
    ["service", "cause"].forEach(function (n) { if (state.filters[n] || state.open[n]) names.push(n); });
    if (byDate) names.push("date");
    return Promise.all(names.map(column));
  }

  function search(typing) {
    var mine = ++generation;
    var parsed = parse(state.q, meta.fields);
    var browse = parsed.clauses.length === 0;
    var last = parsed.clauses[parsed.clauses.length - 1];
    var expansion = Promise.resolve(null);
    if (typing && last && last.occur !== "not" && !last.phrase && last.tokens.length === 1 && /[\p{Alphabetic}\p{N}]$/u.test(state.q)) {
      var word = last.tokens[0].text;
      if (Array.from(word).length >= 2) expansion = expand(word);
    }
    var byDate = browse || state.sort === "date";
    var running = Promise.all([
      browse ? { scores: null, unknown: [] } : expansion.then(function (ex) { return run(parsed, ex); }),
      needed(byDate)
    ]);
    running.then(function (both) {
      var r = both[0];
      if (mine !== generation) return;
      var matched = [];
      if (r.scores) r.scores.forEach(function (s, doc) { matched.push([doc, s]); });
      else for (var d = 0; d < meta.n; d++) matched.push([d, 0]);
      var hits = matched.filter(function (m) { return passes(m[0], null); });
      if (byDate) {
        var date = cols.date.docs;
        hits.sort(function (a, b) { return date[b[0]] - date[a[0]] || a[0] - b[0]; });
      } else {
        hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      }
      lastMatched = matched;
      renderFacets(matched);
      var terms = {};
      parsed.clauses.forEach(function (c) { if (c.occur !== "not") c.tokens.forEach(function (t) { terms[t.text] = true; }); });
      return showHits(hits, terms, mine).then(function () {
        if (mine !== generation) return;
        var one = hits.length === 1;
        status.textContent = hits.length + (one ? " incident" : " incidents") +
          (browse ? ", newest first" : (one ? " matches" : " match") + (state.sort === "date" ? ", newest first" : ", best first"));
        return showHint(r.unknown, parsed.errors, hits.length, mine);
      });
    }).catch(function (e) {
      status.textContent = "Search failed: " + e.message;
    });
  }

  function showHint(unknown, errors, count, mine) {
    hint.hidden = true;
    hint.textContent = "";
    if (errors.length) {
      hint.append("Not a searchable field: " + errors.join(", ") + ". ");
      hint.hidden = false;
    }
    if (!unknown.length) return Promise.resolve();
    return Promise.all(unknown.map(suggest)).then(function (lists) {
      if (mine !== generation) return;
      hint.append(unknown.length === 1 ? "In no incident: " : "In no incident: ");
      unknown.forEach(function (u, i) {
        if (i) hint.append(", ");
        var s = document.createElement("strong");
        s.textContent = u;
        hint.append(s);
      });
      hint.append(". ");
      var seen = [];
      lists.forEach(function (l) { l.forEach(function (t) { if (seen.indexOf(t) < 0) seen.push(t); }); });
      if (seen.length) {
        hint.append("Did you mean ");
        seen.forEach(function (t, i) {
          if (i) hint.append(", ");
          var a = document.createElement("a");
          a.href = "?q=" + encodeURIComponent(replaceWord(state.q, unknown, t));
          a.textContent = t;
          hint.append(a);
        });
        hint.append("?");
      }
      hint.hidden = false;
    });
  }
  function replaceWord(q, unknown, t) {
    for (var i = 0; i < unknown.length; i++) {
      var re = new RegExp(unknown[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "i");
      if (re.test(q)) return q.replace(re, t);
    }
    return t;
  }

  function showHits(hits, terms, mine) {
    var shown = hits.slice(0, state.shown);
    var shards = {};
    shown.forEach(function (h) { shards[Math.floor(h[0] / meta.per_shard)] = true; });
    return Promise.all(Object.keys(shards).map(function (s) { return getJSON("d/" + s + ".json.gz"); })).then(function () {
      if (mine !== generation) return;
      var cards = [];
      var waits = shown.map(function (h) {
        return getJSON("d/" + Math.floor(h[0] / meta.per_shard) + ".json.gz").then(function (c) { return c[h[0] % meta.per_shard]; });
      });
      return Promise.all(waits).then(function (cs) {
        cards = cs;
        list.textContent = "";
        shown.forEach(function (h, i) { list.append(card(cards[i], terms, i)); });
        more.hidden = hits.length <= shown.length;
      });
    });
  }

  function marked(parent, text, terms) {
    var tokens = tokenize(text), at = 0;
    tokens.forEach(function (t) {
      if (!terms[t.text] || t.from < at) return;
      parent.append(text.slice(at, t.from));
      var m = document.createElement("mark");
      m.textContent = text.slice(t.from, t.to);
      parent.append(m);
      at = t.to;
    });
    parent.append(text.slice(at));
  }

  // A card: [id, title, date, severity, summary, [services], link if not
  // meta.url + id + "/"].
  function card(c, terms, i) {
    var id = c[0], title = c[1], date = c[2], severity = c[3], summary = c[4], services = c[5];
    var li = document.createElement("li");
    li.className = "search-hit";
    li.id = "search-hit-" + i;
    li.setAttribute("role", "option");
    li.setAttribute("data-id", id);
    var h = document.createElement("h2");
    var a = document.createElement("a");
    a.href = c[6] || meta.url + id + "/";
    marked(a, title, terms);
    h.append(a);
    li.append(h);
    var meta1 = document.createElement("p");
    meta1.className = "search-hit-meta";
    var sev = document.createElement("span");
    sev.className = "badge";
    sev.textContent = severity;
    meta1.append(sev, " " + date + " · " + id);
    if (services.length) meta1.append(" · " + services.join(", "));
    li.append(meta1);
    if (summary) {
      var p = document.createElement("p");
      p.className = "search-hit-summary";
      marked(p, summary, terms);
      li.append(p);
    }
    return li;
  }

  // Severity and quarter are fieldsets, always shown; service and root
  // cause are collapsed groups whose columns load when opened (or when the
  // address filters on them).
  function renderFacets(matched) {
    var focused = document.activeElement && facetBox.contains(document.activeElement)
      ? document.activeElement.getAttribute("data-focus") : null;
    facetBox.textContent = "";
    FACETS.forEach(function (f) {
      var name = f[0], group = MULTI[name];
      var set, values = cols[name] && cols[name].values;
      if (group) {
        set = document.createElement("details");
        set.className = "search-facet search-facet-group";
        set.open = !!(state.open[name] || state.filters[name]);
        var head = document.createElement("summary");
        head.textContent = f[1];
        head.setAttribute("data-focus", "summary-" + name);
        if (state.filters[name]) {
          var n = document.createElement("span");
          n.className = "search-count";
          n.textContent = String(state.filters[name].length) + " chosen";
          head.append(" ", n);
        }
        set.append(head);
        set.addEventListener("toggle", function () {
          if (!!state.open[name] === set.open) return;
          state.open[name] = set.open;
          if (set.open && !cols[name]) {
            column(name).then(function () { renderFacets(lastMatched); }, function (e) {
              status.textContent = "Search data could not be loaded: " + e.message;
            });
          }
        });
        facetBox.append(set);
        if (!values) {
          if (set.open) {
            var wait = document.createElement("p");
            wait.className = "search-count";
            wait.textContent = "Loading…";
            set.append(wait);
          }
          return;
        }
      } else {
        if (!values) return;
        set = document.createElement("fieldset");
        set.className = "search-facet";
        var legend = document.createElement("legend");
        legend.textContent = f[1];
        set.append(legend);
      }
      var counts = new Array(values.length).fill(0);
      matched.forEach(function (m) {
        if (!passes(m[0], name)) return;
        valuesOf(m[0], name).forEach(function (v) { counts[v]++; });
      });
      var chosen = state.filters[name] || [];
      var order = values.map(function (_, i) { return i; });
      if (name === "quarter") order.reverse();
      // Groups list the chosen values, then the others by count.
      if (group) {
        var rank = function (v) { return chosen.indexOf(values[v]) >= 0 ? 1e9 : counts[v]; };
        order.sort(function (x, y) { return rank(y) - rank(x) || x - y; });
      }
      var shown = 0;
      order.forEach(function (v) {
        var value = values[v];
        var on = chosen.indexOf(value) >= 0;
        if (!counts[v] && !on) return;
        if (shown++ >= 12 && !on) return;
        var label = document.createElement("label");
        var box = document.createElement("input");
        box.type = "checkbox";
        box.checked = on;
        box.setAttribute("data-focus", name + "=" + value);
        box.addEventListener("change", function () {
          var now = (state.filters[name] || []).filter(function (x) { return x !== value; });
          if (box.checked) now.push(value);
          if (now.length) state.filters[name] = now; else delete state.filters[name];
          if (group) state.open[name] = true;
          state.shown = PAGE;
          writeURL();
          search(false);
        });
        var count = document.createElement("span");
        count.className = "search-count";
        count.textContent = String(counts[v]);
        label.append(box, " " + value + " ", count);
        set.append(label);
      });
      if (group && !shown) {
        var none = document.createElement("p");
        none.className = "search-count";
        none.textContent = "None among these results";
        set.append(none);
      }
      if (!group && shown) facetBox.append(set);
    });
    if (focused) {
      var again = Array.prototype.find.call(facetBox.querySelectorAll("[data-focus]"), function (e) {
        return e.getAttribute("data-focus") === focused;
      });
      if (again) again.focus();
    }
  }

  // Keyboard: arrows move through results, Enter opens one.
  var active = -1;
  function activate(i) {
    var items = list.querySelectorAll(".search-hit");
    if (!items.length) return;
    if (active >= 0 && items[active]) items[active].classList.remove("active");
    active = Math.max(0, Math.min(items.length - 1, i));
    items[active].classList.add("active");
    items[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", items[active].id);
  }
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); activate(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); activate(active - 1); }
    else if (e.key === "Enter") {
      var items = list.querySelectorAll(".search-hit a");
      if (active >= 0 && items[active]) { e.preventDefault(); location.href = items[active].href; }
      else e.preventDefault();
    }
  });
  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      state.q = input.value;
      state.shown = PAGE;
      active = -1;
      writeURL();
      search(true);
    }, 80);
  });
  sortSelect.addEventListener("change", function () {
    state.sort = sortSelect.value;
    writeURL();
    search(false);
  });
  more.addEventListener("click", function () {
    state.shown += PAGE;
    search(false);
  });
  document.getElementById("search-form").addEventListener("submit", function (e) { e.preventDefault(); });

  app.hidden = false;
  getJSON("meta.json.gz").then(function (m) {
    meta = m;
    setup();
    readURL();
    search(false);
  }).catch(function (e) {
    status.textContent = "Search data could not be loaded: " + e.message;
  });
})();
