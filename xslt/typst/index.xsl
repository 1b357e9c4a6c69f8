<?xml version="1.0" encoding="UTF-8"?>
<!--
  The register data of the index: one entry for every person, place, organisation ...
  named in the text, with its label, sort key, a person's dates and the short form of
  the register's description (names.xsl: te:life-dates, te:index-description). The page
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
      <!-- (by each entry's collation key, made once: sorted with lang="en" itself, Java's
           collator compared every pair of keys afresh, a fifth of a letter's time; its
           keys order as it does) -->
      <xsl:sort select="collation-key(te:sort-key(.), 'http://saxon.sf.net/collation?lang=en')"/>
      <xsl:sort select="string(@te:key)"/>
      <xsl:variable name="label" select="tt:index-label(.)"/>
      <xsl:text>  (id: {tt:str(@te:key)}, kind: {tt:str(te:entity-type(.))}, </xsl:text>
      <xsl:text>label: {tt:str($label)}, sort: {tt:str(te:sort-form($label))}, dates: {tt:str-or-none(te:life-dates(.))}, description: {tt:str-or-none(te:index-description(.))}),{tt:mark(.)}&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>))&#10;</xsl:text>
  </xsl:template>

  <!-- The index form of an entry's name and its sort key: the common layer's name
       forms (names.xsl), the same as the site's registers. -->
  <xsl:function name="tt:index-label" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="te:index-form($entry)"/>
  </xsl:function>

</xsl:stylesheet>
