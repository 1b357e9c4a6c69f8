"""Collections: many TEI documents and their registers, published as one edition.

    collection = tei_edition.collection.load(["letters/"])
    collection.catalogue()          # CatalogueEntry per document, in order
    collection.register.bundle()    # the stylesheets' $registers
    tei_edition.entities.resolve.resolve(tree, source, collection.register)
    tei_edition.collection.check(collection)   # integrity across the collection
"""

from tei_edition.collection.catalogue import CatalogueEntry
from tei_edition.collection.check import check
from tei_edition.collection.config import Config
from tei_edition.collection.model import Collection, Document, load
from tei_edition.collection.registers import CollectionRegister

__all__ = ["CatalogueEntry", "Collection", "CollectionRegister", "Config", "Document",
           "check", "load"]
