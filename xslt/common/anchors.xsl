<?xml version="1.0" encoding="UTF-8"?>
<!--
  Citable blocks (policy.xml's <blocks>, which src/tei_edition/publish/anchors.py reads
  too). The anchor itself is computed once, by the normalise pass (@te:anchor,
  normalize.xsl): a block's xml:id when present, otherwise the steps from the
  outermost <text> down, each local-name + position among same-named siblings,
  joined by "." (e.g. div2.p3, front1.p2), the same string as anchors.anchor(). The
  text's body is no step of its own: its blocks are most of what is cited, and
  "body1." on each was bytes on every link to them (a register entry's thousands).
  Where the steps spell an xml:id of the document, "body1." is put back, so that
  a path never takes an id the encoding gave (te:unclaimed-anchor).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:function name="te:is-anchor-block" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/self::tei:*) and map:contains($te:anchor-block-names, local-name($el))"/>
  </xsl:function>

  <xsl:variable name="te:anchor-block-names" static="yes" as="map(xs:string, xs:boolean)"
                select="map:merge($te:anchor-blocks ! map{.: true()}, map{'duplicates': 'use-first'})"/>
  <xsl:function name="te:unclaimed-anchor" as="xs:string">
    <xsl:param name="path" as="xs:string"/>
    <xsl:param name="document" as="node()"/>
    <xsl:sequence select="if (exists(key('te:by-id', $path, $document))) then 'body1.' || $path else $path"/>
  </xsl:function>

  <!-- The nearest citable ancestor-or-self: a block, else a div, else the element. -->
  <xsl:function name="te:block-of" as="element()">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="($el/ancestor-or-self::*[te:is-anchor-block(.)][1],
                           $el/ancestor-or-self::*[starts-with(local-name(), 'div')][1],
                           $el)[1]"/>
  </xsl:function>
</xsl:stylesheet>
