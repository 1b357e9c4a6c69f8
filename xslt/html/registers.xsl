<?xml version="1.0" encoding="UTF-8"?>
<!--
  The registers: one page per kind of entry (persons, places, organisations, other).
  h:registers() builds the catalogue every page uses (which entry is on which page,
  its label, sort key and number of mentions); the page template renders the entries
  alphabetically, each with its names, description, facts, identifiers (authority
  files as links) and every mention in the text, with a short context, linking to the
  exact place.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Every rendered mention of an entry (names in skipped metadata are not mentions). -->
  <xsl:key name="h:mentions" match="*[@te:entity][empty(ancestor::*[@te:kind = 'skip'])]"
           use="tokenize(@te:entity)"/>
  <xsl:key name="h:entry" match="h:entry" use="@id"/>

  <xsl:variable name="h:register-pages" as="map(xs:string, xs:string)" select="map{
    'persons': 'Persons', 'places': 'Places', 'organizations': 'Organisations', 'other': 'Other entities'}"/>

  <xsl:function name="h:register-key" as="xs:string">
    <xsl:param name="type" as="xs:string"/>
    <xsl:sequence select="(map{'person': 'persons', 'place': 'places', 'org': 'organizations'}($type), 'other')[1]"/>
  </xsl:function>

  <xsl:function name="h:registers" as="element(h:register)*">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="mentions" select="key('h:mentions-all', 'all', $norm)"/>
    <xsl:variable name="local" select="$norm/*//(tei:person | tei:personGrp | tei:place | tei:org)
                                       [@xml:id]"/>
    <xsl:variable name="entries" select="$local | $mentions ! te:entities(.)"/>
    <xsl:variable name="catalog" as="document-node()">
      <xsl:document>
        <xsl:for-each-group select="$entries" group-by="h:register-key(te:entity-type(.))">
          <xsl:sort select="index-of(('persons', 'places', 'organizations', 'other'), current-grouping-key())"/>
          <h:register page="{current-grouping-key()}.html" key="{current-grouping-key()}"
                      title="{$h:register-pages(current-grouping-key())}">
            <!-- each entry's name forms made once, then sorted by them (a collection's
                 page has neither register pages nor a search index: no heading or count
                 is read there, only the cards' order and labels) -->
            <xsl:variable name="unsorted" as="element(h:entry)*">
              <xsl:for-each-group select="current-group()" group-by="string((@te:key, @xml:id)[1])">
                <h:entry id="{current-grouping-key()}" label="{te:entity-label(.)}" sort="{te:sort-key(.)}">
                  <xsl:if test="empty($collection-page)">
                    <xsl:attribute name="heading" select="h:register-heading(.)"/>
                    <xsl:attribute name="count" select="count(key('h:mentions', current-grouping-key(), $norm))"/>
                  </xsl:if>
                </h:entry>
              </xsl:for-each-group>
            </xsl:variable>
            <xsl:perform-sort select="$unsorted">
              <xsl:sort select="string(@sort)"/>
              <xsl:sort select="string(@id)"/>
            </xsl:perform-sort>
          </h:register>
        </xsl:for-each-group>
      </xsl:document>
    </xsl:variable>
    <xsl:sequence select="$catalog/h:register"/>
  </xsl:function>

  <xsl:key name="h:mentions-all" match="*[@te:entity][empty(ancestor::*[@te:kind = 'skip'])]" use="'all'"/>

  <!-- In a collection, where the entries the page names have their pages (by id). -->
  <xsl:key name="h:page-entity" match="/*/te:entity" use="string(@id)"/>

  <!-- The register page an entry is on, with its fragment, or nothing. -->
  <xsl:function name="h:entry-href" as="xs:string?">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="catalog" as="element(h:register)*"/>
    <xsl:sequence select="if (exists($collection-page)) then
      key('h:page-entity', $id, $collection-page)[1]/string(@href)
      else if (empty($catalog)) then () else
      key('h:entry', $id, root($catalog[1]))[1]/../@page ! (. || h:fragment($id))"/>
  </xsl:function>

  <!-- Persons file under their surname, everything else under its label: the common
       layer's name forms (names.xsl), the same as the PDF's index. -->
  <xsl:function name="h:sort-key" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="te:sort-key($entry)"/>
  </xsl:function>

  <xsl:function name="h:register-heading" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="te:index-form($entry)"/>
  </xsl:function>

  <xsl:function name="h:entry-element" as="element()?">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="norm" as="document-node()"/>
    <xsl:sequence select="te:lookup($id, $norm)"/>
  </xsl:function>

  <xsl:template name="h:register-page" as="element()">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="register" as="element(h:register)"/>
    <xsl:variable name="entries" select="$register/h:entry"/>
    <xsl:call-template name="h:page">
      <xsl:with-param name="norm" select="$norm"/>
      <xsl:with-param name="page" select="string($register/@key)"/>
      <xsl:with-param name="title" select="string($register/@title)"/>
      <xsl:with-param name="content" as="element()*">
        <header class="page-header">
          <h1>{$register/@title}</h1>
          <p class="register-intro">{count($entries)} {if (count($entries) = 1) then 'entry' else 'entries'},
            in alphabetical order, each with every passage of the text that names it.</p>
        </header>
        <xsl:variable name="groups" as="element(h:group)*">
          <xsl:for-each-group select="$entries" group-by="h:initial(@sort)">
            <h:group letter="{current-grouping-key()}">
              <xsl:sequence select="current-group()"/>
            </h:group>
          </xsl:for-each-group>
        </xsl:variable>
        <nav class="alphabet" aria-label="Initial letters">
          <ul>
            <xsl:for-each select="$groups">
              <li><a href="#te-letter-{@letter}">{@letter}</a></li>
            </xsl:for-each>
          </ul>
        </nav>
        <xsl:for-each select="$groups">
          <section class="letter" id="te-letter-{@letter}" aria-labelledby="te-letter-{@letter}-h">
            <h2 id="te-letter-{@letter}-h">{@letter}</h2>
            <xsl:for-each select="h:entry">
              <xsl:call-template name="h:entry">
                <xsl:with-param name="summary" select="."/>
                <xsl:with-param name="entry" select="h:entry-element(@id, $norm)"/>
                <xsl:with-param name="norm" select="$norm"/>
              </xsl:call-template>
            </xsl:for-each>
          </section>
        </xsl:for-each>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <xsl:function name="h:initial" as="xs:string">
    <xsl:param name="sort" as="xs:string"/>
    <xsl:variable name="first" select="upper-case(substring($sort, 1, 1))"/>
    <xsl:sequence select="if (matches($first, '^\p{L}$')) then $first else '#'"/>
  </xsl:function>

  <xsl:template name="h:entry" as="element()">
    <xsl:param name="summary" as="element(h:entry)"/>
    <xsl:param name="entry" as="element()"/>
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="mentions" as="map(xs:string, map(xs:string, xs:string))" tunnel="yes"/>
    <xsl:variable name="named" select="key('h:mentions', string($summary/@id), $norm)"/>
    <xsl:variable name="type" select="te:entity-type($entry)"/>
    <xsl:variable name="names" select="$entry/(tei:persName, tei:placeName, tei:orgName, tei:name, tei:geogName)"/>
    <xsl:variable name="count" select="count($named)"/>
    <article class="entry {h:token($type)}" id="{$summary/@id}">
      <h3>
        <span class="entry-label">{$summary/@heading}</span>
        <xsl:text> </xsl:text>
        <span class="count">{if ($count = 0) then 'not named in the text' else if ($count = 1) then '1 mention'
                             else $count || ' mentions'}</span>
      </h3>
      <xsl:variable name="others" select="distinct-values($names ! te:name-text(.)[.][. ne $summary/@label])"/>
      <xsl:if test="exists($others)">
        <p class="entry-names">Also: {string-join($others, '; ')}</p>
      </xsl:if>
      <!-- the register's own cross-references, which the entry's names leave out -->
      <xsl:variable name="see-also" select="te:see-also($entry)"/>
      <xsl:if test="exists($see-also)">
        <p class="entry-see-also">See also: {string-join($see-also, '; ')}</p>
      </xsl:if>
      <xsl:for-each select="$entry/(tei:note, tei:desc)">
        <p class="entry-description">{h:plain(.)}</p>
      </xsl:for-each>
      <xsl:variable name="facts" select="$entry/* except ($names, $entry/(tei:note, tei:desc, tei:idno,
        tei:person, tei:place, tei:org, tei:personGrp, tei:listPerson, tei:listPlace, tei:listOrg,
        tei:bibl, tei:listBibl))"/>
      <!-- its literature as the text reads it, as the collection site's pages do -->
      <xsl:variable name="literature" select="te:literature($entry)"/>
      <xsl:if test="$facts[normalize-space() or @when or @from or @to or @notBefore or @notAfter] or exists($literature)">
        <dl class="facts">
          <xsl:for-each select="$facts[normalize-space() or @when or @from or @to or @notBefore or @notAfter]">
            <dt>{h:humanize(local-name())}</dt>
            <dd>{(h:plain(.)[.], string-join((@when, @from, @notBefore) ! string(), ', ')
                  || (@to, @notAfter)[1] ! ('–' || .))[1]}</dd>
          </xsl:for-each>
          <xsl:if test="exists($literature)">
            <dt>Literature</dt>
            <xsl:for-each select="$literature">
              <dd>{.}</dd>
            </xsl:for-each>
          </xsl:if>
        </dl>
      </xsl:if>
      <xsl:variable name="ids" select="$entry/tei:idno, tokenize(normalize-space($entry/@sameAs))"/>
      <xsl:if test="exists($ids)">
        <ul class="identifiers">
          <xsl:for-each select="$ids">
            <xsl:variable name="url" select="if (. instance of element()) then h:authority-url(.) else h:safe-url(.)"/>
            <xsl:variable name="label" select="if (. instance of element()) then normalize-space(@type) else 'same as'"/>
            <li>
              <xsl:if test="$label"><span class="id-type">{$label}</span>: </xsl:if>
              <xsl:choose>
                <xsl:when test="$url">
                  <a class="external" href="{$url}" rel="noopener noreferrer">{normalize-space(.)}</a>
                </xsl:when>
                <xsl:otherwise>{normalize-space(.)}</xsl:otherwise>
              </xsl:choose>
            </li>
          </xsl:for-each>
        </ul>
      </xsl:if>
      <xsl:if test="$named">
        <ol class="mentions">
          <xsl:for-each select="$named">
            <li>
              <xsl:variable name="mention" select="$mentions(generate-id())"/>
              <a href="index.html{h:fragment($mention?id)}">
                <span class="where">{h:where(.)}{ancestor::tei:note[@te:place = 'foot'][1] ! (', note ' || @te:n)}</span>
                <xsl:text> </xsl:text>
                <xsl:sequence select="h:snippet($mention)"/>
              </a>
            </li>
          </xsl:for-each>
        </ol>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- Every mention's id and context, made in one pass per block (so the work per
       name is constant, however many names a paragraph holds): a map from the name's
       generate-id() to map{'id', 'before', 'mark', 'after'}. The id is its block's
       anchor and its place among the block's names ("doc1.p2-n3"); the context is up
       to about ten words either side, with the editorial signs of the reading text
       ([supplied], […]) and without notes. Without $contexts (a page of a collection,
       whose registers are the collection site's, linking to paragraphs): none, its
       names have no ids (h:name-id). -->
  <xsl:function name="h:mention-table" as="map(xs:string, map(xs:string, xs:string))">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:param name="contexts" as="xs:boolean"/>
    <xsl:variable name="names" select="key('h:mentions-all', 'all', $norm)"/>
    <xsl:choose>
      <xsl:when test="not($contexts)">
        <xsl:sequence select="map{}"/>
      </xsl:when>
      <xsl:otherwise>
        <!-- (made only here: a collection's page asks for none) -->
        <xsl:variable name="ids" as="map(xs:string, xs:string)">
          <xsl:map>
            <xsl:for-each-group select="$names" group-by="(h:mention-block(.) ! generate-id(.), '')[1]">
              <xsl:variable name="block" select="h:mention-block(.)"/>
              <xsl:variable name="prefix" select="h:mention-prefix($block)"/>
              <xsl:variable name="wanted" select="map:merge(current-group() ! map{generate-id(.): true()})"/>
              <xsl:for-each select="($block, $norm)[1]//*[@te:entity]">
                <xsl:if test="map:contains($wanted, generate-id())">
                  <xsl:map-entry key="generate-id()" select="$prefix || '-n' || position()"/>
                </xsl:if>
              </xsl:for-each>
            </xsl:for-each-group>
          </xsl:map>
        </xsl:variable>
        <xsl:map>
          <xsl:for-each-group select="$names" group-by="generate-id(te:block-of(.))">
            <xsl:variable name="block" select="te:block-of(.)"/>
            <xsl:variable name="flat" as="item()*">
              <xsl:apply-templates select="if ($block/@te:entity) then $block else $block/node()" mode="h:flat"/>
            </xsl:variable>
            <!-- The block's text, and where each name starts and ends in it. -->
            <xsl:variable name="text" select="string-join($flat[. instance of xs:string], '')"/>
            <xsl:variable name="at" as="map(xs:string, xs:integer)">
              <xsl:iterate select="$flat">
                <xsl:param name="offset" as="xs:integer" select="0"/>
                <xsl:param name="found" as="map(xs:string, xs:integer)" select="map{}"/>
                <xsl:on-completion select="$found"/>
                <xsl:choose>
                  <xsl:when test=". instance of xs:string">
                    <xsl:next-iteration>
                      <xsl:with-param name="offset" select="$offset + string-length(.)"/>
                    </xsl:next-iteration>
                  </xsl:when>
                  <xsl:otherwise>
                    <xsl:next-iteration>
                      <xsl:with-param name="found" select="map:put($found, local-name() || @m, $offset)"/>
                    </xsl:next-iteration>
                  </xsl:otherwise>
                </xsl:choose>
              </xsl:iterate>
            </xsl:variable>
            <xsl:for-each select="current-group()">
              <xsl:variable name="start" select="$at('start' || generate-id())"/>
              <xsl:variable name="end" select="$at('end' || generate-id())"/>
              <xsl:map-entry key="generate-id()" select="map{
                'id': $ids(generate-id()),
                'before': h:context-before(substring($text, $start - 299, 300), $start gt 300),
                'mark': normalize-space(substring($text, $start + 1, $end - $start)),
                'after': h:context-after(substring($text, $end + 1, 300), string-length($text) - $end gt 300)}"/>
            </xsl:for-each>
          </xsl:for-each-group>
        </xsl:map>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- The last words (at most 70 characters) before a name; "… " when cut. -->
  <xsl:function name="h:context-before" as="xs:string">
    <xsl:param name="raw" as="xs:string"/>
    <xsl:param name="cut" as="xs:boolean"/>
    <xsl:variable name="before" select="normalize-space($raw)"/>
    <xsl:sequence select="if (string-length($before) gt 70 or ($cut and $before))
      then '… ' || h:without-first-word(substring($before, string-length($before) - 69))
      else $before"/>
  </xsl:function>

  <!-- The first words (at most 70 characters) after a name; " …" when cut. -->
  <xsl:function name="h:context-after" as="xs:string">
    <xsl:param name="raw" as="xs:string"/>
    <xsl:param name="cut" as="xs:boolean"/>
    <xsl:variable name="after" select="normalize-space($raw)"/>
    <xsl:sequence select="if (string-length($after) gt 70 or ($cut and $after))
      then h:without-last-word(substring($after, 1, 70)) || ' …'
      else $after"/>
  </xsl:function>

  <!-- A normalised string (single spaces) cut to its words: without its first word and
       the space after it (replace(., '^\S*\s+', '')), or without its last space and
       what follows (replace(., '\s+\S*$', '')); a string of one word as it is. No
       pattern: Saxon's regular expressions cost far more per call, and these run for
       every mention. -->
  <xsl:function name="h:without-first-word" as="xs:string">
    <xsl:param name="words" as="xs:string"/>
    <xsl:sequence select="if (contains($words, ' ')) then substring-after($words, ' ') else $words"/>
  </xsl:function>

  <xsl:function name="h:without-last-word" as="xs:string">
    <xsl:param name="words" as="xs:string"/>
    <xsl:sequence select="if (contains($words, ' '))
                          then string-join(tokenize($words, ' ')[position() lt last()], ' ')
                          else $words"/>
  </xsl:function>

  <!-- A mention in context, from the table: the name marked. -->
  <xsl:function name="h:snippet" as="element()">
    <xsl:param name="mention" as="map(xs:string, xs:string)"/>
    <span class="snippet">
      <xsl:if test="$mention?before">{$mention?before} </xsl:if>
      <mark>{$mention?mark}</mark>
      <xsl:if test="$mention?after"><xsl:if test="not(matches($mention?after, '^[\p{P}]'))"><xsl:text> </xsl:text></xsl:if>{$mention?after}</xsl:if>
    </span>
  </xsl:function>

  <!-- A block flattened to its text (strings), with markers where each name starts
       and ends (h:start, h:end); notes and skipped parts left out, editorial signs in. -->
  <xsl:mode name="h:flat" on-no-match="shallow-skip"/>

  <xsl:template match="text()" mode="h:flat" as="xs:string">
    <xsl:sequence select="string(.)"/>
  </xsl:template>

  <xsl:template match="*" mode="h:flat" as="item()*">
    <xsl:sequence select="string(@te:open)[.]"/>
    <xsl:if test="@te:entity"><h:start m="{generate-id()}"/></xsl:if>
    <xsl:apply-templates mode="h:flat"/>
    <xsl:if test="@te:entity"><h:end m="{generate-id()}"/></xsl:if>
    <xsl:sequence select="string(@te:close)[.]"/>
  </xsl:template>

  <xsl:template match="tei:note | *[@te:kind = 'skip']" mode="h:flat" priority="1"/>

  <!-- An authority record as a link: a web address as it is, or a known authority's
       identifier (VIAF, GND, Wikidata, GeoNames, ORCID, LoC); otherwise no link. -->
  <xsl:function name="h:authority-url" as="xs:string?">
    <xsl:param name="idno" as="element()"/>
    <xsl:variable name="value" select="normalize-space($idno)"/>
    <xsl:variable name="base" select="map{
      'viaf': 'https://viaf.org/viaf/', 'gnd': 'https://d-nb.info/gnd/',
      'wikidata': 'https://www.wikidata.org/wiki/', 'geonames': 'https://www.geonames.org/',
      'orcid': 'https://orcid.org/', 'lccn': 'https://id.loc.gov/authorities/names/',
      'loc': 'https://id.loc.gov/authorities/names/'}(lower-case(normalize-space($idno/@type)))"/>
    <xsl:sequence select="(h:safe-url($value),
      $base[matches($value, '^[A-Za-z0-9][A-Za-z0-9._-]*$')] ! (. || $value))[1]"/>
  </xsl:function>
</xsl:stylesheet>
