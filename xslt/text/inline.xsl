<?xml version="1.0" encoding="UTF-8"?>
<!--
  The text inside one block, as the common policy decided it: the shown reading of a
  choice (the only one left), editorial signs from @te:open/@te:close, note markers,
  apparatus letters,
  breaks, and on request page numbers and entity ids. Unknown elements keep their text.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tx="urn:x-tei-edition:text"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Unmatched nodes fail, as in every format: every element has a rule (the last
       one keeps the text of elements with no rule of their own). -->
  <xsl:mode name="tx:inline" on-no-match="fail" on-multiple-match="fail"/>

  <xsl:template match="comment() | processing-instruction()" mode="tx:inline" as="empty-sequence()"/>

  <!-- Marks a break inside a word: the whitespace around it disappears (a Unicode
       noncharacter, never found in real text). -->
  <xsl:variable name="tx:join" as="xs:string" select="'&#xFDD0;'"/>

  <!-- Marks a kept line break (@te:newline): the block is cut into lines there. -->
  <xsl:variable name="tx:newline" as="xs:string" select="'&#xFDD2;'"/>
  <!-- Marks text that attaches to the word before it (a note marker). -->
  <xsl:variable name="tx:glue" as="xs:string" select="'&#xFDD1;'"/>

  <!-- The text of some nodes on one line: whitespace collapsed, NFC. -->
  <xsl:function name="tx:inline-text" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:variable name="parts" as="xs:string*">
      <xsl:apply-templates select="$nodes" mode="tx:inline"/>
    </xsl:variable>
    <xsl:sequence select="tx:clean(string-join($parts))"/>
  </xsl:function>

  <!-- (The patterns spell out $tx:join and $tx:glue: literal patterns are compiled once.
       Each is tried only on a text that holds its mark: an expression is tried at each
       character of a paragraph, and most hold no break inside a word.) -->
  <xsl:function name="tx:clean" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:variable name="spaced" select="translate($text, '&#x85;&#x2028;&#x2029;', '   ')"/>
    <xsl:variable name="joined" select="if (contains($spaced, '&#xFDD0;'))
      then replace($spaced, '\s*&#xFDD0;\s*', '') else $spaced"/>
    <xsl:variable name="glued" select="if (contains($joined, '&#xFDD1;'))
      then replace($joined, '\s*&#xFDD1;', '') else $joined"/>
    <xsl:sequence select="normalize-unicode(normalize-space($glued), 'NFC')"/>
  </xsl:function>

  <xsl:template match="text()" mode="tx:inline" as="xs:string">
    <xsl:sequence select="string(.)"/>
  </xsl:template>

  <!-- Inline and unknown elements (and the raw header): their text. -->
  <xsl:template match="*" mode="tx:inline" as="xs:string*" priority="-1">
    <xsl:apply-templates select="node()" mode="tx:inline"/>
  </xsl:template>

  <!-- A block met inside running text is set apart by spaces. -->
  <xsl:template match="*[@te:kind = ('block', 'unknown-block')]" mode="tx:inline" as="xs:string*">
    <xsl:sequence select="' '"/>
    <xsl:apply-templates select="node()" mode="tx:inline"/>
    <xsl:sequence select="' '"/>
  </xsl:template>

  <xsl:template match="*[@te:kind = 'skip']" mode="tx:inline" as="empty-sequence()"/>

  <!-- A link without words of its own prints the target a reader can use (the common
       layer's @te:printed: a web address, a date). -->
  <xsl:template match="(tei:ref | tei:ptr)[@te:printed]" mode="tx:inline" as="xs:string">
    <xsl:sequence select="string(@te:printed)"/>
  </xsl:template>

  <!-- Editorial interventions: the signs the common layer chose, around the text. The
       source's spaces at the edges of the text go outside the signs: a deletion ending
       in a line break of the source printed "⟦... ⟧". -->
  <xsl:template match="*[@te:open or @te:close]" mode="tx:inline" as="xs:string*">
    <xsl:variable name="parts" as="xs:string*">
      <xsl:apply-templates select="node()" mode="tx:inline"/>
    </xsl:variable>
    <xsl:variable name="inner" select="string-join($parts)"/>
    <xsl:variable name="core" select="replace($inner, '^[ \t\n\r]+|[ \t\n\r]+$', '')"/>
    <xsl:sequence select="if ($core ne '' and matches($inner, '^[ \t\n\r]')) then ' ' else ()"/>
    <xsl:sequence select="string(@te:open)"/>
    <xsl:sequence select="if ($core ne '') then $core else $parts"/>
    <xsl:sequence select="string(@te:close)"/>
    <xsl:sequence select="if ($core ne '' and matches($inner, '[ \t\n\r]$')) then ' ' else ()"/>
  </xsl:template>

  <!-- Notes: a marker (the text goes after the unit), the text in brackets, or nothing.
       A block note is rendered after the block it stands in. -->
  <xsl:template match="*[@te:kind = 'note']" mode="tx:inline" as="xs:string*">
    <xsl:choose>
      <xsl:when test="@te:place = 'block' or $notes = 'none'"/>
      <xsl:when test="$notes = 'inline'">
        <xsl:sequence select="' [Note: '"/>
        <xsl:apply-templates select="node()" mode="tx:inline"/>
        <xsl:sequence select="']'"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:sequence select="$tx:glue || '[' || @te:n || ']'"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A critical apparatus entry: the lemma, then its letter (the readings go after the
       unit, notes.xsl). -->
  <xsl:template match="*[@te:apparatus-entry]" mode="tx:inline" as="xs:string*">
    <xsl:apply-templates select="node()" mode="tx:inline"/>
    <xsl:sequence select="if (@te:apparatus) then $tx:glue || '[' || @te:apparatus || ']'
                          else ' [' || @te:apparatus-entry || ']'"/>
  </xsl:template>

  <!-- Names: on request, the register entry they point to after them. -->
  <xsl:template match="*[@te:entity]" mode="tx:inline" as="xs:string*">
    <xsl:apply-templates select="node()" mode="tx:inline"/>
    <xsl:if test="$entities = 'inline'">
      <xsl:sequence select="' [' || @te:entity-type || ': ' || @te:entity || ']'"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="*[@te:kind = 'break']" mode="tx:inline" as="xs:string?">
    <xsl:variable name="gap" select="if (@te:join) then $tx:join else ' '"/>
    <xsl:sequence select="
      if (self::tei:pb) then (if ($page-breaks) then $gap || '[p. ' || (normalize-space(@n)[.], '?')[1] || ']' || $gap else $gap)
      else if (self::tei:lb and @te:newline) then ' ' || $tx:newline || ' '
      else if (self::tei:lb or self::tei:cb or self::tei:gb) then $gap
      else ()"/>
  </xsl:template>

  <xsl:template match="tei:space" mode="tx:inline" as="xs:string" priority="1">
    <xsl:sequence select="' '"/>
  </xsl:template>

  <!-- The header is copied raw by the common layer: its notes are left out, its line
       breaks are spaces, and a choice shows the reading the policy shows. -->
  <xsl:template match="tei:note[not(@te:kind)]" mode="tx:inline" as="empty-sequence()"/>

  <xsl:template match="tei:lb[not(@te:kind)]" mode="tx:inline" as="xs:string">
    <xsl:sequence select="if (@break = 'no') then $tx:join else ' '"/>
  </xsl:template>

  <xsl:template match="tei:choice[not(@te:kind)]" mode="tx:inline" as="xs:string*">
    <xsl:apply-templates select="te:choice-shown(.)" mode="tx:inline"/>
  </xsl:template>

  <!-- The block notes standing inside some inline content (not inside its notes). -->
  <xsl:function name="tx:block-notes" as="element()*">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:for-each select="$nodes[. instance of element()]">
      <xsl:choose>
        <xsl:when test="@te:place = 'block'">
          <xsl:sequence select="."/>
        </xsl:when>
        <xsl:when test="@te:kind = ('note', 'skip')"/>
        <xsl:otherwise>
          <xsl:sequence select="tx:block-notes(*)"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:function>
</xsl:stylesheet>
