<?xml version="1.0" encoding="UTF-8"?>
<!--
  The static HTML edition: the entry stylesheet. It normalises the TEI once with the
  common policy (te:normalized) and makes every file of the site (XHTML5 pages, the
  search index and the name cards' data as scripts). With $output-folder set (an
  export), it writes them there itself (xsl:result-document, each page streamed to the
  serialiser) and returns their paths:

    'index.html', 'persons.html', …, 'search-index.js', 'entities.js'

  then, with $passages, the document's passages for a collection site (passages.xsl).

  Without it (a collection's page, tests), it returns every file as strings, a path
  then its text, already serialised: 'index.html', '&lt;!DOCTYPE html>…', …
  Python takes the strings as they are (transform.run_strings: no XML envelope to
  re-parse, so no parser limit applies to a page however large), or checks the paths,
  and copies the static assets (assets/edition.css, .js).
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
  <xsl:include href="passages.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>

  <!-- No page reads an element's source line: the normalised tree keeps it only where
       the common layer's coverage messages need it (normalize.xsl), and only those
       elements carry it here (te:lines-unread). -->
  <xsl:variable name="te:lines-everywhere" as="xs:boolean" select="false()"/>

  <!-- Nor a name's label (the register catalogue makes each entry's once, and a
       collection's page none: its name cards are the site's scripts). -->
  <xsl:variable name="te:names-labelled" as="xs:boolean" select="false()"/>

  <!-- Set (a folder's file: URI, ending in "/"), the site's files are written into that
       folder as they are made (xsl:result-document: a page goes from its templates
       straight to the serialiser, never held as a tree or as a string, and no file's
       text crosses to Python) and the result is their paths alone. Python names the
       folder (a private one: publish.formats.html), never the document. -->
  <xsl:param name="output-folder" as="xs:string" select="''"/>

  <xsl:template match="/" as="xs:string+">
    <xsl:call-template name="h:check-params"/>
    <xsl:variable name="norm" as="document-node()" select="te:normalized(/)"/>
    <!-- (a collection's page links names to the pages the collection hands over, and
         prints no register, search index or card data: no catalogue to make) -->
    <xsl:variable name="catalog" as="element(h:register)*"
                  select="if (exists($collection-page)) then () else h:registers($norm)"/>
    <xsl:variable name="mentions" as="map(xs:string, map(xs:string, xs:string))" select="h:mention-table($norm, empty($collection-page))"/>
    <xsl:call-template name="h:file">
      <xsl:with-param name="path" select="'index.html'"/>
      <xsl:with-param name="norm" select="$norm"/>
      <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
      <xsl:with-param name="mentions" select="$mentions" tunnel="yes"/>
    </xsl:call-template>
    <xsl:for-each select="$catalog[empty($collection-page)]">
      <xsl:call-template name="h:file">
        <xsl:with-param name="path" select="string(@page)"/>
        <xsl:with-param name="norm" select="$norm"/>
        <xsl:with-param name="register" select="."/>
        <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
        <xsl:with-param name="mentions" select="$mentions" tunnel="yes"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:if test="empty($collection-page)">
      <xsl:call-template name="h:file">
        <xsl:with-param name="path" select="'about.html'"/>
        <xsl:with-param name="norm" select="$norm"/>
        <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
        <xsl:with-param name="mentions" select="$mentions" tunnel="yes"/>
      </xsl:call-template>
      <xsl:call-template name="h:file">
        <xsl:with-param name="path" select="'search-index.js'"/>
        <xsl:with-param name="norm" select="$norm"/>
        <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
      </xsl:call-template>
      <!-- a collection's document has its cards' data in its page (shell.xsl) -->
      <xsl:call-template name="h:file">
        <xsl:with-param name="path" select="'entities.js'"/>
        <xsl:with-param name="norm" select="$norm"/>
        <xsl:with-param name="catalog" select="$catalog" tunnel="yes"/>
      </xsl:call-template>
    </xsl:if>
    <!-- a collection site's passages of the document (passages.xsl), after its files -->
    <xsl:if test="$passages">
      <xsl:call-template name="h:passages">
        <xsl:with-param name="norm" select="$norm"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- One file of the site: its path, then (no output folder) its text; a page is
       serialised as XHTML5 (well-formed XML and valid HTML), a script as text. -->
  <xsl:template name="h:file" as="xs:string+">
    <xsl:param name="path" as="xs:string"/>
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="register" as="element(h:register)?" select="()"/>
    <xsl:param name="catalog" as="element(h:register)*" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="$output-folder">
        <xsl:if test="not(matches($path, '^[a-z][a-z0-9-]*\.(html|js)$'))">
          <xsl:sequence select="error(xs:QName('h:file'), 'unexpected file name ' || $path)"/>
        </xsl:if>
        <xsl:choose>
          <xsl:when test="ends-with($path, '.js')">
            <xsl:result-document href="{$output-folder}{$path}" method="text" encoding="UTF-8">
              <xsl:call-template name="h:script">
                <xsl:with-param name="path" select="$path"/>
                <xsl:with-param name="norm" select="$norm"/>
                <xsl:with-param name="catalog" select="$catalog"/>
              </xsl:call-template>
            </xsl:result-document>
          </xsl:when>
          <xsl:otherwise>
            <xsl:result-document href="{$output-folder}{$path}" method="xhtml" html-version="5.0"
                                 include-content-type="no" omit-xml-declaration="yes" indent="no"
                                 encoding="UTF-8">
              <xsl:call-template name="h:page-of">
                <xsl:with-param name="path" select="$path"/>
                <xsl:with-param name="norm" select="$norm"/>
                <xsl:with-param name="register" select="$register"/>
              </xsl:call-template>
              <xsl:text>&#10;</xsl:text>
            </xsl:result-document>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:sequence select="$path"/>
      </xsl:when>
      <xsl:when test="ends-with($path, '.js')">
        <xsl:variable name="text" as="text()*">
          <xsl:call-template name="h:script">
            <xsl:with-param name="path" select="$path"/>
            <xsl:with-param name="norm" select="$norm"/>
            <xsl:with-param name="catalog" select="$catalog"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:sequence select="$path, string-join($text)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="page" as="element()">
          <xsl:call-template name="h:page-of">
            <xsl:with-param name="path" select="$path"/>
            <xsl:with-param name="norm" select="$norm"/>
            <xsl:with-param name="register" select="$register"/>
          </xsl:call-template>
        </xsl:variable>
        <xsl:sequence select="$path, serialize($page, map{
          'method': 'xhtml', 'html-version': 5.0, 'include-content-type': false(),
          'omit-xml-declaration': true(), 'indent': false(), 'encoding': 'UTF-8'}) || '&#10;'"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The page a path names: the text, a register's, the about page. -->
  <xsl:template name="h:page-of" as="element()">
    <xsl:param name="path" as="xs:string"/>
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="register" as="element(h:register)?"/>
    <xsl:choose>
      <xsl:when test="exists($register)">
        <xsl:call-template name="h:register-page">
          <xsl:with-param name="norm" select="$norm"/>
          <xsl:with-param name="register" select="$register"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="$path = 'about.html'">
        <xsl:call-template name="h:about-page">
          <xsl:with-param name="norm" select="$norm"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="h:index-page">
          <xsl:with-param name="norm" select="$norm"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A script's text: the search index (written as it is made), or the name cards'
       data. -->
  <xsl:template name="h:script">
    <xsl:param name="path" as="xs:string"/>
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="catalog" as="element(h:register)*"/>
    <xsl:choose>
      <xsl:when test="$path = 'search-index.js'">
        <xsl:call-template name="h:search-index">
          <xsl:with-param name="norm" select="$norm"/>
          <xsl:with-param name="catalog" select="$catalog"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="h:entity-cards($norm, $catalog)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
