<?xml version="1.0" encoding="UTF-8"?>
<!--
  A document's passages for a collection site (its search and its registers' snippets):
  each citable block's anchor and its text as the export's search index reads it (mode
  h:index-text, search.xsl: the same text, by the same templates), and each name that
  names register entries (te:refs, the resolver's collection keys) with where its text
  starts and ends in its passage. Python (publish/digest.py) only cuts the snippets'
  windows from them and indexes the texts: no rule of the text is decided there.

  Returned as strings, after the files (html.xsl, $passages): "#passages", then for each
  part asked for (the whole text, or each division of $passage-divisions in its order):

    "d"                                   a part begins
    "p", id, anchor, text                 a passage (its text not empty), in reading order
                                          (id: the passage's name in these records)
    "m", keys, id, start, end             a name in the passage "id", in document order
                                          (start, end: the code points before its text, and
                                          before what follows it, in the passage's text)
    "n", keys, anchor, text               a name outside any passage with text: the anchor
                                          of its block (or ""), its own text

  The records of a part are its passages, then its names.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- True: the passages follow the files (a collection site's document, or a file of
       many documents). -->
  <xsl:param name="passages" as="xs:boolean" select="false()"/>
  <!-- The anchors (te:anchor, or xml:id) of the divisions that are documents of their
       own in a file of many, space-separated: a part each; empty, the whole text is one. -->
  <xsl:param name="passage-divisions" as="xs:string" select="''"/>

  <xsl:template name="h:passages" as="xs:string*">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="texts" select="$norm//tei:text[not(ancestor::tei:text)]"/>
    <xsl:sequence select="'#passages'"/>
    <xsl:choose>
      <xsl:when test="normalize-space($passage-divisions)">
        <xsl:for-each select="tokenize($passage-divisions)">
          <xsl:variable name="anchor" select="."/>
          <xsl:sequence select="h:passages-of(($texts//*[@te:anchor = $anchor or @xml:id = $anchor])[1])"/>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="h:passages-of($texts)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The records of one part: the passages and names in and under $parts. -->
  <xsl:function name="h:passages-of" as="xs:string+">
    <xsl:param name="parts" as="element()*"/>
    <xsl:variable name="blocks" select="$parts/descendant-or-self::*[@te:anchor]
      [empty(ancestor-or-self::*[@te:kind = 'skip'])]"/>
    <!-- each block read once: generate-id -> map{anchor, text, names: id -> (start, end)} -->
    <xsl:variable name="read" as="map(xs:string, map(*))"
                  select="map:merge($blocks ! map:entry(generate-id(.), h:passage(.)))"/>
    <xsl:sequence select="'d'"/>
    <xsl:for-each select="$blocks">
      <xsl:variable name="passage" select="$read(generate-id(.))"/>
      <xsl:if test="$passage?text">
        <xsl:sequence select="'p', generate-id(.), $passage?anchor, $passage?text"/>
      </xsl:if>
    </xsl:for-each>
    <xsl:for-each select="$parts/descendant-or-self::*[normalize-space(@te:refs)]
      [empty(ancestor-or-self::*[@te:kind = 'skip'])]">
      <xsl:variable name="block" select="ancestor::*[@te:anchor][1]"/>
      <xsl:variable name="passage" select="$block ! $read(generate-id(.))"/>
      <xsl:variable name="edges" select="$passage?names(generate-id(.))"/>
      <xsl:choose>
        <xsl:when test="$passage?text and exists($edges)">
          <xsl:sequence select="'m', normalize-space(@te:refs), generate-id($block), string($edges[1]),
                                string($edges[2])"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="text" as="xs:string*">
            <xsl:apply-templates select="." mode="h:index-text"/>
          </xsl:variable>
          <xsl:sequence select="'n', normalize-space(@te:refs), string($passage?anchor),
                                normalize-space(string-join($text))"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:function>

  <!-- A block's passage: its anchor, its text (search.xsl's), and where each name in it
       starts and ends in that text. The names' edges come marked among the text's
       strings (h:index-text with $h:marked): the name's id, an xs:NCName, where its
       text begins and again where it ends. A name's end is the length of the
       passage's text up to there; its start, that less the length of its own text
       (both whitespace-normalised as the passage is: the name's is the end of it). -->
  <xsl:function name="h:passage" as="map(*)">
    <xsl:param name="block" as="element()"/>
    <xsl:variable name="parts" as="xs:string*">
      <xsl:apply-templates select="$block/node()" mode="h:index-text">
        <xsl:with-param name="h:marked" select="true()" tunnel="yes"/>
      </xsl:apply-templates>
    </xsl:variable>
    <xsl:variable name="marks" select="for $i in 1 to count($parts) return $i[$parts[$i] instance of xs:NCName]"/>
    <xsl:variable name="names" as="map(xs:string, xs:integer+)*">
      <xsl:for-each-group select="$marks" group-by="string($parts[current()])">
        <xsl:variable name="from" select="current-group()[1]"/>
        <xsl:variable name="to" select="current-group()[2]"/>
        <xsl:variable name="end" select="string-length(normalize-space(string-join(
          subsequence($parts, 1, $to - 1)[not(. instance of xs:NCName)])))"/>
        <xsl:variable name="own" select="string-length(normalize-space(string-join(
          subsequence($parts, $from + 1, $to - $from - 1)[not(. instance of xs:NCName)])))"/>
        <xsl:sequence select="map{current-grouping-key(): ($end - $own, $end)}"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:sequence select="map{
      'anchor': string(h:anchor-id($block)),
      'text': normalize-space(string-join(if (exists($marks)) then $parts[not(. instance of xs:NCName)] else $parts)),
      'names': map:merge($names)}"/>
  </xsl:function>
</xsl:stylesheet>
