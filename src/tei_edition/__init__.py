"""tei-edition: validate, query and publish TEI P5 digital editions."""

__version__ = "0.1.0"
