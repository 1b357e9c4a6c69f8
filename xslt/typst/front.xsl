<?xml version="1.0" encoding="UTF-8"?>
<!--
  Front matter from the teiHeader (and the text's own titlePage, when it has one):
  the book's settings and PDF metadata, the title page, the imprint page.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- One space-normalised string from an element's text (notes left out). -->
  <xsl:function name="tt:plain" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:sequence select="normalize-space(string-join(for $n in $nodes return
      string-join($n/descendant-or-self::node()[self::text() or self::tei:lb[not(@break = 'no')]]
                  [not(ancestor::tei:note[. >> $n])] ! (if (. instance of text()) then string(.) else ' '), ''), ' '))"/>
  </xsl:function>

  <xsl:function name="tt:header" as="element()?">
    <xsl:param name="context" as="node()"/>
    <xsl:sequence select="(root($context)/*/tei:teiHeader, root($context)//tei:teiHeader)[1]"/>
  </xsl:function>

  <!-- The titles of the titleStmt that name this text for readers: not a series title
       (level "s", which is the series), not a machine date ("iso-date"), not a
       translation of another title (a language other than the first title's). -->
  <xsl:function name="tt:titles" as="element()*">
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="all" select="$header/tei:fileDesc/tei:titleStmt/tei:title[normalize-space()]"/>
    <xsl:variable name="own" select="$all[not(@level = 's' or @type = ('series', 'subseries'))
                                          and not(contains(@type, 'date'))]"/>
    <xsl:variable name="lang" select="string(($own[not(@type = ('sub', 'alt', 'short'))], $own)[1]/@xml:lang)"/>
    <xsl:sequence select="$own[string(@xml:lang) = ($lang, '')]"/>
  </xsl:function>

  <xsl:function name="tt:main-title-element" as="element()?">
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="titles" select="tt:titles($header)"/>
    <xsl:sequence select="($titles[@type = 'main'], $titles[@level = 'a'], $titles[@level = 'm'],
      $titles[not(@type = ('sub', 'alt', 'short', 'desc'))], $titles,
      $header/tei:fileDesc/tei:titleStmt/tei:title[normalize-space()])[1]"/>
  </xsl:function>

  <xsl:function name="tt:main-title" as="xs:string">
    <xsl:param name="header" as="element()?"/>
    <xsl:sequence select="(tt:main-title-element($header) ! tt:plain(.), 'Untitled')[.][1]"/>
  </xsl:function>

  <!-- The other titles, unless the main title already holds them ("Volume III" of
       "Papers ..., 1918, Russia, Volume III"). -->
  <xsl:function name="tt:subtitle" as="xs:string">
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="main" select="tt:main-title($header)"/>
    <xsl:sequence select="string-join((tt:titles($header) except tt:main-title-element($header))
      [not(@type = ('short', 'alt'))] ! tt:plain(.)[not(contains($main, .))], ': ')"/>
  </xsl:function>

  <xsl:function name="tt:series" as="xs:string">
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="stmt" select="$header/tei:fileDesc/tei:seriesStmt[1]"/>
    <xsl:variable name="title" select="($stmt/tei:title[1], $header/tei:fileDesc/tei:titleStmt/tei:title
                                        [@level = 's' or @type = 'series'][normalize-space()][1])[1]"/>
    <xsl:sequence select="string-join(($title, $stmt/tei:biblScope, $stmt/tei:idno[1])[normalize-space()] ! tt:plain(.), ', ')"/>
  </xsl:function>

  <!-- The people a responsibility names (author, editor, funder ...), each once: the
       names inside it (not its identifiers, addresses or affiliations); of names in
       several languages, those in the language of the first. -->
  <xsl:function name="tt:names" as="xs:string*">
    <xsl:param name="roles" as="element()*"/>
    <xsl:sequence select="distinct-values(for $role in $roles return
      (let $names := $role/(tei:persName, tei:name, tei:orgName, tei:surname/..)
       return if (empty($names)) then tt:plain($role)
       else $names[string(@xml:lang) = (string($names[1]/@xml:lang), '')] ! tt:plain(.))[.])"/>
  </xsl:function>

  <!-- The imprint's printing line of an edition: "From the edition Title, edited by A, B". -->
  <xsl:function name="tt:from-edition" as="xs:string">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="editors" as="xs:string*"/>
    <xsl:sequence select="'From the edition ' || $title
                          || (if (exists($editors)) then ', edited by ' || string-join($editors, ', ') else '')"/>
  </xsl:function>

  <!-- A bibliographic description with its parts punctuated: "Author, Title, Series". -->
  <xsl:function name="tt:bibl-text" as="xs:string">
    <xsl:param name="bibl" as="element()"/>
    <xsl:sequence select="if (exists($bibl/*) and empty($bibl/text()[normalize-space()]))
      then replace(string-join($bibl/*[not(self::tei:note)] ! tt:bibl-text(.)[.], ', '), '([.;:!?]), ', '$1 ')
      else tt:plain($bibl)"/>
  </xsl:function>

  <!-- The names of the translators: respStmts whose resp speaks of translation. -->
  <xsl:function name="tt:translators" as="xs:string*">
    <xsl:param name="header" as="element()?"/>
    <xsl:sequence select="distinct-values($header/tei:fileDesc/tei:titleStmt/tei:respStmt
      [tei:resp[matches(lower-case(.), 'transl|übersetz|перев')]]
      ! tt:names(* except tei:resp))"/>
  </xsl:function>

  <xsl:template name="tt:book-settings">
    <xsl:variable name="header" select="tt:header(.)"/>
    <xsl:variable name="title" select="tt:main-title($header)"/>
    <xsl:variable name="series" select="tt:series($header)"/>
    <xsl:variable name="lang-tag" select="(/*/@xml:lang, /*/tei:text/@xml:lang,
      $header/tei:profileDesc/tei:langUsage/tei:language[1]/@ident, 'en')[tt:lang(.)][1]"/>
    <xsl:variable name="terms" select="$header/tei:profileDesc/tei:textClass//tei:term ! tt:plain(.)"/>
    <xsl:variable name="ymd" select="tokenize($date, '-')"/>
    <xsl:text>#show: te.book.with(&#10;</xsl:text>
    <xsl:text>  title: {tt:str($title)},&#10;</xsl:text>
    <xsl:text>  subtitle: {tt:str-or-none(tt:subtitle($header))},&#10;</xsl:text>
    <xsl:text>  short-title: {tt:str(tt:short-title($title, $series, $header))},&#10;</xsl:text>
    <xsl:text>  authors: {tt:strs(tt:names($header/tei:fileDesc/tei:titleStmt/(tei:author, tei:editor)))},&#10;</xsl:text>
    <xsl:text>  keywords: {tt:strs(distinct-values(($terms, tt:frequent-entities(/))[.]))},&#10;</xsl:text>
    <xsl:text>  description: {tt:str-or-none(string-join(($series, tt:subtitle($header))[.], '. '))},&#10;</xsl:text>
    <xsl:text>  lang: {tt:str(tt:lang($lang-tag))},&#10;</xsl:text>
    <!-- A text that declares no language is not hyphenated: English patterns broke the
         German of the real letters wrongly ("Wirtschaft-sliberaler", "mitgeth-eilten"). -->
    <xsl:if test="not((/*/@xml:lang, /*/tei:text/@xml:lang,
      $header/tei:profileDesc/tei:langUsage/tei:language[1]/@ident)[tt:lang(.)])">
      <xsl:text>  hyphenate: false,&#10;</xsl:text>
    </xsl:if>
    <xsl:text>  region: {tt:str-or-none(tt:region($lang-tag))},&#10;</xsl:text>
    <xsl:text>  date: {if (count($ymd) = 3 and (every $p in $ymd satisfies $p castable as xs:integer))
      then 'datetime(year: ' || xs:integer($ymd[1]) || ', month: ' || xs:integer($ymd[2]) || ', day: ' || xs:integer($ymd[3]) || ')'
      else 'none'},&#10;</xsl:text>
    <xsl:text>  paper: {tt:str($paper)},&#10;</xsl:text>
    <xsl:text>  fonts: {tt:strs(tokenize($fonts, '\|')[normalize-space()])},&#10;</xsl:text>
    <xsl:text>)&#10;&#10;</xsl:text>
  </xsl:template>

  <!-- The running head of left-hand pages: the title, or the series when it is long. -->
  <xsl:function name="tt:short-title" as="xs:string">
    <xsl:param name="title" as="xs:string"/>
    <xsl:param name="series" as="xs:string"/>
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="titles" select="$header/tei:fileDesc/tei:titleStmt/tei:title"/>
    <xsl:variable name="short" select="$titles[@type = 'short'][1] ! tt:plain(.)"/>
    <!-- a volume of a series is known by its volume title and number ("Russia, Volume III") -->
    <xsl:variable name="volume" select="string-join(($titles[@type = 'volume'], $titles[@type = 'volumenumber'])[normalize-space()] ! tt:plain(.), ', ')"/>
    <xsl:sequence select="
      if ($short) then $short
      else if (string-length($title) gt 60 and $volume) then $volume
      else if (string-length($title) le 60) then $title
      else if ($series and string-length($series) le 60) then $series
      else string-join(tokenize($title, ' ')[position() le 6], ' ') || ' …'"/>
  </xsl:function>

  <!-- The five names mentioned most often: keywords for the PDF metadata. -->
  <xsl:function name="tt:frequent-entities" as="xs:string*">
    <xsl:param name="doc" as="document-node()"/>
    <xsl:variable name="names" select="$doc//tei:text//*[@te:label][not(ancestor::tei:titlePage)]"/>
    <xsl:variable name="ranked" as="xs:string*">
      <xsl:for-each-group select="$names" group-by="string(@te:label)">
        <xsl:sort select="count(current-group())" order="descending"/>
        <xsl:sort select="current-grouping-key()"/>
        <xsl:sequence select="current-grouping-key()"/>
      </xsl:for-each-group>
    </xsl:variable>
    <xsl:sequence select="$ranked[position() le 5]"/>
  </xsl:function>

  <!-- The title page: the text's own titlePage when there is one, else the header. -->
  <xsl:template name="tt:title-page">
    <xsl:param name="text" as="element()?"/>
    <xsl:variable name="header" select="tt:header(.)"/>
    <xsl:variable name="page" select="tt:own-title-page(.)"/>
    <xsl:variable name="stmt" select="$header/tei:fileDesc/tei:publicationStmt"/>
    <xsl:text>#te.title-page(&#10;</xsl:text>
    <xsl:choose>
      <xsl:when test="$page">
        <xsl:text>  own: [{tt:mark($page)}&#10;</xsl:text>
        <!-- the source's page the title page is (a page break just before it) -->
        <xsl:for-each select="tt:page-numbers($page/preceding-sibling::tei:pb[tt:opens-title-page(.)])">
          <xsl:text>#te.pb({.}, bar: false, block: true)&#10;</xsl:text>
        </xsl:for-each>
        <xsl:call-template name="tt:flow">
          <xsl:with-param name="container" select="$page"/>
          <xsl:with-param name="nested" select="true()" tunnel="yes"/>
        </xsl:call-template>
        <xsl:call-template name="tt:apparatus-after">
          <xsl:with-param name="nodes" select="$page"/>
        </xsl:call-template>
        <xsl:text>  ],&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>  series: {tt:str-or-none(tt:series($header))},&#10;</xsl:text>
        <xsl:text>  title: {tt:str(tt:main-title($header))},&#10;</xsl:text>
        <xsl:text>  subtitle: {tt:str-or-none(tt:subtitle($header))},&#10;</xsl:text>
        <xsl:text>  authors: {tt:strs(tt:names($header/tei:fileDesc/tei:titleStmt/tei:author))},&#10;</xsl:text>
        <xsl:text>  editors: {tt:strs(tt:names($header/tei:fileDesc/tei:titleStmt/tei:editor))},&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>  translators: {tt:strs(tt:translators($header))},&#10;</xsl:text>
    <xsl:text>  publisher: {tt:str-or-none(string-join(($stmt/(tei:publisher, tei:distributor, tei:authority)[1], $stmt/tei:pubPlace[1]) ! tt:plain(.), ', '))},&#10;</xsl:text>
    <xsl:text>  date: {tt:str-or-none($stmt/tei:date[1] ! tt:plain(.))},&#10;</xsl:text>
    <xsl:text>)&#10;&#10;</xsl:text>
  </xsl:template>

  <!-- (by a key: it is asked for each page break, and a volume has thousands) -->
  <xsl:key name="tt:title-pages" match="tei:text//tei:titlePage[not(ancestor::tei:group)]" use="'all'"/>

  <xsl:function name="tt:own-title-page" as="element()?">
    <xsl:param name="context" as="node()"/>
    <xsl:variable name="root" select="root($context)"/>
    <xsl:sequence select="if ($root instance of document-node()) then key('tt:title-pages', 'all', $root)[1]
                          else ($root//tei:text//tei:titlePage[not(ancestor::tei:group)])[1]"/>
  </xsl:function>

  <!-- The back of the title page: who made what, where the text comes from. -->
  <xsl:template name="tt:imprint">
    <xsl:variable name="header" select="tt:header(.)"/>
    <xsl:variable name="file" select="$header/tei:fileDesc"/>
    <xsl:text>#te.imprint((&#10;</xsl:text>
    <xsl:variable name="main" select="tt:main-title-element($header)"/>
    <xsl:for-each select="$main, (tt:titles($header) except $main)[not(contains(tt:plain($main), tt:plain(.)))],
                          ($file/tei:titleStmt/tei:title[normalize-space()] except tt:titles($header))
                          [not(@level = 's' or @type = ('series', 'subseries') or contains(@type, 'date'))]">
      <!-- (a collection's volume printed in parts: its subtitle is the part, "Part 1:
           1836–1848", which says what it is without the label "Subtitle") -->
      <xsl:call-template name="tt:imprint-line">
        <xsl:with-param name="label" select="if (@type = 'sub' and $header/../@te:book = 'collection') then ''
                                             else if (@type = 'sub') then 'Subtitle' else 'Title'"/>
        <xsl:with-param name="value" select="tt:plain(.)"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each-group select="$file/tei:titleStmt/(tei:author, tei:editor, tei:funder, tei:sponsor, tei:principal)"
                        group-adjacent="local-name()">
      <xsl:variable name="names" select="tt:names(current-group())"/>
      <xsl:call-template name="tt:imprint-line">
        <xsl:with-param name="label" select="tt:label-of(local-name()) || (if (count($names) gt 1) then 's' else '')"/>
        <xsl:with-param name="value" select="string-join($names, '; ')"/>
      </xsl:call-template>
    </xsl:for-each-group>
    <xsl:for-each select="$file/tei:titleStmt/tei:respStmt">
      <xsl:call-template name="tt:imprint-line">
        <xsl:with-param name="label" select="tt:label-of(string-join(tei:resp ! tt:plain(.), '; '))"/>
        <xsl:with-param name="value" select="string-join(tt:names(* except tei:resp), '; ')"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:if test="tt:series($header)">
      <xsl:call-template name="tt:imprint-line">
        <xsl:with-param name="label" select="'Series'"/>
        <xsl:with-param name="value" select="tt:series($header)"/>
      </xsl:call-template>
    </xsl:if>
    <xsl:for-each select="$file/tei:publicationStmt">
      <xsl:call-template name="tt:imprint-line">
        <xsl:with-param name="label" select="'Published'"/>
        <xsl:with-param name="value" select="string-join((tei:publisher, tei:distributor, tei:authority, tei:pubPlace, tei:date, tei:idno) ! tt:plain(.)[.], ', ')"/>
      </xsl:call-template>
      <xsl:for-each select="tei:availability">
        <xsl:call-template name="tt:imprint-line">
          <xsl:with-param name="label" select="'Rights'"/>
          <xsl:with-param name="value" select="tt:plain(.)"/>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:for-each select="tei:p">
        <xsl:call-template name="tt:imprint-line">
          <xsl:with-param name="label" select="''"/>
          <xsl:with-param name="value" select="tt:plain(.)"/>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:for-each>
    <!-- every source, as the text format lists them: a manuscript by its identifier
         (repository, collection, shelfmark), a printed source by its description; a
         collection's volume has none but its documents, and its sentence says how they
         are printed (volume.py), not a source: no label -->
    <xsl:for-each select="$file/tei:sourceDesc/(tei:msDesc/tei:msIdentifier, tei:bibl, tei:biblStruct,
                          tei:biblFull, tei:p)">
      <xsl:call-template name="tt:imprint-line">
        <xsl:with-param name="label" select="if ($header/../@te:book = 'collection') then '' else 'Source'"/>
        <xsl:with-param name="value" select="tt:bibl-text(.)"/>
      </xsl:call-template>
    </xsl:for-each>
    <xsl:for-each select="($header/tei:revisionDesc//tei:change)[last()]">
      <xsl:call-template name="tt:imprint-line">
        <xsl:with-param name="label" select="'Revision'"/>
        <xsl:with-param name="value" select="string-join((normalize-space($revision-date)[.], tt:plain(.)), ': ')"/>
      </xsl:call-template>
    </xsl:for-each>
    <!-- What this printing is, in a reader's words (not the software's nor the
         encoding's): a collection's volume prints the edition (its title, its
         editors), as it stood on the edition's date when it has one (never the day of
         the build; volume.py gives it in words, te:words); a document of a collection, the same edition (pdf.py's edition
         option: the stylesheet reads no collection); a single text, the edition's text as
         its last revision left it (its date in words, the revision-date parameter; never
         its file's name, which means nothing to a reader of a book). -->
    <xsl:call-template name="tt:imprint-line">
      <xsl:with-param name="label" select="'This printing'"/>
      <xsl:with-param name="value" select="
        if ($header/../@te:book = 'collection')
        then tt:from-edition(tt:plain($main), tt:names($file/tei:titleStmt/tei:editor))
             || ($file/tei:publicationStmt/tei:date/@te:words[normalize-space()] ! (', as it stood on ' || normalize-space(.)))
             || '.'
        else if (normalize-space($edition-title))
        then tt:from-edition(normalize-space($edition-title), tokenize($edition-editors, '&#10;')[normalize-space()])
             || '.'
        else 'From the edition''s text'
             || (normalize-space($revision-date)[.] ! (if (($header/tei:revisionDesc//tei:change)[last()]/@when)
                                                     then ' as revised on ' || . else ' as last revised (' || . || ')'))
             || '.'"/>
    </xsl:call-template>
    <xsl:text>))&#10;&#10;</xsl:text>
  </xsl:template>

  <xsl:template name="tt:imprint-line">
    <xsl:param name="label" as="xs:string"/>
    <xsl:param name="value" as="xs:string"/>
    <xsl:if test="normalize-space($value)">
      <xsl:text>  ({tt:str(normalize-space($label))}, {tt:str(normalize-space($value))}),&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <xsl:function name="tt:label-of" as="xs:string">
    <xsl:param name="name" as="xs:string"/>
    <xsl:sequence select="upper-case(substring($name, 1, 1)) || substring($name, 2)"/>
  </xsl:function>
</xsl:stylesheet>
