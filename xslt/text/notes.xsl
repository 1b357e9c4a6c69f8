<?xml version="1.0" encoding="UTF-8"?>
<!--
  The notes of a unit (document, essay, letter, chapter, else the whole text), after
  it: "Notes", then each note as "[n] text", later lines hanging under the text.
  Then its textual notes (@te:apparatus, by letter): "Textual notes" (policy.xml's
  heading), then each entry as "[a] lemma] reading (wit); reading (wit)". They are the
  edition's apparatus: they are listed whatever the notes parameter says.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tx="urn:x-tei-edition:text"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:template name="tx:notes-section" as="element(tx:b)*">
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <xsl:variable name="unit" select="." as="element()"/>
    <xsl:variable name="list" select="
      if ($notes = 'end') then .//*[@te:place = 'foot'][te:unit(.) is $unit]
                                    [not(ancestor::*[@te:kind = 'skip'])]
      else ()"/>
    <xsl:if test="exists($list)">
      <xsl:variable name="group" select="'notes' || generate-id()"/>
      <tx:b group="" indent="{$indent}">{te:mark-heading('notes')}</tx:b>
      <xsl:for-each select="$list">
        <xsl:call-template name="tx:hanging">
          <xsl:with-param name="prefix" select="'[' || @te:n || '] '"/>
          <xsl:with-param name="group" select="$group"/>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:if>
    <xsl:variable name="apparatus" as="element()*">
      <xsl:perform-sort select=".//*[@te:apparatus][te:unit(.) is $unit]">
        <xsl:sort select="string-length(@te:apparatus)"/>
        <xsl:sort select="string(@te:apparatus)"/>
      </xsl:perform-sort>
    </xsl:variable>
    <xsl:if test="exists($apparatus)">
      <xsl:variable name="group" select="'variants' || generate-id()"/>
      <tx:b group="" indent="{$indent}">{te:mark-heading('textual-notes')}</tx:b>
      <xsl:for-each select="$apparatus">
        <xsl:variable name="prefix" select="'[' || @te:apparatus || '] '"/>
        <tx:b group="{$group}" indent="{$indent}" prefix="{$prefix}">{tx:clean(@te:apparatus-entry)}</tx:b>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
