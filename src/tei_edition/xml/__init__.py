"""Reading and writing XML safely: the one parser, XInclude, atomic output."""
