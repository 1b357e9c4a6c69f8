"""The collection site's map (issue #15: every page loads under 300 KB): a generated
collection naming 2,400 places with coordinates (the real letter edition's register has
2,216, most of them named once), named as briefly as the real ones. The map page stays under the limit, every place is reachable
from it by its name, and every place page's "On the map" link lands on the map."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from lxml import etree

from test_collection_site_fixture import _register, build_site
from test_html_size import load_size

PLACES = 2400
LETTERS = 60
SVG = "{http://www.w3.org/2000/svg}"
SYLLABLES = "bach berg dorf feld hau sen stein wil kon ingen au matt rüti hof egg see brunn".split()


def place_name(i: int, rng: random.Random) -> str:
    """A made-up Swiss-sounding place name, unique by its number, about as long as the
    real register's (nine characters on average): "Bachegg 17"."""
    return "".join(rng.sample(SYLLABLES, 2)).capitalize()[:7] + f" {i}"


def generate(folder: Path, seed: int = 7) -> Path:
    """``LETTERS`` letters naming ``PLACES`` places by key: each place once, the first
    hundred again and again; a few places lie far from the rest (beyond the windows)."""
    rng = random.Random(seed)
    (folder / "letters").mkdir(parents=True)
    (folder / "registers").mkdir()
    (folder / "edition.toml").write_text('title = "Letters naming many places"\n', encoding="utf-8")
    places = []
    for i in range(PLACES):
        lat, lon = (45.8 + rng.random() * 2, 6.0 + rng.random() * 4.5) if i % 250 else \
                   (rng.uniform(-40, 60), rng.uniform(-120, 140))
        places.append(f'<place xml:id="pl{i}" n="key{i}"><placeName>{place_name(i, rng)}</placeName>'
                      f'<location><geo>{lat:.4f} {lon:.4f}</geo></location></place>')
    (folder / "registers" / "places.xml").write_text(
        _register("Places", f"<listPlace>{''.join(places)}</listPlace>"), encoding="utf-8")
    per_letter = PLACES // LETTERS
    for n in range(LETTERS):
        keys = [n * per_letter + j for j in range(per_letter)] + rng.sample(range(100), 12)
        names = " and ".join(f'<placeName key="key{k}">there</placeName>' for k in keys)
        (folder / "letters" / f"letter{n:03d}.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="L{n:03d}"><teiHeader><fileDesc>
 <titleStmt><title>Letter {n}</title></titleStmt><publicationStmt><p>Generated.</p></publicationStmt>
 <sourceDesc><p>Generated.</p></sourceDesc></fileDesc>
 <profileDesc><correspDesc><correspAction type="sent"><date when="{1840 + n % 10}-0{1 + n % 9}-1{n % 9}"/></correspAction></correspDesc></profileDesc>
 </teiHeader><text><body><div type="letter"><p>We travelled to {names}.</p></div></body></text></TEI>
""", encoding="utf-8")
    return folder


@pytest.mark.slow
def test_map_of_many_places_loads_under_300_kb_and_every_place_is_on_it(tmp_path):
    source = generate(tmp_path / "src")
    build_site(source, tmp_path / "out")
    site = tmp_path / "out" / "html"
    map_page = site / "map.html"
    load = load_size(map_page, site)
    print(f"map.html {map_page.stat().st_size} bytes, loads {load} bytes for {PLACES} places")
    assert load < 300_000, load

    root = etree.fromstring(map_page.read_bytes()[map_page.read_bytes().index(b"<html"):])
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    # every place on the map (or listed beyond it) by its name, linking to its page
    links = {}
    for a in root.iter(f"{SVG}a", "{http://www.w3.org/1999/xhtml}a"):
        href = a.get("href", "")
        if href.startswith("registers/place/"):
            title = a.find(f"{SVG}title")
            text = title.text if title is not None else "".join(a.itertext())
            links[href] = re.sub(r" \(\d+\)$", "", text)
    pages = sorted((site / "registers" / "place").glob("*.html"))
    assert len(pages) == PLACES
    fragments = 0
    for page in pages:
        href = f"registers/place/{page.name}"
        assert href in links, href
        html = page.read_text(encoding="utf-8")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        assert links[href] == re.sub(r"<[^>]+>", "", heading).strip(), (href, links[href])
        for fragment in re.findall(r'href="\.\./\.\./map\.html#([^"]+)"', html):
            assert fragment in ids, (page.name, fragment)
            fragments += 1
    assert fragments == PLACES  # every place has coordinates: every page links to the map
    # the places beyond the map, each read with its count apart, as the map's own titles
    # give it (the name and its count ran together: "Bachegg 171")
    beyond = [" ".join("".join(li.itertext()).split())
              for li in root.iter("{http://www.w3.org/1999/xhtml}li") if li.get("id")]
    assert beyond and all(re.fullmatch(r".+ \d+ \(\d+\)", one) for one in beyond), beyond[:3]
