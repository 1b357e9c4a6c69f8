<?xml version="1.0" encoding="UTF-8"?>
<!--
  The registers: one page per kind of entry (persons, places, organizations, other).
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
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Every rendered mention of an entry (names in skipped metadata are not mentions). -->
  <xsl:key name="h:mentions" match="*[@te:entity][empty(ancestor::*[@te:kind = 'skip'])]"
           use="tokenize(@te:entity)"/>
  <xsl:key name="h:entry" match="h:entry" use="@id"/>

  <xsl:variable name="h:register-pages" as="map(xs:string, xs:string)" select="map{
    'persons': 'Persons', 'places': 'Places', 'organizations': 'Organizations', 'other': 'Other entities'}"/>

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
            <xsl:for-each-group select="current-group()" group-by="string((@te:key, @xml:id)[1])">
              <xsl:sort select="h:sort-key(.)"/>
              <xsl:sort select="current-grouping-key()"/>
              <h:entry id="{current-grouping-key()}" label="{te:entity-label(.)}" sort="{h:sort-key(.)}"
                       heading="{h:register-heading(.)}"
                       count="{count(key('h:mentions', current-grouping-key(), $norm))}"/>
            </xsl:for-each-group>
          </h:register>
        </xsl:for-each-group>
      </xsl:document>
    </xsl:variable>
    <xsl:sequence select="$catalog/h:register"/>
  </xsl:function>

  <xsl:key name="h:mentions-all" match="*[@te:entity][empty(ancestor::*[@te:kind = 'skip'])]" use="'all'"/>

  <!-- The register page an entry is on, with its fragment, or nothing. -->
  <xsl:function name="h:entry-href" as="xs:string?">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="catalog" as="element(h:register)*"/>
    <xsl:sequence select="if (exists($collection-page)) then
      ($collection-page/*/te:entity[@id = $id])[1]/string(@href)
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
    <xsl:variable name="mentions" select="key('h:mentions', string($summary/@id), $norm)"/>
    <xsl:variable name="type" select="te:entity-type($entry)"/>
    <xsl:variable name="names" select="$entry/(tei:persName, tei:placeName, tei:orgName, tei:name, tei:geogName)"/>
    <xsl:variable name="count" select="count($mentions)"/>
    <article class="entry {h:token($type)}" id="{$summary/@id}">
      <h3>
        <span class="entry-label">{$summary/@heading}</span>
        <xsl:text> </xsl:text>
        <span class="count">{if ($count = 0) then 'not named in the text' else if ($count = 1) then '1 mention'
                             else $count || ' mentions'}</span>
      </h3>
      <xsl:variable name="others" select="distinct-values($names ! h:plain(.)[.][. ne $summary/@label])"/>
      <xsl:if test="exists($others)">
        <p class="entry-names">Also: {string-join($others, '; ')}</p>
      </xsl:if>
      <xsl:for-each select="$entry/(tei:note, tei:desc)">
        <p class="entry-description">{h:plain(.)}</p>
      </xsl:for-each>
      <xsl:variable name="facts" select="$entry/* except ($names, $entry/(tei:note, tei:desc, tei:idno,
        tei:person, tei:place, tei:org, tei:personGrp, tei:listPerson, tei:listPlace, tei:listOrg))"/>
      <xsl:if test="$facts[normalize-space() or @when or @from or @to or @notBefore or @notAfter]">
        <dl class="facts">
          <xsl:for-each select="$facts[normalize-space() or @when or @from or @to or @notBefore or @notAfter]">
            <dt>{h:humanize(local-name())}</dt>
            <dd>{(h:plain(.)[.], string-join((@when, @from, @notBefore) ! string(), ', ')
                  || (@to, @notAfter)[1] ! ('–' || .))[1]}</dd>
          </xsl:for-each>
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
      <xsl:if test="$mentions">
        <ol class="mentions">
          <xsl:for-each select="$mentions">
            <li>
              <a href="index.html{h:fragment(h:mention-id(.))}">
                <span class="where">{h:where(.)}{ancestor::tei:note[@te:place = 'foot'][1] ! (', note ' || @te:n)}</span>
                <xsl:text> </xsl:text>
                <xsl:sequence select="h:snippet(.)"/>
              </a>
            </li>
          </xsl:for-each>
        </ol>
      </xsl:if>
    </article>
  </xsl:template>

  <!-- A mention in context: up to about ten words either side, the name marked, with
       the editorial signs of the reading text ([supplied], […]) and without notes. -->
  <xsl:function name="h:snippet" as="element()">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="block" select="te:block-of($name)"/>
    <xsl:variable name="line" as="element(h:line)">
      <h:line>
        <xsl:apply-templates select="if ($block is $name) then $name else $block/node()" mode="h:snippet">
          <xsl:with-param name="name" select="$name" tunnel="yes"/>
        </xsl:apply-templates>
      </h:line>
    </xsl:variable>
    <xsl:variable name="before" select="normalize-space(string-join($line/h:mark/preceding-sibling::text(), ''))"/>
    <xsl:variable name="after" select="normalize-space(string-join($line/h:mark/following-sibling::text(), ''))"/>
    <span class="snippet">
      <xsl:if test="$before">{if (string-length($before) gt 70)
        then '… ' || replace(substring($before, string-length($before) - 69), '^\S*\s+', '')
        else $before} </xsl:if>
      <mark>{normalize-space($line/h:mark)}</mark>
      <xsl:if test="$after"><xsl:if test="not(matches($after, '^[\p{P}]'))"><xsl:text> </xsl:text></xsl:if>{
        if (string-length($after) gt 70) then replace(substring($after, 1, 70), '\s+\S*$', '') || ' …' else $after}</xsl:if>
    </span>
  </xsl:function>

  <xsl:mode name="h:snippet" on-no-match="text-only-copy"/>

  <xsl:template match="*" mode="h:snippet">
    <xsl:param name="name" as="element()" tunnel="yes"/>
    <xsl:variable name="text" as="item()*">
      <xsl:value-of select="@te:open"/>
      <xsl:apply-templates mode="h:snippet"/>
      <xsl:value-of select="@te:close"/>
    </xsl:variable>
    <xsl:choose>
      <xsl:when test=". is $name"><h:mark>{string-join($text ! string(.), '')}</h:mark></xsl:when>
      <xsl:when test="exists($name/ancestor::* intersect .)"><xsl:sequence select="$text"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="string-join($text ! string(.), '')"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:note | *[@te:kind = 'skip']" mode="h:snippet"/>

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
