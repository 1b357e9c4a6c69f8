<?xml version="1.0" encoding="UTF-8"?>
<!--
  The parameters of the Typst stylesheet (besides the common ones in
  ../common/params.xsl). Python sets them; the defaults make a usable book.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tt="urn:x-tei-edition:typst"
  xmlns:te="urn:x-tei-edition"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Paper size: "a4" or "us-letter" (a Typst paper name). -->
  <xsl:param name="paper" as="xs:string" select="'a4'"/>

  <!-- The document date, yyyy-mm-dd (from the TEI or SOURCE_DATE_EPOCH), or ''. -->
  <xsl:param name="date" as="xs:string" select="''"/>

  <!-- Extra font families to fall back on (e.g. a Hangul font), separated by "|". -->
  <xsl:param name="fonts" as="xs:string" select="''"/>

  <!-- The file name of the TEI source, printed on the imprint page. -->
  <xsl:param name="source-name" as="xs:string" select="''"/>

  <!-- The edition a document of a collection belongs to (its title; its editors, one a
       line), named on the imprint page instead of the source file; '' for a text of its own. -->
  <xsl:param name="edition-title" as="xs:string" select="''"/>
  <xsl:param name="edition-editors" as="xs:string" select="''"/>

  <!-- The date of the revision the imprint prints (the header's last change) in words,
       as the edition prints dates (collection/dates.py), or ''. -->
  <xsl:param name="revision-date" as="xs:string" select="''"/>

  <!-- The path the generated source imports the layout template from. -->
  <xsl:param name="template" as="xs:string" select="'tei-edition.typ'"/>
  <!-- Typst code run before the book, after the template's import (a volume's part
       sets te.first-page with it); written by tei_edition.publish.volume, not by input. -->
  <xsl:param name="prelude" as="xs:string" select="''"/>

  <!-- The name forms of register entries this format's pages read when a collection
       hands them over (../common/names.xsl, te:handed-over): tei_edition.publish.run
       asks for them and makes only these. The book prints its index (index form, sort
       key, life dates, short description) and puts the labels of its most frequent
       names in its metadata. -->
  <xsl:template name="te:forms-read" as="xs:string*">
    <xsl:sequence select="'label', 'index', 'sort', 'dates', 'summary'"/>
  </xsl:template>
</xsl:stylesheet>
