<?xml version="1.0" encoding="UTF-8"?>
<!--
  The title block, from the teiHeader: the title (underlined), subtitles, "by" the
  authors, editors and other responsibilities, the series, and one "Source:" line per
  source the header describes (a bibliography entry, a manuscript's identifier).
  Then the hands whose long notes the textual notes name by their first words, in full.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tx="urn:x-tei-edition:text"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:variable name="tx:minor-titles" as="xs:string+" select="
    'sub', 'subordinate', 'alt', 'alternative', 'short', 'desc', 'parallel', 'translated'"/>

  <xsl:template name="tx:title-block" as="element(tx:b)*">
    <xsl:variable name="file" select="tei:teiHeader/tei:fileDesc"/>
    <xsl:variable name="titles" select="$file/tei:titleStmt/tei:title[tx:text(.)]"/>
    <!-- (as the PDF's title page: a series title goes to the "Series:" line, a machine
         date is no title, and a title another one holds, "Volume III" of "Papers ...,
         Russia, Volume III", is not printed again) -->
    <xsl:variable name="series" select="$titles[@level = 's' or @type = ('series', 'subseries')]"/>
    <xsl:variable name="major" select="$titles[not(@type = $tx:minor-titles)]
                                        [not(contains(@type, 'date'))] except $series"/>
    <xsl:variable name="candidates" select="if (exists($major)) then $major else $titles[1]"/>
    <xsl:variable name="main" select="for $t in $candidates return $t[not(some $other in ($candidates except $t)
      satisfies (contains(tx:text($other), tx:text($t)) and (tx:text($other) ne tx:text($t) or $other &lt;&lt; $t)))]"/>
    <xsl:variable name="lines" as="xs:string*" select="
      ($titles[@type = ('sub', 'subordinate')] except $main) ! tx:text(.),
      tx:names('by', $file/tei:titleStmt/tei:author),
      tx:names('edited by', $file/tei:titleStmt/tei:editor),
      $file/tei:titleStmt/tei:respStmt ! tx:responsibility(.),
      $file/tei:seriesStmt ! tx:labelled('Series', string-join((tei:title, tei:biblScope, tei:idno) ! tx:text(.), ', ')),
      (if ($file/tei:seriesStmt/tei:title[tx:text(.)]) then () else ($series except $main)[1] ! tx:labelled('Series', tx:text(.))),
      $file/tei:sourceDesc/* ! tx:labelled('Source', tx:source(.))"/>
    <xsl:for-each select="$main">
      <tx:b group="title" indent="0">
        <xsl:if test="position() = last()">
          <xsl:attribute name="underline" select="'='"/>
        </xsl:if>
        <xsl:sequence select="tx:text(.)"/>
      </tx:b>
    </xsl:for-each>
    <xsl:for-each select="$lines[.]">
      <tx:b group="title" indent="0">{.}</tx:b>
    </xsl:for-each>
  </xsl:template>

  <!-- The hands whose notes the textual notes abridge (te:hands-in-full), in full,
       once: "Hands", then one paragraph each. -->
  <xsl:template name="tx:hands" as="element(tx:b)*">
    <xsl:variable name="hands" select="te:hands-in-full(.)"/>
    <xsl:if test="exists($hands)">
      <tx:b group="" indent="0">{$te:hands-title}</tx:b>
      <xsl:for-each select="$hands">
        <tx:b group="" indent="0">{tx:clean(te:hand-text(.))}</tx:b>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>

  <xsl:function name="tx:text" as="xs:string">
    <xsl:param name="el" as="element()?"/>
    <xsl:sequence select="tx:inline-text($el)"/>
  </xsl:function>

  <!-- "by A, B and C" -->
  <xsl:function name="tx:names" as="xs:string?">
    <xsl:param name="label" as="xs:string"/>
    <xsl:param name="names" as="element()*"/>
    <!-- the names inside (an author with persName and idno children; an editor
         element holding two names, Schnitzler's letters) are the names -->
    <xsl:variable name="texts" select="$names ! (if (tei:persName | tei:name | tei:orgName)
      then tei:persName | tei:name | tei:orgName else .) ! tx:text(.)[.]"/>
    <xsl:sequence select="
      if (empty($texts)) then ()
      else $label || ' ' || string-join($texts[position() lt last()], ', ')
           || (if (count($texts) gt 1) then ' and ' else '') || $texts[last()]"/>
  </xsl:function>

  <!-- "Translation: Bernd Schaefer" -->
  <xsl:function name="tx:responsibility" as="xs:string?">
    <xsl:param name="resp" as="element()"/>
    <xsl:variable name="what" select="string-join($resp/tei:resp ! tx:text(.), ', ')"/>
    <xsl:variable name="who" select="tx:names('', $resp/(* except tei:resp))"/>
    <xsl:sequence select="if ($what and $who) then tx:labelled($what, normalize-space($who)) else ()"/>
  </xsl:function>

  <xsl:function name="tx:labelled" as="xs:string?">
    <xsl:param name="label" as="xs:string"/>
    <xsl:param name="text" as="xs:string"/>
    <xsl:sequence select="if (normalize-space($text))
      then upper-case(substring($label, 1, 1)) || substring($label, 2) || ': ' || $text
      else ()"/>
  </xsl:function>

  <!-- A manuscript is named by its identifier; anything else by its text. -->
  <xsl:function name="tx:source" as="xs:string">
    <xsl:param name="source" as="element()"/>
    <xsl:sequence select="tx:parts(($source/self::tei:msDesc/tei:msIdentifier, $source)[1])"/>
  </xsl:function>

  <!-- Structured description (elements with only whitespace between): the parts
       joined by commas; prose: its text. -->
  <xsl:function name="tx:parts" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="
      if (empty($el/*) or normalize-space(string-join($el/text()))) then tx:text($el)
      else string-join($el/*[not(self::tei:note)] ! tx:parts(.)[.], ', ')"/>
  </xsl:function>
</xsl:stylesheet>
