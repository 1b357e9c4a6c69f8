<?xml version="1.0" encoding="UTF-8"?>
<!--
  The collection site: the registers: index pages per kind and letter, a page per entry with its mentions and letters (a module of site.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:s="urn:x-tei-edition:site"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:math="http://www.w3.org/2005/xpath-functions/math"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- ============================================================ registers -->

  <xsl:template name="s:registers" as="element()">
    <xsl:call-template name="s:page">
      <xsl:with-param name="root" select="'../'"/>
      <xsl:with-param name="page" select="'registers'"/>
      <xsl:with-param name="title" select="'Registers'"/>
      <xsl:with-param name="content" as="element()+">
        <h1>Registers</h1>
        <!-- persons, places, organisations ... in that order (they came in the order
             of each kind's first entry: "Places" above "Persons" on the real letters) -->
        <xsl:for-each-group select="s:entity" group-by="@kind">
          <xsl:sort select="(index-of(('person', 'place', 'org', 'bibl', 'event'), current-grouping-key()), 99)[1]"/>
          <xsl:sort select="current-grouping-key()"/>
          <section class="register-kind">
            <h2>{($s:kinds(current-grouping-key()), current-grouping-key())[1]}
              <span class="count">({count(current-group())})</span></h2>
            <xsl:call-template name="s:letters">
              <xsl:with-param name="kind" select="current-grouping-key()"/>
              <xsl:with-param name="prefix" select="''"/>
            </xsl:call-template>
          </section>
        </xsl:for-each-group>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The letters of each kind's entries, in order, each followed by its count: kind ->
       (letter, count, letter, count ...), grouped once, not again on each of the kind's
       index pages (dozens of a register of thousands). -->
  <xsl:variable name="s:letter-counts" as="map(xs:string, xs:string*)">
    <xsl:map>
      <xsl:for-each-group select="$s:site/s:entity" group-by="@kind">
        <xsl:map-entry key="string(current-grouping-key())">
          <xsl:for-each-group select="current-group()" group-by="@letter">
            <xsl:sort select="if (current-grouping-key() = 'other') then '~' else current-grouping-key()"/>
            <xsl:sequence select="string(current-grouping-key()), string(count(current-group()))"/>
          </xsl:for-each-group>
        </xsl:map-entry>
      </xsl:for-each-group>
    </xsl:map>
  </xsl:variable>

  <!-- The letters of the kind's entries, each a link to its index page ($current's
       marked as the page's own). -->
  <xsl:template name="s:letters" as="element()">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="prefix" as="xs:string"/>
    <xsl:param name="current" as="xs:string" select="''"/>
    <xsl:variable name="counts" select="$s:letter-counts($kind)"/>
    <nav class="letters" aria-label="{$s:kinds($kind)} by letter">
      <ul>
        <xsl:for-each select="$counts[position() mod 2 = 1]">
          <xsl:variable name="letter" select="."/>
          <xsl:variable name="i" select="position()"/>
          <xsl:variable name="count" select="$counts[2 * $i]"/>
          <li>
            <a href="{$prefix}{$kind}-{$letter}.html">
              <xsl:if test="$letter = $current">
                <xsl:attribute name="aria-current" select="'page'"/>
              </xsl:if>
              <xsl:text>{if ($letter = 'other') then 'other' else $letter}</xsl:text>
              <span class="count">{$count}</span>
              <!-- read out "H 12 entries", not "H 12" -->
              <span class="visually-hidden">{if ($count = '1') then ' entry' else ' entries'}</span></a>
          </li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:template>

  <!-- A letter's index page lists at most this many entries; a letter with more (a
       register whose names mostly share an initial) gets several pages, each headed by
       the range of names it holds, so that every page stays small. -->
  <xsl:variable name="s:index-per-page" as="xs:integer" select="1000"/>

  <xsl:function name="s:index-file" as="xs:string">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="letter" as="xs:string"/>
    <xsl:param name="page" as="xs:integer"/>
    <xsl:sequence select="$kind || '-' || $letter || (if ($page gt 1) then '-' || $page else '') || '.html'"/>
  </xsl:function>

  <!-- The index page of a kind and letter: its entries, sorted; $entities all the
       letter's entries in order, $page which thousand of them this page lists. -->
  <xsl:template name="s:letter-page" as="element()">
    <xsl:param name="site" as="element(s:site)"/>
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="entities" as="element(s:entity)+"/>
    <xsl:param name="page" as="xs:integer" select="1"/>
    <xsl:variable name="letter" select="string($entities[1]/@letter)"/>
    <xsl:variable name="pages" select="(count($entities) + $s:index-per-page - 1) idiv $s:index-per-page"/>
    <xsl:variable name="title" select="$s:kinds($kind) || ': ' || $letter
                                       || (if ($pages gt 1) then ' (' || $page || ' of ' || $pages || ')' else '')"/>
    <xsl:call-template name="s:page">
      <xsl:with-param name="site" select="$site"/>
      <xsl:with-param name="root" select="'../'"/>
      <xsl:with-param name="page" select="'registers'"/>
      <xsl:with-param name="title" select="$title"/>
      <xsl:with-param name="content" as="element()+">
        <h1>{$title}</h1>
        <xsl:call-template name="s:letters">
          <xsl:with-param name="kind" select="$kind"/>
          <xsl:with-param name="prefix" select="''"/>
          <xsl:with-param name="current" select="$letter"/>
        </xsl:call-template>
        <xsl:if test="$pages gt 1">
          <xsl:call-template name="s:index-pager">
            <xsl:with-param name="kind" select="$kind"/>
            <xsl:with-param name="entities" select="$entities"/>
            <xsl:with-param name="page" select="$page"/>
            <xsl:with-param name="pages" select="$pages"/>
          </xsl:call-template>
        </xsl:if>
        <ul class="entries">
          <xsl:for-each select="subsequence($entities, ($page - 1) * $s:index-per-page + 1, $s:index-per-page)">
            <li>
              <a href="{$kind}/{@slug}.html">{@heading}</a>
              <xsl:if test="@dates"> <span class="dates"> ({@dates})</span></xsl:if>
              <!-- the space: read aloud or copied, the count is a word of its own -->
              <xsl:text> </xsl:text>
              <span class="count">{
                @count} mention{if (@count = '1') then '' else 's'}{
                if (s:letter) then ', ' || count(s:letter) || ' letter' || (if (count(s:letter) = 1) then '' else 's') else ''}</span>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The pages of a letter, each named by its first and last entries, as a dictionary's
       running heads are ("Person 1 – Person 2798"). -->
  <xsl:template name="s:index-pager" as="element()">
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="entities" as="element(s:entity)+"/>
    <xsl:param name="page" as="xs:integer"/>
    <xsl:param name="pages" as="xs:integer"/>
    <nav class="pager" aria-label="Pages of this letter">
      <ul>
        <xsl:for-each select="1 to $pages">
          <xsl:variable name="part" select="subsequence($entities, (. - 1) * $s:index-per-page + 1, $s:index-per-page)"/>
          <li>
            <a href="{s:index-file($kind, $entities[1]/@letter, .)}">
              <xsl:if test=". = $page">
                <xsl:attribute name="aria-current" select="'page'"/>
              </xsl:if>{$part[1]/@heading} – {$part[last()]/@heading}</a>
          </li>
        </xsl:for-each>
      </ul>
    </nav>
  </xsl:template>

  <!-- An entry's page: names, dates, description, identifiers, a correspondent's letters
       by year, and its mentions grouped by document, $s:per-page documents a page (an
       entry named in thousands of letters gets several pages, each well under 300 KB:
       ~90 KB of the real letters' long titles and links; with 120 a page, half the
       entries of 5,000 generated letters had a second page, its header and pagers
       written again). -->
  <xsl:variable name="s:per-page" as="xs:integer" select="250"/>
  <!-- A correspondent with more letters than this gets counts by year (linked to the
       catalogue, filtered) instead of the list. -->
  <xsl:variable name="s:letters-listed" as="xs:integer" select="200"/>

  <!-- The documents by id, for the entries' pages' lists of mentions: looked up once a
       document a page (key() with the site element as its third argument checks each
       found node is under it, a tenth of the pages' time) -->
  <xsl:variable name="s:doc-of" as="map(xs:string, element(s:doc))"
                select="map:merge($s:site/s:doc ! map{string(@id): .})"/>

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
    <xsl:call-template name="s:page">
      <xsl:with-param name="site" select="$site"/>
      <xsl:with-param name="root" select="'../../'"/>
      <xsl:with-param name="page" select="'registers'"/>
      <xsl:with-param name="box" select="false()"/>
      <xsl:with-param name="title" select="$entity/@label || (if ($page gt 1) then ' (' || $page || ')' else '')"/>
      <!-- (its content made in its place in the page, mode s:entry: these pages are most
           of the site, and content handed over as a parameter is built apart, then copied) -->
      <xsl:with-param name="entry" select="$entity"/>
      <xsl:with-param name="entry-site" select="$site" tunnel="yes"/>
      <xsl:with-param name="entry-page" select="$page" tunnel="yes"/>
      <xsl:with-param name="entry-pages" select="$pages" tunnel="yes"/>
      <xsl:with-param name="entry-docs" select="$docs" tunnel="yes"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The content of an entry's page $page of $pages, which lists the mentions in $docs. -->
  <xsl:template match="s:entity" mode="s:entry" as="element()+">
    <xsl:param name="entry-site" as="element(s:site)" tunnel="yes"/>
    <xsl:param name="entry-page" as="xs:integer" tunnel="yes"/>
    <xsl:param name="entry-pages" as="xs:integer" tunnel="yes"/>
    <xsl:param name="entry-docs" as="xs:anyAtomicType*" tunnel="yes"/>
    <xsl:variable name="site" select="$entry-site"/>
    <xsl:variable name="page" select="$entry-page"/>
    <xsl:variable name="pages" select="$entry-pages"/>
    <xsl:variable name="docs" select="$entry-docs"/>
    <xsl:variable name="entity" select="."/>
    <p class="breadcrumb"><a href="../index.html">Registers</a>{' › '}<a
      href="../{@kind}-{@letter}.html">{$s:kinds(@kind)}: {@letter}</a></p>
    <article class="entity entity-{@kind}">
      <h1>{@label}<xsl:if test="@dates"> <span class="dates"> ({@dates})</span></xsl:if></h1>
      <xsl:if test="$page = 1">
      <xsl:if test="count(s:name) > 1">
        <p class="names"><span class="label">Also written</span> {string-join(s:name[position() > 1], '; ')}</p>
      </xsl:if>
      <!-- the register's own cross-references, which the entry's names leave out -->
      <xsl:if test="s:see-also">
        <p class="see-also"><span class="label">See also</span> {string-join(s:see-also, '; ')}</p>
      </xsl:if>
      <xsl:for-each select="s:description">
        <p class="description">{.}</p>
      </xsl:for-each>
      <xsl:variable name="literature" select="s:literature[normalize-space()] ! string()"/>
      <xsl:if test="exists($literature)">
        <!-- one citation after another: after one that ends its sentence, no "; " -->
        <p class="literature"><span class="label">Literature</span>{' '}{string-join(
          for $i in 1 to count($literature)
          return $literature[$i] || (if ($i = count($literature)) then ''
                                     else if (matches($literature[$i], '[.!?]$')) then ' ' else '; '), '')}</p>
      </xsl:if>
      <xsl:if test="s:idno">
        <ul class="identifiers">
          <xsl:for-each select="s:idno">
            <li><span class="label">{s:authority(@type)}</span>{' '}<xsl:choose>
                <!-- an address for an identifier shows as its site's name (the whole
                     address on hover): "http://www.hls-dhs-dss.ch/textes/d/D28847.php"
                     read as a code -->
                <xsl:when test="@href and matches(., '^https?://[^/\s]+')">
                  <a href="{@href}" rel="external" title="{.}">{replace(., '^https?://(www\.)?([^/:?#\s]+).*$', '$2')}</a>
                </xsl:when>
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
          <!-- a part that counts none is left out: "(4 sent)", never "(4 sent, 0 received)" -->
          <h2 id="te-letters">Letters <span class="count">({string-join(
            (count(s:letter[@role = 'sent'])[. gt 0] ! (. || ' sent'),
             count(s:letter[@role = 'received'])[. gt 0] ! (. || ' received')), ', ')})</span></h2>
          <xsl:choose>
            <xsl:when test="count(s:letter) gt $s:letters-listed">
              <ul class="year-counts">
                <xsl:for-each-group select="s:letter" group-by="(key('s:doc', @doc, $site)/@year[normalize-space()], 'undated')[1]">
                  <li><a href="../../index.html#person={encode-for-uri($entity/@label)}{
                    if (current-grouping-key() = 'undated') then '' else '&amp;from=' || current-grouping-key() || '&amp;to=' || current-grouping-key()}">{
                    current-grouping-key()}</a>{' '}<span class="count">({count(current-group())})</span></li>
                </xsl:for-each-group>
              </ul>
            </xsl:when>
            <xsl:otherwise>
              <xsl:for-each-group select="s:letter" group-by="(key('s:doc', @doc, $site)/@year[normalize-space()], 'undated')[1]">
                <h3>{current-grouping-key()}</h3>
                <ul class="doc-list">
                  <xsl:for-each select="current-group()">
                    <xsl:variable name="doc" select="key('s:doc', @doc, $site)"/>
                    <li><span class="role">{@role}</span>{' '}<a
                      href="../../{$doc/@href}">{$doc/@line}</a></li>
                  </xsl:for-each>
                </ul>
              </xsl:for-each-group>
            </xsl:otherwise>
          </xsl:choose>
        </section>
      </xsl:if>
      </xsl:if>
      <section class="mentions" aria-labelledby="te-mentions">
        <xsl:choose>
          <xsl:when test="xs:integer(@count) gt 0">
            <h2 id="te-mentions">Mentions <span class="count">({@count} in {@documents} document{
              if (@documents = '1') then '' else 's'})</span></h2>
          </xsl:when>
          <!-- a correspondent no text names: no heading over nothing ("0 in 0") -->
          <xsl:otherwise>
            <h2 id="te-mentions">Mentions</h2>
            <p>No document names this {(map{'person': 'person', 'place': 'place', 'org':
              'organisation', 'bibl': 'work', 'event': 'event'}(string(@kind)), 'entry')[1]} in its text.</p>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:if test="$pages gt 1">
          <xsl:call-template name="s:pager">
            <xsl:with-param name="entity" select="$entity"/>
            <xsl:with-param name="page" select="$page"/>
            <xsl:with-param name="pages" select="$pages"/>
          </xsl:call-template>
        </xsl:if>
        <!-- a list item per document: its title (a link to the passage when it is
             the only one, else to the document), its date unless the title says it,
             and its passages' snippets, each a link to its paragraph when there are
             several; compact, for an entry named in thousands of passages -->
        <!-- (one page lists every mention; else those of its documents, found in a map:
             a mention's document compared with each of the page's, as "=" does, made an
             entry named in thousands of documents quadratic) -->
        <xsl:variable name="listed" as="map(xs:string, xs:boolean)"
                      select="if ($pages = 1) then map{} else map:merge($docs ! map{string(.): true()})"/>
        <ul class="by-document">
          <xsl:for-each-group select="if ($pages = 1) then s:mention else s:mention[map:contains($listed, string(@doc))]"
                              group-adjacent="@doc">
            <xsl:variable name="doc" select="$s:doc-of(current-grouping-key())"/>
            <xsl:variable name="page" select="'../../' || substring-before($doc/@href || '#', '#')"/>
            <xsl:variable name="one" select="count(current-group()) = 1"/>
            <li>
              <a href="{if ($one) then $page || '#' || @anchor else '../../' || $doc/@href}">{$doc/@line}</a>
              <xsl:if test="$doc/@dated">, {$doc/@dated}</xsl:if>
              <xsl:choose>
                <xsl:when test="$one">
                  <p><xsl:call-template name="s:snippet"/></p>
                </xsl:when>
                <xsl:otherwise>
                  <xsl:for-each select="current-group()">
                    <a href="{$page}#{@anchor}"><xsl:call-template name="s:snippet"/></a>
                  </xsl:for-each>
                </xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each-group>
        </ul>
        <xsl:if test="$pages gt 1">
          <xsl:call-template name="s:pager">
            <xsl:with-param name="entity" select="$entity"/>
            <xsl:with-param name="page" select="$page"/>
            <xsl:with-param name="pages" select="$pages"/>
          </xsl:call-template>
        </xsl:if>
      </section>
    </article>
  </xsl:template>

  <!-- A mention's snippet (the context s:mention) in its paragraph or link: its words
       without the ellipses, which site.css draws where the passage goes on ("… " before,
       " …" after: 870,000 snippets of 5,000 letters' registers held 6.4 MB of them, 4.8 MB
       net of the marks); a snippet that begins its passage is marked "start", one that
       ends it "end". -->
  <xsl:template name="s:snippet" as="node()*">
    <xsl:variable name="text" select="string(.)"/>
    <xsl:variable name="cut" select="starts-with($text, '… '), ends-with($text, ' …')"/>
    <xsl:if test="not($cut[1] and $cut[2])">
      <xsl:attribute name="class" select="'start'[not($cut[1])], 'end'[not($cut[2])]"/>
    </xsl:if>
    <xsl:value-of select="substring($text, if ($cut[1]) then 3 else 1,
                                     string-length($text) - (if ($cut[1]) then 2 else 0) - (if ($cut[2]) then 2 else 0))"/>
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
</xsl:stylesheet>
