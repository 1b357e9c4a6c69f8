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
      <xsl:with-param name="text" select="$norm"/>
      <xsl:with-param name="back" select="h:back-referenced($norm)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The edition page's content, made by the page around it (shell.xsl, h:page) as it
       writes <main>: the whole text goes to the output as it is made. -->
  <xsl:mode name="h:page-content" on-no-match="fail"/>

  <xsl:template match="/" mode="h:page-content">
    <xsl:variable name="header" select="(*/tei:teiHeader)[1]"/>
    <xsl:call-template name="h:title-block">
      <xsl:with-param name="header" select="$header"/>
    </xsl:call-template>
    <!-- in a collection: what its catalogue says of the document (shell.xsl) -->
    <xsl:for-each select="$collection-page/*">
      <xsl:call-template name="h:collection-about">
        <xsl:with-param name="in" select="."/>
        <xsl:with-param name="sources" select="h:sources($header)"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:call-template name="h:contents">
      <xsl:with-param name="norm" select="."/>
    </xsl:call-template>
    <div class="edition-text reading-{$reading}" id="te-text">
      <xsl:apply-templates select="*" mode="h:text"/>
    </div>
  </xsl:template>

  <!-- Title, subtitle, authors, responsibilities, series, source, publication. -->
  <xsl:template name="h:title-block" as="element()">
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="stmt" select="$header/tei:fileDesc/tei:titleStmt"/>
    <xsl:variable name="main" select="h:site-title(root($header))"/>
    <xsl:variable name="title-page" select="h:title-page(root($header))"/>
    <header class="title-block">
      <xsl:choose>
        <xsl:when test="$title-page">
          <xsl:apply-templates select="$title-page" mode="h:title-page"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="series" select="$header/tei:fileDesc/tei:seriesStmt"/>
          <xsl:variable name="in-series" select="$stmt/tei:title[@level = ('s', 'j')][h:plain(.) ne $main]"/>
          <xsl:if test="$series or $in-series">
            <p class="series">{string-join(($series ! string-join((h:plain-list(tei:title, ', '),
              tei:biblScope ! h:scope(.), tei:idno ! h:plain(.))[.], ' '))[.], '; ')
              || (if ($series) then '' else h:plain-list($in-series, '; '))}</p>
          </xsl:if>
          <h1>{$main}</h1>
          <xsl:for-each select="$stmt/tei:title[@type = 'sub']">
            <p class="subtitle">{h:plain(.)}</p>
          </xsl:for-each>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:variable name="shown" select="h:fold(h:plain($title-page))"/>
      <xsl:for-each select="$stmt/tei:title[@xml:lang][not(@type) or @type = 'main'][not(@level = ('s', 'j'))]
                            [h:plain(.) ne $main][not(contains($shown, h:fold(h:plain(.))))]">
        <p class="subtitle parallel-title" lang="{h:lang(@xml:lang)}">{h:plain(.)}</p>
      </xsl:for-each>
      <xsl:if test="$title-page">
        <xsl:for-each select="$stmt/tei:title[@type = 'sub'][not(contains($shown, h:fold(h:plain(.))))]">
          <p class="subtitle">
            <xsl:if test="h:lang(@xml:lang)"><xsl:attribute name="lang" select="h:lang(@xml:lang)"/></xsl:if>{h:plain(.)}</p>
        </xsl:for-each>
      </xsl:if>
      <xsl:if test="$stmt/tei:author and not($title-page/(tei:byline, tei:docAuthor))">
        <p class="byline">by {h:people($stmt/tei:author)}</p>
      </xsl:if>
      <dl class="meta">
        <xsl:if test="h:people($stmt/tei:editor)">
          <dt>Edited by</dt>
          <dd>{h:people($stmt/tei:editor)}</dd>
        </xsl:if>
        <xsl:for-each-group select="$stmt/tei:respStmt[h:plain-list(* except tei:resp, '')]" group-by="h:plain(tei:resp)">
          <xsl:variable name="resp" select="replace(current-grouping-key(), '\s*(by|:)$', '')"/>
          <dt>{upper-case(substring($resp, 1, 1)) || substring($resp, 2)}</dt>
          <dd>{h:plain-list(current-group()/(* except tei:resp), ', ')}</dd>
        </xsl:for-each-group>
        <xsl:variable name="described" as="xs:string*" select="h:sources($header)"/>
        <xsl:if test="exists($described)">
          <dt>Source{if (count($described) gt 1) then 's' else ''}</dt>
          <xsl:for-each select="$described">
            <dd>{.}</dd>
          </xsl:for-each>
        </xsl:if>
        <xsl:variable name="pub" select="$header/tei:fileDesc/tei:publicationStmt"/>
        <xsl:if test="$pub/(tei:publisher, tei:distributor, tei:authority, tei:pubPlace, tei:date)">
          <dt>Published</dt>
          <dd>{h:plain-list($pub/(tei:publisher, tei:distributor, tei:authority, tei:pubPlace, tei:date), ', ')}</dd>
        </xsl:if>
      </dl>
      <xsl:if test="empty($collection-page)">
        <p class="about-link"><a href="about.html">About this edition</a>: editorial principles, signs, and the record of the edition.</p>
      </xsl:if>
    </header>
  </xsl:template>

  <!-- What the title block's Source line says of each of the header's sources, in
       order: a manuscript by its identifier ("ZBZ, Nachl. O. Heer 184.1"), a printed
       one by its citation. A collection's page cites the document by the same words
       (shell.xsl, h:collection-about). -->
  <xsl:function name="h:sources" as="xs:string*">
    <xsl:param name="header" as="element()?"/>
    <xsl:sequence select="
      $header/tei:fileDesc/tei:sourceDesc/(tei:msDesc, tei:listWit/tei:witness/tei:msDesc, tei:bibl,
        tei:biblStruct, tei:listBibl/*, tei:p, tei:biblFull, tei:recordingStmt)
      ! (if (self::tei:msDesc) then h:plain-list(tei:msIdentifier/*, ', ')
         else if (* and not(text()[normalize-space()])) then h:plain-list(* except tei:note, ', ')
         else h:plain(.))[.]"/>
  </xsl:function>

  <!-- The text's own title page when it repeats the header's title (as the dossier's
       does): it then makes the title block, once, and is not shown again before the
       text. Its names stay links (and the register's mentions of them lead here). -->
  <xsl:function name="h:title-page" as="element()?">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="title" select="h:fold(h:site-title($norm))"/>
    <xsl:sequence select="($norm/tei:TEI/tei:text/tei:front/(tei:titlePage, tei:docTitle))[1]
      [$title and contains(h:fold(h:plain(descendant-or-self::tei:docTitle)), $title)]"/>
  </xsl:function>

  <xsl:mode name="h:title-page" on-no-match="shallow-skip"/>

  <xsl:template match="tei:titlePage | tei:docTitle" mode="h:title-page">
    <xsl:variable name="parts" select="descendant-or-self::tei:docTitle/tei:titlePart"/>
    <xsl:variable name="main" select="$parts[not(@type = ('series', 'sub', 'subtitle', 'desc', 'alt', 'short', 'volume'))]"/>
    <xsl:for-each select="$parts[@type = ('series', 'volume')]">
      <p class="series">
        <xsl:apply-templates mode="h:text">
          <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
        </xsl:apply-templates>
      </p>
    </xsl:for-each>
    <h1 id="{h:anchor-id(descendant-or-self::tei:docTitle[1])}">
      <xsl:choose>
        <xsl:when test="$main">
          <xsl:for-each select="$main">
            <xsl:if test="position() gt 1"><xsl:text>. </xsl:text></xsl:if>
            <xsl:apply-templates mode="h:text">
              <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            </xsl:apply-templates>
          </xsl:for-each>
        </xsl:when>
        <xsl:otherwise>{h:site-title(root())}</xsl:otherwise>
      </xsl:choose>
    </h1>
    <xsl:for-each select="$parts[@type = ('sub', 'subtitle', 'desc', 'alt')]">
      <p class="subtitle">
        <xsl:apply-templates mode="h:text">
          <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
        </xsl:apply-templates>
      </p>
    </xsl:for-each>
    <xsl:for-each select="self::tei:titlePage/(* except tei:docTitle)">
      <p class="{if (self::tei:byline or self::tei:docAuthor) then 'byline' else 'title-page-part'}">
        <xsl:if test="@te:anchor">
          <xsl:attribute name="id" select="h:anchor-id(.)"/>
        </xsl:if>
        <xsl:apply-templates mode="h:text">
          <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
        </xsl:apply-templates>
      </p>
    </xsl:for-each>
  </xsl:template>

  <!-- "no. 8", "vol. 3": a place in a series. -->
  <xsl:function name="h:scope" as="xs:string">
    <xsl:param name="scope" as="element()"/>
    <xsl:variable name="prefix" select="map{'volume': 'vol. ', 'issue': 'no. ', 'number': 'no. ', 'page': 'p. '}"/>
    <xsl:variable name="text" select="h:plain($scope)"/>
    <xsl:sequence select="if (matches($text, '^\d')) then ($prefix(string($scope/@unit)), '')[1] || $text else $text"/>
  </xsl:function>

  <!-- Authors or editors: each name once, "A and B" (with "; " between names that are
       written surname first, "Müller, Martin; Susen, Gerd"); one element may hold
       several names. -->
  <xsl:function name="h:people" as="xs:string">
    <xsl:param name="people" as="element()*"/>
    <xsl:variable name="names" select="distinct-values($people ! h:person-names(.))"/>
    <xsl:sequence select="if (some $n in $names satisfies contains($n, ','))
      then string-join($names, '; ')
      else if (count($names) le 2) then string-join($names, ' and ')
      else string-join($names[position() lt last()], ', ') || ' and ' || $names[last()]"/>
  </xsl:function>

  <!-- The names one author or editor element holds: one person's name, with the same
       name in other languages after it ("Антон Павлович Чехов (Anton Chekhov)"); or
       several people, each named (two names in one language); never an identifier. -->
  <xsl:function name="h:person-names" as="xs:string*">
    <xsl:param name="person" as="element()"/>
    <xsl:variable name="names" select="$person/(tei:name, tei:persName, tei:orgName)[h:plain(.)]"/>
    <xsl:sequence select="
      if (empty($names)) then normalize-space(string-join($person/descendant::text()
        [empty(ancestor::*[self::tei:idno or self::tei:note or @te:kind = 'skip'][. >> $person])], ''))[.]
      else if (count($names) gt 1 and count(distinct-values($names ! string(@xml:lang))) = count($names))
      then h:plain($names[1]) || ' (' || string-join(subsequence($names, 2) ! h:plain(.), ', ') || ')'
      else $names ! h:plain(.)"/>
  </xsl:function>

  <xsl:function name="h:plain-list" as="xs:string">
    <xsl:param name="items" as="element()*"/>
    <xsl:param name="separator" as="xs:string"/>
    <xsl:sequence select="string-join($items ! h:plain(.)[.], $separator)"/>
  </xsl:function>

  <!-- Contents: the front, body and back divisions two levels deep (none for a text
       without headed or numbered divisions). -->
  <xsl:template name="h:contents" as="element()?">
    <xsl:param name="norm" as="document-node()"/>
    <!-- the parts a reader looks for: headed or numbered divisions and units (documents,
         essays); the headless parts of a letter (dateline, closer) are not chapters -->
    <xsl:variable name="top" select="$norm//tei:text[not(ancestor::tei:text)]
      /(tei:front, tei:body, tei:back, tei:group)/(tei:div, tei:div1)
      [tei:head or normalize-space(@n) or h:is-unit(.)]"/>
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
