<?xml version="1.0" encoding="UTF-8"?>
<!--
  The name forms of register entries (names.xsl), made once per entry and process
  rather than once per document: the same entry of a collection's register is named by
  hundreds of its documents, and deciding its forms is among the dearest things a page
  does. Every format's compiled stylesheet has this template (common.xsl includes it),
  so no other stylesheet is compiled for it: tei_edition.publish.run calls it with a
  register bundle as the context item (te:registers, each entry marked with @te:key)
  and writes what it returns on the entries of the documents' $registers, as te:form-*
  attributes, which names.xsl reads instead of deciding again (te:handed-over).
  Only the forms the bundle's @te:forms names ("label sort": those a format's pages
  read, as each declares in its te:forms-read; all six without it) are made.
  Output: per entry at the bundle's top level, its key, then of te:entity-label,
  te:index-form, te:sort-key, te:life-dates, te:entity-description and
  te:index-description those asked for ("label", "index", "sort", "dates",
  "description", "summary"), in that order.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <xsl:template name="te:entry-forms" as="xs:string*">
    <xsl:variable name="asked" select="if (/*/@te:forms) then tokenize(/*/@te:forms)
                                       else ('label', 'index', 'sort', 'dates', 'description', 'summary')"/>
    <xsl:for-each select="/*/*[@te:key]">
      <xsl:sequence select="string(@te:key),
                            (if ($asked = 'label') then te:entity-label(.) else ()),
                            (if ($asked = 'index') then te:index-form(.) else ()),
                            (if ($asked = 'sort') then te:sort-key(.) else ()),
                            (if ($asked = 'dates') then te:life-dates(.) else ()),
                            (if ($asked = 'description') then te:entity-description(.) else ()),
                            (if ($asked = 'summary') then te:index-description(.) else ())"/>
    </xsl:for-each>
  </xsl:template>

  <!-- An entry's literature (its bibls, in a listBibl too), each as the text reads it:
       what the pre-pass makes of it (normalize.xsl: one reading of a choice, "Vergleiche";
       the marks that framed a reference that prints nothing gone with it, "Seite(n) 617;
       <ref/>; ." reading "Seite(n) 617."; no encoder's indentation before a closing mark),
       without its notes; a citation without a letter or a digit is none. -->
  <xsl:function name="te:literature" as="xs:string*">
    <xsl:param name="entry" as="element()"/>
    <xsl:for-each select="$entry/tei:bibl | $entry/tei:listBibl/tei:bibl">
      <xsl:variable name="read" as="element()">
        <xsl:apply-templates select="." mode="te:normalize"/>
      </xsl:variable>
      <xsl:sequence select="normalize-space(string-join((te:own-text($read) | te:line-breaks($read))
                            ! (if (self::text()) then string(.) else ' '), ''))[matches(., '[\p{L}\p{N}]')]"/>
    </xsl:for-each>
  </xsl:function>
</xsl:stylesheet>
