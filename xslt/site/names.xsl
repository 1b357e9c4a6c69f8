<?xml version="1.0" encoding="UTF-8"?>
<!--
  The name forms of a collection's register entries, decided by the common layer
  (xslt/common/names.xsl) as the dossier's registers and index decide them, for the
  collection site's registers (tei_edition.publish.site). Input: a register bundle
  (te:registers, each entry marked with @te:key). Output: a sequence of strings, four
  per entry: its key, its index form ("Surname, Forename"; "Kim Il Sung" as written),
  its sort key and its description as the text reads it (one reading of a choice).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  exclude-result-prefixes="#all">
  <xsl:import href="../common/common.xsl"/>

  <xsl:template match="/" as="xs:string*">
    <xsl:for-each select="/*/*[@te:key]">
      <xsl:sequence select="string(@te:key), te:index-form(.), te:sort-key(.), te:entity-description(.)"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
