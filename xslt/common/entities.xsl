<?xml version="1.0" encoding="UTF-8"?>
<!--
  Entity lookup through @ref: "#id" in the document itself, "file.xml#id" in one of
  the register documents handed over as $registers. An @ref may hold several URIs.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:key name="te:by-id" match="*[@xml:id]" use="string(@xml:id)"/>

  <xsl:function name="te:is-entity-name" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="namespace-uri($el) = 'http://www.tei-c.org/ns/1.0'
                          and map:contains($te:entity-kinds, local-name($el))
                          and exists($el/@ref)"/>
  </xsl:function>

  <!-- The register entries one name points to (in @ref order; unresolved ones omitted). -->
  <xsl:function name="te:entities" as="element()*">
    <xsl:param name="name" as="element()"/>
    <xsl:for-each select="tokenize(normalize-space($name/@ref), ' ')">
      <xsl:sequence select="te:lookup(., root($name))"/>
    </xsl:for-each>
  </xsl:function>

  <xsl:function name="te:lookup" as="element()?">
    <xsl:param name="uri" as="xs:string"/>
    <xsl:param name="home" as="document-node()"/>
    <xsl:variable name="id" select="substring-after($uri, '#')"/>
    <xsl:sequence select="
      if (not($id)) then ()
      else if (starts-with($uri, '#')) then key('te:by-id', $id, $home)[1]
      else ($registers ! key('te:by-id', $id, .))[1]"/>
  </xsl:function>

  <!-- person | place | org | event | ... : the kind of a register entry. -->
  <xsl:function name="te:entity-type" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="replace(local-name($entry), 'Grp$', '')"/>
  </xsl:function>

</xsl:stylesheet>
