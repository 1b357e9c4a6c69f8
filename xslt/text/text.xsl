<?xml version="1.0" encoding="UTF-8"?>
<!--
  Plain text: the entry stylesheet. Two steps, both here in XSLT:
    1. blocks.xsl turns the normalised TEI (te:normalized, the common policy) into a flat
       list of <tx:b> blocks: the text of one paragraph, heading, line or note, with
       its indent, its first-line prefix and whether it sits tight against the block
       before it (inline.xsl renders the text inside a block; header.xsl the title
       block; notes.xsl the notes after each unit).
    2. layout.xsl fills the lines (never breaking a word) and joins the blocks.
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
    <xsl:variable name="blocks" as="element(tx:b)*">
      <xsl:apply-templates select="te:normalized(/)" mode="tx:block"/>
    </xsl:variable>
    <xsl:sequence select="tx:layout($blocks)"/>
  </xsl:template>
</xsl:stylesheet>
