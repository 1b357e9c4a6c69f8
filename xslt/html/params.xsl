<?xml version="1.0" encoding="UTF-8"?>
<!--
  The HTML edition's one parameter of its own (collapse-whitespace, below) is for tests;
  it uses the shared ones of ../common/params.xsl ("reading": the reading the page opens with; the other one is
  one switch away; "registers": register files that @ref values point into).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:h="urn:x-tei-edition:html"
  xmlns:te="urn:x-tei-edition"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- The error codes and messages are the policy's (../common/policy.xml, te:fail). -->

  <!-- A document's page inside a collection site (tei_edition.publish.site.page_parameters):
       te:page/@root leads back to the collection; te:link (rel prev/next/corresp-prev/
       corresp-next, href, label), te:fact (label, text), te:citation (url, text
       without its closing full stop, shelfmark: the source to name after it),
       te:format (label, href), te:entity (id, href: register entries on the collection's
       pages). Set, the page is the document alone: its assets, registers and search are
       the collection's. -->
  <xsl:param name="collection-page" as="document-node()?" select="()"/>

  <!-- The source's indentation inside the text is insignificant (CSS collapses every
       run of spaces, tabs and line ends to one space, and no element of the page keeps
       lines as written), so each run is written as one character (h:collapse in
       text.xsl). False keeps the source's whitespace as it is: only the tests that
       compare the two renderings set it. -->
  <xsl:param name="collapse-whitespace" as="xs:boolean" select="true()"/>

  <!-- The name forms of register entries this format's pages read when a collection
       hands them over (../common/names.xsl, te:handed-over): tei_edition.publish.run
       asks for them and makes only these. A collection's letter page prints no entry's
       forms (its name cards are the site's scripts: site/names.xsl), and reads none:
       it makes no register catalogue (html.xsl), and no name carries a label here
       (te:names-labelled). -->
  <xsl:template name="te:forms-read" as="xs:string*">
    <xsl:sequence select="()"/>
  </xsl:template>

  <!-- What else a collection's pages (collection-page set) read of the entries handed
       over (tei_edition.publish.run, entries_read): "kind", only what kind each is
       (te:entity-type: its element's name) and its te:key (te:lookup), so each is handed
       as an empty element; "whole", all of it. A template that reads more of an entry on a collection's page (its names,
       notes, dates) says "whole" here. -->
  <xsl:template name="te:entries-read" as="xs:string">
    <xsl:sequence select="'kind'"/>
  </xsl:template>

  <xsl:template name="h:check-params">
    <xsl:call-template name="te:check-params"/>
  </xsl:template>
</xsl:stylesheet>
