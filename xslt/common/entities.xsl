<?xml version="1.0" encoding="UTF-8"?>
<!--
  Entity lookup. Which register entries a name means is decided once, in Python
  (tei_edition.entities.resolve), for every format and command alike: each name
  carries te:refs, the collection-wide keys of its entries, and te:unresolved, the
  pointers that found none. Entries carry te:key: those of the document itself, and
  those handed over in $registers (CollectionRegister.bundle). The functions here only
  look keys up; they never decide again, so "places.xml#n1" cannot become the
  "persons.xml#n1" of another register.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:key name="te:by-id" match="*[@xml:id]" use="string(@xml:id)"/>
  <xsl:key name="te:by-key" match="*[@te:key]" use="string(@te:key)"/>

  <!-- A name that points (or tries to point) into a register. -->
  <xsl:function name="te:is-entity-name" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="namespace-uri($el) = 'http://www.tei-c.org/ns/1.0'
                          and map:contains($te:entity-kinds, local-name($el))
                          and exists($el/(@te:refs | @te:unresolved))"/>
  </xsl:function>

  <!-- The register entries one name points to, in the resolver's order. -->
  <xsl:function name="te:entities" as="element()*">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="home" select="root($name)"/>
    <xsl:for-each select="tokenize($name/@te:refs)">
      <xsl:sequence select="te:lookup(., $home)"/>
    </xsl:for-each>
  </xsl:function>

  <!-- The entry with a resolver's key: in the document itself, else in $registers. -->
  <xsl:function name="te:lookup" as="element()?">
    <xsl:param name="key" as="xs:string"/>
    <xsl:param name="home" as="document-node()"/>
    <xsl:sequence select="(key('te:by-key', $key, $home), $registers ! key('te:by-key', $key, .))[1]"/>
  </xsl:function>

  <!-- person | place | org | event | ... : the kind of a register entry. -->
  <xsl:function name="te:entity-type" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="replace(local-name($entry), 'Grp$', '')"/>
  </xsl:function>

</xsl:stylesheet>
