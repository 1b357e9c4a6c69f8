<?xml version="1.0" encoding="UTF-8"?>
<!--
  The collection site: the timeline and a page per year (a module of site.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:s="urn:x-tei-edition:site"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:math="http://www.w3.org/2005/xpath-functions/math"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- ============================================================ timeline -->

  <xsl:template name="s:timeline" as="element()">
    <xsl:variable name="years" as="map(xs:string, xs:integer)">
      <xsl:map>
        <xsl:for-each-group select="s:doc" group-by="(@year[normalize-space()], 'undated')[1]">
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
                    <xsl:call-template name="s:year-link-text">
                      <xsl:with-param name="year" select="string(.)"/>
                      <xsl:with-param name="n" select="$n"/>
                    </xsl:call-template></a>
                </xsl:when>
                <xsl:otherwise><span class="bar empty"><span class="n">0</span></span></xsl:otherwise>
              </xsl:choose>
            </li>
            </xsl:if>
          </xsl:for-each>
          <xsl:if test="map:contains($years, 'undated')">
            <li><span class="year">undated</span>
              <a class="bar" href="years/undated.html" data-width="{round(100 * $years('undated') div $most)}">
                <xsl:call-template name="s:year-link-text">
                  <xsl:with-param name="year" select="'undated'"/>
                  <xsl:with-param name="n" select="$years('undated')"/>
                </xsl:call-template></a></li>
          </xsl:if>
        </ol>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- A year's bar and count, read out "1836: 3 documents" (the year beside the bar is
       no part of the link: a screen reader said "link 3" alone). -->
  <xsl:template name="s:year-link-text" as="element()+">
    <xsl:param name="year" as="xs:string"/>
    <xsl:param name="n" as="xs:integer"/>
    <span class="visually-hidden">{$year}: </span>
    <span class="fill" aria-hidden="true"></span>
    <span class="n">{$n}<span class="visually-hidden"> document{if ($n = 1) then '' else 's'}</span></span>
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
        <h1>{$year} <span class="count">({count($docs)} document{if (count($docs) = 1) then '' else 's'})</span></h1>
        <ol class="doc-list">
          <xsl:for-each select="$docs">
            <!-- (its date where its title does not say it; on the page of the undated, none) -->
            <li value="{@n}"><a href="../{@href}">{@line}</a><xsl:if test="@dated and @year != ''">, {@dated}</xsl:if></li>
          </xsl:for-each>
        </ol>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>
</xsl:stylesheet>
