"""One Saxon process, the stylesheet compiled once, every document transformed to its
own HTML file: the reference a collection build is measured against.

Usage: ``python -m bench.reference.run_xslt STYLESHEET OUT_FOLDER FILE_OR_FOLDER...``
"""

from __future__ import annotations

import sys
from pathlib import Path

from saxonche import PySaxonProcessor


def main(argv: list[str]) -> int:
    stylesheet, out, inputs = Path(argv[0]), Path(argv[1]), [Path(a) for a in argv[2:]]
    files = [f for p in inputs for f in (sorted(p.rglob("*.xml")) if p.is_dir() else [p])]
    out.mkdir(parents=True, exist_ok=True)
    with PySaxonProcessor(license=False) as proc:
        executable = proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(stylesheet))
        for number, path in enumerate(files):
            node = proc.parse_xml(xml_file_name=str(path))
            html = executable.transform_to_string(xdm_node=node)
            (out / f"{number:05d}-{path.stem}.html").write_text(html, encoding="utf-8")
    print(f"{len(files)} documents")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
