/* The header's search box of a collection's pages, for the site's pages and its
   documents' alike: a box only a script can work (the CSP sends no form), so drawn
   here where a page leaves it out (a register entry's page, a document's: thousands
   of them), not written on each. It opens the site's search page with the words
   (search.html#q=...); on that page it sets the words in the address instead. */
(function () {
  "use strict";

  var doc = document;

  function el(name, className, text) {
    var node = doc.createElement(name);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  // the box where the header's "Search" link leads
  function drawn(header, target) {
    var box = el("form", "search");
    box.id = "te-search";
    box.setAttribute("role", "search");
    box.setAttribute("action", "#");
    box.setAttribute("data-target", target);
    var label = el("label", "visually-hidden", "Search the collection");
    label.setAttribute("for", "te-q");
    var input = el("input");
    input.type = "search";
    input.id = "te-q";
    input.name = "q";
    input.placeholder = "Search the collection";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("spellcheck", "false");
    box.appendChild(label);
    box.appendChild(input);
    header.appendChild(box);
    return box;
  }

  function start() {
    var header = doc.querySelector(".site-header-inner");
    var box = doc.getElementById("te-search");
    var link = header && header.querySelector(".site-nav a[href$='search.html']");
    if (!box && link) { box = drawn(header, link.getAttribute("href")); }
    if (!box || !box.getAttribute("data-target")) { return; }
    box.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = doc.getElementById("te-q").value.trim();
      if (!q) { return; }
      if (doc.body.classList.contains("page-search")) {
        window.location.hash = "q=" + encodeURIComponent(q);
      } else {
        window.location.href = box.getAttribute("data-target") + "#q=" + encodeURIComponent(q);
      }
    });
  }

  if (doc.readyState === "loading") { doc.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
