<?xml version="1.0" encoding="UTF-8"?>
<!--
  The collection site: the pages of a collection that belong to no single document.
  Input: the site description s:site that tei_edition.publish.site assembles (the
  collection's title, editors and introduction; s:doc per document in catalogue order;
  s:entity per register entry shown, with its names, identifiers, coordinates, mentions
  and letters; its @heading, @sort and @letter are the common layer's index form and
  sort key, computed by site/names.xsl). Output, like xslt/html/html.xsl: a sequence of strings, a path then the
  page serialised as XHTML5:

    index.html            title, editors, introduction, the catalogue table (filled by
                          assets/site.js from catalogue.js)
    search.html           search across the collection (assets/search.js, search/*.js)
    registers/index.html  the registers, each kind with its letters and counts
    registers/KIND-L.html one index page per kind and letter, entries with counts
    registers/KIND/SLUG.html  one page per entry: names, dates, description,
                          identifiers as links, letters sent and received by year,
                          every mention grouped by document (date, title, snippet, link
                          to the passage)
    registers/KIND/SLUG.js    its name card's data, which the documents' pages load
                          (assets/edition.js) when a reader points at its name
    timeline.html, years/YYYY.html  documents by year (also the table without script)
    map.html              places with coordinates on an SVG drawn here (no background map)

  Modules: site.xsl (this entry, the page shell), home.xsl (home and search),
  registers.xsl, timeline.xsl, map.xsl.
  Pages in sub-folders reach the root through $root ('../' per level): the site works
  from file:// and any web server, with the CSP of the documents' pages.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:s="urn:x-tei-edition:site"
  xmlns:h="urn:x-tei-edition:html"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:math="http://www.w3.org/2005/xpath-functions/math"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- the common layer for the signs' legend (about.html), as every format has it -->
  <xsl:import href="../common/common.xsl"/>

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:mode on-no-match="fail"/>
  <xsl:mode name="s:names" on-no-match="shallow-skip"/>
  <xsl:mode name="s:entry" on-no-match="fail"/>

  <xsl:variable name="s:csp" as="xs:string" select="
    &quot;default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; &quot;
    || &quot;base-uri 'none'; form-action 'none'&quot;"/>
  <xsl:variable name="s:kinds" as="map(xs:string, xs:string)" select="map{
    'person': 'Persons', 'place': 'Places', 'org': 'Organisations', 'bibl': 'Bibliography',
    'event': 'Events'}"/>
  <xsl:key name="s:doc" match="s:doc" use="@id"/>

  <xsl:include href="home.xsl"/>
  <xsl:include href="registers.xsl"/>
  <xsl:include href="timeline.xsl"/>
  <xsl:include href="map.xsl"/>
  <xsl:include href="header.xsl"/>
  <xsl:include href="../html/signs.xsl"/>

  <xsl:template match="/" as="xs:string*">
    <xsl:apply-templates select="s:site"/>
  </xsl:template>

  <!-- Every page, in parts: the overview (left out when @overview is "skip": an
       incremental build keeps the previous one) and each entry's pages (those of an entry
       whose @pages is "skip" are kept too), each after the mark of its part. -->
  <xsl:template match="s:site" as="xs:string*">
    <xsl:variable name="site" select="."/>
    <xsl:if test="not(@overview = 'skip')">
      <xsl:call-template name="s:file">
        <xsl:with-param name="path" select="'index.html'"/>
        <xsl:with-param name="page" as="element()">
          <xsl:call-template name="s:home"/>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:call-template name="s:file">
        <xsl:with-param name="path" select="'search.html'"/>
        <xsl:with-param name="page" as="element()">
          <xsl:call-template name="s:search"/>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:call-template name="s:file">
        <xsl:with-param name="path" select="'about.html'"/>
        <xsl:with-param name="page" as="element()">
          <xsl:call-template name="s:page">
            <xsl:with-param name="page" select="'about'"/>
            <xsl:with-param name="title" select="'About this edition'"/>
            <xsl:with-param name="styles" select="'assets/edition.css'"/>
            <xsl:with-param name="content" as="element()+">
              <h1>About this edition</h1>
              <p>Each document's page gives its source and how to cite it; the signs below
                mark what the editors did to the text of every document.</p>
              <xsl:call-template name="h:signs">
                <xsl:with-param name="reading" select="'normalised'"/>
              </xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:call-template name="s:file">
        <xsl:with-param name="path" select="'registers/index.html'"/>
        <xsl:with-param name="page" as="element()">
          <xsl:call-template name="s:registers"/>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:for-each-group select="s:entity" group-by="@kind">
        <xsl:sort select="(index-of(('person', 'place', 'org', 'bibl', 'event'), current-grouping-key()), 9)[1]"/>
        <xsl:variable name="kind" select="current-grouping-key()"/>
        <xsl:for-each-group select="current-group()" group-by="@letter">
          <xsl:sort select="if (current-grouping-key() = 'other') then '~' else current-grouping-key()"/>
          <xsl:variable name="entries" as="element(s:entity)+">
            <xsl:perform-sort select="current-group()">
              <xsl:sort select="@sort"/>
              <xsl:sort select="@key"/>
            </xsl:perform-sort>
          </xsl:variable>
          <xsl:variable name="pages" select="(count($entries) + $s:index-per-page - 1) idiv $s:index-per-page"/>
          <xsl:for-each select="1 to $pages">
            <xsl:call-template name="s:file">
              <xsl:with-param name="path" select="'registers/' || s:index-file($kind, $entries[1]/@letter, .)"/>
              <xsl:with-param name="page" as="element()">
                <xsl:call-template name="s:letter-page">
                  <xsl:with-param name="site" select="$site"/>
                  <xsl:with-param name="kind" select="$kind"/>
                  <xsl:with-param name="entities" select="$entries"/>
                  <xsl:with-param name="page" select="."/>
                </xsl:call-template>
              </xsl:with-param>
            </xsl:call-template>
          </xsl:for-each>
        </xsl:for-each-group>
      </xsl:for-each-group>
      <xsl:call-template name="s:file">
        <xsl:with-param name="path" select="'timeline.html'"/>
        <xsl:with-param name="page" as="element()">
          <xsl:call-template name="s:timeline"/>
        </xsl:with-param>
      </xsl:call-template>
      <xsl:for-each-group select="s:doc" group-by="(@year[normalize-space()], 'undated')[1]">
        <xsl:call-template name="s:file">
          <xsl:with-param name="path" select="'years/' || current-grouping-key() || '.html'"/>
          <xsl:with-param name="page" as="element()">
            <xsl:call-template name="s:year-page">
              <xsl:with-param name="site" select="$site"/>
              <xsl:with-param name="year" select="current-grouping-key()"/>
              <xsl:with-param name="docs" select="current-group()"/>
            </xsl:call-template>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:for-each-group>
      <xsl:for-each-group select="s:doc[@file]" group-by="@file">
        <xsl:call-template name="s:file">
          <xsl:with-param name="path" select="current-grouping-key()"/>
          <xsl:with-param name="page" as="element()">
            <xsl:call-template name="s:page">
              <xsl:with-param name="site" select="$site"/>
              <xsl:with-param name="root" select="'../'"/>
              <xsl:with-param name="page" select="'index'"/>
              <xsl:with-param name="title" select="string(@file-title)"/>
              <xsl:with-param name="content" as="element()+">
                <h1>{@file-title}</h1>
                <p>{count(current-group())} documents in this file.</p>
                <ol class="doc-list">
                  <xsl:for-each select="current-group()">
                    <!-- with its date where its title does not say it: a volume's
                         titles repeat ("The Secretary of State to the Ambassador") -->
                    <li><a href="../{@href}">{@line}</a><xsl:if test="@dated">, {@dated}</xsl:if></li>
                  </xsl:for-each>
                </ol>
              </xsl:with-param>
            </xsl:call-template>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:for-each-group>
      <xsl:if test="@map = 'true'">
        <xsl:call-template name="s:file">
          <xsl:with-param name="path" select="'map.html'"/>
          <xsl:with-param name="shapes" select="true()"/>
          <xsl:with-param name="page" as="element()">
            <xsl:call-template name="s:map"/>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:if>
    </xsl:if>
    <xsl:for-each select="s:entity[not(@pages = 'skip')]">
      <!-- the mark of a part (an entry's pages): an empty path, then its name -->
      <xsl:sequence select="'', 'entity ' || @key"/>
      <xsl:variable name="entity" select="."/>
      <xsl:variable name="docs" select="distinct-values(s:mention/@doc)"/>
      <xsl:variable name="pages" select="max((1, xs:integer(ceiling(count($docs) div $s:per-page))))"/>
      <xsl:for-each select="1 to $pages">
        <xsl:sequence select="'registers/' || $entity/@kind || '/' || s:entity-file($entity, .)"/>
        <xsl:call-template name="s:entity-html">
          <xsl:with-param name="entity" select="$entity"/>
          <xsl:with-param name="page" select="."/>
          <xsl:with-param name="pages" select="$pages"/>
          <xsl:with-param name="docs" select="$docs[position() gt (current() - 1) * $s:per-page
                                              and position() le current() * $s:per-page]"/>
        </xsl:call-template>
      </xsl:for-each>
      <!-- its name card, after its pages, beside the first (KIND/SLUG.js): the documents'
           pages load it when a reader points at a name linked to that page, rather than
           each carrying the cards of all its names (most of a letter's page, else) -->
      <xsl:for-each select="s:card">
        <xsl:sequence select="'registers/' || $entity/@kind || '/' || $entity/@slug || '.js',
          'teCard(' || serialize(string($entity/@slug), map{'method': 'json'}) || ',' || . || ');&#10;'"/>
      </xsl:for-each>
    </xsl:for-each>
  </xsl:template>

  <xsl:variable name="s:html" as="map(*)" select="map{
    'method': 'xhtml', 'html-version': 5.0, 'include-content-type': false(),
    'omit-xml-declaration': true(), 'indent': false(), 'encoding': 'UTF-8'}"/>

  <xsl:template name="s:file" as="xs:string+">
    <xsl:param name="path" as="xs:string"/>
    <xsl:param name="page" as="element()"/>
    <!-- a page drawing SVG shapes (the map's thousands): each empty one written
         self-closed ("<circle .../>", valid in HTML and XML), not with an end tag -->
    <xsl:param name="shapes" as="xs:boolean" select="false()"/>
    <xsl:variable name="html" select="serialize($page, $s:html)"/>
    <xsl:sequence select="$path, (if ($shapes) then replace($html,
      '(&lt;(path|circle|rect)\s[^&lt;&gt;]*)&gt;&lt;/\2&gt;', '$1/&gt;') else $html) || '&#10;'"/>
  </xsl:template>

  <!-- An entry's page $page of $pages as its text (s:file's): its title and content
       written into the entries' pages' shell (s:entry-shell), serialised once: the
       shell, the same on each of thousands of pages, was a quarter of each one's text
       to build and serialise. (An entry whose title is the site's gets the page whole:
       its title is not the shell's.) -->
  <xsl:template name="s:entity-html" as="xs:string">
    <xsl:param name="entity" as="element(s:entity)"/>
    <xsl:param name="page" as="xs:integer"/>
    <xsl:param name="pages" as="xs:integer"/>
    <xsl:param name="docs" as="xs:anyAtomicType*"/>
    <xsl:variable name="title" select="$entity/@label || (if ($page gt 1) then ' (' || $page || ')' else '')"/>
    <xsl:choose>
      <xsl:when test="$title = $s:site/@title">
        <xsl:variable name="file" as="xs:string+">
          <xsl:call-template name="s:file">
            <xsl:with-param name="path" select="''"/>
            <xsl:with-param name="page" as="element()">
              <xsl:call-template name="s:entity-page">
                <xsl:with-param name="site" select="$s:site"/>
                <xsl:with-param name="entity" select="$entity"/>
                <xsl:with-param name="page" select="$page"/>
                <xsl:with-param name="pages" select="$pages"/>
                <xsl:with-param name="docs" select="$docs"/>
              </xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:variable>
        <xsl:sequence select="$file[2]"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="title-text" as="document-node()">
          <xsl:document>{$title}</xsl:document>
        </xsl:variable>
        <xsl:variable name="main" as="element()">
          <main id="te-main" tabindex="-1">
            <xsl:apply-templates select="$entity" mode="s:entry">
              <xsl:with-param name="entry-site" select="$s:site" tunnel="yes"/>
              <xsl:with-param name="entry-page" select="$page" tunnel="yes"/>
              <xsl:with-param name="entry-pages" select="$pages" tunnel="yes"/>
              <xsl:with-param name="entry-docs" select="$docs" tunnel="yes"/>
            </xsl:apply-templates>
          </main>
        </xsl:variable>
        <xsl:sequence select="$s:entry-shell[1] || serialize($title-text, $s:html) || $s:entry-shell[2]
          || '&lt;main' || substring-after(serialize($main, $s:html), '&lt;main' || $s:xhtml-declared)
          || $s:entry-shell[3] || '&#10;'"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:variable name="s:xhtml-declared" as="xs:string" select="' xmlns=&quot;http://www.w3.org/1999/xhtml&quot;'"/>

  <!-- The entries' pages' text around their title (a mark here) and their content (an
       empty main here): three strings -->
  <xsl:variable name="s:entry-shell" as="xs:string+">
    <xsl:variable name="shell" as="element()">
      <xsl:call-template name="s:page">
        <xsl:with-param name="site" select="$s:site"/>
        <xsl:with-param name="root" select="'../../'"/>
        <xsl:with-param name="page" select="'registers'"/>
        <xsl:with-param name="box" select="false()"/>
        <xsl:with-param name="title" select="'&#xE000;'"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:variable name="text" select="serialize($shell, $s:html)"/>
    <xsl:variable name="main" select="'&lt;main id=&quot;te-main&quot; tabindex=&quot;-1&quot;&gt;&lt;/main&gt;'"/>
    <xsl:sequence select="substring-before($text, '&#xE000;'),
      substring-before(substring-after($text, '&#xE000;'), $main),
      substring-after($text, $main)"/>
  </xsl:variable>

  <!-- ============================================================ the page shell -->

  <!-- What every page's header and footer read of the site, made once per call (the
       site description is the global context item) rather than once per page: a call
       makes thousands of pages, and the description holds a thousand documents before
       its first entry. -->
  <xsl:variable name="s:site" as="element(s:site)?" select="/s:site"/>
  <xsl:variable name="s:nav" as="map(xs:string, xs:string)+" select="s:nav($s:site/@map = 'true')"/>
  <xsl:variable name="s:footer" as="xs:string" select="s:footer($s:site)"/>

  <!-- the footer's line, before its link: whose edition this is and how large -->
  <xsl:function name="s:footer" as="xs:string">
    <xsl:param name="site" as="element(s:site)?"/>
    <xsl:sequence select="string-join(($site/@title, $site/s:editor[1] ! ('ed. by ' || string-join($site/s:editor, ', '))), ', ')
      || '. ' || $site/@documents || (if ($site/@documents = '1') then ' document. ' else ' documents. ')"/>
  </xsl:function>

  <xsl:template name="s:page" as="element()">
    <xsl:param name="site" as="element(s:site)" select="."/>
    <xsl:param name="root" as="xs:string" select="''"/>
    <xsl:param name="page" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="scripts" as="xs:string*" select="()"/>
    <!-- the page's own scripts, which build on site.js (so come after it) -->
    <xsl:param name="own-scripts" as="xs:string*" select="()"/>
    <xsl:param name="styles" as="xs:string*" select="()"/>
    <xsl:param name="content" as="item()*" select="()"/>
    <!-- or the register entry whose page this is: its content is made by mode s:entry -->
    <xsl:param name="entry" as="element(s:entity)?" select="()"/>
    <!-- the header's search box (header.xsl) -->
    <xsl:param name="box" as="xs:boolean" select="true()"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta http-equiv="Content-Security-Policy" content="{$s:csp}"/>
        <meta name="referrer" content="no-referrer"/>
        <title>{if ($title = $site/@title) then $title else $title || ' · ' || $site/@title}</title>
        <xsl:for-each select="$styles">
          <link rel="stylesheet" href="{$root}{.}"/>
        </xsl:for-each>
        <link rel="stylesheet" href="{$root}assets/site.css"/>
        <xsl:for-each select="$scripts">
          <script src="{$root}{.}" defer="defer"></script>
        </xsl:for-each>
        <script src="{$root}assets/site.js" defer="defer"></script>
        <script src="{$root}assets/search-box.js" defer="defer"></script>
        <xsl:for-each select="$own-scripts">
          <script src="{$root}{.}" defer="defer"></script>
        </xsl:for-each>
      </head>
      <body class="page-{$page}" data-root="{$root}">
        <a class="skip-link" href="#te-main">Skip to the content</a>
        <!-- the header every page of the site has, its documents' too (header.xsl) -->
        <xsl:call-template name="s:header">
          <xsl:with-param name="title" select="string($site/@title)"/>
          <xsl:with-param name="root" select="$root"/>
          <xsl:with-param name="page" select="$page"/>
          <xsl:with-param name="nav" select="if ($site is $s:site) then $s:nav else s:nav($site/@map = 'true')"/>
          <xsl:with-param name="box" select="$box"/>
        </xsl:call-template>
        <main id="te-main" tabindex="-1">
          <xsl:sequence select="$content"/>
          <xsl:apply-templates select="$entry" mode="s:entry"/>
        </main>
        <footer class="site-footer">
          <!-- for readers: whose edition this is and how large, and how to read its text -->
          <p>{if ($site is $s:site) then $s:footer else s:footer($site)}<a
            href="{$root}about.html">Signs and markup in the text</a>.</p>
        </footer>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
