"""Our collection search beside staticSearch, the Endings project's engine (issue #15).

Indexes the same document pages with both and prints, side by side, the index size on disk:
our ``html/search/`` against the JSON and text staticSearch writes into its output folder
(its JavaScript and CSS left out, as our site.js is). Then it times our first result for a
few queries (a common word, a name, a phrase) in Debian's Chromium driven by Playwright, from
file:// and from a local http.server: the median of several runs, each in a fresh browser
context (nothing cached), timed inside the page from the query's submission to the first hit.

staticSearch is not on pip, npm or apt: point ``STATICSEARCH`` at a copy of the sources of
projectEndings/staticSearch (``xsl/``, ``stemmers/``, ``schema/``); without it this says so and
exits 0. Its index stages run here on SaxonC-HE, over copies of our pages
(``html/letters/*.html``), configured as our search works: no stemming (the identity stemmer;
its default stemmer is English), phrasal search on (we find phrases, and staticSearch finds them
only from a context kept for every occurrence), every word indexed (no stopwords, words of one
letter up), the site's header, navigation and footer left out as ours leaves them out.

    STATICSEARCH=/work/ref/staticSearch python -m bench.search_reference [--letters 1000]
    STATICSEARCH=... python -m bench.search_reference --corpus ../shared/corpus/letters \\
        --site /tmp/real --query Escher --query '"lieber Freund"'

staticSearch's build holds every tokenized page in memory (about 2 GB for 1,000 generated
letters) and writes one context per occurrence of each word: index a few hundred or a
thousand letters, not the 4,816 real ones, on a shared machine.
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
CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<config xmlns="http://hcmc.uvic.ca/ns/staticSearch" version="2">
  <params>
    <searchFile>{search}</searchFile>
    <recurse>false</recurse>
    <stemmerFolder>identity</stemmerFolder>
    <phrasalSearch>{phrasal}</phrasalSearch>
    <wildcardSearch>false</wildcardSearch>
    <createContexts>true</createContexts>
    <minWordLength>{min_length}</minWordLength>
    <maxKwicsToHarvest>5</maxKwicsToHarvest>
    <totalKwicLength>15</totalKwicLength>
    <kwicTruncateString>...</kwicTruncateString>
    <linkToFragmentId>true</linkToFragmentId>
    <stopwordsFile>{stopwords}</stopwordsFile>
    <verbose>false</verbose>
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


# The index-building targets of staticSearch's build.xml (config, tokenize, json, clean), run
# stage by stage on SaxonC-HE (saxonche, already ours) instead of ant and its Java Saxon, so a
# checkout of its sources is enough (ant-contrib and Saxon are jars in its lib/).
def _saxon_run(processor, stylesheet: Path, source: Path, params: dict[str, str] | None = None,
               output: Path | None = None) -> None:
    xslt = processor.new_xslt30_processor()
    executable = xslt.compile_stylesheet(stylesheet_file=str(stylesheet))
    if executable is None:
        raise RuntimeError(f"{stylesheet}: {xslt.error_message}")
    for name, value in (params or {}).items():
        executable.set_parameter(name, processor.make_string_value(value))
    if output is None:
        executable.transform_to_value(source_file=str(source))
    else:
        executable.transform_to_file(source_file=str(source), output_file=str(output))


def staticsearch_index(home: Path, site: Path, work: Path, *, stopwords: str = "",
                       min_length: int = 1, phrasal: bool = True) -> tuple[Path, float]:
    """Indexes copies of our document pages with staticSearch; returns its site folder and
    the seconds its stages took."""
    import time

    from saxonche import PySaxonProcessor

    root = work / "ss-site"
    if root.exists():
        shutil.rmtree(root)
    letters = root / "letters"
    letters.mkdir(parents=True)
    for page in sorted((site / "letters").glob("*.html")):
        shutil.copyfile(page, letters / page.name)
    (work / "ss-stopwords.txt").write_text(stopwords, encoding="utf-8")
    config = work / "ss-config.xml"
    config.write_text(CONFIG.format(search="ss-site/letters/search.html", stopwords="ss-stopwords.txt",
                                    min_length=min_length, phrasal=str(phrasal).lower()),
                      encoding="utf-8")
    out = letters / "staticSearch"
    temp = out / "ssTemp"
    start = time.perf_counter()
    with PySaxonProcessor(license=False) as saxon:
        _saxon_run(saxon, home / "xsl" / "create_config_xsl.xsl", home / "xsl" / "create_config_xsl.xsl",
                   {"configFile": config.as_uri(), "ssBaseDir": str(home), "ssVerbose": "false",
                    "ssPatternsetFile": (temp / "patternset.txt").as_uri()})
        xslt = saxon.new_xslt30_processor()
        tokenize = xslt.compile_stylesheet(stylesheet_file=str(home / "xsl" / "tokenize.xsl"))
        if tokenize is None:
            raise RuntimeError(f"tokenize.xsl: {xslt.error_message}")
        for page in sorted(letters.glob("*.html")):
            if page.name == "search.html":
                continue
            target = temp / f"{page.stem}_tokenized.html"
            tokenize.transform_to_file(source_file=str(page), output_file=str(target))
            if target.is_file() and target.stat().st_size == 0:
                target.unlink()
        _saxon_run(saxon, home / "xsl" / "json.xsl", home / "xsl" / "json.xsl")
    shutil.rmtree(temp, ignore_errors=True)
    shutil.rmtree(out / "dicts", ignore_errors=True)
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
        self.httpd.handle_error = lambda request, address: None  # a page closed mid-download
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


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_reference",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=int, default=1000, help="generated letters (default 1000)")
    parser.add_argument("--corpus", type=Path, help="a folder with letters/ and registers/ instead")
    parser.add_argument("--site", type=Path, help="our build folder (reused when built)")
    parser.add_argument("--query", action="append", help="a query (repeatable)")
    parser.add_argument("--runs", type=int, default=5, help="runs per query (default 5)")
    parser.add_argument("--no-phrases", action="store_true",
                        help="staticSearch without phrasal search: 5 contexts per word and page")
    args = parser.parse_args(argv)

    home = os.environ.get("STATICSEARCH")
    needed = ("xsl/create_config_xsl.xsl", "xsl/tokenize.xsl", "xsl/json.xsl")
    if not home or not all((Path(home) / name).is_file() for name in needed):
        print("staticSearch is absent: set STATICSEARCH to a copy of projectEndings/staticSearch "
              "(with its xsl/ and stemmers/) to compare; nothing measured.")
        return 0
    home_path = Path(home).resolve()
    collection = args.corpus or generate.cached_letters(args.letters)
    queries = args.query or (GENERATED_QUERIES if not args.corpus else ())
    if not queries:
        parser.error("give --query for a corpus")

    with tempfile.TemporaryDirectory(prefix="search-reference-") as tmp:
        work = Path(tmp)
        site = build_site(collection / "letters", collection / "registers", args.site or work / "ours")
        root, seconds = staticsearch_index(home_path, site, work, phrasal=not args.no_phrases)
        ours, theirs = our_sizes(site), their_sizes(root)
        text = text_bytes(site)
        print(f"{len(list((site / 'letters').glob('*.html')))} document pages, "
              f"{fmt_bytes(text)} of HTML; staticSearch built its index in {seconds:.0f} s")
        their_index = theirs["index"]
        rows = [
            ["index on disk", fmt_bytes(ours["total"]), fmt_bytes(their_index),
             f"{ratio(ours['total'], their_index):.3f}"],
            ["  term files", fmt_bytes(ours["terms"]), fmt_bytes(theirs["terms"]),
             f"{ratio(ours['terms'], theirs['terms']):.3f}"],
            ["  document texts (snippets, phrases)", fmt_bytes(ours["texts"]), "in term files", ""],
            ["  per byte of pages", f"{ours['total'] / text:.2f}", f"{their_index / text:.2f}", ""],
        ]
        print(table(["measure", "ours", "staticSearch", "ours/theirs"], rows))
        if not CHROMIUM.is_file():
            print("Debian's Chromium is not installed: no first-result times.")
            return 0
        from playwright import sync_api

        server = Server(site)
        try:
            with sync_api.sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     headless=True, args=CHROMIUM_ARGS)
                try:
                    from_file = first_hits(browser, site.as_uri() + "/", OURS, queries, args.runs)
                    from_web = first_hits(browser, server.url, OURS, queries, args.runs)
                finally:
                    browser.close()
        finally:
            server.close()
        print()
        print(table([f"our first result, median of {args.runs}", "file://", "http"],
                    [[query, _ms(from_file[query]), _ms(from_web[query])] for query in queries]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
