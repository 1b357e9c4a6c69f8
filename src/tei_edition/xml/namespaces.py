"""The namespaces the tool names, in a module of their own: a process that never
parses (an export's worker, handed the document as text) reads them without lxml."""

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
TE_NS = "urn:x-tei-edition"  # our own: what the tool writes on trees and in stylesheets
