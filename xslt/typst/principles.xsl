<?xml version="1.0" encoding="UTF-8"?>
<!--
  "Editorial principles": the project and editorial declarations of the encodingDesc,
  then the signs and notes this edition uses, listed only when the text uses them.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:variable name="tt:decl-titles" as="map(xs:string, xs:string)" select="map{
    'projectDesc': 'The edition', 'samplingDecl': 'Selection', 'correction': 'Corrections',
    'normalization': 'Normalisation', 'quotation': 'Quotation', 'hyphenation': 'Hyphenation',
    'segmentation': 'Segmentation', 'interpretation': 'Interpretation',
    'punctuation': 'Punctuation', 'stdVals': 'Standard values', 'editorialDecl': 'Editorial practice'}"/>

  <xsl:template name="tt:principles">
    <xsl:variable name="encoding" select="tt:header(.)/tei:encodingDesc"/>
    <xsl:variable name="text" select="//tei:text[not(ancestor::tei:teiHeader)]"/>
    <xsl:variable name="sections" select="$encoding/(tei:projectDesc, tei:samplingDecl,
      tei:editorialDecl/(* except tei:p), tei:editorialDecl[tei:p])"/>
    <xsl:text>#te.principles(&#10;  sections: (&#10;</xsl:text>
    <xsl:for-each select="$sections">
      <xsl:text>  (title: {tt:str(($tt:decl-titles(local-name()), tt:label-of(local-name()))[1])}, body: [{tt:mark(.)}&#10;</xsl:text>
      <xsl:variable name="paragraphs" select="if (self::tei:editorialDecl) then tei:p else *"/>
      <xsl:choose>
        <xsl:when test="$paragraphs">
          <xsl:apply-templates select="$paragraphs" mode="tt:block"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="what" select="string-join(@* ! (tt:words(local-name()) || ': ' || tt:words(.)), '; ')"/>
          <xsl:text>#te.p(kind: "p", {{{tt:str($what)}}})&#10;</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:text>  ]),&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>  ),&#10;  signs: (&#10;</xsl:text>
    <xsl:variable name="reasons" select="distinct-values($text//tei:supplied/@reason ! tt:words(.))"/>
    <xsl:if test="$text//tei:supplied">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="$te:signs('supplied')[1] || ' ' || $te:signs('supplied')[2]"/>
        <xsl:with-param name="meaning" select="'text supplied by the editors or translators'
          || (if (exists($reasons)) then ' (' || string-join($reasons, ', ') || ')' else '')"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//tei:gap">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="string-join($te:signs('gap'), '')"/>
        <xsl:with-param name="meaning" select="'text omitted, lost or not legible; a lettered note says why, where the encoding says'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//tei:unclear">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="'text' || $te:signs('unclear')[2]"/>
        <xsl:with-param name="meaning" select="'uncertain reading'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//tei:del">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="$te:signs('del')[1] || ' ' || $te:signs('del')[2]"/>
        <xsl:with-param name="meaning" select="'text deleted in the source'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//*[tt:makes-apparatus(.)]">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="'a, b, c'"/>
        <xsl:with-param name="meaning" select="'lettered footnotes: the textual notes of this edition. A correction is noted as “correct reading] reading of the source”; gaps and additions by another hand are described'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//tei:note[not(parent::*[tt:is-container(.)]) or parent::tei:p]">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="'1, 2, 3'"/>
        <xsl:with-param name="meaning" select="'numbered footnotes: the notes of the text, its author, translators and editors, numbered anew in each document'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//tei:pb[normalize-space(@n)]">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="'|  p. 3'"/>
        <xsl:with-param name="meaning" select="'a page break of the source, with the number of the new page in the margin'"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:if test="$text//@te:entity">
      <xsl:call-template name="tt:sign">
        <xsl:with-param name="sign" select="'Index'"/>
        <xsl:with-param name="meaning" select="'the persons, places and organisations named in the text, with a short description from the register of the edition and the pages where they are named'"/>
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
