/* The script of a tei-edition collection site: small, framework-free, no network.
   - every page: timeline bars drawn (the header's search box is search-box.js's)
   - index.html: the catalogue (window.teCatalogue, from catalogue.js loaded by a script
     tag, so that it works from file://; titles and correspondents come in chunks as
     rows are shown, every row's correspondents when they are filtered or sorted by) as
     a table: sort by any column, filter by year
     range, correspondent, place and free text; only the rows in view are in the DOM,
     so 10,000 rows stay fast. The state is kept in the address (#from=1840&sort=-date).
   - search.html: its own script, search.js, built on what this one gives it
     (window.teSite), so that no other page loads the search.
   Every element is built with textContent: no document text becomes markup. */
(function () {
  "use strict";

  var doc = document;
  var root = doc.body.getAttribute("data-root") || "";

  function el(name, className, text) {
    var node = doc.createElement(name);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function link(href, text, className) {
    var a = el("a", className, text);
    a.setAttribute("href", href);
    return a;
  }

  /* ---------- folding, as tei_edition.entities.namefold.fold ---------- */
  var APOS = /['\u2018\u2019\u201b\u02bc\u02bb\u02bd\u02b9\u0060\u00b4\u2032\uff07]/g;
  var DASH = /[-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\ufe63\uff0d]/g;

  function fold(text) {
    return String(text).normalize("NFC").replace(APOS, "'").replace(DASH, " ")
      .normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/\u00df/g, "ss").replace(/\u03c2/g, "\u03c3").normalize("NFC")
      .replace(/\s+/g, " ").trim();
  }

  function terms(text) {
    return fold(text).match(/[\p{L}\p{N}_]+/gu) || [];
  }

  /* ---------- timeline bars ---------- */
  Array.prototype.forEach.call(doc.querySelectorAll(".bar[data-width] .fill"), function (fill) {
    fill.style.width = fill.parentNode.getAttribute("data-width") + "%";
  });

  /* ---------- state in the address ---------- */
  function readHash() {
    var state = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      if (!pair) { return; }
      var at = pair.indexOf("=");
      if (at > 0) {
        try { state[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); } catch (e) { /* ignore */ }
      }
    });
    return state;
  }

  function writeHash(state) {
    var parts = [];
    Object.keys(state).forEach(function (key) {
      if (state[key] !== "" && state[key] !== undefined && state[key] !== null) {
        parts.push(key + "=" + encodeURIComponent(state[key]));
      }
    });
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (window.location.hash !== hash) {
      window.history.replaceState(null, "", hash || window.location.pathname + window.location.search);
    }
  }

  function loadScript(src, onError) {
    var s = el("script");
    s.src = src;
    s.onerror = onError;
    doc.head.appendChild(s);
  }

  /* Data that comes as scripts when first needed (catalogue/t<k>.js, search/s-*.js,
     search/d<n>.<c>.js): each script calls a window function that keeps its data and then
     arrived(key). need(keys, done) calls done once every key has arrived (has(key)),
     asking for each key's script once however many wait; a script that fails to load
     arrives empty through failed(key). */
  function onDemand(has, src, failed) {
    var waiting = {};  // key -> callbacks
    return {
      arrived: function (key) {
        (waiting[key] || []).forEach(function (f) { f(); });
        delete waiting[key];
      },
      need: function (keys, done) {
        var missing = keys.filter(function (key) { return !has(key); });
        var left = missing.length;
        if (!left) { done(); return; }
        missing.forEach(function (key) {
          var first = !waiting[key];
          (waiting[key] = waiting[key] || []).push(function () { if (--left === 0) { done(); } });
          if (first) { loadScript(src(key), function () { failed(key); }); }
        });
      }
    };
  }

  /* ---------- the catalogue ---------- */
  /* catalogue.js: each row's date (a number YYYYMMDD as its step from the row before,
     or a text), its date as the edition prints it where the script would print it
     otherwise, language and kind. Its title, correspondents and place come with its
     chunk of titles; catalogue/names.js, every row's correspondents and place, when
     the table is filtered or sorted by them. */
  var cat = window.teCatalogue;
  var rows = [];
  if (cat) {
    var at = 0;
    rows = cat.dates.map(function (d, i) {
      if (typeof d === "number") { at += d; d = isoDate(at); }
      var row = { n: i, id: null, title: null, date: d, dateText: cat.texts[i] || isoText(d),
        senders: [], addressees: [], place: "",
        lang: cat.langs[cat.lang ? cat.lang[i] : 0] || "", kind: cat.kinds[cat.kind ? cat.kind[i] : 0] || "" };
      var year = /^(\d{4})/.exec(row.date || "");
      row.year = year && year[1] !== "0000" ? Number(year[1]) : null;
      return row;
    });
  }

  function isoDate(number) {
    var year = String(Math.floor(number / 10000)), month = Math.floor(number / 100) % 100;
    var day = number % 100;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    while (year.length < 4) { year = "0" + year; }
    return year + (month ? "-" + two(month) + (day ? "-" + two(day) : "") : "");
  }

  function isoText(date) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date || "");
    if (!m) { return date || "undated"; }
    /* the months as the edition's date rule names them (policy.xml's <dates>) */
    return Number(m[3]) + " " + cat.months[Number(m[2]) - 1] + " " + m[1];
  }

  /* Ids and titles come in chunks of cat.chunk rows (catalogue/t<k>.js), loaded when
     rows are shown, or all of them to sort by title or filter by text. */
  var chunks = {};  // k -> true once loaded
  var titles = onDemand(function (k) { return chunks[k]; },
    function (k) { return root + "catalogue/t" + k + ".js"; },
    function (k) { window.teCatalogueTitles(Number(k), []); });
  window.teCatalogueTitles = function (k, list, names) {
    list.forEach(function (item, i) {
      var r = rows[k * cat.chunk + i];
      if (!r) { return; }
      r.id = item[0];
      r.title = item[1];
      r.senders = correspondents(item[2], names);
      r.addressees = correspondents(item[3], names);
      r.place = item[4] || "";
      r.page = item[5] || r.id + ".html";  /* a page of its own, else a part of one */
      r.all = fold([r.dateText, r.date, r.title, r.senders.map(nameOf).join(" "),
        r.addressees.map(nameOf).join(" "), r.place].join(" | "));
    });
    chunks[k] = true;
    titles.arrived(k);
  };

  /* numbers (one: a number) into the chunk's names, "name" or "name<tab>page"
     (registers/<page>.html) */
  function correspondents(list, names) {
    if (list === undefined) { return []; }
    return (typeof list === "number" ? [list] : list).map(function (n) {
      var v = names[n].split("\t");
      return { name: v[0], href: v[1] ? "registers/" + v[1] + ".html" : "" };
    });
  }

  function nameOf(p) { return p.name; }

  /* Every row's correspondents and place (catalogue/names.js: tables of names and
     places, a row's numbers into them, a single name as a number), to filter and sort by. */
  var who = null;
  var whoScript = onDemand(function () { return who; },
    function () { return root + "catalogue/names.js"; },
    function () { window.teCatalogueNames({ names: [], places: [], from: [], to: [], place: [] }); });
  window.teCatalogueNames = function (data) {
    var named = function (list) {
      if (list === undefined) { return ""; }
      return (typeof list === "number" ? [list] : list).map(function (n) { return data.names[n]; }).join("; ");
    };
    rows.forEach(function (r) {
      r.sender = named(data.from[r.n]);
      r.addressee = named(data.to[r.n]);
      r.place = data.place[r.n] >= 0 ? data.places[data.place[r.n]] : "";
      r.people = fold(r.sender + " | " + r.addressee);
      r.where = fold(r.place);
    });
    who = data;
    whoScript.arrived("names");
  };

  /* A column's order (catalogue/o-<key>.js, for the columns in cat.sorted: the rows
     in order, each row's number in the same few base-64 digits), kept as each row's
     rank; to sort by a column needs neither every title nor every name. */
  var ranks = {};  // key -> Int32Array of each row's place in the order, false: none
  var orders = onDemand(function (key) { return key in ranks; },
    function (key) { return root + "catalogue/o-" + key + ".js"; },
    function (key) { ranks[key] = false; orders.arrived(key); });
  window.teCatalogueOrder = function (key, packed) {
    var rank = new Int32Array(rows.length);
    unpack(packed).forEach(function (n, i) { rank[n] = i; });
    ranks[key] = rank;
    orders.arrived(key);
  };

  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  function unpack(packed) {
    var width = 1, out = [];
    while (Math.pow(64, width) < rows.length) { width++; }
    for (var i = 0; i < packed.length; i += width) {
      var n = 0;
      for (var j = 0; j < width; j++) { n = n * 64 + DIGITS.indexOf(packed.charAt(i + j)); }
      out.push(n);
    }
    return out;
  }

  /* Each correspondent's and place's name once with its rows (catalogue/people.js,
     catalogue/places.js), to filter by: a row is kept when one of its names holds the
     words asked for, as when its names were read row by row. */
  var lists = {};  // "people" | "places" -> { names, folded, rows (packed) }, false: none
  var listScript = onDemand(function (kind) { return kind in lists; },
    function (kind) { return root + "catalogue/" + kind + ".js"; },
    function (kind) { lists[kind] = false; listScript.arrived(kind); });
  window.teCatalogueRows = function (kind, names, packed) {
    lists[kind] = { names: names, folded: names.map(fold), rows: packed };
    listScript.arrived(kind);
  };

  function rowsNamed(kind, words) {
    var list = lists[kind], keep = new Uint8Array(rows.length);
    list.folded.forEach(function (name, i) {
      if (name.indexOf(words) >= 0) { unpack(list.rows[i]).forEach(function (n) { keep[n] = 1; }); }
    });
    return keep;
  }

  /* The words of every row's title, names and place (catalogue/words.js: each word once,
     each row's words as their numbers), to filter by text: a row is kept when each word
     asked for is part of one of its words or of its date, as when its title, names,
     place and date were read row by row. */
  var wordIndex = null;  // { words (folded), rows: [[word numbers]] }, false: none
  var wordScript = onDemand(function () { return wordIndex !== null; },
    function () { return root + "catalogue/words.js"; },
    function () { wordIndex = false; wordScript.arrived("words"); });
  window.teCatalogueWords = function (words, packed) {
    var numbers = packed.split(".").map(function (row) {
      var list = [], n = 0;
      for (var i = 0; i < row.length; i++) {
        var c = DIGITS.indexOf(row.charAt(i));
        if (c >= 32) { n = n * 32 + c - 32; } else { list.push(n * 32 + c); n = 0; }
      }
      return list;
    });
    wordIndex = { words: words.map(fold), rows: numbers };
    wordScript.arrived("words");
  };

  function rowsWithWords(asked) {
    var keep = new Uint8Array(rows.length).fill(1);
    asked.forEach(function (w) {
      var hit = wordIndex.words.map(function (word) { return word.indexOf(w) >= 0; });
      var always = "|".indexOf(w) >= 0;  /* (the table's text joins its parts with " | ") */
      rows.forEach(function (r, n) {
        if (!keep[n] || always) { return; }
        if (r.when === undefined) { r.when = fold(r.dateText + " " + (r.date || "")); }
        keep[n] = r.when.indexOf(w) >= 0 || (wordIndex.rows[n] || []).some(function (k) { return hit[k]; }) ? 1 : 0;
      });
    });
    return keep;
  }

  function withTitles(numbers, done) {
    var wanted = {};
    numbers.forEach(function (n) { wanted[Math.floor(n / cat.chunk)] = true; });
    titles.need(Object.keys(wanted), done);
  }

  function withAllTitles(done) {
    var all = [];
    for (var n = 0; n < rows.length; n += cat.chunk) { all.push(n); }
    withTitles(all, done);
  }

  function docHref(r, anchor) {
    return root + (anchor ? r.page.split("#")[0] + "#" + anchor : r.page);
  }

  var table = doc.getElementById("te-catalogue");
  if (table && cat) { catalogueTable(); }

  function catalogueTable() {
    var body = doc.getElementById("te-rows");
    var frame = doc.getElementById("te-frame");
    var form = doc.getElementById("te-filters");
    var count = doc.getElementById("te-count");
    var inputs = { from: doc.getElementById("te-from"), to: doc.getElementById("te-to"),
      person: doc.getElementById("te-person"), place: doc.getElementById("te-place"),
      q: doc.getElementById("te-text") };
    var shown = rows;
    var sort = "date";
    var rowHeight = 0;
    var drawn = "";
    form.hidden = false;
    frame.classList.add("virtual");
    /* a column no document fills (the letters of an edition that names no language, or
       no place) is left out, not shown empty down the whole table */
    var optional = ["place", "lang"].filter(function (key) {
      return key === "place" ? !cat.withPlace : !rows.some(function (r) { return r[key]; });
    });
    optional.forEach(function (key) {
      var th = table.querySelector("th[data-key='" + key + "']");
      if (th) { th.parentNode.removeChild(th); }
    });
    var columns = table.querySelectorAll("thead th").length;

    function fill(listId, values) {
      var list = doc.getElementById(listId);
      values.forEach(function (v) { var o = el("option"); o.value = v; list.appendChild(o); });
    }
    var listed = {};
    function choices(kind, listId) {  /* the names or places to choose from, once loaded */
      if (listed[kind] || !lists[kind]) { return; }
      listed[kind] = true;
      fill(listId, lists[kind].names.slice().sort());
    }
    [[inputs.person, "people", "te-people"], [inputs.place, "places", "te-places"]].forEach(function (f) {
      f[0].addEventListener("focus", function () {
        listScript.need([f[1]], function () { choices(f[1], f[2]); });
      });
    });

    var state = readHash();
    Object.keys(inputs).forEach(function (key) { if (state[key]) { inputs[key].value = state[key]; } });
    if (state.sort) { sort = state.sort; }

    function compare(key) {
      var rank = ranks[key];
      if (rank) { return function (a, b) { return rank[a.n] - rank[b.n]; }; }
      return function (a, b) {
        var x = a[key] || "", y = b[key] || "";
        if (key === "date") { x = a.date || "9999"; y = b.date || "9999"; }
        return x < y ? -1 : x > y ? 1 : a.n - b.n;
      };
    }

    function apply() {
      var key = sort.replace(/^-/, "");
      var person = fold(inputs.person.value), place = fold(inputs.place.value);
      var ordered = (cat.sorted || []).indexOf(key) >= 0 && ranks[key] !== false;
      if (ordered && !ranks[key]) {
        count.textContent = "Sorting…";
        orders.need([key], apply);
        return;
      }
      var across = /[;|]/.test(person);
      var wanted = (person && !across ? ["people"] : []).concat(place ? ["places"] : []);
      if (wanted.some(function (kind) { return !(kind in lists); })) {
        count.textContent = "Loading names…";
        listScript.need(wanted, apply);
        return;
      }
      var words = fold(inputs.q.value).split(" ").filter(Boolean);
      if (words.length && wordIndex === null) {
        count.textContent = "Loading words…";
        wordScript.need(["words"], apply);
        return;
      }
      var needsTitles = (key === "title" && !ordered) || (words.length && !wordIndex);
      if (needsTitles && !chunks.all) {
        count.textContent = "Loading titles…";
        withAllTitles(function () { chunks.all = true; apply(); });
        return;
      }
      /* a name asked for across two ("A; B"), or names with no list of their own, are
         looked for in each row's names joined (catalogue/names.js) */
      var joined = person && (across || !lists.people);
      var placed = place && !lists.places;
      var needsNames = (["sender", "addressee", "place"].indexOf(key) >= 0 && !ordered) || joined || placed;
      if (needsNames && !who) {
        count.textContent = "Loading names…";
        whoScript.need(["names"], apply);
        return;
      }
      var from = parseInt(inputs.from.value, 10), to = parseInt(inputs.to.value, 10);
      var byPerson = person && !joined ? rowsNamed("people", person) : null;
      var byPlace = place && !placed ? rowsNamed("places", place) : null;
      var byWords = words.length && wordIndex ? rowsWithWords(words) : null;
      shown = rows.filter(function (r) {
        if (!isNaN(from) && (r.year === null || r.year < from)) { return false; }
        if (!isNaN(to) && (r.year === null || r.year > to)) { return false; }
        if (byPerson ? !byPerson[r.n] : person && r.people.indexOf(person) < 0) { return false; }
        if (byPlace ? !byPlace[r.n] : place && r.where.indexOf(place) < 0) { return false; }
        if (byWords) { return byWords[r.n] === 1; }
        for (var i = 0; i < words.length; i++) { if (r.all.indexOf(words[i]) < 0) { return false; } }
        return true;
      });
      shown.sort(compare(key));
      if (sort.charAt(0) === "-") { shown.reverse(); }
      Array.prototype.forEach.call(table.querySelectorAll("th"), function (th) {
        var k = th.getAttribute("data-key");
        th.setAttribute("aria-sort", k === key ? (sort.charAt(0) === "-" ? "descending" : "ascending") : "none");
      });
      count.textContent = shown.length === rows.length ? rows.length + " documents"
        : shown.length + " of " + rows.length + " documents";
      table.setAttribute("aria-rowcount", String(shown.length + 1));
      writeHash({ from: inputs.from.value, to: inputs.to.value, person: inputs.person.value,
        place: inputs.place.value, q: inputs.q.value, sort: sort === "date" ? "" : sort });
      drawn = "";
      frame.scrollTop = 0;
      draw();
    }

    function cell(row, content) {
      var td = el("td");
      if (typeof content === "string") { td.textContent = content; } else { td.appendChild(content); }
      row.appendChild(td);
      return td;
    }

    function people(list) {
      var span = el("span");
      list.forEach(function (p, i) {
        if (i) { span.appendChild(doc.createTextNode("; ")); }
        span.appendChild(p.href ? link(root + p.href, p.name) : doc.createTextNode(p.name));
      });
      return span;
    }

    function spacer(height) {
      var tr = el("tr", "spacer");
      tr.setAttribute("aria-hidden", "true");
      var td = el("td");
      td.colSpan = columns;
      tr.appendChild(td);
      tr.style.height = height + "px";
      return tr;
    }

    function render(r) {
      var tr = el("tr");
      tr.setAttribute("aria-rowindex", String(r.index + 2));
      cell(tr, r.dateText).className = "date";
      if (r.title === null) {
        cell(tr, "…").className = "title loading";
      } else {
        cell(tr, link(docHref(r), r.title)).className = "title";
      }
      /* until its chunk comes, the names without their pages, if they are loaded */
      cell(tr, r.title === null ? r.sender || "" : people(r.senders));
      cell(tr, r.title === null ? r.addressee || "" : people(r.addressees));
      if (optional.indexOf("place") < 0) { cell(tr, r.place); }
      if (optional.indexOf("lang") < 0) { cell(tr, r.lang).className = "lang"; }
      return tr;
    }

    function draw() {
      if (!rowHeight) {
        if (!shown.length) { body.textContent = ""; return; }
        body.textContent = "";
        shown[0].index = 0;
        var probe = render(shown[0]);
        body.appendChild(probe);
        rowHeight = probe.getBoundingClientRect().height || 32;
      }
      var view = frame.clientHeight || 600;
      var first = Math.max(0, Math.floor(frame.scrollTop / rowHeight) - 10);
      var last = Math.min(shown.length, Math.ceil((frame.scrollTop + view) / rowHeight) + 10);
      var key = first + ":" + last + ":" + shown.length;
      if (key === drawn) { return; }
      drawn = key;
      var part = doc.createDocumentFragment();
      var untitled = [];
      part.appendChild(spacer(first * rowHeight));
      /* titles for the rows in view only: in a sorted table each may be in a file of its own */
      var top = Math.floor(frame.scrollTop / rowHeight), bottom = top + Math.ceil(view / rowHeight) + 1;
      for (var i = first; i < last; i++) {
        shown[i].index = i;
        if (shown[i].title === null && i >= top && i < bottom) { untitled.push(shown[i].n); }
        part.appendChild(render(shown[i]));
      }
      if (untitled.length) { withTitles(untitled, function () { drawn = ""; draw(); }); }
      part.appendChild(spacer((shown.length - last) * rowHeight));
      body.textContent = "";
      body.appendChild(part);
    }

    var pending = false;
    frame.addEventListener("scroll", function () {
      if (pending) { return; }
      pending = true;
      window.requestAnimationFrame(function () { pending = false; draw(); });
    });
    window.addEventListener("resize", function () { drawn = ""; draw(); });
    Array.prototype.forEach.call(table.querySelectorAll("button.sort"), function (button) {
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-key");
        sort = sort === key ? "-" + key : key;
        apply();
      });
    });
    var timer = null;
    form.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 120);
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  }

  /* what the search page's own script (search.js, loaded after this one) builds on */
  window.teSite = { doc: doc, root: root, cat: cat, rows: rows, el: el, link: link, terms: terms,
    readHash: readHash, writeHash: writeHash, onDemand: onDemand, withTitles: withTitles,
    docHref: docHref };
}());
