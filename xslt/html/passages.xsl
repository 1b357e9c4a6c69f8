<?xml version="1.0" encoding="UTF-8"?>
<!--
  A document's passages for a collection site (its search and its registers' snippets):
  each citable block's anchor and its text as the export's search index reads it (the
  templates of mode h:index-text, search.xsl), marked (mode h:marked-text: where each
  name that names register entries begins, with its keys, te:refs, and ends, and where
  each nested block stands). Python (publish/digest.py) takes the text and the names'
  places from the marks, puts the names in document order, and cuts the snippets'
  windows: no rule of the text is decided there.

  Returned as strings, after the files (html.xsl, $passages): "#passages", then for each
  part asked for (the whole text, or each division of $passage-divisions, in order):

    "d"                         a part begins
    "r", text, keys             the part's own text around its blocks (names outside
                                any block, and where its blocks stand; not a passage)
    "p", anchor, text, keys     each block in document order, its text marked (empty
                                ones too: their places are marked in the text of the
                                block around them)

  keys: those of each name of the text, in its order, tab-separated (a name's keys are
  space-separated, as in te:refs).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- True: the passages follow the files (a collection site's document, or a file of
       many documents). -->
  <xsl:param name="passages" as="xs:boolean" select="false()"/>
  <!-- The anchors (te:anchor, or xml:id) of the divisions that are documents of their
       own in a file of many, space-separated: a part each; empty, the whole text is one. -->
  <xsl:param name="passage-divisions" as="xs:string" select="''"/>

  <!-- A division of $passage-divisions by its anchor (te:anchor, or xml:id). -->
  <xsl:key name="h:passage-part" match="*[@te:anchor or @xml:id]" use="@te:anchor, @xml:id"/>

  <xsl:template name="h:passages" as="xs:string*">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:sequence select="'#passages'"/>
    <xsl:choose>
      <xsl:when test="normalize-space($passage-divisions)">
        <!-- (by a key: a file of many holds hundreds of divisions, each looked up) -->
        <xsl:for-each select="tokenize($passage-divisions)">
          <xsl:sequence select="h:passages-of(key('h:passage-part', ., $norm)[ancestor::tei:text][1])"/>
        </xsl:for-each>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="h:passages-of($norm//tei:text[not(ancestor::tei:text)])"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The records of one part: its own text, then each block in and under $parts. -->
  <xsl:function name="h:passages-of" as="xs:string+">
    <xsl:param name="parts" as="element()*"/>
    <xsl:sequence select="'d', 'r', h:marked-text($parts)"/>
    <xsl:for-each select="$parts/descendant-or-self::*[@te:anchor][empty(ancestor-or-self::*[@te:kind = 'skip'])]">
      <xsl:sequence select="'p', string(h:anchor-id(.)), h:marked-text(node())"/>
    </xsl:for-each>
  </xsl:function>

  <!-- The text of $nodes marked, and the keys of its names. -->
  <xsl:function name="h:marked-text" as="xs:string+">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:variable name="parts" as="xs:string*">
      <xsl:apply-templates select="$nodes" mode="h:marked-text"/>
    </xsl:variable>
    <xsl:sequence select="string-join($parts[not(. instance of xs:token)]),
                          string-join($parts[. instance of xs:token], '&#9;')"/>
  </xsl:function>
</xsl:stylesheet>
