<?xml version="1.0" encoding="UTF-8"?>
<!--
  From the normalised TEI to a flat list of blocks, <tx:b>:
    text content   the block's text, whitespace-normalised, NFC, on one line
    @group         blocks of one non-empty group follow each other on the next line
                   (lines of verse, an opener, a list, the notes); otherwise a blank
                   line separates blocks
    @indent        spaces before every line
    @prefix        printed before the first line ("- ", "[3] "); later lines hang under it
    @underline     a line of this character under the block (headings)
    @align         "center" (section breaks, and blocks the common layer centres,
                   @te:align) or "right" (blocks it sets right: signatures, datelines)
  The children of a block are read in runs: adjacent inline content (text, inline
  elements, notes, breaks) makes one block; block children are rendered in turn.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tx="urn:x-tei-edition:text"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:mode name="tx:block" on-no-match="fail" on-multiple-match="fail"/>

  <!-- Containers whose blocks stand on consecutive lines, without blank lines between. -->
  <xsl:variable name="tx:tight" as="xs:string+" select="
    'lg', 'list', 'listBibl', 'opener', 'closer', 'address', 'titlePage', 'docTitle',
    'castList', 'castGroup', 'table', 'signed', 'byline', 'listPerson', 'listPlace',
    'listOrg', 'listEvent', 'listWit', 'zone', 'spanGrp'"/>

  <!-- Divisions, for heading levels. -->
  <xsl:variable name="tx:divs" as="xs:string+" select="
    'div', 'div1', 'div2', 'div3', 'div4', 'div5', 'div6', 'div7'"/>

  <xsl:template match="document-node()" mode="tx:block" as="element(tx:b)*">
    <xsl:apply-templates select="*" mode="tx:block"/>
  </xsl:template>

  <!-- A TEI document: its title block, then its text. -->
  <xsl:template match="tei:TEI | tei:teiCorpus" mode="tx:block" as="element(tx:b)*" priority="2">
    <xsl:call-template name="tx:title-block"/>
    <xsl:call-template name="tx:hands"/>
    <xsl:call-template name="tx:contents"/>
  </xsl:template>

  <!-- Any block: its contents; a unit (document, essay, the text) adds its notes. -->
  <xsl:template match="*" mode="tx:block" as="element(tx:b)*" priority="-1">
    <xsl:call-template name="tx:contents"/>
  </xsl:template>

  <!-- Quotations and embedded texts set off as blocks are indented. -->
  <xsl:template match="tei:quote | tei:q | tei:cit | tei:epigraph | tei:floatingText"
                mode="tx:block" as="element(tx:b)*">
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <xsl:call-template name="tx:contents">
      <xsl:with-param name="indent" select="$indent + 4" tunnel="yes"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A list item hangs under its bullet or number. -->
  <xsl:template match="tei:item" mode="tx:block" as="element(tx:b)*">
    <xsl:call-template name="tx:hanging">
      <xsl:with-param name="prefix" select="tx:item-mark(.) || ' '"/>
      <xsl:with-param name="group" select="tx:group(.)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="tx:item-mark" as="xs:string">
    <xsl:param name="item" as="element()"/>
    <xsl:variable name="list" select="$item/parent::*"/>
    <xsl:variable name="label" select="tx:short-label($item)"/>
    <xsl:sequence select="
      if ($item/@n[normalize-space()]) then normalize-space($item/@n)
      else if (exists($label)) then tx:inline-text($label)
      else if ($list/tei:label) then ''
      else if (matches(string-join($list/(@rend, @type), ' '), 'order|number|enum|arabic', 'i'))
        then (count($item/preceding-sibling::tei:item) + 1) || '.'
      else '-'"/>
  </xsl:function>

  <!-- A list's label short enough to stand before its item on the item's line ("1.",
       "(a)"), as the PDF sets it: the label just before the item, at most 8 characters,
       holding no note. A longer label (a glossary's) keeps a line of its own. -->
  <xsl:function name="tx:short-label" as="element()?">
    <xsl:param name="item" as="element()"/>
    <xsl:sequence select="$item/preceding-sibling::*[1][self::tei:label][not(.//tei:note)]
      [let $text := tx:inline-text(.) return string-length($text) le 8 and normalize-space($text)]"/>
  </xsl:function>

  <!-- (such a label is printed as its item's mark) -->
  <xsl:template match="tei:label[following-sibling::*[1][self::tei:item][tx:short-label(.) is current()]]"
                mode="tx:block" as="element(tx:b)*"/>

  <!-- A table row is one line, its cells (and any text standing between them)
       separated by " | ". A table is set in columns, each cell padded to its column's
       width on the side its alignment asks for (@te:align, the common layer's: right
       or centred; else left), when every row is cells only (no spans) and the widest
       row fits the line; otherwise its rows read as the rows of any table. (Only
       tables with aligned cells were: a real letter's election results read
       "absolutes Mehr: | 3266 |  |  |" over " | Brunner | 3330 | Graffenried | 2511".) -->
  <xsl:template match="tei:table" mode="tx:block" as="element(tx:b)*">
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <xsl:call-template name="tx:contents">
      <xsl:with-param name="columns" tunnel="yes" select="map{'table': ., 'widths': tx:column-widths(., $indent)}"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The width of each column of a table, or nothing when it cannot be set in columns. -->
  <xsl:function name="tx:column-widths" as="xs:integer*">
    <xsl:param name="table" as="element()"/>
    <xsl:param name="indent" as="xs:integer"/>
    <xsl:variable name="rows" select="$table/tei:row"/>
    <xsl:variable name="simple" select="every $row in $rows satisfies
      (empty($row/(text()[normalize-space()], *[not(self::tei:cell or @te:kind = 'skip')], tei:cell[@cols or @colspan])))"/>
    <xsl:variable name="count" select="max(($rows ! count(tei:cell), 0))"/>
    <xsl:variable name="widths" select="if ($simple) then
      for $i in 1 to $count return max(($rows ! tei:cell[$i] ! string-length(tx:cell-text(.)), 0)) else ()"/>
    <xsl:sequence select="$widths[$width = 0 or sum($widths) + 3 * ($count - 1) + $indent le $width]"/>
  </xsl:function>

  <xsl:function name="tx:cell-text" as="xs:string">
    <xsl:param name="cell" as="element()"/>
    <xsl:sequence select="normalize-space(translate(tx:inline-text($cell/node()), $tx:newline, ' '))"/>
  </xsl:function>

  <!-- A cell's text padded to $width on the side its alignment asks for. -->
  <xsl:function name="tx:padded-cell" as="xs:string">
    <xsl:param name="cell" as="element()"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:variable name="text" select="tx:cell-text($cell)"/>
    <xsl:variable name="room" select="max((0, $width - string-length($text)))"/>
    <xsl:sequence select="
      if ($cell/@te:align = 'right') then tx:spaces($room) || $text
      else if ($cell/@te:align = 'center') then tx:spaces($room idiv 2) || $text || tx:spaces($room - $room idiv 2)
      else $text || tx:spaces($room)"/>
  </xsl:function>

  <xsl:template match="tei:row" mode="tx:block" as="element(tx:b)*">
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <xsl:param name="columns" as="map(*)" tunnel="yes" select="map{}"/>
    <xsl:variable name="parts" select="node()[not(@te:kind = 'skip')]
      [self::* or normalize-space()][not(self::* and not(self::tei:cell) and tx:inline-text(.) = '')]"/>
    <xsl:variable name="widths" select="if (exists($columns?table) and $columns?table is ..) then $columns?widths else ()"/>
    <xsl:variable name="text" select="
      if (exists($widths)) then string-join(for $i in 1 to count(tei:cell) return tx:padded-cell(tei:cell[$i], $widths[$i]), ' | ')
      else string-join($parts ! (if (self::tei:cell) then tx:inline-text(node())
                                 else tx:inline-text(.)), ' | ')"/>
    <xsl:if test="normalize-space($text)">
      <!-- a row that runs over hangs, the next row's first line flush: rows told apart -->
      <tx:b group="{tx:group(.)}" indent="{$indent}" hang="2">{$text}</tx:b>
    </xsl:if>
    <xsl:apply-templates select="tx:block-notes($parts/(self::tei:cell/node(), self::*[not(self::tei:cell)]))" mode="tx:block"/>
  </xsl:template>

  <!-- The label the common layer gives a numbered division (@te:division-label,
       "Document No. 3"): a line above its main heading, or its heading when it has none. -->
  <xsl:template match="tei:head[@te:heading = 'main'][../@te:division-label]" mode="tx:block" as="element(tx:b)*">
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <tx:b group="{tx:group(.)}" indent="{$indent}">{../@te:division-label}</tx:b>
    <xsl:next-match/>
  </xsl:template>

  <xsl:template match="*[local-name() = $tx:divs][@te:division-label][empty(tei:head)]" mode="tx:block" as="element(tx:b)*">
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <tx:b group="" indent="{$indent}">
      <xsl:if test="@te:level = '1'">
        <xsl:attribute name="underline" select="'-'"/>
      </xsl:if>
      <xsl:sequence select="string(@te:division-label)"/>
    </tx:b>
    <xsl:call-template name="tx:contents"/>
  </xsl:template>

  <!-- A section break (the common layer's @te:section-break) is a centred row of asterisks. -->
  <xsl:template match="*[tx:is-section-break(.)]" mode="tx:block" as="element(tx:b)">
    <tx:b group="" indent="0" align="center">* * *</tx:b>
  </xsl:template>

  <xsl:function name="tx:is-section-break" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="$el/@te:section-break = 'true'"/>
  </xsl:function>

  <!-- A division whose heading stands after some of its content (FRUS: a document's
       "File No." note before its title): its headings first, then the rest, as the PDF
       sets it; otherwise the content read as the end of the division before. -->
  <xsl:template match="*[local-name() = $tx:divs][tx:late-heads(.)]" mode="tx:block" as="element(tx:b)*">
    <xsl:variable name="heads" select="tx:late-heads(.)"/>
    <xsl:call-template name="tx:contents">
      <xsl:with-param name="nodes" select="$heads, node() except $heads"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A division's main heading and the label headings before it, when content (no
       break) stands before them; else none. -->
  <xsl:function name="tx:late-heads" as="element()*">
    <xsl:param name="div" as="element()"/>
    <xsl:variable name="head" select="$div/tei:head[@te:heading = 'main'][1]"/>
    <xsl:variable name="heads" select="$div/tei:head[. &lt;&lt; $head or . is $head]"/>
    <xsl:sequence select="if (exists($head) and exists($head/preceding-sibling::*[not(self::tei:head
                            or @te:kind = ('break', 'skip'))])) then $heads else ()"/>
  </xsl:function>

  <xsl:template name="tx:contents" as="element(tx:b)*">
    <xsl:param name="nodes" as="node()*" select="node()"/>
    <xsl:call-template name="tx:flow">
      <xsl:with-param name="nodes" select="$nodes"/>
    </xsl:call-template>
    <xsl:if test="te:is-unit(.)">
      <xsl:call-template name="tx:notes-section"/>
    </xsl:if>
  </xsl:template>

  <!-- The children of the context element, in runs of inline content and blocks. -->
  <xsl:template name="tx:flow" as="element(tx:b)*">
    <xsl:param name="nodes" as="node()*" select="node()"/>
    <xsl:variable name="container" select="." as="element()"/>
    <xsl:for-each-group select="$nodes" group-adjacent="
        if (tx:is-block(.)) then 'block' else if (@te:own-line = 'true') then generate-id() else 'run'">
      <xsl:choose>
        <xsl:when test="current-grouping-key() = 'block'">
          <xsl:apply-templates select="current-group()" mode="tx:block"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="tx:run">
            <xsl:with-param name="nodes" select="current-group()"/>
            <xsl:with-param name="container" select="$container"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <xsl:function name="tx:is-block" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="$node instance of element()
      and ($node/@te:kind = ('block', 'unknown-block')
           or ($node/@te:place = 'block' and not($node/@te:deferred = 'true'))
           or tx:is-section-break($node))"/>
  </xsl:function>

  <!-- One run of inline content: a block of the container's kind, then the block notes
       (a source line inside a heading) that stood in it. -->
  <xsl:template name="tx:run" as="element(tx:b)*">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:param name="container" as="element()"/>
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <!-- (a run's text is cut only where it holds a kept line break: most hold none) -->
    <xsl:variable name="text" select="tx:inline-text($nodes)"/>
    <xsl:variable name="lines" select="if (contains($text, $tx:newline))
      then tokenize($text, $tx:newline)[normalize-space()] ! normalize-space(.) else $text[.]"/>
    <xsl:variable name="group" select="if (tx:is-tight($container)) then generate-id($container) else tx:group($container)"/>
    <xsl:for-each select="$lines">
      <!-- the lines of one run (line breaks kept, @te:newline) stand on consecutive lines,
           the first with them (a group of its own, the lines' group, set a blank line
           between the first line and the others) -->
      <tx:b group="{if (count($lines) gt 1 and $group = '') then 'lines' || generate-id($container) else $group}"
            indent="{$indent}">
        <xsl:for-each select="$container/@te:align">
          <xsl:attribute name="align" select="."/>
        </xsl:for-each>
        <xsl:if test="tx:is-title-head($container) and position() = last()">
          <xsl:attribute name="underline" select="tx:underline($container)"/>
        </xsl:if>
        <xsl:sequence select="."/>
      </tx:b>
    </xsl:for-each>
    <xsl:apply-templates select="tx:block-notes($nodes)" mode="tx:block"/>
  </xsl:template>

  <xsl:function name="tx:is-tight" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="local-name($el) = $tx:tight or $el/@te:place = 'block'"/>
  </xsl:function>

  <!-- Blocks of one group sit on consecutive lines: the children of a tight container,
       the lines of verse, and the headings that open a division. -->
  <xsl:function name="tx:group" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="parent" select="$el/parent::*"/>
    <xsl:sequence select="
      if (empty($parent)) then ''
      else if (tx:is-leading-head($el)) then 'h' || generate-id($parent)
      else if (tx:is-tight($parent) or $el/self::tei:l) then generate-id($parent)
      else ''"/>
  </xsl:function>

  <!-- The headings at the start of a division (a label, a title). -->
  <xsl:function name="tx:is-leading-head" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/self::tei:head[local-name(..) = $tx:divs])
      and (empty($el/preceding-sibling::*[not(self::tei:head or @te:kind = ('break', 'skip'))])
           or exists(tx:late-heads($el/..)[. is $el]))"/>
  </xsl:function>

  <!-- A division's main heading (the common layer's @te:heading) is underlined, by level. -->
  <xsl:function name="tx:is-title-head" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="$el/@te:heading = 'main' and tx:underline($el) != ''"/>
  </xsl:function>

  <xsl:function name="tx:underline" as="xs:string">
    <xsl:param name="head" as="element()"/>
    <xsl:sequence select="if ($head/../@te:level = '1') then '-' else ''"/>
  </xsl:function>

  <!-- Blocks whose first line starts with a mark ("- ", "[2] ") and whose other lines,
       and any further paragraphs, hang under the text. -->
  <xsl:template name="tx:hanging" as="element(tx:b)*">
    <xsl:param name="prefix" as="xs:string"/>
    <xsl:param name="group" as="xs:string"/>
    <xsl:param name="indent" as="xs:integer" tunnel="yes" select="0"/>
    <xsl:variable name="inner" as="element(tx:b)*">
      <xsl:call-template name="tx:flow">
        <xsl:with-param name="indent" select="$indent + string-length($prefix)" tunnel="yes"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:for-each select="if (exists($inner)) then $inner else tx:empty-block()">
      <xsl:copy>
        <xsl:copy-of select="@*"/>
        <xsl:attribute name="group" select="$group"/>
        <xsl:if test="position() = 1">
          <xsl:attribute name="indent" select="$indent"/>
          <!-- (a block opening with a mark of its own, the first item of a list that
               opens the item, keeps it after this one: "2. 25 first item") -->
          <xsl:attribute name="prefix" select="$prefix || (if (@prefix != '') then
            tx:spaces(xs:integer(@indent) - $indent - string-length($prefix)) || @prefix else '')"/>
        </xsl:if>
        <xsl:copy-of select="node()"/>
      </xsl:copy>
    </xsl:for-each>
  </xsl:template>

  <xsl:function name="tx:empty-block" as="element(tx:b)">
    <tx:b group="" indent="0"/>
  </xsl:function>
</xsl:stylesheet>
