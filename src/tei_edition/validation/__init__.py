"""Validation: RELAX NG (lxml, jing), Schematron, and their diagnostics."""
