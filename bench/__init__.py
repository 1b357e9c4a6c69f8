"""The benchmark suite of tei-edition: ``python -m bench`` (``make bench``).

``harness`` runs and measures commands, ``generate`` writes synthetic TEI from the
dossier's structure, ``cases`` holds the cases of issue 10 with their goals.
Never part of ``make test``.
"""
