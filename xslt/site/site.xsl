<?xml version="1.0" encoding="UTF-8"?>
<!--
  The collection site: the pages of a collection that belong to no single document.
  Input: the site description s:site that tei_edition.publish.site assembles (the
  collection's title, editors and introduction; s:doc per document in catalogue order;
  s:entity per register entry shown, with its names, identifiers, coordinates, mentions
  and letters). Output, like xslt/html/html.xsl: a sequence of strings, a path then the
  page serialised as XHTML5:

    index.html            title, editors, introduction, the catalogue table (filled by
                          assets/site.js from catalogue.js)
    search.html           search across the collection (assets/site.js, search/*.js)
    registers/index.html  the registers, each kind with its letters and counts
    registers/KIND-L.html one index page per kind and letter, entries with counts
    registers/KIND/SLUG.html  one page per entry: names, dates, description,
                          identifiers as links, letters sent and received by year,
                          every mention grouped by document (date, title, snippet, link
                          to the passage)
    timeline.html, years/YYYY.html  documents by year (also the table without script)
    map.html              places with coordinates on an SVG drawn here (no tiles)

  Pages in sub-folders reach the root through $root ('../' per level): the site works
  from file:// and any web server, with the CSP of the documents' pages.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:s="urn:x-tei-edition:site"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:math="http://www.w3.org/2005/xpath-functions/math"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:output method="xml" encoding="UTF-8" indent="no"/>
  <xsl:mode on-no-match="fail"/>
  <xsl:mode name="s:names" on-no-match="shallow-skip"/>

  <xsl:variable name="s:csp" as="xs:string" select="
    &quot;default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; &quot;
    || &quot;base-uri 'none'; form-action 'none'&quot;"/>
  <xsl:variable name="s:kinds" as="map(xs:string, xs:string)" select="map{
    'person': 'Persons', 'place': 'Places', 'org': 'Organisations', 'bibl': 'Bibliography',
    'event': 'Events'}"/>
  <xsl:variable name="s:months" as="xs:string+" select="('January', 'February', 'March',
    'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December')"/>
  <xsl:key name="s:doc" match="s:doc" use="@id"/>

  <xsl:template match="/" as="xs:string+">
    <xsl:apply-templates select="s:site"/>
  </xsl:template>

  <xsl:template match="s:site" as="xs:string+">
    <xsl:variable name="site" select="."/>
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
        <xsl:call-template name="s:file">
          <xsl:with-param name="path" select="'registers/' || $kind || '-' || current-grouping-key() || '.html'"/>
          <xsl:with-param name="page" as="element()">
            <xsl:call-template name="s:letter-page">
              <xsl:with-param name="site" select="$site"/>
              <xsl:with-param name="kind" select="$kind"/>
              <xsl:with-param name="entities" select="current-group()"/>
            </xsl:call-template>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:for-each-group>
      <xsl:for-each select="current-group()">
        <xsl:variable name="entity" select="."/>
        <xsl:variable name="docs" select="distinct-values(s:mention/@doc)"/>
        <xsl:variable name="pages" select="max((1, xs:integer(ceiling(count($docs) div $s:per-page))))"/>
        <xsl:for-each select="1 to $pages">
          <xsl:call-template name="s:file">
            <xsl:with-param name="path" select="'registers/' || $kind || '/' || s:entity-file($entity, .)"/>
            <xsl:with-param name="page" as="element()">
              <xsl:call-template name="s:entity-page">
                <xsl:with-param name="site" select="$site"/>
                <xsl:with-param name="entity" select="$entity"/>
                <xsl:with-param name="page" select="."/>
                <xsl:with-param name="pages" select="$pages"/>
                <xsl:with-param name="docs" select="$docs[position() gt (current() - 1) * $s:per-page
                                                    and position() le current() * $s:per-page]"/>
              </xsl:call-template>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:for-each>
      </xsl:for-each>
    </xsl:for-each-group>
    <xsl:call-template name="s:file">
      <xsl:with-param name="path" select="'timeline.html'"/>
      <xsl:with-param name="page" as="element()">
        <xsl:call-template name="s:timeline"/>
      </xsl:with-param>
    </xsl:call-template>
    <xsl:for-each-group select="s:doc" group-by="(@year[.], 'undated')[1]">
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
            <xsl:with-param name="title" select="string(@source)"/>
            <xsl:with-param name="content" as="element()+">
              <h1>{@source}</h1>
              <p>{count(current-group())} documents in this file.</p>
              <ol class="doc-list">
                <xsl:for-each select="current-group()">
                  <li><a href="../{@href}">{@line}</a></li>
                </xsl:for-each>
              </ol>
            </xsl:with-param>
          </xsl:call-template>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:for-each-group>
    <xsl:if test="s:entity/s:geo">
      <xsl:call-template name="s:file">
        <xsl:with-param name="path" select="'map.html'"/>
        <xsl:with-param name="page" as="element()">
          <xsl:call-template name="s:map"/>
        </xsl:with-param>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="s:file" as="xs:string+">
    <xsl:param name="path" as="xs:string"/>
    <xsl:param name="page" as="element()"/>
    <xsl:sequence select="$path, serialize($page, map{
      'method': 'xhtml', 'html-version': 5.0, 'include-content-type': false(),
      'omit-xml-declaration': true(), 'indent': false(), 'encoding': 'UTF-8'}) || '&#10;'"/>
  </xsl:template>

  <!-- ============================================================ the page shell -->

  <xsl:template name="s:page" as="element()">
    <xsl:param name="site" as="element(s:site)" select="."/>
    <xsl:param name="root" as="xs:string" select="''"/>
    <xsl:param name="page" as="xs:string"/>
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="scripts" as="xs:string*" select="()"/>
    <xsl:param name="content" as="item()*"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta http-equiv="Content-Security-Policy" content="{$s:csp}"/>
        <meta name="referrer" content="no-referrer"/>
        <meta name="generator" content="tei-edition"/>
        <title>{if ($title = $site/@title) then $title else $title || ' · ' || $site/@title}</title>
        <link rel="stylesheet" href="{$root}assets/site.css"/>
        <xsl:for-each select="$scripts">
          <script src="{$root}{.}" defer="defer"></script>
        </xsl:for-each>
        <script src="{$root}assets/site.js" defer="defer"></script>
      </head>
      <body class="page-{$page}" data-root="{$root}">
        <a class="skip-link" href="#te-main">Skip to the content</a>
        <header class="site-header">
          <div class="site-header-inner">
            <p class="site-title"><a href="{$root}index.html">{$site/@title}</a></p>
            <nav class="site-nav" aria-label="Collection">
              <ul>
                <xsl:for-each select="(
                  map{'page': 'index', 'href': 'index.html', 'label': 'Documents'},
                  map{'page': 'registers', 'href': 'registers/index.html', 'label': 'Registers'},
                  map{'page': 'timeline', 'href': 'timeline.html', 'label': 'Timeline'},
                  $site[s:entity/s:geo] ! map{'page': 'map', 'href': 'map.html', 'label': 'Map'},
                  map{'page': 'search', 'href': 'search.html', 'label': 'Search'})">
                  <li>
                    <a href="{$root}{?href}">
                      <xsl:if test="?page = $page">
                        <xsl:attribute name="aria-current" select="'page'"/>
                      </xsl:if>{?label}</a>
                  </li>
                </xsl:for-each>
              </ul>
            </nav>
            <form class="search" role="search" id="te-search" action="#" data-target="{$root}search.html">
              <label for="te-q" class="visually-hidden">Search the collection</label>
              <input type="search" id="te-q" name="q" placeholder="Search the collection"
                     autocomplete="off" spellcheck="false"/>
            </form>
          </div>
        </header>
        <main id="te-main" tabindex="-1">
          <xsl:sequence select="$content"/>
        </main>
        <footer class="site-footer">
          <p>A static edition made with tei-edition from TEI P5: {$site/@documents} documents. It needs no
            server or network and works opened from disk.</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <!-- ============================================================ home -->

  <xsl:template name="s:home" as="element()">
    <xsl:call-template name="s:page">
      <xsl:with-param name="page" select="'index'"/>
      <xsl:with-param name="title" select="string(@title)"/>
      <xsl:with-param name="scripts" select="'catalogue.js'"/>
      <xsl:with-param name="content" as="element()+">
        <header class="collection-head">
          <h1>{@title}</h1>
          <xsl:if test="s:editor">
            <p class="editors">Edited by {string-join(s:editor, ', ')}</p>
          </xsl:if>
          <xsl:if test="s:download">
            <p class="downloads">
              <xsl:for-each select="s:download">
                <xsl:if test="position() > 1"> · </xsl:if>
                <a href="{@href}">{.}</a>
              </xsl:for-each>
            </p>
          </xsl:if>
        </header>
        <xsl:if test="s:introduction/s:p">
          <section class="introduction" aria-label="Introduction">
            <xsl:for-each select="s:introduction/s:p">
              <p>{.}</p>
            </xsl:for-each>
          </section>
        </xsl:if>
        <section class="catalogue" aria-labelledby="te-catalogue-title">
          <h2 id="te-catalogue-title">Documents</h2>
          <form class="filters" id="te-filters" action="#" hidden="hidden">
            <label>From year <input type="number" id="te-from" inputmode="numeric"/></label>
            <label>to <input type="number" id="te-to" inputmode="numeric"/></label>
            <label>Correspondent <input type="text" id="te-person" list="te-people" autocomplete="off"/></label>
            <datalist id="te-people"></datalist>
            <label>Place <input type="text" id="te-place" list="te-places" autocomplete="off"/></label>
            <datalist id="te-places"></datalist>
            <label>Text <input type="search" id="te-text" autocomplete="off"/></label>
            <button type="reset" id="te-reset">Clear</button>
            <output id="te-count" aria-live="polite"></output>
          </form>
          <div class="table-frame" id="te-frame">
            <table class="catalogue-table" id="te-catalogue" aria-rowcount="{count(s:doc) + 1}">
              <thead>
                <tr>
                  <xsl:for-each select="('date', 'title', 'sender', 'addressee', 'place', 'lang')">
                    <th scope="col" data-key="{.}">
                      <button type="button" class="sort" data-key="{.}">{
                        map{'date': 'Date', 'title': 'Title', 'sender': 'From', 'addressee': 'To',
                            'place': 'Place', 'lang': 'Language'}(.)}</button>
                    </th>
                  </xsl:for-each>
                </tr>
              </thead>
              <tbody id="te-rows"></tbody>
            </table>
          </div>
          <noscript>
            <p>The table needs JavaScript; the <a href="timeline.html">timeline</a> lists every document by year.</p>
          </noscript>
        </section>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ============================================================ search -->

  <xsl:template name="s:search" as="element()">
    <xsl:call-template name="s:page">
      <xsl:with-param name="page" select="'search'"/>
      <xsl:with-param name="title" select="'Search'"/>
      <xsl:with-param name="scripts" select="('catalogue.js', 'search/shards.js')"/>
      <xsl:with-param name="content" as="element()+">
        <h1>Search</h1>
        <form class="search-form" id="te-search-form" action="#">
          <label for="te-query">Words, names or a "phrase in quotes"</label>
          <input type="search" id="te-query" autocomplete="off" spellcheck="false"/>
          <label>From year <input type="number" id="te-sfrom" inputmode="numeric"/></label>
          <label>to <input type="number" id="te-sto" inputmode="numeric"/></label>
          <label>Type <select id="te-kind"><option value="">any</option></select></label>
          <button type="submit">Search</button>
        </form>
        <p id="te-search-status" aria-live="polite"></p>
        <div id="te-entity-hits"></div>
        <ol class="search-hits" id="te-hits"></ol>
        <noscript><p>Search needs JavaScript; the <a href="registers/index.html">registers</a> and the
          <a href="timeline.html">timeline</a> work without it.</p></noscript>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ============================================================ registers -->

  <xsl:template name="s:registers" as="element()">
    <xsl:call-template name="s:page">
      <xsl:with-param name="root" select="'../'"/>
      <xsl:with-param name="page" select="'registers'"/>
      <xsl:with-param name="title" select="'Registers'"/>
      <xsl:with-param name="content" as="element()+">
        <h1>Registers</h1>
        <xsl:for-each-group select="s:entity" group-by="@kind">
          <section class="register-kind">
            <h2>{($s:kinds(current-grouping-key()), current-grouping-key())[1]}
              <span class="count">({count(current-group())})</span></h2>
            <xsl:call-template name="s:letters">
              <xsl:with-param name="kind" select="current-grouping-key()"/>
              <xsl:with-param name="entities" select="current-group()"/>
              <xsl:with-param name="prefix" select="''"/>
            </xsl:call-template>
          </section>
        </xsl:for-each-group>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="s:letters" as="element()">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="entities" as="element(s:entity)*"/>
    <xsl:param name="prefix" as="xs:string"/>
    <xsl:param name="current" as="xs:string" select="''"/>
    <nav class="letters" aria-label="{$s:kinds($kind)} by letter">
      <ul>
        <xsl:for-each-group select="$entities" group-by="@letter">
          <xsl:sort select="if (current-grouping-key() = 'other') then '~' else current-grouping-key()"/>
          <li>
            <a href="{$prefix}{$kind}-{current-grouping-key()}.html">
              <xsl:if test="current-grouping-key() = $current">
                <xsl:attribute name="aria-current" select="'page'"/>
              </xsl:if>
              <xsl:text>{if (current-grouping-key() = 'other') then 'other' else current-grouping-key()}</xsl:text>
              <span class="count">{count(current-group())}</span></a>
          </li>
        </xsl:for-each-group>
      </ul>
    </nav>
  </xsl:template>

  <xsl:template name="s:letter-page" as="element()">
    <xsl:param name="site" as="element(s:site)"/>
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="entities" as="element(s:entity)+"/>
    <xsl:variable name="letter" select="string($entities[1]/@letter)"/>
    <xsl:variable name="title" select="$s:kinds($kind) || ': ' || $letter"/>
    <xsl:call-template name="s:page">
      <xsl:with-param name="site" select="$site"/>
      <xsl:with-param name="root" select="'../'"/>
      <xsl:with-param name="page" select="'registers'"/>
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="content" as="element()+">
        <h1>{$title}</h1>
        <xsl:call-template name="s:letters">
          <xsl:with-param name="kind" select="$kind"/>
          <xsl:with-param name="entities" select="$site/s:entity[@kind = $kind]"/>
          <xsl:with-param name="prefix" select="''"/>
          <xsl:with-param name="current" select="$letter"/>
        </xsl:call-template>
        <ul class="entries">
          <xsl:for-each select="$entities">
            <xsl:sort select="@sort"/>
            <li>
              <a href="{$kind}/{@slug}.html">{@label}</a>
              <xsl:if test="@dates"> <span class="dates"> ({@dates})</span></xsl:if>
              <span class="count" title="mentions in documents">{
                @count} mention{if (@count = '1') then '' else 's'}{
                if (s:letter) then ', ' || count(s:letter) || ' letter' || (if (count(s:letter) = 1) then '' else 's') else ''}</span>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- An entry's page: names, dates, description, identifiers, a correspondent's letters
       by year, and its mentions grouped by document, $s:per-page documents a page (an
       entry named in thousands of letters gets several pages, each small). -->
  <xsl:variable name="s:per-page" as="xs:integer" select="120"/>
  <!-- A correspondent with more letters than this gets counts by year (linked to the
       catalogue, filtered) instead of the list. -->
  <xsl:variable name="s:letters-listed" as="xs:integer" select="200"/>

  <xsl:function name="s:entity-file" as="xs:string">
    <xsl:param name="entity" as="element(s:entity)"/>
    <xsl:param name="page" as="xs:integer"/>
    <xsl:sequence select="$entity/@slug || (if ($page gt 1) then '-' || $page else '') || '.html'"/>
  </xsl:function>

  <xsl:template name="s:entity-page" as="element()">
    <xsl:param name="site" as="element(s:site)"/>
    <xsl:param name="entity" as="element(s:entity)"/>
    <xsl:param name="page" as="xs:integer"/>
    <xsl:param name="pages" as="xs:integer"/>
    <xsl:param name="docs" as="xs:anyAtomicType*"/>
    <xsl:for-each select="$entity">
    <xsl:call-template name="s:page">
      <xsl:with-param name="site" select="$site"/>
      <xsl:with-param name="root" select="'../../'"/>
      <xsl:with-param name="page" select="'registers'"/>
      <xsl:with-param name="title" select="@label || (if ($page gt 1) then ' (' || $page || ')' else '')"/>
      <xsl:with-param name="content" as="element()+">
        <p class="breadcrumb"><a href="../index.html">Registers</a> ›
          <a href="../{@kind}-{@letter}.html">{$s:kinds(@kind)}: {@letter}</a></p>
        <article class="entity entity-{@kind}">
          <h1>{@label}<xsl:if test="@dates"> <span class="dates"> ({@dates})</span></xsl:if></h1>
          <xsl:if test="$page = 1">
          <xsl:if test="count(s:name) > 1">
            <p class="names"><span class="label">Also written</span> {string-join(s:name[position() > 1], '; ')}</p>
          </xsl:if>
          <xsl:for-each select="s:description">
            <p class="description">{.}</p>
          </xsl:for-each>
          <xsl:if test="s:idno">
            <ul class="identifiers">
              <xsl:for-each select="s:idno">
                <li><span class="label">{s:authority(@type)}</span>{' '}
                  <xsl:choose>
                    <xsl:when test="@href"><a href="{@href}" rel="external">{.}</a></xsl:when>
                    <xsl:otherwise>{.}</xsl:otherwise>
                  </xsl:choose></li>
              </xsl:for-each>
            </ul>
          </xsl:if>
          <xsl:for-each select="s:geo">
            <p class="coordinates"><a href="../../map.html#{$entity/@slug}">On the map</a> ({@lat}, {@lon})</p>
          </xsl:for-each>
          <xsl:if test="s:letter">
            <section class="letters-of" aria-labelledby="te-letters">
              <h2 id="te-letters">Letters <span class="count">({count(s:letter[@role = 'sent'])} sent,
                {count(s:letter[@role = 'received'])} received)</span></h2>
              <xsl:choose>
                <xsl:when test="count(s:letter) gt $s:letters-listed">
                  <ul class="year-counts">
                    <xsl:for-each-group select="s:letter" group-by="(key('s:doc', @doc, $site)/@year[.], 'undated')[1]">
                      <li><a href="../../index.html#person={encode-for-uri($entity/@label)}{
                        if (current-grouping-key() = 'undated') then '' else '&amp;from=' || current-grouping-key() || '&amp;to=' || current-grouping-key()}">{
                        current-grouping-key()}</a> <span class="count">{count(current-group())}</span></li>
                    </xsl:for-each-group>
                  </ul>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:for-each-group select="s:letter" group-by="(key('s:doc', @doc, $site)/@year[.], 'undated')[1]">
                    <h3>{current-grouping-key()}</h3>
                    <ul class="doc-list">
                      <xsl:for-each select="current-group()">
                        <xsl:variable name="doc" select="key('s:doc', @doc, $site)"/>
                        <li class="{@role}"><span class="role">{@role}</span>
                          {' '}<a href="../../{$doc/@href}">{$doc/@line}</a></li>
                      </xsl:for-each>
                    </ul>
                  </xsl:for-each-group>
                </xsl:otherwise>
              </xsl:choose>
            </section>
          </xsl:if>
          </xsl:if>
          <section class="mentions" aria-labelledby="te-mentions">
            <h2 id="te-mentions">Mentions <span class="count">({@count} in {@documents} document{
              if (@documents = '1') then '' else 's'})</span></h2>
            <xsl:if test="$pages gt 1">
              <xsl:call-template name="s:pager">
                <xsl:with-param name="entity" select="$entity"/>
                <xsl:with-param name="page" select="$page"/>
                <xsl:with-param name="pages" select="$pages"/>
              </xsl:call-template>
            </xsl:if>
            <xsl:for-each-group select="s:mention[@doc = $docs]" group-adjacent="@doc">
              <xsl:variable name="doc" select="key('s:doc', current-grouping-key(), $site)"/>
              <section class="mention-doc">
                <h3><a href="../../{$doc/@href}">{$doc/@line}</a></h3>
                <ul>
                  <xsl:for-each select="current-group()">
                    <li><a class="passage" href="../../{substring-before($doc/@href || '#', '#')}#{@anchor}">{.}</a></li>
                  </xsl:for-each>
                </ul>
              </section>
            </xsl:for-each-group>
            <xsl:if test="$pages gt 1">
              <xsl:call-template name="s:pager">
                <xsl:with-param name="entity" select="$entity"/>
                <xsl:with-param name="page" select="$page"/>
                <xsl:with-param name="pages" select="$pages"/>
              </xsl:call-template>
            </xsl:if>
          </section>
        </article>
      </xsl:with-param>
    </xsl:call-template>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="s:pager" as="element()">
    <xsl:param name="entity" as="element(s:entity)"/>
    <xsl:param name="page" as="xs:integer"/>
    <xsl:param name="pages" as="xs:integer"/>
    <nav class="pager" aria-label="Pages of mentions">
      <ul>
        <xsl:for-each select="1 to $pages">
          <li>
            <a href="{s:entity-file($entity, .)}">
              <xsl:if test=". = $page">
                <xsl:attribute name="aria-current" select="'page'"/>
              </xsl:if>{.}</a>
          </li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:template>

  <xsl:function name="s:authority" as="xs:string">
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="(map{'gnd': 'GND', 'viaf': 'VIAF', 'wikidata': 'Wikidata',
      'geonames': 'GeoNames', 'uri': 'Link', 'url': 'Link'}(lower-case($type)), $type)[1]"/>
  </xsl:function>

  <!-- ============================================================ timeline -->

  <xsl:template name="s:timeline" as="element()">
    <xsl:variable name="years" as="map(xs:string, xs:integer)">
      <xsl:map>
        <xsl:for-each-group select="s:doc" group-by="(@year[.], 'undated')[1]">
          <xsl:map-entry key="string(current-grouping-key())" select="count(current-group())"/>
        </xsl:for-each-group>
      </xsl:map>
    </xsl:variable>
    <xsl:variable name="most" select="max(map:keys($years) ! $years(.))"/>
    <xsl:variable name="dated" select="map:keys($years)[. castable as xs:integer] ! xs:integer(.)"/>
    <xsl:call-template name="s:page">
      <xsl:with-param name="page" select="'timeline'"/>
      <xsl:with-param name="title" select="'Timeline'"/>
      <xsl:with-param name="content" as="element()+">
        <h1>Timeline</h1>
        <p>Documents by year; a year opens the list of its documents.</p>
        <ol class="timeline">
          <xsl:for-each select="if (exists($dated)) then min($dated) to max($dated) else ()">
            <xsl:variable name="year" select="."/>
            <xsl:variable name="n" select="($years(string(.)), 0)[1]"/>
            <xsl:if test="$n gt 0 or exists($dated[. lt $year and . ge $year - 5]) and exists($dated[. gt $year and . le $year + 5])">
            <li>
              <span class="year">{.}</span>
              <xsl:choose>
                <xsl:when test="$n > 0">
                  <a class="bar" href="years/{.}.html" data-width="{round(100 * $n div $most)}">
                    <span class="fill" aria-hidden="true"></span>
                    <span class="n">{$n}</span></a>
                </xsl:when>
                <xsl:otherwise><span class="bar empty"><span class="n">0</span></span></xsl:otherwise>
              </xsl:choose>
            </li>
            </xsl:if>
          </xsl:for-each>
          <xsl:if test="map:contains($years, 'undated')">
            <li><span class="year">undated</span>
              <a class="bar" href="years/undated.html" data-width="{round(100 * $years('undated') div $most)}">
                <span class="fill" aria-hidden="true"></span><span class="n">{$years('undated')}</span></a></li>
          </xsl:if>
        </ol>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="s:year-page" as="element()">
    <xsl:param name="site" as="element(s:site)"/>
    <xsl:param name="year" as="xs:string"/>
    <xsl:param name="docs" as="element(s:doc)+"/>
    <xsl:call-template name="s:page">
      <xsl:with-param name="site" select="$site"/>
      <xsl:with-param name="root" select="'../'"/>
      <xsl:with-param name="page" select="'timeline'"/>
      <xsl:with-param name="title" select="$year"/>
      <xsl:with-param name="content" as="element()+">
        <p class="breadcrumb"><a href="../timeline.html">Timeline</a></p>
        <h1>{$year} <span class="count">({count($docs)} documents)</span></h1>
        <ol class="doc-list">
          <xsl:for-each select="$docs">
            <li value="{@n}"><a href="../{@href}">{@line}</a></li>
          </xsl:for-each>
        </ol>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ============================================================ map -->

  <!-- The map page: places in an equirectangular projection (the longitude scaled by the
       cosine of the mean latitude), 1000 units wide, in the windows Python chose
       (@map-all around nearly every place, @map-detail around most mentions when that
       is much smaller); places outside every window are listed. Circles grow with the
       mentions; the most mentioned places are labelled where a label has room. -->
  <xsl:template name="s:map" as="element()">
    <xsl:variable name="all" select="s:entity[s:geo]"/>
    <xsl:variable name="windows" select="(@map-detail, @map-all)"/>
    <xsl:variable name="shown" select="$all[some $w in $windows satisfies s:inside(., $w)]"/>
    <xsl:call-template name="s:page">
      <xsl:with-param name="page" select="'map'"/>
      <xsl:with-param name="title" select="'Map'"/>
      <xsl:with-param name="content" as="element()+">
        <h1>Places</h1>
        <p>{count($all)} places with coordinates in the register, drawn from them (no map tiles); a
          circle grows with the mentions of the place and leads to its page.</p>
        <xsl:if test="@map-detail">
          <h2 id="te-detail">Where most places are named</h2>
          <xsl:call-template name="s:svg-map">
            <xsl:with-param name="places" select="$all[s:inside(., current()/@map-detail)]"/>
            <xsl:with-param name="window" select="string(@map-detail)"/>
            <xsl:with-param name="ids" select="true()"/>
          </xsl:call-template>
          <h2>All places</h2>
        </xsl:if>
        <xsl:call-template name="s:svg-map">
          <xsl:with-param name="places" select="$all[s:inside(., current()/@map-all)]
                                                 [not(s:inside(., current()/@map-detail))]"/>
          <xsl:with-param name="window" select="string(@map-all)"/>
          <xsl:with-param name="ids" select="empty(@map-detail)"/>
          <xsl:with-param name="detail" select="string(@map-detail)"/>
        </xsl:call-template>
        <xsl:if test="$all except $shown">
          <h2>Beyond the map</h2>
          <ul class="entries">
            <xsl:for-each select="$all except $shown">
              <xsl:sort select="@sort"/>
              <li><a href="registers/place/{@slug}.html">{@label}</a> <span class="count">{@count}</span></li>
            </xsl:for-each>
          </ul>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="s:inside" as="xs:boolean">
    <xsl:param name="place" as="element(s:entity)"/>
    <xsl:param name="window" as="xs:string?"/>
    <xsl:variable name="w" select="tokenize($window) ! xs:double(.)"/>
    <xsl:variable name="lat" select="xs:double($place/s:geo/@lat)"/>
    <xsl:variable name="lon" select="xs:double($place/s:geo/@lon)"/>
    <xsl:sequence select="count($w) = 4 and $lat ge $w[1] and $lat le $w[3] and $lon ge $w[2] and $lon le $w[4]"/>
  </xsl:function>

  <xsl:template name="s:svg-map" as="element()">
    <xsl:param name="places" as="element(s:entity)*"/>
    <xsl:param name="window" as="xs:string"/>
    <xsl:param name="ids" as="xs:boolean"/>
    <!-- a window drawn in detail elsewhere: here a frame linking to it -->
    <xsl:param name="detail" as="xs:string" select="''"/>
    <xsl:variable name="w" select="tokenize($window) ! xs:double(.)"/>
    <xsl:variable name="south" select="$w[1]"/>
    <xsl:variable name="west" select="$w[2]"/>
    <xsl:variable name="north" select="$w[3]"/>
    <xsl:variable name="east" select="$w[4]"/>
    <xsl:variable name="k" select="math:cos(($south + $north) div 2 * math:pi() div 180)"/>
    <xsl:variable name="scale" select="1000 div max((($east - $west) * $k, ($north - $south)))"/>
    <xsl:variable name="most" select="max(($places/xs:integer(@count), 1))"/>
    <xsl:variable name="by-count" as="element(s:entity)*">
      <xsl:perform-sort select="$places">
        <xsl:sort select="xs:integer(@count)" order="descending"/>
        <xsl:sort select="@sort"/>
      </xsl:perform-sort>
    </xsl:variable>
    <svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" aria-label="Map of the places"
         viewBox="-20 -20 {round(($east - $west) * $k * $scale) + 40} {round(($north - $south) * $scale) + 40}">
      <xsl:if test="$detail">
        <xsl:variable name="d" select="tokenize($detail) ! xs:double(.)"/>
        <a href="#te-detail">
          <rect class="detail" x="{round(($d[2] - $west) * $k * $scale)}" y="{round(($north - $d[3]) * $scale)}"
                width="{round(($d[4] - $d[2]) * $k * $scale)}" height="{round(($d[3] - $d[1]) * $scale)}">
            <title>The places drawn in detail above</title></rect>
        </a>
      </xsl:if>
      <xsl:for-each select="reverse($by-count)">
        <a href="registers/place/{@slug}.html">
          <xsl:if test="$ids"><xsl:attribute name="id" select="@slug"/></xsl:if>
          <circle cx="{round((xs:double(s:geo/@lon) - $west) * $k * $scale)}"
                  cy="{round(($north - xs:double(s:geo/@lat)) * $scale)}"
                  r="{round(2 + 14 * math:sqrt(xs:integer(@count) div $most), 1)}"><title>{@label} ({@count})</title></circle>
        </a>
      </xsl:for-each>
      <!-- labels for the 40 most named places, each where no earlier label is -->
      <xsl:iterate select="$by-count[position() le 40]">
        <xsl:param name="taken" as="xs:double*" select="()"/>
        <xsl:variable name="x" select="round((xs:double(s:geo/@lon) - $west) * $k * $scale) + 9"/>
        <xsl:variable name="y" select="round(($north - xs:double(s:geo/@lat)) * $scale) + 4"/>
        <xsl:variable name="text" select="if (string-length(@label) gt 22) then substring(@label, 1, 20) || '…' else string(@label)"/>
        <xsl:variable name="width" select="string-length($text) * 6.5"/>
        <xsl:variable name="free" select="every $i in 1 to count($taken) idiv 4 satisfies
          ($x + $width lt $taken[4 * $i - 3] or $x gt $taken[4 * $i - 1]
           or $y lt $taken[4 * $i - 2] or $y - 14 gt $taken[4 * $i])"/>
        <xsl:if test="$free">
          <text x="{$x}" y="{$y}">{$text}</text>
        </xsl:if>
        <xsl:next-iteration>
          <xsl:with-param name="taken" select="if ($free) then ($taken, $x, $y - 14, $x + $width, $y) else $taken"/>
        </xsl:next-iteration>
      </xsl:iterate>
    </svg>
  </xsl:template>
</xsl:stylesheet>
