"""Publishing: the Saxon layer, the export formats, Typst, and build."""
