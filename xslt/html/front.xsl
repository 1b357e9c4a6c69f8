<?xml version="1.0" encoding="UTF-8"?>
<!--
  The edition page (index.html): the title block made from the header (title, author,
  translators and other responsibilities, series, sources, publication), the table of
  contents, then the text itself (text.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:template name="h:index-page" as="element()">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:call-template name="h:page">
      <xsl:with-param name="norm" select="$norm"/>
      <xsl:with-param name="page" select="'index'"/>
      <xsl:with-param name="title" select="h:site-title($norm)"/>
      <xsl:with-param name="tools" select="true()"/>
      <xsl:with-param name="content" as="element()*">
        <xsl:call-template name="h:title-block">
          <xsl:with-param name="header" select="($norm/*/tei:teiHeader)[1]"/>
        </xsl:call-template>
        <xsl:call-template name="h:contents">
          <xsl:with-param name="norm" select="$norm"/>
        </xsl:call-template>
        <div class="edition-text reading-{$reading}" id="te-text">
          <xsl:apply-templates select="$norm/*" mode="h:text"/>
        </div>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- Title, subtitle, authors, responsibilities, series, source, publication. -->
  <xsl:template name="h:title-block" as="element()">
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="stmt" select="$header/tei:fileDesc/tei:titleStmt"/>
    <xsl:variable name="main" select="h:site-title(root($header))"/>
    <header class="title-block">
      <xsl:variable name="series" select="$header/tei:fileDesc/tei:seriesStmt"/>
      <xsl:if test="$series">
        <p class="series">{string-join($series ! string-join((h:plain-list(tei:title, ', '),
          tei:biblScope ! h:scope(.), tei:idno ! h:plain(.))[.], ' '), '; ')}</p>
      </xsl:if>
      <h1>{$main}</h1>
      <xsl:for-each select="$stmt/tei:title[@type = 'sub']">
        <p class="subtitle">{h:plain(.)}</p>
      </xsl:for-each>
      <xsl:if test="$stmt/tei:author">
        <p class="byline">by {h:plain-list($stmt/tei:author, ' and ')}</p>
      </xsl:if>
      <dl class="meta">
        <xsl:if test="h:plain-list($stmt/tei:editor, ', ')">
          <dt>Edited by</dt>
          <dd>{h:plain-list($stmt/tei:editor, ', ')}</dd>
        </xsl:if>
        <xsl:for-each-group select="$stmt/tei:respStmt[h:plain-list(* except tei:resp, '')]" group-by="h:plain(tei:resp)">
          <xsl:variable name="resp" select="replace(current-grouping-key(), '\s*(by|:)$', '')"/>
          <dt>{upper-case(substring($resp, 1, 1)) || substring($resp, 2)}</dt>
          <dd>{h:plain-list(current-group()/(* except tei:resp), ', ')}</dd>
        </xsl:for-each-group>
        <xsl:variable name="sources" select="$header/tei:fileDesc/tei:sourceDesc"/>
        <xsl:if test="$sources/*">
          <dt>Source{if (count($sources/(tei:msDesc, tei:bibl, tei:biblStruct, tei:listBibl/*)) gt 1) then 's' else ''}</dt>
          <xsl:for-each select="$sources/(tei:msDesc, tei:bibl, tei:biblStruct, tei:listBibl/*, tei:p, tei:biblFull, tei:recordingStmt)">
            <dd>{if (self::tei:msDesc) then h:plain-list(tei:msIdentifier/*, ', ')
                 else if (* and not(text()[normalize-space()])) then h:plain-list(* except tei:note, ', ')
                 else h:plain(.)}</dd>
          </xsl:for-each>
        </xsl:if>
        <xsl:variable name="pub" select="$header/tei:fileDesc/tei:publicationStmt"/>
        <xsl:if test="$pub/(tei:publisher, tei:distributor, tei:authority, tei:pubPlace, tei:date)">
          <dt>Published</dt>
          <dd>{h:plain-list($pub/(tei:publisher, tei:distributor, tei:authority, tei:pubPlace, tei:date), ', ')}</dd>
        </xsl:if>
      </dl>
      <xsl:if test="empty($collection-page)">
        <p class="about-link"><a href="about.html">About this edition</a>: editorial conventions, signs, and the full header.</p>
      </xsl:if>
    </header>
  </xsl:template>

  <!-- "no. 8", "vol. 3": a place in a series. -->
  <xsl:function name="h:scope" as="xs:string">
    <xsl:param name="scope" as="element()"/>
    <xsl:variable name="prefix" select="map{'volume': 'vol. ', 'issue': 'no. ', 'number': 'no. ', 'page': 'p. '}"/>
    <xsl:variable name="text" select="h:plain($scope)"/>
    <xsl:sequence select="if (matches($text, '^\d')) then ($prefix(string($scope/@unit)), '')[1] || $text else $text"/>
  </xsl:function>

  <xsl:function name="h:plain-list" as="xs:string">
    <xsl:param name="items" as="element()*"/>
    <xsl:param name="separator" as="xs:string"/>
    <xsl:sequence select="string-join($items ! h:plain(.)[.], $separator)"/>
  </xsl:function>

  <!-- Contents: the front, body and back divisions two levels deep. -->
  <xsl:template name="h:contents" as="element()?">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="top" select="$norm//tei:text[not(ancestor::tei:text)]
      /(tei:front, tei:body, tei:back, tei:group)/(tei:div, tei:div1)"/>
    <xsl:if test="$top">
      <nav class="contents" aria-labelledby="te-contents-title">
        <h2 id="te-contents-title">Contents</h2>
        <ol>
          <xsl:apply-templates select="$top" mode="h:contents"/>
        </ol>
      </nav>
    </xsl:if>
  </xsl:template>

  <xsl:mode name="h:contents" on-no-match="shallow-skip"/>

  <xsl:template match="*[@te:anchor]" mode="h:contents">
    <xsl:param name="depth" as="xs:integer" select="1"/>
    <li>
      <a href="{h:fragment(h:anchor-id(.))}">{h:div-label(.)}</a>
      <xsl:variable name="sub" select="(tei:div, tei:div2, tei:div3)[tei:head or h:is-unit(.)]"/>
      <xsl:if test="$sub and $depth lt 2">
        <ol>
          <xsl:apply-templates select="$sub" mode="h:contents">
            <xsl:with-param name="depth" select="$depth + 1"/>
          </xsl:apply-templates>
        </ol>
      </xsl:if>
    </li>
  </xsl:template>
</xsl:stylesheet>
