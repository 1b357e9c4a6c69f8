<?xml version="1.0" encoding="UTF-8"?>
<!--
  The search index, written at build time as a script (search-index.js) that assigns
  one global, so that search works from file:// where browsers refuse to fetch local
  files. It holds the text of every citable passage (the shown reading with its
  editorial signs, notes as passages of their own; "other": the other reading of its
  alternatives) with its anchor and where it is, and every register entry.
  Made with xml-to-json, whose output keeps the order given (byte-identical builds).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns:j="http://www.w3.org/2005/xpath-functions"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Written passage by passage, as text (no template type: the text goes to the
       file as it is made): each passage's j:map is made and written with xml-to-json
       on its own, so neither a tree of every passage nor the index as one string is
       ever held. The bytes are those xml-to-json makes of the whole j:map (it puts
       nothing between items but a comma). -->
  <xsl:template name="h:search-index">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="catalog" as="element(h:register)*"/>
    <xsl:variable name="blocks" select="$norm//tei:text[not(ancestor::tei:text)]//*[@te:anchor]
      [empty(ancestor-or-self::*[@te:kind = 'skip'])]"/>
    <xsl:value-of select="'/* Search index of the edition, written by tei-edition. */&#10;'
                          || 'window.teSearchIndex = {&quot;passages&quot;:['"/>
    <!-- each division's name (h:where) made once, not once per passage -->
    <xsl:iterate select="$blocks">
      <xsl:param name="named" as="map(xs:string, xs:string)" select="map{}"/>
      <xsl:param name="first" as="xs:boolean" select="true()"/>
      <xsl:variable name="division" select="h:where-division(.)"/>
      <xsl:variable name="key" select="string($division ! generate-id(.))"/>
      <xsl:variable name="where" select="if (empty($division)) then 'Text'
        else if (map:contains($named, $key)) then $named($key) else h:where-in($division)"/>
      <xsl:variable name="parts" as="xs:string*">
        <xsl:apply-templates mode="h:index-text"/>
      </xsl:variable>
      <xsl:variable name="text" select="normalize-space(string-join($parts, ''))"/>
      <xsl:if test="$text">
        <!-- (most passages have no alternatives: their nodes are not visited again) -->
        <xsl:variable name="other" as="xs:string*">
          <xsl:if test=".//@te:alt">
            <xsl:apply-templates mode="h:index-other"/>
          </xsl:if>
        </xsl:variable>
        <!-- (as xml-to-json writes a j:map of these j:strings, made as text: no tree
             per passage) -->
        <xsl:value-of select="','[not($first)] || '{&quot;id&quot;:' || h:json-text(string(h:anchor-id(.)))
          || ',&quot;where&quot;:' || h:json-text($where || string(self::tei:note[@te:place = 'foot'] ! (', note ' || @te:n)))
          || ',&quot;text&quot;:' || h:json-text($text)
          || string(exists($other)[.] ! (',&quot;other&quot;:' || h:json-text(string-join(distinct-values($other), ' · '))))
          || '}'"/>
      </xsl:if>
      <xsl:next-iteration>
        <xsl:with-param name="named" select="if (empty($division)) then $named
                                             else map:put($named, $key, $where)"/>
        <xsl:with-param name="first" select="$first and not($text)"/>
      </xsl:next-iteration>
    </xsl:iterate>
    <xsl:variable name="entries" as="element(j:array)">
      <j:array>
        <xsl:for-each select="$catalog/h:entry">
          <j:map>
            <j:string key="label">{@label}</j:string>
            <j:string key="register">{../@title}</j:string>
            <j:string key="href">{../@page}{h:fragment(@id)}</j:string>
            <j:number key="mentions">{@count}</j:number>
          </j:map>
        </xsl:for-each>
      </j:array>
    </xsl:variable>
    <xsl:value-of select="'],&quot;entries&quot;:' || xml-to-json($entries) || '};&#10;'"/>
  </xsl:template>

  <!-- A passage's text as a reader sees it: the editorial signs ([supplied], […]) in,
       a space where a block or a line ends, notes and parts with their own passage
       (a nested citable block) left out. -->
  <xsl:mode name="h:index-text" on-no-match="shallow-skip"/>

  <xsl:template match="text()" mode="h:index-text" as="xs:string">
    <xsl:sequence select="string(.)"/>
  </xsl:template>

  <xsl:template match="*" mode="h:index-text h:marked-text" as="xs:string*">
    <xsl:variable name="block" select="@te:kind = ('block', 'unknown-block')"/>
    <xsl:sequence select="' '[$block], string(@te:open)[.]"/>
    <xsl:apply-templates mode="#current"/>
    <xsl:sequence select="string(@te:close)[.], ' '[$block]"/>
  </xsl:template>

  <xsl:template match="tei:lb | tei:pb | tei:cb" mode="h:index-text h:marked-text" as="xs:string?">
    <xsl:sequence select="if (@te:join = 'true') then () else ' '"/>
  </xsl:template>

  <xsl:template match="tei:note | *[@te:kind = 'skip'] | *[@te:anchor]" mode="h:index-text h:marked-text"
                priority="1"/>

  <!-- The same text marked (h:marked-text, for passages.xsl: the collection site's
       passages say where each name and each nested passage is): it holds $h:marks, the
       first where a name that names register entries begins, followed by its keys (an
       xs:token: no text is one), the second where the name ends, the third where a
       nested passage stands. The text's own such characters (Unicode's noncharacters
       U+FDD0-U+FDD2, for a program's internal use) read as U+FFFD there. -->
  <xsl:mode name="h:marked-text" on-no-match="shallow-skip"/>

  <xsl:variable name="h:marks" as="xs:string" select="'&#xFDD0;&#xFDD1;&#xFDD2;'"/>

  <xsl:template match="text()" mode="h:marked-text" as="xs:string">
    <xsl:sequence select="translate(., $h:marks, '&#xFFFD;&#xFFFD;&#xFFFD;')"/>
  </xsl:template>

  <xsl:template match="*[@te:refs]" mode="h:marked-text" as="xs:string*">
    <xsl:sequence select="'&#xFDD0;', xs:token(normalize-space(@te:refs))"/>
    <xsl:next-match/>
    <xsl:sequence select="'&#xFDD1;'"/>
  </xsl:template>

  <xsl:template match="*[@te:anchor][not(@te:kind = 'skip')]" mode="h:marked-text" as="xs:string"
                priority="2">
    <xsl:sequence select="'&#xFDD2;'"/>
  </xsl:template>

  <!-- The other reading of the passage's alternatives (the source's own spellings in
       the normalised reading, the corrections in the diplomatic one), so that both
       can be found. -->
  <xsl:mode name="h:index-other" on-no-match="shallow-skip"/>

  <xsl:template match="text()" mode="h:index-other"/>

  <xsl:template match="*[@te:alt]" mode="h:index-other" as="xs:string*">
    <xsl:sequence select="normalize-space(@te:alt)[.]"/>
    <xsl:apply-templates mode="h:index-other"/>
  </xsl:template>

  <xsl:template match="tei:note | *[@te:kind = 'skip'] | *[@te:anchor]" mode="h:index-other" priority="1"/>

  <!-- The data of the name cards (entities.js), written once per register entry: a
       name in the text carries only its entry's id (data-entity, or its link names it),
       so however often a description is named, it is in the site once. A card is a
       glance: it says what the printed index says (names.xsl), the entry's life dates
       and the short form of its description (te:life-dates, te:index-description); the
       register page has all of it. The entries are grouped by their type, each an array,
       [label, dates, description], the empty ones at its end left out:
       {"person": {"p1": ["Anna Muster", "1801–1870", "Zürcher Politikerin"]}, "place": …}
       (edition.js reads it so). -->
  <xsl:function name="h:entity-cards" as="xs:string">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="catalog" as="element(h:register)*"/>
    <xsl:sequence select="'/* The register entries the name cards show, written by tei-edition. */&#10;'
                          || 'window.teEntities = ' || h:entity-json($norm, $catalog) || ';&#10;'"/>
  </xsl:function>

  <!-- The same data as JSON that may stand in a page's data block (a collection's
       documents load each card from the site instead: site/names.xsl, s:card): "<", ">"
       and "&" are escaped in JSON, so that a page's markup never escapes them (HTML reads
       a script's text as it is); "/" is not (no "</" is left once "<" is escaped). Written as a string, card by
       card: a page names a hundred entries and more, and a tree of j:map and j:string
       elements for xml-to-json cost more than the cards' forms themselves. -->
  <xsl:function name="h:entity-json" as="xs:string">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="catalog" as="element(h:register)*"/>
    <!-- each card: its type, the entry's id, its fields without the empty ones at the end -->
    <xsl:variable name="cards" as="array(xs:string*)*">
      <xsl:for-each-group select="$catalog/h:entry" group-by="string(@id)">
        <xsl:variable name="entry" select="h:entry-element(@id, $norm)"/>
        <xsl:sequence select="[string($entry ! te:entity-type(.)), string(@id),
                               te:card-fields($entry, string(@label))]"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:variable name="types" as="xs:string*">
      <xsl:for-each-group select="$cards" group-by="?1">
        <xsl:sequence select="h:json-string(current-grouping-key()) || ':{'
          || string-join(current-group() ! (h:json-string(?2) || ':['
                                            || string-join(?3 ! h:json-string(.), ',') || ']'), ',')
          || '}'"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:sequence select="'{' || string-join($types, ',') || '}'"/>
  </xsl:function>

  <!-- A JSON string as xml-to-json writes one ("\\", "\"", "\t", "\n", "\r", U+007F to
       U+009F as "\u007F" ...), but for "/", which stays, and "&", "<", ">", U+2028 and
       U+2029, escaped as "\u0026", "\u003c", "\u003e", "\u2028", "\u2029" (a page's
       serialiser would write them as references, which a script element's text keeps
       as they are); most strings have none of these and are quoted as they are. -->
  <xsl:function name="h:json-string" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="'&quot;'
      || (if (string-length(translate($s, $h:json-special, '')) eq string-length($s)) then $s
          else string-join(string-to-codepoints($s) ! h:json-char(.)))
      || '&quot;'"/>
  </xsl:function>

  <!-- A JSON string as xml-to-json writes one: "\\", "\&quot;" and "\/" escaped, and the
       characters JSON or XML cannot hold as they are ("\t", "\n", "\r", U+007F to U+009F
       as "\u007F" ...); most strings have none of these and are quoted as they are. -->
  <xsl:function name="h:json-text" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="'&quot;'
      || (if (string-length(translate($s, $h:json-text-special, '')) eq string-length($s)) then $s
          else if (string-length(translate($s, $h:json-text-rare, '')) eq string-length($s))
          then replace(replace(replace($s, '\\', '\\\\'), '&quot;', '\\&quot;'), '/', '\\/')
          else string-join(string-to-codepoints($s) ! h:json-text-char(.)))
      || '&quot;'"/>
  </xsl:function>

  <xsl:variable name="h:json-text-rare" as="xs:string"
                select="'&#9;&#10;&#13;' || codepoints-to-string(127 to 159)"/>
  <xsl:variable name="h:json-text-special" as="xs:string" select="'\&quot;/' || $h:json-text-rare"/>

  <xsl:function name="h:json-text-char" as="xs:string">
    <xsl:param name="code" as="xs:integer"/>
    <xsl:sequence select="
      if ($code = (34, 47, 92)) then '\' || codepoints-to-string($code)
      else if ($code eq 9) then '\t' else if ($code eq 10) then '\n' else if ($code eq 13) then '\r'
      else if ($code ge 127 and $code le 159) then '\u' || upper-case(substring(h:json-escape($code), 3))
      else codepoints-to-string($code)"/>
  </xsl:function>

  <xsl:variable name="h:json-special" as="xs:string"
                select="'\&quot;&#9;&#10;&#13;&amp;&lt;&gt;' || codepoints-to-string((127 to 159, 8232, 8233))"/>

  <xsl:function name="h:json-char" as="xs:string">
    <xsl:param name="code" as="xs:integer"/>
    <xsl:sequence select="
      if ($code eq 92) then '\\' else if ($code eq 34) then '\&quot;'
      else if ($code eq 9) then '\t' else if ($code eq 10) then '\n' else if ($code eq 13) then '\r'
      else if ($code = (38, 60, 62, 8232, 8233)) then h:json-escape($code)
      else if ($code ge 127 and $code le 159) then '\u' || upper-case(substring(h:json-escape($code), 3))
      else codepoints-to-string($code)"/>
  </xsl:function>

  <xsl:function name="h:json-escape" as="xs:string">
    <xsl:param name="code" as="xs:integer"/>
    <xsl:sequence select="'\u' || string-join(for $d in (4096, 256, 16, 1)
                          return substring('0123456789abcdef', $code idiv $d mod 16 + 1, 1))"/>
  </xsl:function>
</xsl:stylesheet>
