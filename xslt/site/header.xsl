<?xml version="1.0" encoding="UTF-8"?>
<!--
  The collection site's header, one for all its pages: the site's own (site.xsl's page
  shell) and its documents' (xslt/html/shell.xsl, a page of a collection): the
  collection's title, its navigation (Documents, Registers, Timeline, Map when the
  register has places with coordinates, Search) and the search box, which opens the
  site's search page (search-box.js: the CSP sends no form).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:s="urn:x-tei-edition:site"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- the header's links: page, target (from the site's root) and label of each -->
  <xsl:function name="s:nav" as="map(xs:string, xs:string)+">
    <xsl:param name="map" as="xs:boolean"/>
    <xsl:sequence select="
      map{'page': 'index', 'href': 'index.html', 'label': 'Documents'},
      map{'page': 'registers', 'href': 'registers/index.html', 'label': 'Registers'},
      map{'page': 'timeline', 'href': 'timeline.html', 'label': 'Timeline'},
      map{'page': 'map', 'href': 'map.html', 'label': 'Map'}[$map],
      map{'page': 'search', 'href': 'search.html', 'label': 'Search'}"/>
  </xsl:function>

  <xsl:template name="s:header" as="element()">
    <xsl:param name="title" as="xs:string"/>
    <!-- the way from the page to the site's root ('../' per level) -->
    <xsl:param name="root" as="xs:string"/>
    <!-- the page's own link (aria-current), none on a document's page -->
    <xsl:param name="page" as="xs:string" select="''"/>
    <xsl:param name="nav" as="map(xs:string, xs:string)+"/>
    <!-- the search box, which only a script can work: left for search-box.js to draw on the
         register entries' pages (thousands of them) -->
    <xsl:param name="box" as="xs:boolean" select="true()"/>
    <header class="site-header" lang="en">
      <div class="site-header-inner">
        <p class="site-title"><a href="{$root}index.html">{$title}</a></p>
        <nav class="site-nav" aria-label="Collection">
          <ul>
            <xsl:for-each select="$nav">
              <li>
                <a href="{$root}{?href}">
                  <xsl:if test="?page = $page">
                    <xsl:attribute name="aria-current" select="'page'"/>
                  </xsl:if>{?label}</a>
              </li>
            </xsl:for-each>
          </ul>
        </nav>
        <xsl:if test="$box">
          <form class="search" role="search" id="te-search" action="#" data-target="{$root}search.html">
            <label for="te-q" class="visually-hidden">Search the collection</label>
            <input type="search" id="te-q" name="q" placeholder="Search the collection"
                   autocomplete="off" spellcheck="false"/>
          </form>
        </xsl:if>
      </div>
    </header>
  </xsl:template>
</xsl:stylesheet>
