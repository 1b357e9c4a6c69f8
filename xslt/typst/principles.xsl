<?xml version="1.0" encoding="UTF-8"?>
<!--
  "Editorial principles": the project and editorial declarations of the encodingDesc,
  the hands whose long notes the textual notes abridge (in full, once), then the
  signs and notes this edition uses, listed only when the text uses them.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:template name="tt:principles">
    <xsl:variable name="text" select="//tei:text[not(ancestor::tei:teiHeader)]"/>
    <xsl:text>#te.principles(&#10;  sections: (&#10;</xsl:text>
    <!-- the declarations written for readers, as the common layer selects and titles
         them (te:principles-for-readers) -->
    <xsl:for-each select="te:principles-for-readers(tt:header(.))">
      <xsl:text>  (title: {tt:str(?title)}, body: [{tt:mark(?declaration)}&#10;</xsl:text>
      <xsl:for-each select="?paragraphs">
        <xsl:apply-templates select="." mode="tt:block"/>
        <xsl:call-template name="tt:apparatus-after">
          <xsl:with-param name="nodes" select="."/>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:text>  ]),&#10;</xsl:text>
    </xsl:for-each>
    <!-- the hands whose long notes the textual notes name by their first words, in full -->
    <xsl:variable name="hands" select="te:hands-in-full(root(.))"/>
    <xsl:if test="exists($hands)">
      <xsl:text>  (title: {tt:str($te:hands-title)}, body: [&#10;</xsl:text>
      <xsl:for-each select="$hands">
        <xsl:text>#te.p(kind: "p", {{{tt:str(te:hand-text(.))}}})&#10;</xsl:text>
      </xsl:for-each>
      <xsl:text>  ]),&#10;</xsl:text>
    </xsl:if>
    <xsl:text>  ),&#10;  signs: (&#10;</xsl:text>
    <!-- the signs and marks as the common layer explains them (policy.xml) -->
    <xsl:for-each select="te:signs-used($text)">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="string(@sample)"/>
        <xsl:with-param name="meaning" select="string(@explain)"/>
      </xsl:call-template>
    </xsl:for-each>
    <!-- numbered notes before lettered ones, as the site's About page and the plain
         text's key list them -->
    <xsl:if test="$text//@te:n">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="te:mark-legend('notes')[1]"/>
        <xsl:with-param name="meaning" select="te:mark-legend('notes')[2]"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//@te:apparatus">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="te:mark-legend('textual-notes')[1]"/>
        <xsl:with-param name="meaning" select="te:mark-legend('textual-notes')[2]"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//tei:pb[normalize-space(@n)]">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="'|  p. 3'"/>
        <xsl:with-param name="meaning" select="'A page break of the source, with the number of the new page in the margin.'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//@te:entity">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="'Index'"/>
        <!-- (a collection's volume indexes each letter's writers and addressees too,
             where its heading names them: volume.py) -->
        <xsl:with-param name="meaning" select="'The persons, places and organisations named in the text'
          || (if (/*/@te:book = 'collection' and $text//tei:div[@type = 'document']/tei:head//@te:entity)
              then ', and the writers and addressees of the letters' else '')
          || ', with their dates, a short description from the register of the edition and the pages where they are named.'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:text>  ),&#10;)&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="tt:sign">
    <xsl:param name="sign" as="xs:string"/>
    <xsl:param name="meaning" as="xs:string"/>
    <xsl:text>  ({tt:str($sign)}, {tt:str($meaning)}),&#10;</xsl:text>
  </xsl:template>

  <!-- Markup names in the declarations. -->
  <xsl:template match="tei:gi" mode="tt:inline">te.gi({tt:str(normalize-space(.))})&#10;</xsl:template>
  <xsl:template match="tei:att" mode="tt:inline">te.att({tt:str(normalize-space(.))})&#10;</xsl:template>
  <xsl:template match="tei:tag" mode="tt:inline">te.tag({tt:str(normalize-space(.))})&#10;</xsl:template>
  <xsl:template match="tei:val" mode="tt:inline">te.val({tt:str(normalize-space(.))})&#10;</xsl:template>
</xsl:stylesheet>
