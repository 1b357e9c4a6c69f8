<?xml version="1.0" encoding="UTF-8"?>
<!--
  The parameters of the plain-text format, each documented (the shared ones, reading
  and registers, are in ../common/params.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tx="urn:x-tei-edition:text"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Fill lines up to this many characters; 0 leaves every paragraph on one line. -->
  <xsl:param name="width" as="xs:integer" select="72"/>

  <!-- "end": markers [1] in the text, the note texts after each unit (document, essay);
       "inline": the note text in brackets where the note stands; "none": dropped.
       (The textual notes, [a], are listed after each unit whatever this says: they
       are the edition's apparatus, notes.xsl.) -->
  <xsl:param name="notes" as="xs:string" select="'end'"/>

  <!-- Show page breaks as [p. 2]. -->
  <xsl:param name="page-breaks" as="xs:boolean" select="false()"/>

  <!-- "inline": a resolved name is followed by [person: id]; "none": names as written. -->
  <xsl:param name="entities" as="xs:string" select="'none'"/>

  <!-- The name forms of register entries this format's pages read when a collection
       hands them over (../common/names.xsl, te:handed-over): tei_edition.publish.run
       asks for them and makes only these. The plain text prints none of them but the
       label the common layer writes on every name (normalize.xsl, te:label). -->
  <xsl:template name="te:forms-read" as="xs:string*">
    <xsl:sequence select="'label'"/>
  </xsl:template>

  <!-- What else it reads of the entries handed over (tei_edition.publish.run,
       entries_read): of each only what kind it is (te:entity-type), its te:key
       (te:lookup) and the label above, in every run of a collection, so each is handed
       as an empty element with its label. -->
  <xsl:template name="te:entries-read" as="xs:string">
    <xsl:sequence select="'forms'"/>
  </xsl:template>

  <!-- The plain text reads no element's source line: the normalised tree keeps it only
       where the common layer's coverage messages need it (../common/normalize.xsl), and
       only those elements are handed over with it (te:lines-unread). -->
  <xsl:variable name="te:lines-everywhere" as="xs:boolean" select="false()"/>

  <!-- The error codes and messages are the policy's (../common/policy.xml, te:fail). -->
  <xsl:template name="tx:check-params">
    <xsl:call-template name="te:check-params"/>
    <xsl:if test="not($notes = ('end', 'inline', 'none'))">
      <xsl:sequence select="te:fail('TE0101', $notes)"/>
    </xsl:if>
    <xsl:if test="not($entities = ('none', 'inline'))">
      <xsl:sequence select="te:fail('TE0102', $entities)"/>
    </xsl:if>
    <xsl:if test="$width lt 0">
      <xsl:sequence select="te:fail('TE0103', string($width))"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
