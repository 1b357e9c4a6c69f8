<?xml version="1.0" encoding="UTF-8"?>
<!--
  Notes, as the common layer placed, numbered and lettered them. A foot note is a
  footnote numbered @te:n; a block note (an archival source note, a copy list) is a
  block of its own where it stands, or after the block it stands in. The edition's
  textual notes (@te:apparatus-entry: variants, corrections, additions) are footnotes
  lettered @te:apparatus; inside a footnote, which carries no footnotes, nested notes
  and textual notes are printed in brackets.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:mode name="tt:note" on-no-match="fail"/>
  <xsl:mode name="tt:block-note" on-no-match="fail"/>

  <!-- A textual note (the common layer's @te:apparatus-entry; lettered @te:apparatus
       outside footnotes). -->
  <xsl:function name="tt:makes-apparatus" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/@te:apparatus-entry)"/>
  </xsl:function>

  <!-- A note printed as a block of its own (the common layer's @te:place): between
       blocks where it stands, or after the block it stands in (@te:deferred). Its
       text is running text, with footnotes of its own. -->
  <xsl:function name="tt:is-block-note" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="$note/@te:place = 'block'"/>
  </xsl:function>

  <!-- The deferred block notes standing in $nodes (not inside a note of theirs): they
       follow the block the nodes make. -->
  <xsl:template name="tt:deferred-notes">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:variable name="inside" select="$nodes/ancestor-or-self::tei:note"/>
    <xsl:apply-templates mode="tt:block-note" select="
      $nodes/descendant-or-self::tei:note[@te:deferred = 'true'][empty(ancestor::tei:note except $inside)]"/>
  </xsl:template>

  <xsl:template match="tei:note" mode="tt:note">
    <xsl:param name="in-note" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:if test="not($in-note) and tt:follows-mark(.)">te.mark-sep()&#10;</xsl:if>
    <xsl:text>{if ($in-note) then 'te.inline-note' else 'te.note'}({tt:str(@te:n)}, {tt:str-or-none(@type)}, {{{tt:mark(.)}&#10;</xsl:text>
    <xsl:call-template name="tt:note-body"/>
    <xsl:text>}})&#10;</xsl:text>
  </xsl:template>

  <!-- Does a note's mark follow another mark with nothing between (two notes on one
       word, "Panner⁵⁶" read as note 56; a lettered mark then a number)? The space
       between them is not printed (tt:text-value), so a comma parts them: "Panner⁵,⁶". -->
  <xsl:function name="tt:follows-mark" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:variable name="before" select="$note/preceding-sibling::node()[not(self::text()[not(normalize-space())])][1]"/>
    <xsl:sequence select="tt:is-mark($before) or exists($before/@te:apparatus)"/>
  </xsl:function>

  <xsl:template name="tt:note-body">
    <xsl:param name="footnote" as="xs:boolean" select="true()"/>
    <xsl:choose>
      <xsl:when test="tt:is-container(.)">
        <xsl:text>[&#10;</xsl:text>
        <xsl:call-template name="tt:flow">
          <xsl:with-param name="container" select="."/>
          <xsl:with-param name="in-note" select="$footnote" tunnel="yes"/>
        </xsl:call-template>
        <xsl:text>]&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tt:inline-run">
          <xsl:with-param name="nodes" select="node()"/>
          <xsl:with-param name="in-note" select="$footnote" tunnel="yes"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:note | *" mode="tt:block-note">
    <xsl:param name="in-note" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:text>#te.block-note(kind: {tt:str-or-none(@type)}, {{{tt:mark(.)}&#10;</xsl:text>
    <xsl:call-template name="tt:note-body">
      <xsl:with-param name="footnote" select="$in-note"/>
      <xsl:with-param name="nested" select="true()" tunnel="yes"/>
    </xsl:call-template>
    <xsl:text>}})&#10;</xsl:text>
  </xsl:template>

  <!-- The lettered textual notes of blocks, printed at the foot of the page apart from
       the numbered footnotes (te.apparatus-block, a float): after each block of the
       main flow, the notes of the marks in it (a block nested in another, whose float
       could not reach the foot of the page, is covered by the block around it). -->
  <xsl:template name="tt:apparatus-after">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:param name="nested" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:param name="in-note" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:variable name="entries" select="if ($nested or $in-note) then ()
      else $nodes/descendant-or-self::*[@te:apparatus][@te:apparatus-entry]"/>
    <xsl:if test="$entries">
      <xsl:text>#te.apparatus-block((&#10;</xsl:text>
      <xsl:for-each select="$entries">
        <xsl:text>  ({tt:str(@te:apparatus)}, {tt:str(@te:apparatus-entry)}),{tt:mark(.)}&#10;</xsl:text>
      </xsl:for-each>
      <xsl:text>))&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- A textual note, as the common layer decided it: a lettered footnote, or the
       entry in brackets (inside a footnote). -->
  <xsl:template name="tt:apparatus">
    <xsl:choose>
      <xsl:when test="not(@te:apparatus-entry)"/>
      <xsl:when test="not(@te:apparatus)">
        <xsl:text>te.inline-apparatus({tt:str(@te:apparatus-entry)})&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>te.apparatus({tt:str(@te:apparatus)}, {tt:str(@te:apparatus-entry)}){tt:mark(.)}&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
