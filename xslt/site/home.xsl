<?xml version="1.0" encoding="UTF-8"?>
<!--
  The collection site: the home page with the catalogue table, and the search page (a module of site.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:s="urn:x-tei-edition:site"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:math="http://www.w3.org/2005/xpath-functions/math"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

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
          <xsl:for-each select="s:roles-note">
            <p class="roles-note">{.}</p>
          </xsl:for-each>
          <form class="filters" id="te-filters" action="#" hidden="">
            <label>From year <input type="number" id="te-from" inputmode="numeric"/></label>
            <label>to <input type="number" id="te-to" inputmode="numeric"/></label>
            <label>Correspondent <input type="text" id="te-person" list="te-people" autocomplete="off"/></label>
            <datalist id="te-people"></datalist>
            <label>Place <input type="text" id="te-place" list="te-places" autocomplete="off"/></label>
            <datalist id="te-places"></datalist>
            <label>Text <input type="search" id="te-text" autocomplete="off"
              placeholder="title, names, place or date"/></label>
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
      <xsl:with-param name="own-scripts" select="'assets/search.js'"/>
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
</xsl:stylesheet>
