"""Our collection search beside staticSearch, the Endings project's engine (issue #15).

Indexes the same letters with both and prints, side by side, the index size on disk (our
``html/search/`` against staticSearch's output folder) and the first-result time of a few
queries (a common word, a name, a phrase) in Debian's Chromium driven by Playwright: the
median of several runs, each in a fresh browser context (nothing cached), timed inside the
page from the query's submission to the first hit in the list.

staticSearch is not on pip, npm or apt: point ``STATICSEARCH`` at a checkout of
projectEndings/staticSearch (its ``build.xml`` with its ``lib/`` jars; ``ant`` on PATH).
Without it this says so and exits 0. It indexes copies of our document pages
(``html/letters/*.html``, never the site's own folder) with stemming off (the identity
stemmer: we do not stem, and its default stemmer is English), phrasal search on (we find
phrases) and the site's header, navigation and footer left out, as ours leaves them out.
staticSearch fetches its index with ``fetch()``, which Chromium refuses from file://, so
both are timed from a local http.server; ours is timed from file:// too.

    STATICSEARCH=/work/ref/staticSearch python -m bench.search_reference [--letters 1000]
    STATICSEARCH=... python -m bench.search_reference --corpus ../shared/corpus/letters \\
        --site /tmp/real --query Escher --query '"lieber Freund"'
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench import generate
from bench.harness import file_size, fmt_bytes, median, ratio, table

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
# A common word, a name, a phrase: found in every generated collection (seed 8).
GENERATED_QUERIES = ("railway", "Person 1727", '"read together"')

# Times, in the page, from submitting the form to the first hit in the list.
FIRST_HIT = """([query, input, form, list, hit]) => new Promise((resolve, reject) => {
  const box = document.querySelector(input), out = document.querySelector(list);
  const seen = () => out.querySelector(hit);
  const observer = new MutationObserver(() => {
    if (seen()) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(out, {childList: true, subtree: true});
  setTimeout(() => { observer.disconnect(); reject(new Error("no hit for " + query)); }, 60000);
  box.value = query;
  const start = performance.now();
  const target = document.querySelector(form);
  if (target.tagName === "FORM") target.requestSubmit(); else target.click();
})"""

OURS = {"page": "search.html", "input": "#te-query", "form": "#te-search-form",
        "list": "#te-hits", "hit": "li.hit"}
THEIRS = {"page": "letters/search.html", "input": "#ssQuery", "form": "#ssDoSearch",
          "list": "#ssResults", "hit": "li"}

CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<config xmlns="http://hcmc.uvic.ca/ns/staticSearch" version="2">
  <params>
    <searchFile>{search}</searchFile>
    <recurse>false</recurse>
    <stemmerFolder>identity</stemmerFolder>
    <phrasalSearch>true</phrasalSearch>
    <wildcardSearch>false</wildcardSearch>
    <createContexts>true</createContexts>
    <minWordLength>1</minWordLength>
    <indentJSON>false</indentJSON>
    <outputFolder>staticSearch</outputFolder>
  </params>
  <rules>
    <rule weight="0" match="header | footer | nav | script | style"/>
  </rules>
</config>
"""


def build_site(letters: Path, registers: Path, out: Path) -> Path:
    """Our site of the collection (built once; an existing one is reused)."""
    if not (out / "html" / "search").is_dir():
        cli = Path(sys.executable).with_name("tei-edition")
        subprocess.run([str(cli), "build", str(letters), str(registers), "-o", str(out),
                        "--only", "html"], check=True, stdout=subprocess.DEVNULL)
    return out / "html"


def text_bytes(site: Path) -> int:
    return file_size(site / "letters")


def our_sizes(site: Path) -> dict[str, int]:
    search = site / "search"
    shards = sum(p.stat().st_size for p in search.glob("s-*.js")) + (search / "shards.js").stat().st_size
    texts = sum(p.stat().st_size for p in search.glob("d*.js"))
    return {"total": file_size(search), "terms": shards, "texts": texts}


def staticsearch_index(home: Path, site: Path, work: Path) -> tuple[Path, float]:
    """Runs staticSearch's own ant build over copies of our document pages; returns its
    site folder and how long the build took."""
    import time

    root = work / "ss-site"
    if root.exists():
        shutil.rmtree(root)
    (root / "letters").mkdir(parents=True)
    for page in sorted((site / "letters").glob("*.html")):
        shutil.copyfile(page, root / "letters" / page.name)
    config = work / "ss-config.xml"
    config.write_text(CONFIG.format(search=(root / "letters" / "search.html").relative_to(work)),
                      encoding="utf-8")
    start = time.perf_counter()
    subprocess.run(["ant", "-f", str(home / "build.xml"), f"-DssConfigFile={config}",
                    "allButValidate"], cwd=home, check=True, stdout=subprocess.DEVNULL)
    return root, time.perf_counter() - start


def their_sizes(root: Path) -> dict[str, int]:
    out = root / "letters" / "staticSearch"
    index = [p for p in out.rglob("*") if p.is_file() and p.suffix in (".json", ".txt")]
    stems = [p for p in index if p.parent.name == "stems"]
    return {"total": file_size(out), "terms": sum(p.stat().st_size for p in stems),
            "index": sum(p.stat().st_size for p in index),
            "code": file_size(out) - sum(p.stat().st_size for p in index)}


class Server:
    """A local http.server on a free port, serving one folder, quietly, in a thread."""

    def __init__(self, folder: Path):
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def first_hits(browser, base: str, engine: dict, queries, runs: int) -> dict[str, float | None]:
    """Median first-result time (ms) of each query, each run in a fresh context."""
    times: dict[str, float | None] = {}
    for query in queries:
        found = []
        for _ in range(runs):
            context = browser.new_context()
            try:
                page = context.new_page()
                page.goto(base + engine["page"], wait_until="networkidle")
                found.append(page.evaluate(FIRST_HIT, [query, engine["input"], engine["form"],
                                                       engine["list"], engine["hit"]]))
            except Exception as error:  # a query with no hit, a page that failed
                print(f"  {engine['page']} {query}: {str(error).splitlines()[0]}", file=sys.stderr)
            finally:
                context.close()
        times[query] = median(found)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_reference",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000, help="generated letters (default 1000)")
    parser.add_argument("--corpus", type=Path, help="a folder with letters/ and registers/ instead")
    parser.add_argument("--site", type=Path, help="our build folder (reused when built)")
    parser.add_argument("--query", action="append", help="a query (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="runs per query (default 5)")
    args = parser.parse_args(argv)

    home = os.environ.get("STATICSEARCH")
    if not home or not (Path(home) / "build.xml").is_file():
        print("staticSearch is absent: set STATICSEARCH to a checkout of "
              "projectEndings/staticSearch (with its build.xml) to compare; nothing measured.")
        return 0
    if shutil.which("ant") is None:
        print("staticSearch needs ant on PATH; nothing measured.")
        return 0
    home_path = Path(home).resolve()
    collection = args.corpus or generate.cached_letters(args.letters)
    queries = args.query or (GENERATED_QUERIES if not args.corpus else ())
    if not queries:
        parser.error("give --query for a corpus")

    with tempfile.TemporaryDirectory(prefix="search-reference-") as tmp:
        work = Path(tmp)
        site = build_site(collection / "letters", collection / "registers", args.site or work / "ours")
        root, seconds = staticsearch_index(home_path, site, work)
        ours, theirs = our_sizes(site), their_sizes(root)
        text = text_bytes(site)
        print(f"{len(list((site / 'letters').glob('*.html')))} document pages, "
              f"{fmt_bytes(text)} of HTML; staticSearch built its index in {seconds:.0f} s")
        rows = [
            ["index on disk", fmt_bytes(ours["total"]), fmt_bytes(theirs["total"]),
             f"{ratio(ours['total'], theirs['total']):.2f}"],
            ["  term files", fmt_bytes(ours["terms"]), fmt_bytes(theirs["terms"]),
             f"{ratio(ours['terms'], theirs['terms']):.2f}"],
            ["  index per byte of pages", f"{ours['total'] / text:.2f}",
             f"{theirs['index'] / text:.2f}", ""],
        ]
        timed = []
        if CHROMIUM.is_file():
            from playwright import sync_api

            ours_http, theirs_http = Server(site), Server(root)
            try:
                with sync_api.sync_playwright() as playwright:
                    browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                         headless=True, args=CHROMIUM_ARGS)
                    try:
                        ours_file = first_hits(browser, site.as_uri() + "/", OURS, queries, args.runs)
                        ours_web = first_hits(browser, ours_http.url, OURS, queries, args.runs)
                        theirs_web = first_hits(browser, theirs_http.url, THEIRS, queries, args.runs)
                    finally:
                        browser.close()
            finally:
                ours_http.close()
                theirs_http.close()
            for query in queries:
                a, b, c = ours_file[query], ours_web[query], theirs_web[query]
                timed.append([f"first result: {query}", "-" if b is None else f"{b:.0f} ms",
                              "-" if c is None else f"{c:.0f} ms",
                              f"{ratio(b, c):.2f}" if ratio(b, c) is not None else "-",
                              "-" if a is None else f"{a:.0f} ms"])
        print(table(["measure", "ours", "staticSearch", "ours/theirs"], rows))
        if timed:
            print()
            print(table([f"median of {args.runs}, http", "ours", "staticSearch", "ours/theirs",
                         "ours file://"], timed))
        else:
            print("Debian's Chromium is not installed: no first-result times.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
