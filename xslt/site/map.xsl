<?xml version="1.0" encoding="UTF-8"?>
<!--
  The collection site: the map of places, drawn as SVG from the register's coordinates (a module of site.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:s="urn:x-tei-edition:site"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  xmlns:math="http://www.w3.org/2005/xpath-functions/math"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

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
        <!-- (the register has coordinates, the site its map: none of the places the
             documents name may have them) -->
        <xsl:if test="empty($all)">
          <p>None of the places the documents name has coordinates in the register.</p>
        </xsl:if>
        <xsl:if test="exists($all)">
        <p>{count($all)} places of the register, drawn where their coordinates put them (there is no
          background map); a circle grows with the mentions of the place (a small dot: named once)
          and leads to its page.</p>
        <xsl:if test="@map-detail">
          <h2 id="te-detail">Where most places are named</h2>
          <xsl:call-template name="s:svg-map">
            <xsl:with-param name="places" select="$all[s:inside(., current()/@map-detail)]"/>
            <xsl:with-param name="window" select="string(@map-detail)"/>
          </xsl:call-template>
          <h2>All places</h2>
        </xsl:if>
        <xsl:call-template name="s:svg-map">
          <xsl:with-param name="places" select="$all[s:inside(., current()/@map-all)]
                                                 [not(s:inside(., current()/@map-detail))]"/>
          <xsl:with-param name="window" select="string(@map-all)"/>
          <xsl:with-param name="detail" select="string(@map-detail)"/>
        </xsl:call-template>
        <xsl:if test="$all except $shown">
          <h2>Beyond the map</h2>
          <ul class="entries">
            <xsl:for-each select="$all except $shown">
              <xsl:sort select="@sort"/>
              <li id="{@slug}"><a href="registers/place/{@slug}.html">{@label}</a>{' '}<span class="count">({@count})</span></li>
            </xsl:for-each>
          </ul>
        </xsl:if>
        </xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The diameter of the dot of a place named once (the radius of a circle for a
       place named twice is at least 2 + 14 * sqrt(2 / most), so the dot is smaller). -->
  <xsl:variable name="s:dot" as="xs:integer" select="4"/>

  <!-- A place's position on the map: integer units, x east of the west edge, y south
       of the north edge. -->
  <xsl:function name="s:x" as="xs:double">
    <xsl:param name="place" as="element(s:entity)"/>
    <xsl:param name="west" as="xs:double"/>
    <xsl:param name="k" as="xs:double"/>
    <xsl:param name="scale" as="xs:double"/>
    <xsl:sequence select="round((xs:double($place/s:geo/@lon) - $west) * $k * $scale)"/>
  </xsl:function>

  <xsl:function name="s:y" as="xs:double">
    <xsl:param name="place" as="element(s:entity)"/>
    <xsl:param name="north" as="xs:double"/>
    <xsl:param name="scale" as="xs:double"/>
    <xsl:sequence select="round(($north - xs:double($place/s:geo/@lat)) * $scale)"/>
  </xsl:function>

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
      <!-- Every place a link to its page, named by its title, with its id (the "On
           the map" links of the place pages land on it). Written compactly, for a map of
           thousands of places stays a page that loads quickly (issue #15): a place named
           more than once is a circle growing with its mentions (integer radius); a place
           named once, the most of them, a dot of one size (a round, zero-length stroke
           drawn by the group it is in), its title without the count. -->
      <xsl:for-each select="reverse($by-count)[xs:integer(@count) gt 1]">
        <a href="registers/place/{@slug}.html" id="{@slug}"><title>{@label} ({@count})</title><circle
           cx="{s:x(., $west, $k, $scale)}" cy="{s:y(., $north, $scale)}"
           r="{round(2 + 14 * math:sqrt(xs:integer(@count) div $most))}"/></a>
      </xsl:for-each>
      <g class="once" stroke-width="{$s:dot}" stroke-linecap="round">
        <xsl:for-each select="reverse($by-count)[not(xs:integer(@count) gt 1)]">
          <a href="registers/place/{@slug}.html" id="{@slug}"><title>{@label}</title><path
             d="M{s:x(., $west, $k, $scale)} {s:y(., $north, $scale)}h0"/></a>
        </xsl:for-each>
      </g>
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
