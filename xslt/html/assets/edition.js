/* The script of a tei-edition HTML edition: small, framework-free, no network.
   Everything it does is an enhancement; the pages read fully without it.
   - name cards: hover or focus a name to see its register entry (type, label, life dates,
     the short description the printed index gives, from window.teEntities in entities.js, written once per entry,
     or, on a collection's page, the entry's own card script beside its register page)
   - "Highlight names" and the reading switch (normalised / diplomatic), remembered
   - notes in the margin: a copy of each note beside its number, from the list of notes
   - permalinks: the ¶ after a passage (made here from its id) copies its address
   - hints: the hover text that is the same on many elements, set on the first hover
   - search over window.teSearchIndex (search-index.js, loaded by a script tag, so it
     works from file:// where browsers refuse to fetch local files)
   - a page's facsimile opens in a viewer that zooms and pans
   It builds every element with textContent: document text never becomes markup. */
(function () {
  "use strict";

  var doc = document;
  var TYPES = { person: "Person", place: "Place", org: "Organisation" };

  function store(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem("tei-edition:" + key); }
      window.localStorage.setItem("tei-edition:" + key, value);
    } catch (e) { /* storage may be refused for file:// pages */ }
    return null;
  }

  function el(name, className, text) {
    var node = doc.createElement(name);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  /* ---------- hints ---------- */
  // What shows on hover that is the same on thousands of elements is written here once
  // and set as the element's title when the pointer first comes over it: a name found
  // in no register, a permalink, an alternative reading the switch changes (its kind from
  // its class "shown-…", as xslt/html/text.xsl names them, and the other reading), an
  // addition (one that names no place or hand) and a page break (from its number).
  var READINGS = {
    corr: "Corrected; the source reads", sic: "As in the source; corrected",
    expan: "Expanded; the source reads", ex: "Expanded; the source reads",
    abbr: "Abbreviated in the source; expanded", am: "Abbreviated in the source; expanded",
    reg: "Regularised; the source reads", orig: "As in the source; regularised" };

  function hint(node) {
    if (node.classList.contains("unresolved")) { return "Not found in the registers"; }
    if (node.classList.contains("cite")) { return node.getAttribute("aria-label"); }
    if (node.classList.contains("tei-add")) { return "Added in the source"; }
    if (node.classList.contains("pb")) {
      var n = /^p\. (.+)$/.exec((node.querySelector(":scope > .pb-n") || {}).textContent || "");
      return n ? "Page " + n[1] + " of the source begins" : "A page of the source begins";
    }
    var other = node.querySelector(":scope > .reading-other");
    var kind = /(?:^| )shown-(\w+)/.exec(node.className);
    return other && kind && READINGS[kind[1]] ? READINGS[kind[1]] + ": " + other.textContent : null;
  }

  doc.addEventListener("mouseover", function (event) {
    var node = event.target.closest && event.target.closest(".name.unresolved, a.cite, .tei-choice.switch, .tei-add.editorial, .pb");
    if (node && !node.hasAttribute("title")) {
      var text = hint(node);
      if (text) { node.title = text; }
    }
  });

  /* ---------- name cards ---------- */
  var card = el("div", "te-card");
  card.id = "te-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  var cardFor = null;
  var pointer = "mouse";  // the kind of the last pointer pressed: "touch" taps twice on a name
  var tapped = null;      // the name whose card was open when the last tap began

  // A name carries only its entry's id (data-entity), or its link names the entry: the
  // fragment of "persons.html#p1", else the file name of "…/person/p1.html" (as
  // xslt/html/text.xsl, h:href-names, leaves it out). The card's data is in
  // entities.js, once.
  function entityOf(name) {
    if (name.dataset.entity) { return name.dataset.entity; }
    var href = name.getAttribute("href") || "";
    var named = href.indexOf("#") >= 0 ? href.slice(href.indexOf("#") + 1)
      : href.split("/").pop().replace(/\.html$/, "");
    try { return decodeURIComponent(named); } catch (e) { return null; }
  }

  // The cards' data: entities.js (window.teEntities), read once. It groups the entries
  // by type, each an array [label, dates, description], the empty ones at its end left
  // out (xslt/html/search.xsl, h:entity-json); here each id gets its card:
  // {type, label, dates, description}.
  var cards = null;

  function entities() {
    if (!cards) {
      cards = Object.create(null);  // (an id may be any name, "__proto__" too)
      var groups = window.teEntities || {};
      Object.keys(groups).forEach(function (type) {
        Object.keys(groups[type]).forEach(function (id) {
          var f = groups[type][id];
          cards[id] = { type: type, label: f[0], dates: f[1], description: f[2] };
        });
      });
    }
    return cards;
  }

  function entryOf(name) {
    var src = cardScript(name);
    var entries = src ? scripted : entities();
    // (a card script's card under its file's name, the entry's page's: "Zurich_Stadt",
    // where the name says the entry's id, "Zürich_Stadt")
    var id = src ? src.split("/").pop().replace(/\.js$/, "") : entityOf(name);
    return id && Object.prototype.hasOwnProperty.call(entries, id) ? entries[id] : null;
  }

  // A collection's page carries no cards: each entry's is a script beside its register
  // page (registers/person/p3.js beside p3.html, xslt/site/site.xsl), loaded the first
  // time a reader points at one of its names (a script, as the search's shards: it
  // loads from file:// too). It calls teCard(slug, [type, label, dates, description]),
  // the slug its page's and its own file's name; the card then shows if the reader is
  // still at that name.
  var loaded = Object.create(null);
  var scripted = Object.create(null);  // slug -> card, of the card scripts loaded
  var awaited = null;  // the name whose card is loading
  window.teCard = function (slug, fields) {
    scripted[slug] = { type: fields[0], label: fields[1], dates: fields[2], description: fields[3] };
  };

  function cardScript(name) {
    var href = name.getAttribute("href") || "";
    return !window.teEntities && /^[^#?]*\.html$/.test(href) ? href.replace(/\.html$/, ".js") : null;
  }

  // whether a name has a card, or may have one not loaded yet (an entry the register
  // has no element for has none: a tap on its name follows the link at once)
  function hasCard(name) {
    var src = cardScript(name);
    return !!(entryOf(name) || (src && loaded[src] !== "missing"));
  }

  function loadCard(name) {
    var src = cardScript(name);
    awaited = name;
    if (!src || loaded[src]) { return; }
    loaded[src] = true;
    var script = doc.createElement("script");
    script.src = src;
    script.onload = function () {
      if (awaited && cardScript(awaited) === src) { showCard(awaited); }
    };
    script.onerror = function () { loaded[src] = "missing"; };
    doc.head.appendChild(script);
  }

  function showCard(name) {
    var entry = entryOf(name);
    if (!entry) {
      // while this name's card loads (or if it never comes), the card of the name
      // pointed at before is not left open beside that name
      if (cardFor && cardFor !== name) { hideCard(); }
      loadCard(name);
      return;
    }
    awaited = null;
    card.textContent = "";
    card.appendChild(el("span", "card-type", TYPES[entry.type] || entry.type));
    card.appendChild(el("span", "card-label", entry.label));
    if (entry.dates) { card.appendChild(el("span", "card-dates", entry.dates)); }
    if (entry.description) { card.appendChild(el("span", "card-description", entry.description)); }
    if (name.getAttribute("href")) {
      card.appendChild(el("span", "card-more", pointer === "touch"
        ? "Tap the name again for every mention in the register."
        : "Follow the link for every mention in the register."));
    }
    card.hidden = false;
    if (cardFor && cardFor !== name) {
      cardFor.classList.remove("te-card-open");
      cardFor.removeAttribute("aria-describedby");  // (the card describes this name now)
    }
    name.classList.add("te-card-open");
    var box = name.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left + window.scrollX,
      window.scrollX + doc.documentElement.clientWidth - card.offsetWidth - 8));
    card.style.left = left + "px";
    card.style.top = (box.bottom + window.scrollY + 6) + "px";
    name.setAttribute("aria-describedby", "te-card");
    cardFor = name;
  }

  function hideCard() {
    awaited = null;
    if (cardFor) { cardFor.removeAttribute("aria-describedby"); cardFor.classList.remove("te-card-open"); }
    card.hidden = true;
    cardFor = null;
  }

  // a name: its link to a register page says it, without a class (xslt/html/text.xsl):
  // "…/registers/person/p1.html" on a collection's page, "persons.html#p1" on a
  // document's own; a name with no link, or in one, is ".name"
  var NAME = [".name[data-entity]", "a.name[href]"].concat(
    ["[href*='registers/']", "[href^='persons.html#']", "[href^='places.html#']", "[href^='organizations.html#']"]
      .map(function (link) { return ".edition-text a" + link; })).join(", ");

  function nameOf(target) {
    return target && target.closest ? target.closest(NAME) : null;
  }

  /* ---------- toggles ---------- */
  function toggle(button, bodyClass, key, labels) {
    if (!button) { return; }
    function set(on) {
      doc.body.classList.toggle(bodyClass, on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      if (labels) { button.textContent = on ? labels[1] : labels[0]; }
      store(key, on ? "1" : "0");
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-pressed") !== "true");
    });
    if (store(key) === "1") { set(true); }
  }

  /* ---------- permalinks ---------- */
  var toast = el("div", "te-toast");
  toast.setAttribute("role", "status");
  toast.hidden = true;
  var toastTimer = null;

  function say(message) {
    toast.textContent = message;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { toast.hidden = true; }, 2200);
  }

  // A citable passage (a paragraph, heading, list item or block of the reading text
  // with an id and text of its own; not a note in the lists, nor the margin copy) gets
  // its permalink here, from its id: the pages do not carry thousands of them.
  var CITABLE = "p[id], li[id], div[id], h1[id], h2[id], h3[id], h4[id], h5[id], h6[id]";

  function ownText(node) {
    for (var child = node.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 3 && child.data.trim()) { return true; }
    }
    return false;
  }

  function permalinks() {
    var texts = doc.querySelectorAll(".edition-text");
    for (var t = 0; t < texts.length; t++) {
      var blocks = texts[t].querySelectorAll(CITABLE);
      for (var i = 0; i < blocks.length; i++) {
        var block = blocks[i];
        if (!ownText(block) || block.closest(".footnotes, .sidenote, .tei-list > .tei-label")
            || block.querySelector(":scope > a.cite")) { continue; }
        var link = el("a", "cite", "\u00b6");
        link.setAttribute("href", "#" + encodeURIComponent(block.id));
        link.setAttribute("aria-label", "Link to this passage");
        // after the last word with a no-break space: it never wraps onto a line alone
        var last = block.lastChild;
        if (last && last.nodeType === 3) { last.data = last.data.replace(/[ \t\n\r\f]+$/, "") + "\u00a0"; }
        else { block.appendChild(doc.createTextNode("\u00a0")); }
        block.appendChild(link);
      }
    }
  }

  /* ---------- readings ---------- */
  // A reading the switch changes carries the other one (data-other); here the shown one
  // is wrapped and the other set beside it, hidden until the switch shows it.
  function readings() {
    var choices = doc.querySelectorAll(".switch[data-other]");
    for (var i = 0; i < choices.length; i++) {
      var choice = choices[i];
      var shown = el("span", "reading-shown");
      while (choice.firstChild) { shown.appendChild(choice.firstChild); }
      var other = el("span", "reading-other", choice.getAttribute("data-other"));
      other.hidden = true;
      choice.appendChild(shown);
      choice.appendChild(other);
      choice.removeAttribute("data-other");
    }
  }

  /* ---------- notes in the margin ---------- */
  // A note marked in-margin (or in a list all-in-margin) after its unit gets a copy beside its number,
  // which the stylesheet sets in the margin on wide screens; the copy is hidden from
  // assistive technology (which reads the list), has no ids and no tab stops, and the
  // notes inside it are only their numbers. Then the list keeps those notes for screen
  // readers only (class te-sidenotes on the root).
  function marginCopy(body) {
    var copy = doc.createDocumentFragment();
    for (var child = body.firstChild; child; child = child.nextSibling) {
      copy.appendChild(child.cloneNode(true));
    }
    var each = function (selector, action) {
      Array.prototype.forEach.call(copy.querySelectorAll(selector), action);
    };
    each(".sidenote, a.facsimile, a.cite", function (node) { node.remove(); });
    each("a.noteref, a.appref", function (ref) { ref.replaceWith(el("sup", ref.className, ref.textContent)); });
    each("[id]", function (node) { node.removeAttribute("id"); });
    each("a[href]", function (link) { link.setAttribute("tabindex", "-1"); });
    each(".pb", function (node) { node.classList.add("inline"); });
    // blocks of the note run on in the margin, as phrasing ("… block": display block)
    each("p, div", function (block) {
      var span = el("span", (block.className ? block.className + " " : "") + "block");
      if (block.lang) { span.lang = block.lang; }
      while (block.firstChild) { span.appendChild(block.firstChild); }
      block.replaceWith(span);
    });
    return copy;
  }

  function sidenotes() {
    var refs = doc.querySelectorAll(".edition-text a.noteref:not(.appref)");
    var made = 0;
    for (var i = 0; i < refs.length; i++) {
      var ref = refs[i];
      if (ref.closest(".footnotes, .sidenote")) { continue; }
      var entry = doc.getElementById(decodeURIComponent((ref.getAttribute("href") || "").slice(1)));
      var body = entry && (entry.classList.contains("in-margin") || entry.closest(".all-in-margin"))
        && entry.querySelector(":scope > div");
      if (!body) { continue; }
      var side = el("span", "sidenote");
      side.setAttribute("aria-hidden", "true");
      side.appendChild(el("span", "sidenote-n", ref.textContent));
      side.appendChild(doc.createTextNode(" "));
      side.appendChild(marginCopy(body));
      ref.parentNode.insertBefore(side, ref.nextSibling);
      made += 1;
    }
    if (made) { doc.documentElement.classList.add("te-sidenotes"); }
  }

  /* ---------- tools ---------- */
  // The page with the reading text gets its tools here (they work only with the
  // script): the reading switch, from the reading the text shows (its class
  // "reading-…", xslt/html/front.xsl), and "Highlight names" with its legend.
  function makeTools() {
    var text = doc.getElementById("te-text");
    var header = doc.querySelector(".site-header");
    if (!text || !header || doc.getElementById("te-tools")) { return; }
    var match = /(?:^| )reading-(normalised|diplomatic)(?: |$)/.exec(text.className);
    var shown = match ? match[1] : "normalised";
    var other = shown === "normalised" ? "diplomatic" : "normalised";
    var box = el("div", "tools");
    box.id = "te-tools";
    box.hidden = true;
    var reading = el("button", null, "Show " + other + " reading");
    reading.id = "te-reading";
    reading.dataset.shown = shown;
    reading.dataset.other = other;
    var highlight = el("button", null, "Highlight names");
    highlight.id = "te-highlight";
    [reading, highlight].forEach(function (button) {
      button.type = "button";
      button.setAttribute("aria-pressed", "false");
      box.appendChild(button);
    });
    var legend = el("span", "legend");
    legend.setAttribute("aria-hidden", "true");
    [["person", "person"], ["place", "place"], ["org", "organisation"]].forEach(function (kind) {
      legend.appendChild(el("span", "name " + kind[0], kind[1]));
    });
    box.appendChild(legend);
    var results = doc.getElementById("te-results");
    header.insertBefore(box, results && results.parentNode === header ? results : null);
  }

  function copyLink(link) {
    var address = location.href.split("#")[0] + link.getAttribute("href");
    history.replaceState(null, "", link.getAttribute("href"));
    flash(link.parentNode);
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(address).then(function () {
        say("Link to this passage copied");
      }, function () { say("Address of this passage is in the address bar"); });
    } else {
      say("Address of this passage is in the address bar");
    }
  }

  function flash(node) {
    if (!node || !node.classList) { return; }
    node.classList.remove("te-flash");
    void node.offsetWidth;
    node.classList.add("te-flash");
  }

  /* ---------- search ---------- */
  // Folding as tei-edition's entities commands do (namefold.py): case, diacritics and
  // compatibility forms folded, apostrophes made ', hyphens and dashes made spaces
  // ("Kim Il-sung" finds "Kim Il Sung"). One character for one, so that a match's
  // place in the folded text is its place in the text.
  var APOSTROPHES = "'\u2018\u2019\u201b\u02bc\u02bb\u02bd\u02b9\u0060\u00b4\u2032\uff07";
  var DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00ad\ufe63\uff0d";
  var folded = {};
  function foldChar(c) {
    if (Object.prototype.hasOwnProperty.call(folded, c)) { return folded[c]; }
    var f;
    if (APOSTROPHES.indexOf(c) >= 0) { f = "'"; }
    else if (DASHES.indexOf(c) >= 0 || /\s/.test(c)) { f = " "; }
    else {
      f = c.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().normalize("NFC");
      if (f.length !== 1) { f = c.length === 1 && c.toLowerCase().length === 1 ? c.toLowerCase() : c; }
    }
    folded[c] = f;
    return f;
  }
  function fold(text) {
    if (/^[\x00-\x7f]*$/.test(text)) {  // the common case, one regular expression pass
      return text.toLowerCase().replace(/[-`\s]/g, function (c) { return c === "`" ? "'" : " "; });
    }
    var out = "";
    for (var i = 0; i < text.length; i++) { out += foldChar(text.charAt(i)); }
    return out;
  }

  var prepared = null;
  function index() {
    if (prepared) { return prepared; }
    var data = window.teSearchIndex || { passages: [], entries: [] };
    prepared = {
      passages: data.passages.map(function (p) {
        return { p: p, f: fold(p.text), o: p.other ? fold(p.other) : "" };
      }),
      entries: data.entries.map(function (e) { return { e: e, f: fold(e.label) }; })
    };
    return prepared;
  }

  function matchesAll(folded, terms, other) {
    for (var i = 0; i < terms.length; i++) {
      if (folded.indexOf(terms[i]) < 0 && (!other || other.indexOf(terms[i]) < 0)) { return false; }
    }
    return true;
  }

  // The passage text around the first term, with every term marked.
  function snippet(text, folded, terms) {
    var at = -1;
    for (var t = 0; t < terms.length && at < 0; t++) { at = folded.indexOf(terms[t]); }
    at = Math.max(0, at);
    var start = Math.max(0, at - 70);
    var end = Math.min(text.length, at + 110);
    var part = text.slice(start, end);
    var partFolded = folded.slice(start, end);
    var out = el("span", "result-text");
    if (start > 0) { out.appendChild(doc.createTextNode("… ")); }
    var pos = 0;
    while (pos < part.length) {
      var next = -1, length = 0;
      terms.forEach(function (t) {
        var i = partFolded.indexOf(t, pos);
        if (i >= 0 && (next < 0 || i < next)) { next = i; length = t.length; }
      });
      if (next < 0) { out.appendChild(doc.createTextNode(part.slice(pos))); break; }
      out.appendChild(doc.createTextNode(part.slice(pos, next)));
      out.appendChild(el("mark", "", part.slice(next, next + length)));
      pos = next + length;
    }
    if (end < text.length) { out.appendChild(doc.createTextNode(" …")); }
    return out;
  }

  var lastQuery = null;
  function search(query, panel) {
    var terms = fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    if (terms.join(" ") === lastQuery && !panel.hidden) { return; }  // nothing new: keep focus
    lastQuery = terms.join(" ");
    panel.textContent = "";
    if (!terms.length) { panel.hidden = true; return; }
    var data = index();
    var onIndex = doc.body.classList.contains("page-index");
    var entries = data.entries.filter(function (x) { return matchesAll(x.f, terms); }).slice(0, 12);
    var passages = data.passages.filter(function (x) { return matchesAll(x.f, terms, x.o); });
    if (entries.length) {
      panel.appendChild(el("h2", "", "In the registers"));
      var list = el("ol");
      entries.forEach(function (x) {
        var item = el("li"), link = el("a");
        link.href = x.e.href;
        link.appendChild(el("span", "result-where", x.e.register + " · " + x.e.mentions +
          (x.e.mentions === 1 ? " mention" : " mentions")));
        link.appendChild(el("span", "result-text", x.e.label));
        item.appendChild(link);
        list.appendChild(item);
      });
      panel.appendChild(list);
    }
    panel.appendChild(el("h2", "", passages.length + (passages.length === 1 ? " passage" : " passages")));
    if (!passages.length) {
      panel.appendChild(el("p", "none", "Nothing in the text matches all the words."));
    }
    var shown = el("ol");
    passages.slice(0, 100).forEach(function (x) {
      var item = el("li"), link = el("a");
      link.href = (onIndex ? "" : "index.html") + "#" + encodeURIComponent(x.p.id);
      link.className = "search-hit";
      link.appendChild(el("span", "result-where", x.p.where));
      link.appendChild(snippet(x.p.text, x.f, terms));
      if (x.o && !matchesAll(x.f, terms)) {  // found in the other reading
        link.appendChild(el("span", "result-other", "Other reading: " + x.p.other));
      }
      item.appendChild(link);
      shown.appendChild(item);
    });
    panel.appendChild(shown);
    if (passages.length > 100) {
      panel.appendChild(el("p", "none", "The first 100 are shown; add a word to narrow the search."));
    }
    panel.hidden = false;
  }

  /* ---------- facsimile viewer ---------- */
  /* A page's facsimile (a.facsimile beside a page break, on a collection's pages) opens
     in a dialog: zoom in and out with its buttons, + and -, Ctrl+wheel or a trackpad's
     pinch; 0 or "Fit" shows the page whole; when zoomed, drag or the arrow keys move
     about (the frame scrolls); Escape closes it. The image's size is set through the CSSOM (style.width), which
     the Content-Security-Policy allows: no style attribute is written. Without the
     script the link opens the image itself. Remote images are links only. */
  var ZOOM_STEP = 1.25;
  var ZOOM_MAX = 16;

  function facsimileViewer() {
    var dialog = el("dialog", "te-viewer");
    dialog.setAttribute("aria-labelledby", "te-viewer-title");
    dialog.lang = "en";
    var bar = el("div", "te-viewer-bar");
    var title = el("h2", "te-viewer-title");
    title.id = "te-viewer-title";
    var tools = el("div", "te-viewer-tools");
    tools.setAttribute("role", "toolbar");
    tools.setAttribute("aria-label", "Facsimile");
    var frame = el("div", "te-viewer-frame");
    frame.tabIndex = 0;
    frame.setAttribute("role", "group");
    frame.setAttribute("aria-label", "The image: drag or use the arrow keys to move about when zoomed");
    var image = el("img");
    frame.appendChild(image);
    var scale = 1;     // 1: the whole page fits the frame
    var fitWidth = 0;  // the image's width at scale 1, in CSS pixels

    function button(text, label, action) {
      var b = el("button", null, text);
      b.type = "button";
      b.title = label;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", action);
      tools.appendChild(b);
      return b;
    }
    var zoomOut = button("\u2212", "Zoom out (-)", function () { zoom(scale / ZOOM_STEP); });
    var level = el("output", "te-viewer-level", "100%");
    level.setAttribute("aria-live", "polite");
    level.setAttribute("aria-label", "Zoom");
    tools.appendChild(level);
    var zoomIn = button("+", "Zoom in (+)", function () { zoom(scale * ZOOM_STEP); });
    button("Fit", "Fit the page (0)", function () { zoom(1); });
    var alone = el("a", "te-viewer-alone", "Image alone");
    tools.appendChild(alone);
    button("\u00d7", "Close", function () { dialog.close(); });
    bar.appendChild(title);
    bar.appendChild(tools);
    dialog.appendChild(bar);
    dialog.appendChild(frame);
    doc.body.appendChild(dialog);

    function measure() {
      var w = image.naturalWidth, h = image.naturalHeight;
      if (!w || !h) { return false; }
      fitWidth = Math.max(1, Math.min(frame.clientWidth / w, frame.clientHeight / h) * w);
      return true;
    }

    /* zoom to a scale, keeping the point (x, y) of the frame (its middle by default)
       over the same spot of the image */
    function zoom(to, x, y) {
      to = Math.min(ZOOM_MAX, Math.max(1, to));
      if (!fitWidth && !measure()) { return; }
      if (x === undefined) { x = frame.clientWidth / 2; y = frame.clientHeight / 2; }
      var width = image.offsetWidth || fitWidth * scale;
      var fx = (frame.scrollLeft + x - image.offsetLeft) / width;
      var fy = (frame.scrollTop + y - image.offsetTop) / (image.offsetHeight || 1);
      scale = to;
      image.style.width = fitWidth * scale + "px";
      frame.classList.toggle("zoomed", scale > 1);
      frame.scrollLeft = fx * image.offsetWidth + image.offsetLeft - x;
      frame.scrollTop = fy * image.offsetHeight + image.offsetTop - y;
      level.textContent = Math.round(scale * 100) + "%";
      zoomOut.disabled = scale <= 1;
      zoomIn.disabled = scale >= ZOOM_MAX;
    }

    function fit() {
      fitWidth = 0;
      if (measure()) { zoom(1); }
    }

    function show(link) {
      var thumb = link.querySelector("img");
      title.textContent = (thumb && thumb.alt) || "Facsimile";
      alone.setAttribute("href", link.getAttribute("href"));
      image.alt = title.textContent;
      image.removeAttribute("style");
      fitWidth = 0;
      image.onload = fit;
      image.setAttribute("src", link.getAttribute("href"));
      if (image.complete) { fit(); }
    }

    dialog.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      var to = { "+": scale * ZOOM_STEP, "=": scale * ZOOM_STEP, "-": scale / ZOOM_STEP,
        "_": scale / ZOOM_STEP, "0": 1 }[event.key];
      if (to !== undefined) { event.preventDefault(); zoom(to); }
    });
    frame.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) { return; }  // a plain wheel scrolls; Ctrl+wheel and pinch zoom
      event.preventDefault();
      var box = frame.getBoundingClientRect();
      zoom(scale * Math.exp(-event.deltaY / 300), event.clientX - box.left, event.clientY - box.top);
    }, { passive: false });

    var drag = null;
    frame.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || scale <= 1) { return; }
      drag = { x: event.clientX, y: event.clientY, left: frame.scrollLeft, top: frame.scrollTop };
      frame.setPointerCapture(event.pointerId);
      frame.classList.add("dragging");
      event.preventDefault();
    });
    frame.addEventListener("pointermove", function (event) {
      if (!drag) { return; }
      frame.scrollLeft = drag.left - (event.clientX - drag.x);
      frame.scrollTop = drag.top - (event.clientY - drag.y);
    });
    function endDrag() { drag = null; frame.classList.remove("dragging"); }
    frame.addEventListener("pointerup", endDrag);
    frame.addEventListener("pointercancel", endDrag);
    window.addEventListener("resize", function () {
      if (dialog.open) { fitWidth = 0; if (measure()) { zoom(scale); } }
    });

    var opener = null;
    dialog.addEventListener("close", function () {
      if (opener) { opener.focus(); }
    });

    return function open(link) {
      opener = link;
      dialog.showModal();
      show(link);
      frame.focus();
    };
  }

  /* ---------- backlinks ---------- */
  // Each note's link back to the text is described by the page's one "Back to the text"
  // (#te-back, xslt/html/shell.xsl), set here rather than written on each of thousands.
  function backlinks() {
    if (!doc.getElementById("te-back")) { return; }
    Array.prototype.forEach.call(doc.querySelectorAll("a[role='doc-backlink']"), function (a) {
      a.setAttribute("aria-describedby", "te-back");
    });
  }

  /* ---------- start ---------- */
  function start() {
    backlinks();
    entities();
    readings();
    sidenotes();
    permalinks();
    makeTools();
    doc.body.appendChild(card);
    doc.body.appendChild(toast);

    doc.addEventListener("mouseover", function (event) {
      if (pointer === "touch") { return; }  // a tap's emulated hover: the click decides
      var name = nameOf(event.target);
      if (name && name !== cardFor) { showCard(name); }
      else if (!name && !card.contains(event.target)) { awaited = null; if (cardFor) { hideCard(); } }
    });
    doc.addEventListener("focusin", function (event) {
      if (pointer === "touch") { return; }
      var name = nameOf(event.target);
      if (name) { showCard(name); } else { hideCard(); }
    });
    var form = doc.getElementById("te-search");
    var input = doc.getElementById("te-q");
    var panel = doc.getElementById("te-results");

    function closeResults(focusInput) {
      if (!panel || panel.hidden) { return; }
      var inside = panel.contains(doc.activeElement);
      panel.hidden = true;
      lastQuery = null;
      if (input && (focusInput || inside)) { input.focus(); }  // never drop focus to the page
    }

    doc.addEventListener("keydown", function (event) {
      pointer = "keyboard";
      if (event.key === "Escape") {
        var named = cardFor;
        hideCard();
        if (panel && !panel.hidden) { closeResults(panel.contains(doc.activeElement)); }
        else if (named && named.focus) { named.focus(); }
      }
    });

    // On a touch screen the first tap on a name shows its card; a second tap follows it.
    doc.addEventListener("pointerdown", function (event) {
      pointer = event.pointerType || "mouse";
      tapped = pointer === "touch" ? cardFor : null;
      if (cardFor && !nameOf(event.target) && !card.contains(event.target)) { hideCard(); }
    }, true);

    var tools = doc.getElementById("te-tools");
    if (tools) { tools.hidden = false; }
    toggle(doc.getElementById("te-highlight"), "te-highlight", "highlight");
    var reading = doc.getElementById("te-reading");
    if (reading) {
      toggle(reading, "te-other-reading", "reading-" + reading.dataset.shown, [
        "Show " + reading.dataset.other + " reading", "Show " + reading.dataset.shown + " reading"]);
    }

    var openFacsimile = null;
    doc.addEventListener("click", function (event) {
      if (!event.target.closest) { return; }
      var link = event.target.closest("a.cite");
      if (link) { event.preventDefault(); copyLink(link); return; }
      // a facsimile opens in the viewer (a modified click still opens the image alone)
      var facsimile = event.target.closest("a.facsimile:not(.remote)");
      if (facsimile && !(event.ctrlKey || event.metaKey || event.shiftKey || event.button)
          && typeof HTMLDialogElement === "function") {
        event.preventDefault();
        openFacsimile = openFacsimile || facsimileViewer();
        openFacsimile(facsimile);
        return;
      }
      var name = nameOf(event.target);
      if (name && pointer === "touch" && tapped !== name && hasCard(name)) {
        event.preventDefault();
        showCard(name);
        return;
      }
      // a note's number, where the note stands in the margin (wide screens): show it there
      var ref = event.target.closest("a.noteref");
      var side = ref && ref.nextElementSibling;
      if (side && side.classList.contains("sidenote") && side.offsetParent !== null) {
        var target = doc.getElementById(decodeURIComponent(ref.getAttribute("href").slice(1)));
        var box = target && target.getBoundingClientRect();
        if (!box || box.width <= 1 || box.height <= 1) { event.preventDefault(); flash(side); return; }
      }
      if (panel && !panel.hidden && !panel.contains(event.target) && !(form && form.contains(event.target))) {
        closeResults(false);
      }
      var hit = event.target.closest("a.search-hit");
      if (hit && doc.body.classList.contains("page-index")) {
        closeResults(false);
        setTimeout(function () { flash(doc.getElementById(decodeURIComponent(location.hash.slice(1)))); }, 0);
      }
    });

    if (form && input && panel) {
      var timer = null;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        clearTimeout(timer);  // the typing's pending search must not redraw the results
        search(input.value, panel);
        var first = panel.querySelector("a");
        if (first) { first.focus(); }
      });
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { search(input.value, panel); }, 150);
      });
    }
    // (a collection's page: its header's box is search-box.js's, the site's pages' too)

    if (location.hash) {
      flash(doc.getElementById(decodeURIComponent(location.hash.slice(1))));
    }
  }

  if (doc.readyState === "loading") { doc.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());
