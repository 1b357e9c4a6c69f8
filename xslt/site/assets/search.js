/* The search page's script of a tei-edition collection site (search.html, loaded after
   site.js, whose helpers and catalogue rows it takes from window.teSite): an inverted
   index in shards by term prefix (search/shards.js lists them); a query loads only the
   shards of its terms, as scripts, and for the results shown (ten at a time) the
   passages of their snippets: a document's passages come compressed in one file
   (search/d<n>.js), or a long document's in files by passage range (search/d<n>.<c>.js,
   listed by search/d<n>.js, which holds the first): only those holding the passages
   shown are loaded. Terms are folded as the build folds them (tei_edition.entities.namefold):
   case, diacritics, apostrophes, dashes. "Quoted words" are a phrase; register name
   forms find the entries and the documents that mention them, whatever spelling the
   text uses. Every element is built with textContent: no document text becomes markup. */
(function () {
  "use strict";

  var site = window.teSite;
  if (!site) { return; }
  var doc = site.doc, root = site.root, cat = site.cat, rows = site.rows, el = site.el,
    link = site.link, terms = site.terms, readHash = site.readHash, writeHash = site.writeHash,
    onDemand = site.onDemand, withTitles = site.withTitles, docHref = site.docHref;

  var searchForm = doc.getElementById("te-search-form");
  if (searchForm && cat) { searchPage(); }

  function searchPage() {
    var shardList = window.teSearchShards || [];
    var shards = {};  // prefix -> {t, e} once loaded
    var ranges = {};  // document number -> the first passage of each of its files
    var texts = {};   // "n c" -> [anchor, text] of the passages of file c of document n
    var shardScripts = onDemand(function (p) { return shards[p]; },
      function (p) { return root + "search/s-" + hex(p) + ".js"; },
      function (p) { window.teSearchShard(p, { t: {}, e: {} }); });  /* a shard that failed to load: empty */
    var parts = {};   // "term i" -> {t, e}: a part of a term cut by document range
    var partScripts = onDemand(function (key) { return parts[key]; },
      function (key) { var k = key.split(" "); return root + "search/p-" + hex(k[0]) + "." + k[1] + ".js"; },
      function (key) { var k = key.split(" "); window.teSearchPart(k[0], Number(k[1]), { t: "", n: "" }); });
    var names = {};   // "term i" -> the entries of file i of a term in parts
    var nameScripts = onDemand(function (key) { return names[key]; },
      function (key) { var k = key.split(" "); return root + "search/e-" + hex(k[0]) + "." + k[1] + ".js"; },
      function (key) { var k = key.split(" "); window.teSearchNames(k[0], Number(k[1]), []); });
    var rangeScripts = onDemand(function (n) { return ranges[n]; },
      function (n) { return root + "search/d" + n + ".js"; },
      function (n) { window.teSearchText(Number(n), []); });
    var textScripts = onDemand(function (key) { return texts[key]; },
      function (key) { var k = key.split(" "); return root + "search/d" + k[0] + "." + k[1] + ".js"; },
      function (key) { var k = key.split(" "); window.teSearchPassages(Number(k[0]), Number(k[1]), ""); });
    var query = doc.getElementById("te-query");
    var from = doc.getElementById("te-sfrom"), to = doc.getElementById("te-sto");
    var kind = doc.getElementById("te-kind");
    var status = doc.getElementById("te-search-status");
    var hitsList = doc.getElementById("te-hits");
    var entityHits = doc.getElementById("te-entity-hits");
    var generation = 0;
    var PAGE = 10;  /* results shown at a time: their snippets' passages are loaded */

    cat.kinds.forEach(function (k) { var o = el("option", null, k); o.value = k; kind.appendChild(o); });
    /* one kind of document only (every one a letter): a choice between "any" and it
       chooses nothing */
    if (cat.kinds.length < 2 && kind.parentNode.tagName === "LABEL") { kind.parentNode.hidden = true; }

    function hex(prefix) {
      return Array.from(prefix).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
    }

    function shardFor(term) {
      var best = null;
      for (var i = 0; i < shardList.length; i++) {
        var p = shardList[i];
        if (term.slice(0, p.length) === p && (best === null || p.length > best.length)) { best = p; }
      }
      return best;
    }

    /* a shard names its terms without its prefix (search_index.py) */
    window.teSearchShard = function (prefix, data) {
      shards[prefix] = data;
      shardScripts.arrived(prefix);
    };
    window.teSearchPart = function (term, i, data) {
      parts[partKey(term, i)] = data;
      partScripts.arrived(partKey(term, i));
    };
    window.teSearchNames = function (term, i, rows) {
      names[partKey(term, i)] = rows;
      nameScripts.arrived(partKey(term, i));
    };
    /* where a document's passages are cut into files (the first passage of each), and
       the passages of the first (a short letter's all), compressed */
    window.teSearchText = function (n, starts, packed) {
      inflate(starts.length ? packed : "", function (value) {
        if (starts.length) { texts[n + " 0"] = passagesOf(value); }
        ranges[n] = starts;
        rangeScripts.arrived(String(n));
      });
    };
    /* the passages of one of the others */
    window.teSearchPassages = function (n, c, packed) {
      var key = n + " " + c;
      inflate(packed, function (value) {
        texts[key] = passagesOf(value);
        textScripts.arrived(key);
      });
    };
    /* [anchor, text] of passages written [the start their anchors share, [[anchor
       without it, text], ...]] (none: a file that failed to load or to inflate) */
    function passagesOf(value) {
      return value ? value[1].map(function (p) { return [value[0] + p[0], p[1]]; }) : [];
    }
    /* the value of JSON compressed (zlib) and written in base64 (search_index.py,
       packed_text), given to done (null when it cannot be read) */
    function inflate(packed, done) {
      if (!packed || typeof window.DecompressionStream !== "function") { done(null); return; }
      var stream;
      try {
        var binary = window.atob(packed), bytes = new Uint8Array(binary.length);
        for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
        stream = new Blob([bytes]).stream().pipeThrough(new window.DecompressionStream("deflate"));
      } catch (e) { done(null); return; }
      new Response(stream).text().then(function (text) {
        var value = null;
        try { value = JSON.parse(text); } catch (e) { value = null; }
        done(value);
      }, function () { done(null); });
    }
    /* the file (its key) that holds passage p of document n */
    function rangeOf(n, p) {
      var starts = ranges[n] || [], c = 0;
      while (c + 1 < starts.length && starts[c + 1] <= p) { c++; }
      return c < starts.length ? n + " " + c : null;
    }
    function passageText(n, p) {
      var key = rangeOf(n, p);
      return key && texts[key] ? texts[key][p - ranges[n][Number(key.split(" ")[1])]] : undefined;
    }
    /* done() once the passages ``ps`` of document n are loaded */
    function withPassages(n, ps, done) {
      rangeScripts.need([String(n)], function () {
        var keys = {};
        ps.forEach(function (p) { var key = rangeOf(n, p); if (key) { keys[key] = true; } });
        textScripts.need(Object.keys(keys), done);
      });
    }


    /* numbers one after the other: each its last digit, base 64, from LAST, after the
       others (base 26, most significant first) from MORE (search_index.py, numbers) */
    var LAST = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$",
      MORE = "!%&'()*+,-./:;=>?@[]^`{|}~";
    var DIGIT = {};
    for (var d = 0; d < LAST.length; d++) { DIGIT[LAST[d]] = d; }
    for (d = 0; d < MORE.length; d++) { DIGIT[MORE[d]] = LAST.length + d; }
    function numbers(raw) {
      var out = [], n = 0;
      for (var i = 0; i < raw.length; i++) {
        var v = DIGIT[raw[i]];
        if (v < 64) { out.push(n * 64 + v); n = 0; } else { n = n * 26 + v - 64; }
      }
      return out;
    }

    /* a term's entry in its shard: its postings (a string), or, for a term cut by
       document range into parts (search_index.py, PART_BYTES), where each part starts,
       [its first documents], and when it names entries, where each file of them starts
       (its first entry's number, and that entry's count of documents and page: the
       most named first, then by page) */
    function entry(term) {
      var p = shardFor(term);
      return p && shards[p] ? shards[p].t[term.slice(p.length)] : undefined;
    }
    function partsOf(term) {
      var v = entry(term);
      return Array.isArray(v) ? v[0] : null;
    }
    function partKey(term, i) { return term + " " + i; }
    /* the file of a term in parts that would name entry ``e`` (its count and page) */
    function namingFile(term, e) {
      var counts = entry(term)[2] || [], pages = entry(term)[3] || [], i = 0;
      function before(j) { return counts[j] > e.count || (counts[j] === e.count && pages[j] <= e.page); }
      while (i + 1 < counts.length && before(i + 1)) { i++; }
      return partKey(term, i);
    }
    /* term -> Map "doc.passage" -> positions, of its parts loaded so far when it has parts */
    function postings(term) {
      var found = new Map();
      var starts = partsOf(term);
      if (starts) {
        starts.forEach(function (s, i) { var v = parts[partKey(term, i)]; if (v) { decode(v.t, found); } });
        return found;
      }
      decode(entry(term), found);
      return found;
    }
    function decode(raw, found) {
      if (!raw) { return; }
      /* per posting: document (delta-coded, 0: the one before), passage times two
         (plus one when there are several positions, then their count less two),
         positions (delta-coded) */
      var n = numbers(raw), docNo = 0;
      for (var i = 0; i < n.length;) {
        docNo += n[i];
        var passage = n[i + 1] >> 1, several = n[i + 1] & 1;
        var count = several ? n[i + 2] + 2 : 1, pos = 0, positions = [];
        i += several ? 3 : 2;
        for (var k = 0; k < count; k++) { pos += n[i++]; positions.push(pos); }
        found.set(docNo + "." + passage, positions);
      }
    }
    function documentsOf(raw) {
      var n = 0;  /* delta-coded */
      return numbers(raw).map(function (step) { n += step; return n; });
    }
    /* register entries under a term: Map page -> {label, page, docs}, in the register's
       order. A term in parts names each entry once, in files of their own, the most
       named first ([label, page, place in the register's order, count], numbered on
       from the file before), its parts which entries each document names (its number,
       delta-coded, their count, their numbers, delta-coded): of those, the entries of
       the files read; ``anyDocs`` (a Map) gets the documents of the parts read that
       name one of its entries, whichever, each with the count of its entries it names. */
    function entriesOf(term, anyDocs) {
      var found = new Map();
      var starts = partsOf(term);
      if (!starts) {
        var p = shardFor(term);
        ((p && shards[p] && shards[p].e[term.slice(p.length)]) || []).forEach(function (r) {
          var docs = documentsOf(r[2]);
          /* (count: with a correspondent's letters, when more than those naming the entry) */
          found.set(r[1], { label: r[0], page: r[1], docs: docs, count: r[3] || docs.length });
        });
        return found;
      }
      var firsts = entry(term)[1] || [], named = [], docsOf = {};
      firsts.forEach(function (first, i) {
        (names[partKey(term, i)] || []).forEach(function (r, k) { named[first + k] = r; });
      });
      starts.forEach(function (s, i) {
        var v = parts[partKey(term, i)];
        if (!v || !v.n) { return; }
        var n = numbers(v.n), d = 0;
        for (var j = 0; j < n.length;) {
          d += n[j];
          var count = n[j + 1], e = 0;
          j += 2;
          for (var c = 0; c < count; c++) { e += n[j++]; (docsOf[e] = docsOf[e] || []).push(d); }
          if (anyDocs && count) { anyDocs.set(d, count); }
        }
      });
      named.map(function (r, e) { return [r, e]; }).filter(function (re) { return re[0]; })
        .sort(function (a, b) { return a[0][2] - b[0][2]; })
        .forEach(function (re) {  /* (docs: of the parts read; count: all) */
          var docs = docsOf[re[1]] || [];
          found.set(re[0][1], { label: re[0][0], page: re[0][1], docs: docs, count: re[0][3] || docs.length });
        });
      return found;
    }

    /* terms of the index starting with a prefix (for a word still being typed) */
    function expand(term) {
      var p = shardFor(term);
      if (!p || !shards[p]) { return [term]; }
      var out = Object.keys(shards[p].t).map(function (t) { return p + t; })
        .filter(function (t) { return t.slice(0, term.length) === term; });
      return out.length ? out.slice(0, 50) : [term];
    }

    function unitMatches(unit) {
      /* a word: passages holding it (or, while typed, a word it begins);
         a phrase: passages where its words follow each other */
      if (unit.words.length === 1) {
        var found = new Map();
        unit.terms.forEach(function (w) { postings(w).forEach(function (v, k) { found.set(k, v); }); });
        return found;
      }
      var lists = unit.words.map(postings);
      var result = new Map();
      lists[0].forEach(function (positions, key) {
        var starts = positions.filter(function (start) {
          for (var i = 1; i < lists.length; i++) {
            var next = lists[i].get(key);
            if (!next || next.indexOf(start + i) < 0) { return false; }
          }
          return true;
        });
        if (starts.length) { result.set(key, starts); }
      });
      return result;
    }

    function parse(q) {
      var units = [];
      var re = /"([^"]*)"?|(\S+)/g, m;
      while ((m = re.exec(q)) !== null) {
        var words = terms(m[1] !== undefined ? m[1] : m[2]);
        if (!words.length) { continue; }
        if (m[1] !== undefined) { units.push({ words: words, phrase: true, exact: true }); }
        else { words.forEach(function (w) { units.push({ words: [w], phrase: false, exact: false }); }); }
      }
      return units;
    }

    function run() {
      var q = query.value.trim();
      var mine = ++generation;
      writeHash({ q: q, from: from.value, to: to.value, kind: kind.value });
      hitsList.textContent = "";
      entityHits.textContent = "";
      removeMore();
      if (!q) { status.textContent = ""; return; }
      var units = parse(q);
      if (!units.length) { status.textContent = "Type a word."; return; }
      var prefixes = {};
      units.forEach(function (u) { u.words.forEach(function (w) { var p = shardFor(w); if (p) { prefixes[p] = true; } }); });
      status.textContent = "Searching…";
      shardScripts.need(Object.keys(prefixes), function () {
        if (mine !== generation) { return; }
        units.forEach(function (u) {
          var w = u.words[0];
          u.terms = u.words.length > 1 || u.exact || entry(w) ? u.words : expand(w);
        });
        var search = plan(units, q);
        search.mine = mine;
        advance(search, PAGE, function () { show(search); });
      });
    }

    /* What a query needs: its units, the words that may name register entries, the
       terms cut in parts (each with the count of its leading parts read or passed),
       and the documents that can be found at all (null: any), known from the terms
       held whole (the rarest) and the year and type chosen: the parts of the others
       are read only where those documents are, the first documents first. */
    function plan(units, q) {
      var words = units.every(function (u) { return !u.phrase; }) ? units.map(function (u) { return u.words[0]; }) : [];
      var split = {};
      units.forEach(function (u) { u.terms.concat(u.words).forEach(function (t) { if (partsOf(t)) { split[t] = 0; } }); });
      words.forEach(function (w) { if (partsOf(w)) { split[w] = 0; } });
      function docsOf(list) {
        var s = new Set();
        list.forEach(function (t) { postings(t).forEach(function (v, key) { s.add(Number(key.split(".")[0])); }); });
        return s;
      }
      function meet(a, b) { return a === null ? b : b === null ? a : new Set(Array.from(a).filter(function (d) { return b.has(d); })); }
      var text = null;
      units.forEach(function (u) {
        var bound = null;
        if (u.words.length === 1) {
          if (!u.terms.some(partsOf)) { bound = docsOf(u.terms); }
        } else {
          u.words.forEach(function (w) { if (!partsOf(w)) { bound = meet(bound, docsOf([w])); } });
        }
        text = meet(text, bound);
      });
      var named = words.length ? null : new Set();
      var whole = words.filter(function (w) { return !partsOf(w); });
      var keys = null;  /* the entries a word held whole names (all its documents known) */
      if (words.length && whole.length) {
        named = new Set();
        whole.forEach(function (w) { var m = entriesOf(w); keys = keys === null ? m : new Map(Array.from(keys).filter(function (kv) { return m.has(kv[0]); })); });
        keys.forEach(function (e) { e.docs.forEach(function (d) { named.add(d); }); });
      }
      var can = text === null || named === null ? null : new Set(Array.from(text).concat(Array.from(named)));
      var yFrom = parseInt(from.value, 10), yTo = parseInt(to.value, 10), k = kind.value;
      var chosen = function (d) {
        var r = rows[d];
        if (!r) { return false; }
        if (!isNaN(yFrom) && (r.year === null || r.year < yFrom)) { return false; }
        if (!isNaN(yTo) && (r.year === null || r.year > yTo)) { return false; }
        return !k || r.kind === k;
      };
      if (can !== null) { can = Array.from(can).filter(chosen); }
      else if (!isNaN(yFrom) || !isNaN(yTo) || k) { can = rows.map(function (r) { return r.n; }).filter(chosen); }
      if (can !== null) { can.sort(function (a, b) { return a - b; }); }
      return { units: units, q: q, words: words, split: split, can: can, chosen: chosen, shown: 0,
        candidates: keys };
    }

    /* the documents up to which every term in parts is read (Infinity: all) */
    function reach(search) {
      var upTo = Infinity;
      Object.keys(search.split).forEach(function (t) {
        var starts = partsOf(t), done = search.split[t];
        if (done < starts.length) { upTo = Math.min(upTo, starts[done]); }
      });
      return upTo;
    }

    /* a part is needed if one of the documents that can be found is in its range */
    function needed(search, t, i) {
      if (search.can === null) { return true; }
      var starts = partsOf(t), lo = starts[i], hi = i + 1 < starts.length ? starts[i + 1] : Infinity;
      var can = search.can, a = 0, b = can.length;
      while (a < b) { var mid = (a + b) >> 1; if (can[mid] < lo) { a = mid + 1; } else { b = mid; } }
      return a < can.length && can[a] < hi;
    }

    /* Read the terms' parts, the first documents first, until ``wanted`` documents
       are found among those read (or all are read), then ``done``. */
    function advance(search, wanted, done) {
      /* (of a word in parts, the file of the entries most named; when a word is held
         whole, only the entries it names can be found: the files that may hold those,
         by their counts, instead) */
      var missing = {};
      search.words.forEach(function (w) {
        if (!partsOf(w) || !entry(w)[1]) { return; }
        var keys = [partKey(w, 0)];
        if (search.candidates) {
          keys = [];
          search.candidates.forEach(function (e) { keys.push(namingFile(w, e)); });
        }
        keys.forEach(function (key) { if (!names[key]) { missing[key] = true; } });  /* (once: a file that failed is empty) */
      });
      if (Object.keys(missing).length) {
        nameScripts.need(Object.keys(missing), function () {
          if (search.mine === generation) { advance(search, wanted, done); }
        });
        return;
      }
      for (;;) {
        var upTo = reach(search);
        search.result = evaluate(search, upTo);
        search.complete = upTo === Infinity;
        if (search.complete || search.result.found.length >= wanted) { done(); return; }
        var keys = [], next = {};
        Object.keys(search.split).forEach(function (t) {
          var starts = partsOf(t), i = search.split[t];
          if (i >= starts.length || starts[i] !== upTo) { return; }
          while (i < starts.length && !needed(search, t, i)) { i++; }
          search.split[t] = i;
          if (i < starts.length) { next[t] = i; keys.push(partKey(t, i)); }
        });
        if (!keys.length) { continue; }  /* (parts passed: read on) */
        partScripts.need(keys, function () {
          if (search.mine !== generation) { return; }
          Object.keys(next).forEach(function (t) { search.split[t] = next[t] + 1; });
          advance(search, wanted, done);
        });
        return;
      }
    }

    /* The documents found below ``upTo`` (every term read that far): those holding
       every unit, with the passages that match, and those naming a register entry
       whose name forms hold every word. */
    function evaluate(search, upTo) {
      var docs = null;
      var passages = new Map();  // doc -> Map(passage -> [[start, length]])
      search.units.forEach(function (unit) {
        var matches = unitMatches(unit);
        var here = new Set();
        matches.forEach(function (positions, key) {
          var parts = key.split(".");
          var d = Number(parts[0]), p = Number(parts[1]);
          if (d >= upTo) { return; }
          here.add(d);
          if (!passages.has(d)) { passages.set(d, new Map()); }
          var list = passages.get(d).get(p) || [];
          positions.forEach(function (s) { list.push([s, unit.words.length]); });
          passages.get(d).set(p, list);
        });
        docs = docs === null ? here : new Set(Array.from(docs).filter(function (d) { return here.has(d); }));
      });
      var entities = [];
      if (search.words.length) {
        /* (an entry's documents from a word held whole when there is one) */
        var byKey = null;
        search.words.slice().sort(function (a, b) { return !!partsOf(a) - !!partsOf(b); }).forEach(function (w) {
          var m = entriesOf(w);
          byKey = byKey === null ? m : new Map(Array.from(byKey).filter(function (kv) { return m.has(kv[0]); }));
        });
        entities = Array.from(byKey.values());
      }
      var named = new Map(); // doc -> entity labels
      /* (one word in parts: a document that names any of its entries is found, the
         labels those of its entries read) */
      var anyDocs = new Map();  /* (and how many of its entries each names) */
      if (search.words.length === 1 && partsOf(search.words[0])) { entriesOf(search.words[0], anyDocs); }
      anyDocs.forEach(function (count, n) { if (n < upTo) { named.set(n, []); } });
      entities.forEach(function (e) {
        e.docs.forEach(function (n) {
          if (n >= upTo) { return; }
          if (!named.has(n)) { named.set(n, []); }
          named.get(n).push(e.label);
        });
      });
      var all = new Set(docs || []);
      named.forEach(function (v, d) { all.add(d); });
      var found = Array.from(all).filter(search.chosen).sort(function (a, b) { return a - b; });
      return { found: found, passages: passages, named: named, entities: entities, namedCount: anyDocs };
    }

    function removeMore() {
      var old = doc.getElementById("te-more");
      if (old) { old.parentNode.removeChild(old); }
    }

    function show(search) {
      var res = search.result, q = search.q;
      entityHits.textContent = "";
      if (res.entities.length) {
        var p = el("p", "entity-hits");
        p.appendChild(doc.createTextNode("In the registers: "));
        /* (the most named first, then in the registers' order: a stable sort) */
        var ranked = res.entities.slice().sort(function (a, b) { return b.count - a.count; });
        ranked.slice(0, 12).forEach(function (e, i) {
          if (i) { p.appendChild(doc.createTextNode("; ")); }
          p.appendChild(link(root + "registers/" + e.page + ".html", e.label));
        });
        entityHits.appendChild(p);
      }
      var count = res.found.length;
      status.textContent = !count && search.complete ? "Nothing found for " + q + "."
        : count + " document" + (count === 1 ? "" : "s") + " for " + q + (search.complete ? "" : " so far");
      res.found.slice(search.shown, search.shown + PAGE).forEach(function (d) {
        hitsList.appendChild(hit(d, res.passages.get(d), mentions(res.named.get(d), res.namedCount.get(d), q)));
      });
      search.shown = Math.min(search.shown + PAGE, res.found.length);
      removeMore();
      if (search.shown < res.found.length || !search.complete) {
        var b = el("button", "more", "More results");
        b.id = "te-more";
        b.type = "button";
        b.addEventListener("click", function () {
          b.disabled = true;
          advance(search, search.shown + PAGE, function () { show(search); });
        });
        hitsList.parentNode.insertBefore(b, hitsList.nextSibling);
      }
    }

    /* A result's line of the register entries it names: their labels, and when the
       entries of a frequent word are many (only the most named are read), how many
       others it names, said as such. */
    function mentions(labels, count, q) {
      labels = labels || [];
      var others = (count || 0) - labels.length;
      if (others <= 0) { return labels.length ? "Mentions " + labels.join("; ") : ""; }
      var entries = (others === 1 ? " entry" : " entries") + " named “" + q + "”";
      return "Mentions " + (labels.length ? labels.join("; ") + " and " + others + " other" : others) + entries;
    }

    function hit(d, matched, names) {
      var li = el("li", "hit");
      withTitles([d], function () { fillHit(li, d, matched, names); });
      return li;
    }

    function fillHit(li, d, matched, names) {
      var r = rows[d];
      li.setAttribute("data-doc", r.id);
      var head = el("p", "hit-head");
      head.appendChild(el("span", "date", r.dateText));
      head.appendChild(doc.createTextNode(" "));
      head.appendChild(link(docHref(r), r.title, "hit-title"));
      li.appendChild(head);
      if (names) { li.appendChild(el("p", "hit-names", names)); }
      if (matched) {
        var list = el("ul", "snippets");
        li.appendChild(list);
        var first = Array.from(matched.keys()).sort(function (a, b) { return a - b; }).slice(0, 3);
        withPassages(d, first, function () {
          first.forEach(function (p) {
            var passage = passageText(d, p);
            if (!passage) { return; }
            var item = el("li");
            var a = link(docHref(r, passage[0]), null, "snippet");
            snippet(a, passage[1], matched.get(p));
            item.appendChild(a);
            list.appendChild(item);
          });
        });
      }
    }

    /* The passage around its first match, the matched words marked. Words are found
       in the original text by folding each word as the index did. */
    function snippet(target, text, spans) {
      var words = [], re = /[\p{L}\p{N}_\p{M}]+/gu, m;
      while ((m = re.exec(text)) !== null) {
        var parts = terms(m[0]);
        for (var i = 0; i < parts.length; i++) { words.push([m.index, m.index + m[0].length]); }
      }
      var marked = new Set();
      spans.forEach(function (s) { for (var i = 0; i < s[1]; i++) { marked.add(s[0] + i); } });
      var firstWord = Math.min.apply(null, spans.map(function (s) { return s[0]; }));
      var start = words[firstWord] ? Math.max(0, words[firstWord][0] - 80) : 0;
      var end = Math.min(text.length, start + 240);
      if (start > 0) { start = text.indexOf(" ", start) + 1; target.appendChild(doc.createTextNode("… ")); }
      var at = start;
      words.forEach(function (w, i) {
        if (!marked.has(i) || w[0] < start || w[1] > end) { return; }
        target.appendChild(doc.createTextNode(text.slice(at, w[0])));
        target.appendChild(el("mark", null, text.slice(w[0], w[1])));
        at = w[1];
      });
      target.appendChild(doc.createTextNode(text.slice(at, end) + (end < text.length ? " …" : "")));
    }

    var timer = null;  /* the typing's search, 250 ms after the last key */
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);  /* searched now: the typing's must not search again */
      run();
    });
    [from, to, kind].forEach(function (input) { input.addEventListener("change", run); });
    query.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 250);
    });
    function fromHash() {
      var state = readHash();
      query.value = state.q || "";
      from.value = state.from || "";
      to.value = state.to || "";
      kind.value = state.kind || "";
      run();
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }
}());
