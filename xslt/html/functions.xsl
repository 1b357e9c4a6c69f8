<?xml version="1.0" encoding="UTF-8"?>
<!--
  Small typed helpers every HTML module uses: plain text of a node without its notes,
  safe URLs, class names and language tags from document data, labels of units, sort
  keys. Nothing here emits markup.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- The text a reader sees in an element: the shown reading, without notes or
       skipped metadata inside it, whitespace normalised. -->
  <xsl:function name="h:plain" as="xs:string">
    <xsl:param name="el" as="node()?"/>
    <xsl:sequence select="normalize-space(string-join((te:own-text($el) | te:line-breaks($el))
                                                      ! (if (self::text()) then string(.) else ' '), ''))"/>
  </xsl:function>

  <!-- Only web and mail addresses become links: javascript:, data:, file: and any
       other scheme from the document are never emitted as an href. -->
  <xsl:function name="h:safe-url" as="xs:string?">
    <xsl:param name="url" as="xs:string?"/>
    <xsl:variable name="u" select="normalize-space($url)"/>
    <xsl:sequence select="$u[matches(., '^(https?://[^\s&lt;&gt;&quot;\\]+|mailto:[^\s&lt;&gt;&quot;\\:/]+@[^\s&lt;&gt;&quot;\\]+)$', 'i')]"/>
  </xsl:function>

  <!-- A fragment link to an id in the same site. -->
  <xsl:function name="h:fragment" as="xs:string">
    <xsl:param name="id" as="xs:string"/>
    <xsl:sequence select="'#' || encode-for-uri($id)"/>
  </xsl:function>

  <!-- The HTML id of an element: its stable anchor (te:anchor, the same as
       tei_edition.anchors), or its xml:id. In a teiCorpus the structural anchors of
       each TEI restart, so there they are prefixed with the TEI's xml:id (or TEIn). -->
  <xsl:function name="h:anchor-id" as="xs:string?">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="anchor" select="string(($el/@te:anchor, $el/@xml:id)[1])[.]"/>
    <xsl:variable name="tei" select="$el/ancestor::tei:TEI[parent::tei:teiCorpus][1]"/>
    <xsl:sequence select="if ($anchor and $tei and not($el/@xml:id))
      then ($tei/@xml:id, 'TEI' || count($tei/preceding-sibling::tei:TEI) + 1)[1] || '.' || $anchor
      else $anchor"/>
  </xsl:function>

  <!-- A class token made from document data (an element name, @type, @rend). -->
  <xsl:function name="h:token" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="replace(normalize-space($value), '[^\p{L}\p{N}_-]+', '-')"/>
  </xsl:function>

  <!-- A language tag as HTML expects it (BCP 47 syntax), or nothing. -->
  <xsl:function name="h:lang" as="xs:string?">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:sequence select="normalize-space($tag)[matches(., '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$')]"/>
  </xsl:function>

  <!-- A date or year that <time datetime> accepts. -->
  <xsl:function name="h:datetime" as="xs:string?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:sequence select="normalize-space($when)[matches(., '^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$')]"/>
  </xsl:function>

  <!-- A sort key: case and diacritics folded, so that Ängström files under A. -->
  <xsl:function name="h:fold" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="lower-case(replace(normalize-unicode(normalize-space($s), 'NFD'), '\p{M}', ''))"/>
  </xsl:function>

  <!-- "editorialDecl" -> "Editorial decl": a heading made from an element name. -->
  <xsl:function name="h:humanize" as="xs:string">
    <xsl:param name="name" as="xs:string"/>
    <xsl:variable name="known" select="map{
      'correction': 'Corrections', 'normalization': 'Normalisation', 'punctuation': 'Punctuation',
      'quotation': 'Quotation', 'hyphenation': 'Hyphenation', 'segmentation': 'Segmentation',
      'interpretation': 'Interpretation', 'stdVals': 'Standard values', 'projectDesc': 'About the project',
      'samplingDecl': 'Sampling', 'editorialDecl': 'Editorial principles', 'tagsDecl': 'Tags',
      'refsDecl': 'References', 'classDecl': 'Classification', 'appInfo': 'Software',
      'listPrefixDef': 'Prefixes', 'variantEncoding': 'Variant encoding', 'schemaRef': 'Schema'}"/>
    <xsl:variable name="words" select="replace($name, '([a-z])([A-Z])', '$1 $2')"/>
    <xsl:sequence select="($known($name), upper-case(substring($words, 1, 1)) || lower-case(substring($words, 2)))[1]"/>
  </xsl:function>

  <!-- Divisions that collect their notes and head their own part of the contents. -->
  <xsl:function name="h:is-unit" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el[self::tei:div or self::tei:div1]) and te:is-unit($el)"/>
  </xsl:function>

  <!-- "Document No. 1" for a numbered document (policy.xml's division-labels, even
       where a label heading of its own stands in the text), else nothing. -->
  <xsl:function name="h:document-number" as="xs:string?">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="$te:policy/division-labels/label[@type = $div/@type][1]/@says
                          [normalize-space($div/@n)] ! (. || ' ' || normalize-space($div/@n))"/>
  </xsl:function>

  <!-- How a division is named in the contents and in register mentions. -->
  <xsl:function name="h:div-label" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:variable name="head" select="te:one-line(($div/tei:head[@te:heading = 'main'], $div/tei:head)[1])"/>
    <xsl:variable name="number" select="h:document-number($div)"/>
    <xsl:sequence select="
      if ($number and $head) then $number || ': ' || $head
      else ($number, $head[.],
            string-join((h:humanize(($div/@type[normalize-space()], 'section')[1]), $div/@n), ' '))[1]"/>
  </xsl:function>

  <!-- Where a node sits, for a reader: its unit (document, essay) or nearest division.
       Asked for every passage of the search index and every register mention, so it
       finds the unit with one te:unit() (in a document, the nearest unit around a node
       is te:unit() when that is a division, else the outermost element when that is
       one) rather than asking h:is-unit() of every ancestor (each a te:unit()). -->
  <xsl:function name="h:where" as="xs:string">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="div" select="h:where-division($node)"/>
    <xsl:sequence select="if ($div) then h:where-in($div) else 'Text'"/>
  </xsl:function>

  <!-- The division h:where names a node by (none: 'Text'); many nodes share one, and
       its name is the dear part (h:search-index names each division once). -->
  <xsl:function name="h:where-division" as="element()?">
    <xsl:param name="node" as="node()"/>
    <xsl:variable name="top" select="$node/ancestor-or-self::*[last()]"/>
    <xsl:variable name="div" select="
      if (not(root($node) instance of document-node()))
      then ($node/ancestor-or-self::*[h:is-unit(.)][1],
            $node/ancestor-or-self::*[matches(local-name(), '^div\d?$')][1])[1]
      else (te:unit($node)[self::tei:div or self::tei:div1][exists($top)],
            $top[self::tei:div or self::tei:div1],
            $node/ancestor-or-self::*[matches(local-name(), '^div\d?$')][1])[1]"/>
    <xsl:sequence select="$div"/>
  </xsl:function>

  <xsl:function name="h:where-in" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:variable name="document" select="$div/(ancestor::tei:div | ancestor::tei:div1)
                                          [normalize-space(@n)][h:document-number(.)][1]"/>
    <xsl:sequence select="if ($document) then h:document-number($document)
                          else (h:document-number($div), h:div-label($div))[1]"/>
  </xsl:function>
</xsl:stylesheet>
