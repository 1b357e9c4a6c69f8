<?xml version="1.0" encoding="UTF-8"?>
<!--
  Every stylesheet parameter shared by all formats, declared once, each documented.
  Format-specific parameters live in that format's own params file.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- "normalised" shows corr/reg/expan; "diplomatic" shows sic/orig/abbr. -->
  <xsl:param name="reading" as="xs:string" select="'normalised'"/>

  <!-- Separate register documents that @ref values like "persons.xml#id" point into;
       handed over by Python (Saxon itself opens no file), usually as one document
       that holds the register entries, each with @te:key (CollectionRegister.bundle). -->
  <xsl:param name="registers" as="document-node()*" select="()"/>
</xsl:stylesheet>
