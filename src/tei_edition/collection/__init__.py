"""Collections: many TEI documents and their registers, published as one edition.

    coll = tei_edition.collection.load(["letters/"])      # config=Config(...) optional
    coll.documents, coll.registers, coll.problems         # Document, Path, Diagnostic
    coll.catalogue()                                      # CatalogueEntry per document, in order
    coll.index()                                          # register key -> document ids
    tree = doc.parse()                                    # one document's tree, anew
    keys = tei_edition.entities.resolve.resolve(tree, doc.path, coll.register)
    coll.register.bundle(keys)                            # the stylesheets' $registers
    coll.register.digest(doc.register_refs)               # for incremental builds
    tei_edition.collection.check(coll)                    # integrity across the collection

Formats run inside ``tei_edition.publish.run.collection_register(coll.register)``
resolve names against the collection; ``CollectionRegister`` pickles, for a pool.
"""

from tei_edition.collection.catalogue import CatalogueEntry
from tei_edition.collection.check import check, validate_declared
from tei_edition.collection.config import Config
from tei_edition.collection.model import Collection, Document, load
from tei_edition.collection.registers import CollectionRegister

__all__ = ["CatalogueEntry", "Collection", "CollectionRegister", "Config", "Document",
           "check", "load", "validate_declared"]
