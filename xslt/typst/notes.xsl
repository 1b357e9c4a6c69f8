<?xml version="1.0" encoding="UTF-8"?>
<!--
  Notes. A note inside running text is a footnote numbered as the common layer
  numbered it (@te:n); a note standing between blocks (an archival source note, a
  copy list) is a block of its own. The edition's own textual notes, which explain
  corrections, gaps and additions, are footnotes lettered a, b, c ... within each
  unit. Inside a footnote, nested notes and textual notes are printed in brackets,
  since a footnote does not carry footnotes.
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

  <!-- The textual notes, counted within their unit as the common layer counts notes. -->
  <xsl:accumulator name="tt:apparatus" as="xs:integer" initial-value="0">
    <xsl:accumulator-rule match="tei:div[@type = $te:unit-types] | tei:div1[@type = $te:unit-types]"
                          select="0"/>
    <!-- counted where the note's mark is printed: after the element's own content -->
    <xsl:accumulator-rule match="*[tt:makes-apparatus(.)]" phase="end" select="$value + 1"/>
  </xsl:accumulator>

  <xsl:function name="tt:makes-apparatus" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="($el/self::tei:choice[@te:alt] or $el/self::tei:app[@te:alt]
           or $el/self::tei:gap[@reason or @te:why or @extent or @quantity]
           or $el/self::tei:add[@place or @hand])
      and not($el/ancestor::tei:note[not(tt:is-block-note(.))]
              or $el/ancestor::*[@te:kind = 'skip'])"/>
  </xsl:function>

  <!-- A note printed as a block of its own: between blocks, or the source note of a
       heading. Its text is running text, with footnotes of its own. -->
  <xsl:function name="tt:is-block-note" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:variable name="parent" select="$note/parent::*"/>
    <xsl:sequence select="exists($parent) and (
      ($parent/self::tei:head and $note/@type = ('source', 'provenance')
       and exists($parent/parent::*[tt:is-div(.)]) and $parent is tt:main-head($parent/parent::*))
      or (tt:is-container($parent) and empty($parent/text()[normalize-space()])))"/>
  </xsl:function>

  <xsl:template match="tei:note" mode="tt:note">
    <xsl:param name="in-note" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:text>{if ($in-note) then 'te.inline-note' else 'te.note'}({tt:str(@te:n)}, {tt:str-or-none(@type)}, {{{tt:mark(.)}&#10;</xsl:text>
    <xsl:call-template name="tt:note-body"/>
    <xsl:text>}})&#10;</xsl:text>
  </xsl:template>

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
    </xsl:call-template>
    <xsl:text>}})&#10;</xsl:text>
  </xsl:template>

  <!-- A textual note: a lettered footnote, or bracketed text inside a footnote. -->
  <xsl:template name="tt:apparatus">
    <xsl:param name="text" as="xs:string"/>
    <xsl:param name="in-note" as="xs:boolean" select="false()" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="not(normalize-space($text))"/>
      <xsl:when test="$in-note or not(tt:makes-apparatus(.))">
        <xsl:text>te.inline-apparatus({tt:str($text)})&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>te.apparatus({tt:str(format-integer(accumulator-after('tt:apparatus'), 'a'))}, {tt:str($text)}){tt:mark(.)}&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
