<?xml version="1.0" encoding="UTF-8"?>
<!--
  The name forms of a collection's register entries, decided by the common layer
  (xslt/common/names.xsl) as the dossier's registers and index decide them, for the
  collection site's registers (tei_edition.publish.site). Input: a register bundle
  (te:registers, each entry marked with @te:key). Output: a sequence of strings, six
  per entry: its key, its index form ("Surname, Forename"; "Kim Il Sung" as written),
  its sort key, its description as the text reads it (one reading of a choice), its
  paragraphs apart (a line end between two), its literature (each bibl as the text
  reads it, te:literature, a line end between two; empty when it has none), and its name
  card as JSON (type, label, life dates, short description, the empty ones at the end left
  out: what a document's name card shows, as h:entity-json gives it, written once per
  entry for the documents' pages to load when a reader points at a name). A portrait
  (figure) is left out: its graphic is a file of the register's edition, not of the site.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:s="urn:x-tei-edition:site"
  exclude-result-prefixes="#all">
  <xsl:import href="../common/common.xsl"/>

  <!-- ["person", "Anna Muster", "1801–1870", "Zürcher Politikerin"]: the entry's type and
       its card's fields (te:card-fields), as a document's cards give them (h:entity-json) -->
  <xsl:function name="s:card" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="serialize(array{te:entity-type($entry),
                                          te:card-fields($entry, te:entity-label($entry))},
                                    map{'method': 'json'})"/>
  </xsl:function>

  <xsl:template match="/" as="xs:string*">
    <xsl:for-each select="/*/*[@te:key]">
      <xsl:variable name="described" select="((tei:note, tei:desc, tei:occupation, tei:roleName)
                                              [te:description-text(.)])[1]"/>
      <xsl:variable name="paragraphs" select="($described/tei:p ! te:description-text(.))[.]"/>
      <xsl:sequence select="string(@te:key), te:index-form(.), te:sort-key(.),
        if (count($paragraphs) > 1) then string-join($paragraphs, '&#10;') else te:entity-description(.),
        string-join(te:literature(.), '&#10;'),
        s:card(.)"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
