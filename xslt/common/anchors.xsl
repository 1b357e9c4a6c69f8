<?xml version="1.0" encoding="UTF-8"?>
<!--
  Stable anchors for citable blocks. The same definition as src/tei_edition/anchors.py
  (a test holds the two to each other): a block's xml:id when present, otherwise the
  steps from the outermost <text> down, each local-name + position among same-named
  siblings, joined by "." (e.g. body1.div2.p3).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:variable name="te:anchor-blocks" as="xs:string+" select="
    'p', 'ab', 'head', 'l', 'item', 'opener', 'closer', 'dateline', 'signed', 'salute',
    'postscript', 'note', 'byline', 'docTitle', 'trailer', 'stage', 'sp', 'quote', 'bibl',
    'label', 'cell'"/>

  <xsl:function name="te:is-anchor-block" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="namespace-uri($el) = 'http://www.tei-c.org/ns/1.0'
                          and local-name($el) = $te:anchor-blocks"/>
  </xsl:function>

  <!-- The nearest citable ancestor-or-self: a block, else a div, else the element. -->
  <xsl:function name="te:block-of" as="element()">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="($el/ancestor-or-self::*[te:is-anchor-block(.)][1],
                           $el/ancestor-or-self::*[starts-with(local-name(), 'div')][1],
                           $el)[1]"/>
  </xsl:function>

  <xsl:function name="te:anchor" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="outer-text" select="$el/ancestor-or-self::tei:text[last()]"/>
    <xsl:variable name="steps" select="
      if ($outer-text) then $el/ancestor-or-self::*[. >> $outer-text]
      else $el/ancestor-or-self::*[parent::*]"/>
    <xsl:sequence select="
      if ($el/@xml:id) then string($el/@xml:id)
      else (string-join($steps ! (local-name() || te:position-among-namesakes(.)), '.')[.],
            local-name($el))[1]"/>
  </xsl:function>

  <xsl:function name="te:position-among-namesakes" as="xs:integer">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="count($el/preceding-sibling::*[node-name() eq node-name($el)]) + 1"/>
  </xsl:function>
</xsl:stylesheet>
