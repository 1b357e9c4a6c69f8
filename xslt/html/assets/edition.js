/* The script of a tei-edition HTML edition: small, framework-free, no network.
   Everything it does is an enhancement; the pages read fully without it.
   - name cards: hover or focus a name to see its register entry (label, type, description,
     from window.teEntities in entities.js, written once per entry)
   - "Highlight names" and the reading switch (normalised / diplomatic), remembered
   - permalinks: the ¶ after a passage copies its address
   - search over window.teSearchIndex (search-index.js, loaded by a script tag, so it
     works from file:// where browsers refuse to fetch local files)
   It builds every element with textContent: document text never becomes markup. */
(function () {
  "use strict";

  var doc = document;
  var TYPES = { person: "Person", place: "Place", org: "Organization" };

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

  /* ---------- name cards ---------- */
  var card = el("div", "te-card");
  card.id = "te-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  var cardFor = null;

  // A name carries only its entry's id; the card's data is in entities.js, once.
  function entryOf(name) {
    var entries = window.teEntities || {};
    var id = name.dataset.entity;
    return id && Object.prototype.hasOwnProperty.call(entries, id) ? entries[id] : null;
  }

  function showCard(name) {
    var entry = entryOf(name);
    if (!entry) { return; }
    card.textContent = "";
    var type = entry.type || "";
    card.appendChild(el("span", "card-type", TYPES[type] || type));
    card.appendChild(el("span", "card-label", entry.label));
    if (entry.description) {
      card.appendChild(el("span", "card-description", entry.description));
    }
    if (name.getAttribute("href")) {
      card.appendChild(el("span", "card-more", "Follow the link for every mention in the register."));
    }
    card.hidden = false;
    var box = name.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left + window.scrollX,
      window.scrollX + doc.documentElement.clientWidth - card.offsetWidth - 8));
    card.style.left = left + "px";
    card.style.top = (box.bottom + window.scrollY + 6) + "px";
    name.setAttribute("aria-describedby", "te-card");
    cardFor = name;
  }

  function hideCard() {
    if (cardFor) { cardFor.removeAttribute("aria-describedby"); }
    card.hidden = true;
    cardFor = null;
  }

  function nameOf(target) {
    return target && target.closest ? target.closest(".name[data-entity]") : null;
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
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var prepared = null;
  function index() {
    if (prepared) { return prepared; }
    var data = window.teSearchIndex || { passages: [], entries: [] };
    prepared = {
      passages: data.passages.map(function (p) { return { p: p, f: fold(p.text) }; }),
      entries: data.entries.map(function (e) { return { e: e, f: fold(e.label) }; })
    };
    return prepared;
  }

  function matchesAll(folded, terms) {
    for (var i = 0; i < terms.length; i++) {
      if (folded.indexOf(terms[i]) < 0) { return false; }
    }
    return true;
  }

  // The passage text around the first term, with every term marked.
  function snippet(text, folded, terms) {
    var at = folded.indexOf(terms[0]);
    var start = Math.max(0, at - 70);
    var end = Math.min(text.length, at + terms[0].length + 110);
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

  function search(query, panel) {
    var terms = fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
    panel.textContent = "";
    if (!terms.length) { panel.hidden = true; return; }
    var data = index();
    var onIndex = doc.body.classList.contains("page-index");
    var entries = data.entries.filter(function (x) { return matchesAll(x.f, terms); }).slice(0, 12);
    var passages = data.passages.filter(function (x) { return matchesAll(x.f, terms); });
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
      item.appendChild(link);
      shown.appendChild(item);
    });
    panel.appendChild(shown);
    if (passages.length > 100) {
      panel.appendChild(el("p", "none", "The first 100 are shown; add a word to narrow the search."));
    }
    panel.hidden = false;
  }

  /* ---------- start ---------- */
  function start() {
    doc.body.appendChild(card);
    doc.body.appendChild(toast);

    doc.addEventListener("mouseover", function (event) {
      var name = nameOf(event.target);
      if (name && name !== cardFor) { showCard(name); }
      else if (!name && cardFor && !card.contains(event.target)) { hideCard(); }
    });
    doc.addEventListener("focusin", function (event) {
      var name = nameOf(event.target);
      if (name) { showCard(name); } else { hideCard(); }
    });
    doc.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        hideCard();
        var panel = doc.getElementById("te-results");
        if (panel && !panel.hidden) { panel.hidden = true; }
      }
    });

    var tools = doc.getElementById("te-tools");
    if (tools) { tools.hidden = false; }
    toggle(doc.getElementById("te-highlight"), "te-highlight", "highlight");
    var reading = doc.getElementById("te-reading");
    if (reading) {
      toggle(reading, "te-other-reading", "reading-" + reading.dataset.shown, [
        "Show " + reading.dataset.other + " reading", "Show " + reading.dataset.shown + " reading"]);
    }

    doc.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.cite") : null;
      if (link) { event.preventDefault(); copyLink(link); return; }
      var hit = event.target.closest ? event.target.closest("a.search-hit") : null;
      if (hit && doc.body.classList.contains("page-index")) {
        var panel = doc.getElementById("te-results");
        if (panel) { panel.hidden = true; }
        setTimeout(function () { flash(doc.getElementById(decodeURIComponent(location.hash.slice(1)))); }, 0);
      }
    });

    var form = doc.getElementById("te-search");
    var input = doc.getElementById("te-q");
    var panel = doc.getElementById("te-results");
    if (form && input && panel) {
      var timer = null;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        search(input.value, panel);
        var first = panel.querySelector("a");
        if (first) { first.focus(); }
      });
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { search(input.value, panel); }, 150);
      });
    }

    if (location.hash) {
      flash(doc.getElementById(decodeURIComponent(location.hash.slice(1))));
    }
  }

  if (doc.readyState === "loading") { doc.addEventListener("DOMContentLoaded", start); }
  else { start(); }
}());
