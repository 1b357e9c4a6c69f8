<?xml version="1.0" encoding="UTF-8"?>
<!--
  The page around the content, the same on every page: head (charset, viewport, a
  strict Content-Security-Policy, the stylesheet and the two scripts, all local), a
  skip link, the site header with navigation and search, main, footer.
  Nothing is fetched from elsewhere: no fonts, scripts or styles from the network.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns:s="urn:x-tei-edition:site"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- a page of a collection has the collection site's header -->
  <xsl:include href="../site/header.xsl"/>

  <!-- Scripts only from the site's own files (no inline script can run), styles only
       from its stylesheet, no plugin, frame, form target or network connection. -->
  <xsl:variable name="h:csp" as="xs:string" select="
    &quot;default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; &quot;
    || &quot;base-uri 'none'; form-action 'none'&quot;"/>

  <xsl:function name="h:site-title" as="xs:string">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="stmt" select="($norm/*/tei:teiHeader/tei:fileDesc/tei:titleStmt)[1]"/>
    <!-- the main title; never a series or journal title, a subtitle or a date when
         the statement has a title of its own -->
    <xsl:variable name="own" select="$stmt/tei:title[not(@level = ('s', 'j'))]
      [not(@type = ('sub', 'subtitle', 'short', 'alt', 'desc', 'iso-date', 'date', 'series'))]"/>
    <xsl:sequence select="(h:plain(($stmt/tei:title[@type = 'main'], $own, $stmt/tei:title)[1])[.], 'TEI edition')[1]"/>
  </xsl:function>

  <!-- The document's language: TEI/@xml:lang, text/@xml:lang, else the first declared. -->
  <xsl:function name="h:document-lang" as="xs:string">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:sequence select="(h:lang($norm/*/@xml:lang), h:lang(($norm//tei:text)[1]/@xml:lang),
      h:lang(($norm/*/tei:teiHeader//tei:langUsage/tei:language/@ident)[1]), 'und')[1]"/>
  </xsl:function>

  <xsl:template name="h:page" as="element()">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="page" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="content" as="item()*" select="()"/>
    <!-- a page made from the whole text (the edition page, front.xsl) names the text:
         its content is made here, in mode h:page-content, straight into <main> (never
         built as a tree first and then copied) -->
    <xsl:param name="text" as="document-node()?" select="()"/>
    <!-- whether the page's notes link back to the text (h:back-referenced, notes.xsl) -->
    <xsl:param name="back" as="xs:boolean" select="false()"/>
    <xsl:param name="catalog" as="element(h:register)*" tunnel="yes"/>
    <xsl:variable name="in" select="$collection-page/*"/>
    <xsl:variable name="root" select="string($in/@root)"/>
    <xsl:variable name="site" select="if ($in) then string($in/@collection) else h:site-title($norm)"/>
    <html lang="{h:document-lang($norm)}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta http-equiv="Content-Security-Policy" content="{$h:csp}"/>
        <meta name="referrer" content="no-referrer"/>
        <meta name="generator" content="tei-edition"/>
        <title>{if ($title = $site) then $site else $title || ' · ' || $site}</title>
        <link rel="stylesheet" href="{$root}assets/edition.css"/>
        <xsl:for-each select="$in/te:link[@rel = ('prev', 'next')]">
          <link rel="{@rel}" href="{@href}"/>
        </xsl:for-each>
        <xsl:if test="empty($in)">
          <script src="search-index.js" defer="defer"></script>
        </xsl:if>
        <!-- the name cards' data: a collection's page loads each card beside its entry's
             page when a reader points at the name (edition.js), not all of them here -->
        <xsl:if test="empty($in)">
          <script src="entities.js" defer="defer"></script>
        </xsl:if>
        <script src="{$root}assets/edition.js" defer="defer"></script>
        <!-- a collection's page: the header's search box (search-box.js draws it) -->
        <xsl:if test="$in">
          <script src="{$root}assets/search-box.js" defer="defer"></script>
        </xsl:if>
      </head>
      <body class="page-{$page}">
        <a class="skip-link" href="#te-main" lang="en">Skip to the content</a>
        <xsl:if test="$in">
          <xsl:call-template name="s:header">
            <xsl:with-param name="title" select="$site"/>
            <xsl:with-param name="root" select="$root"/>
            <xsl:with-param name="nav" select="s:nav($in/@map = 'true')"/>
            <!-- the search box only a script can work: search-box.js draws it, not
                 each of thousands of pages -->
            <xsl:with-param name="box" select="false()"/>
          </xsl:call-template>
        </xsl:if>
        <xsl:if test="empty($in)">
        <header class="site-header" lang="en">
          <div class="site-header-inner">
            <p class="site-title"><a href="{$root}index.html">{$site}</a></p>
            <nav class="site-nav" aria-label="Edition">
              <ul>
                <xsl:for-each select="map{'page': 'index.html', 'label': 'Text'},
                  $catalog ! map{'page': string(@page), 'label': string(@title)},
                  map{'page': 'about.html', 'label': 'About'}">
                  <li>
                    <a href="{?page}">
                      <xsl:if test="?page = $page || '.html'">
                        <xsl:attribute name="aria-current" select="'page'"/>
                      </xsl:if>{?label}</a>
                  </li>
                </xsl:for-each>
              </ul>
            </nav>
            <form class="search" role="search" id="te-search" action="#">
              <label for="te-q" class="visually-hidden">Search the edition</label>
              <input type="search" id="te-q" name="q" placeholder="Search the edition"
                     autocomplete="off" spellcheck="false" aria-controls="te-results"/>
            </form>
          </div>
          <!-- the search's results (a collection searches on its own page, search.html) -->
          <div class="search-results" id="te-results" hidden="" aria-live="polite"></div>
        </header>
        </xsl:if>
        <main id="te-main" tabindex="-1">
          <!-- in a collection: the way to the neighbouring documents first; what the
               catalogue says of the document follows its title (front.xsl) or, on a page
               with no title block of its own, comes here -->
          <xsl:call-template name="h:neighbours">
            <xsl:with-param name="in" select="$in"/>
          </xsl:call-template>
          <xsl:if test="$in and empty($text)">
            <xsl:call-template name="h:collection-about">
              <xsl:with-param name="in" select="$in"/>
              <xsl:with-param name="sources" select="h:sources(($norm/*/tei:teiHeader)[1])"/>
            </xsl:call-template>
          </xsl:if>
          <xsl:sequence select="$content"/>
          <xsl:apply-templates select="$text" mode="h:page-content"/>
        </main>
        <footer class="site-footer" lang="en">
          <!-- what every backlink of the notes says, once (notes.xsl, h:backlink) -->
          <xsl:if test="$back">
            <span id="te-back" hidden="">Back to the text</span>
          </xsl:if>
          <xsl:variable name="licence" select="($norm/*/tei:teiHeader//tei:availability)[1]"/>
          <xsl:if test="$licence">
            <p class="licence">{h:plain($licence)}</p>
          </xsl:if>
          <p>{$site}{if (matches($site, '[.!?]$')) then '' else '.'} <xsl:choose>
              <!-- a collection's pages share the site's about page (a document's own header
                   is on its page); a single document has its own -->
              <xsl:when test="$in"><a href="{$root}about.html">Signs and markup in the text</a></xsl:when>
              <xsl:otherwise><a href="about.html#te-conventions">Editorial conventions</a></xsl:otherwise>
            </xsl:choose>.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- In a collection: the previous and next documents, in date order and within the
       correspondence, above the page's title. -->
  <xsl:template name="h:neighbours" as="element()?">
    <xsl:param name="in" as="element()?"/>
    <xsl:if test="$in/te:link">
      <nav class="neighbours" aria-label="Neighbouring documents" lang="en">
        <!-- the arrows are for the eye: a screen reader says the words alone -->
        <xsl:for-each select="$in/te:link">
          <a class="{@rel}" href="{@href}" title="{@label}">
            <xsl:if test="@rel = ('prev', 'corresp-prev')"><span aria-hidden="true">←</span>{' '}</xsl:if>
            <xsl:sequence select="map{'prev': 'Previous', 'next': 'Next',
              'corresp-prev': 'Previous in this correspondence', 'corresp-next': 'Next in this correspondence',
              'contents': 'Contents of ' || @label}(string(@rel))"/>
            <xsl:if test="@rel = ('next', 'corresp-next')">{' '}<span aria-hidden="true">→</span></xsl:if>
          </a>
        </xsl:for-each>
      </nav>
    </xsl:if>
  </xsl:template>

  <!-- In a collection: the document's catalogue data, the other formats and how to cite
       it, below its title. -->
  <xsl:template name="h:collection-about" as="element()">
    <xsl:param name="in" as="element()"/>
    <!-- what the title block says of the document's sources (its Source line):
         the shelfmark ("Identifier") is shown once, there, with its archive, and the
         citation names the source by those words ("ZBZ, Nachl. O. Heer 184.1") -->
    <xsl:param name="sources" as="xs:string*" select="()"/>
    <section class="collection-doc" aria-label="About this document" lang="en">
      <xsl:variable name="facts" select="$in/te:fact[not(@label = 'Identifier' and (some $s in $sources satisfies contains($s, .)))]"/>
      <xsl:if test="$facts">
        <dl class="meta">
          <xsl:for-each select="$facts">
            <dt>{@label}</dt>
            <dd>{.}</dd>
          </xsl:for-each>
        </dl>
      </xsl:if>
      <xsl:for-each select="$in/te:roles-note">
        <p class="roles-note">{.}</p>
      </xsl:for-each>
      <xsl:if test="$in/te:format">
        <p class="formats">Also as
          <xsl:for-each select="$in/te:format">
            <xsl:if test="position() > 1">, </xsl:if>
            <a href="{@href}">{@label}</a>
          </xsl:for-each></p>
      </xsl:if>
      <xsl:for-each select="$in/te:citation">
        <xsl:variable name="shelfmark" select="string(@shelfmark)"/>
        <p class="citation"><span class="label">Cite as</span>{' '}{.}{
          if ($shelfmark) then ' ' || replace(($sources[contains(., $shelfmark)], $shelfmark)[1], '\.$', '')
          else ''}.<xsl:if test="@url">{' '}<span class="url">{@url}</span></xsl:if></p>
      </xsl:for-each>
    </section>
  </xsl:template>
</xsl:stylesheet>
