<?xml version="1.0" encoding="UTF-8"?>
<!--
  Plain text: the entry stylesheet. Two steps, both here in XSLT:
    1. blocks.xsl turns the normalised TEI (te:normalized, the common policy) into a flat
       list of <tx:b> blocks: the text of one paragraph, heading, line or note, with
       its indent, its first-line prefix and whether it sits tight against the block
       before it (inline.xsl renders the text inside a block; header.xsl the title
       block; notes.xsl the notes after each unit).
    2. layout.xsl fills the lines (never breaking a word) and joins the blocks.
  The text ends with a key of the signs and marks it uses (tx:key).
  Output: UTF-8, NFC, "\n" line ends, no trailing spaces, one final newline.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tx="urn:x-tei-edition:text"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:import href="../common/common.xsl"/>
  <xsl:include href="params.xsl"/>
  <xsl:include href="header.xsl"/>
  <xsl:include href="blocks.xsl"/>
  <xsl:include href="inline.xsl"/>
  <xsl:include href="notes.xsl"/>
  <xsl:include href="layout.xsl"/>

  <xsl:output method="text" encoding="UTF-8"/>

  <xsl:template match="/" as="xs:string">
    <xsl:call-template name="tx:check-params"/>
    <xsl:variable name="norm" select="te:normalized(/)"/>
    <xsl:variable name="blocks" as="element(tx:b)*">
      <xsl:apply-templates select="$norm" mode="tx:block"/>
      <xsl:call-template name="tx:key">
        <xsl:with-param name="norm" select="$norm"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:sequence select="tx:layout($blocks)"/>
  </xsl:template>

  <!-- The key at the end: the signs and marks this text uses, each with what it means,
       as the PDF's principles and the site's About page explain them (policy.xml). -->
  <xsl:template name="tx:key" as="element(tx:b)*">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="text" select="$norm//*:text"/>
    <xsl:variable name="marks" select="function($for) { string-join(
      tokenize(te:mark-legend($for)[1], ',\s*') ! ('[' || . || ']'), ', ') }"/>
    <xsl:variable name="entries" as="element()*">
      <xsl:for-each select="te:signs-used($text)">
        <entry sign="{@sample}">{@explain}</entry>
      </xsl:for-each>
      <xsl:if test="$notes = 'end' and $text//*[@te:kind = 'note'][@te:place = 'foot'][@te:n]">
        <entry sign="{$marks('notes')}">{te:mark-legend('notes')[2]}</entry>
      </xsl:if>
      <xsl:if test="$text//@te:apparatus">
        <entry sign="{$marks('textual-notes')}">{te:mark-legend('textual-notes')[2]}</entry>
      </xsl:if>
      <xsl:if test="$page-breaks and $text//*:pb">
        <entry sign="[p. 3]">A page break of the source, with the number of the new page.</entry>
      </xsl:if>
    </xsl:variable>
    <xsl:if test="exists($entries)">
      <tx:b group="" indent="0">{$te:sign-key}</tx:b>
      <!-- the sign, its meaning hanging beside it; in narrow lines (the sign wider
           than a third of them) the meaning on the lines below -->
      <xsl:for-each select="$entries">
        <xsl:choose>
          <xsl:when test="$width = 0 or 3 * (string-length(@sign) + 2) le $width">
            <tx:b group="key" indent="0" prefix="{@sign}  ">{.}</tx:b>
          </xsl:when>
          <xsl:otherwise>
            <tx:b group="key" indent="0">{@sign}</tx:b>
            <tx:b group="key" indent="2">{.}</tx:b>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
