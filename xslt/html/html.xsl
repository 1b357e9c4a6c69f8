<?xml version="1.0" encoding="UTF-8"?>
<!--
  The static HTML edition: the entry stylesheet. It normalises the TEI once with the
  common policy (te:normalized) and returns every file of the site as a sequence of
  strings, a path then its text, already serialised (XHTML5 pages, the search index
  script):

    'index.html', '&lt;!DOCTYPE html>…', 'persons.html', '…', …, 'search-index.js', '…',
    'entities.js', '…'

  Python takes the strings as they are (transform.run_strings: no XML envelope to
  re-parse, so no parser limit applies to a page however large) and writes the files and copies the static assets (assets/edition.css, .js).
  Modules: functions.xsl (naming, URLs, plain text), shell.xsl (the page around the
  content), front.xsl (title block, contents), text.xsl (the reading text), notes.xsl,
  registers.xsl, about.xsl (conventions and header), search.xsl (the index and the
  name cards' data, each written once).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:import href="../common/common.xsl"/>
  <xsl:include href="params.xsl"/>
  <xsl:include href="functions.xsl"/>
  <xsl:include href="shell.xsl"/>
  <xsl:include href="front.xsl"/>
  <xsl:include href="text.xsl"/>
  <xsl:include href="notes.xsl"/>
  <xsl:include href="registers.xsl"/>
  <xsl:include href="about.xsl"/>
  <xsl:include href="signs.xsl"/>
  <xsl:include href="search.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <xsl:template match="/" as="xs:string+">
    <xsl:call-template name="h:check-params"/>
    <xsl:variable name="norm" as="document-node()" select="te:normalized(/)"/>
    <xsl:variable name="catalog" as="element(h:register)*" select="h:registers($norm)"/>
    <xsl:variable name="mentions" as="map(xs:string, map(xs:string, xs:string))" select="h:mention-table($norm, empty($collection-page))"/>
    <xsl:call-template name="h:file">
      <xsl:with-param name="path" select="'index.html'"/>
      <xsl:with-param name="page" as="element()">
        <xsl:call-template name="h:index-page">
          <xsl:with-param name="norm" select="$norm"/>
          <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
          <xsl:with-param name="mentions" select="$mentions" tunnel="yes"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:for-each select="$catalog[empty($collection-page)]">
      <xsl:call-template name="h:file">
        <xsl:with-param name="path" select="string(@page)"/>
        <xsl:with-param name="page" as="element()">
          <xsl:call-template name="h:register-page">
            <xsl:with-param name="norm" select="$norm"/>
            <xsl:with-param name="register" select="."/>
            <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
          <xsl:with-param name="mentions" select="$mentions" tunnel="yes"/>
          </xsl:call-template>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:if test="empty($collection-page)">
    <xsl:call-template name="h:file">
      <xsl:with-param name="path" select="'about.html'"/>
      <xsl:with-param name="page" as="element()">
        <xsl:call-template name="h:about-page">
          <xsl:with-param name="norm" select="$norm"/>
          <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
          <xsl:with-param name="mentions" select="$mentions" tunnel="yes"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:sequence select="'search-index.js', h:search-index($norm, $catalog)"/>
    </xsl:if>
    <!-- a collection's document has its cards' data in its page (shell.xsl) -->
    <xsl:if test="empty($collection-page)">
      <xsl:sequence select="'entities.js', h:entity-cards($norm, $catalog)"/>
    </xsl:if>
  </xsl:template>

  <!-- One page of the site: its path, then the page serialised as XHTML5 (well-formed
       XML and valid HTML). -->
  <xsl:template name="h:file" as="xs:string+">
    <xsl:param name="path" as="xs:string"/>
    <xsl:param name="page" as="element()"/>
    <xsl:sequence select="$path, serialize($page, map{
      'method': 'xhtml', 'html-version': 5.0, 'include-content-type': false(),
      'omit-xml-declaration': true(), 'indent': false(), 'encoding': 'UTF-8'}) || '&#10;'"/>
  </xsl:template>
</xsl:stylesheet>
