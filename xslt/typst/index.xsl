<?xml version="1.0" encoding="UTF-8"?>
<!--
  The register data of the index: one entry for every person, place, organisation ...
  named in the text, with its label, sort key and short description. The page
  numbers are Typst's: every name in the text leaves a marker (te.entity), and the
  index looks the markers up in the finished layout.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:template name="tt:index">
    <xsl:variable name="doc" select="root(.)"/>
    <xsl:variable name="ids" select="distinct-values(//tei:text[not(ancestor::tei:teiHeader)]
      //*[@te:entity][not(ancestor::tei:titlePage)]/tokenize(@te:entity, ' '))"/>
    <xsl:variable name="entries" as="element()*"
      select="for $id in $ids return te:lookup($id, $doc)"/>
    <xsl:text>#te.index((&#10;</xsl:text>
    <xsl:for-each select="$entries">
      <xsl:sort select="tt:sort-key(tt:index-label(.))" lang="en"/>
      <xsl:sort select="string(@te:key)"/>
      <xsl:text>  (id: {tt:str(@te:key)}, kind: {tt:str(te:entity-type(.))}, </xsl:text>
      <xsl:text>label: {tt:str(tt:index-label(.))}, description: {tt:str-or-none(te:entity-description(.))}),{tt:mark(.)}&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>))&#10;</xsl:text>
  </xsl:template>

  <!-- "Surname, Forename" for a person whose fullest name has both (in that order when
       the name is written surname first, as Korean and Chinese names are). -->
  <xsl:function name="tt:index-label" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="full" select="($entry/tei:persName[tei:surname and tei:forename])[last()]"/>
    <xsl:sequence select="
      if ($full and not($entry/tei:persName[@type = ('preferred', 'full', 'reg')])) then
        (if ($full/tei:surname[1] &lt;&lt; $full/tei:forename[1])
         then tt:plain($full)
         else tt:plain($full/tei:surname[1]) || ', ' || string-join($full/tei:forename ! tt:plain(.), ' '))
      else te:entity-label($entry)"/>
  </xsl:function>

  <xsl:function name="tt:sort-key" as="xs:string">
    <xsl:param name="label" as="xs:string"/>
    <xsl:sequence select="lower-case(replace($label, '^[^\p{L}\p{N}]+', ''))"/>
  </xsl:function>
</xsl:stylesheet>
