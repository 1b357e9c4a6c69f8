<?xml version="1.0" encoding="UTF-8"?>
<!--
  "About this edition" (about.html): the editorial principles written for readers (the
  common layer's te:principles-for-readers, the same paragraphs under the same titles as
  the PDF's), the signs and markup of the reading text (the signs come from the common
  layer, so the explanation cannot drift from the text), hands and languages from the
  header, and the record of the edition for those who want every detail: its
  publication, rights, sources described in full and revisions, in words (the title and
  responsibilities are on the first page). No element or attribute name is shown: the
  encoders' documentation stays in the TEI.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:mode name="h:prose" on-no-match="text-only-copy"/>

  <xsl:template name="h:about-page" as="element()">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="header" select="($norm/*/tei:teiHeader)[1]"/>
    <xsl:call-template name="h:page">
      <xsl:with-param name="norm" select="$norm"/>
      <xsl:with-param name="page" select="'about'"/>
      <xsl:with-param name="title" select="'About this edition'"/>
      <xsl:with-param name="content" as="element()*">
        <header class="page-header">
          <h1>About this edition</h1>
        </header>
        <nav class="page-contents" aria-label="On this page">
          <ul>
            <li><a href="#te-conventions">Editorial conventions</a></li>
            <li><a href="#te-signs">Signs and markup</a></li>
            <xsl:if test="$header//tei:handNote"><li><a href="#te-hands">Hands</a></li></xsl:if>
            <xsl:if test="$header//tei:langUsage"><li><a href="#te-languages">Languages</a></li></xsl:if>
            <li><a href="#te-record">Record of the edition</a></li>
          </ul>
        </nav>
        <section id="te-conventions" aria-labelledby="te-conventions-h">
          <h2 id="te-conventions-h">Editorial conventions</h2>
          <xsl:variable name="principles" select="te:principles-for-readers($header)"/>
          <xsl:for-each select="$principles">
            <section class="decl">
              <h3>{?title}</h3>
              <xsl:apply-templates select="?paragraphs" mode="h:prose"/>
            </section>
          </xsl:for-each>
          <xsl:if test="empty($principles)">
            <p>The edition states no editorial principles for its readers.</p>
          </xsl:if>
        </section>
        <xsl:call-template name="h:signs">
          <xsl:with-param name="reading" select="$reading"/>
        </xsl:call-template>
        <xsl:if test="$header//tei:handNote">
          <section id="te-hands" aria-labelledby="te-hands-h">
            <h2 id="te-hands-h">Hands</h2>
            <dl class="hands">
              <xsl:for-each select="$header//tei:handNote">
                <dt>Hand {position()}{h:hand-kind(.) ! (' (' || . || ')')}</dt>
                <dd>{h:plain(.)}</dd>
              </xsl:for-each>
            </dl>
          </section>
        </xsl:if>
        <xsl:if test="$header//tei:langUsage">
          <section id="te-languages" aria-labelledby="te-languages-h">
            <h2 id="te-languages-h">Languages</h2>
            <ul>
              <xsl:for-each select="$header//tei:langUsage/tei:language">
                <li>{te:language-name(.)}</li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:if>
        <xsl:call-template name="h:record">
          <xsl:with-param name="header" select="$header"/>
        </xsl:call-template>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ============ the principles' paragraphs ============ -->

  <xsl:template match="tei:p | tei:ab" mode="h:prose">
    <p><xsl:apply-templates mode="h:prose-inline"/></p>
  </xsl:template>

  <xsl:template match="tei:head" mode="h:prose">
    <h4><xsl:apply-templates mode="h:prose-inline"/></h4>
  </xsl:template>

  <xsl:template match="tei:list" mode="h:prose">
    <ul>
      <xsl:for-each select="*">
        <li><xsl:apply-templates mode="h:prose-inline"/></li>
      </xsl:for-each>
    </ul>
  </xsl:template>

  <!-- Any other block (a quotation, a table): its text, as a paragraph. -->
  <xsl:template match="*" mode="h:prose" priority="-1">
    <p>{h:plain(.)}</p>
  </xsl:template>

  <xsl:mode name="h:prose-inline" on-no-match="text-only-copy"/>

  <xsl:template match="tei:ref[h:safe-url(@target)] | tei:ptr[h:safe-url(@target)]" mode="h:prose-inline">
    <a class="external" href="{h:safe-url(@target)}" rel="noopener noreferrer">
      <xsl:apply-templates mode="h:prose-inline"/>
      <xsl:if test="self::tei:ptr">{h:safe-url(@target)}</xsl:if>
    </a>
  </xsl:template>

  <xsl:template match="tei:hi | tei:emph | tei:title | tei:foreign | tei:term" mode="h:prose-inline">
    <i><xsl:apply-templates mode="h:prose-inline"/></i>
  </xsl:template>

  <xsl:template match="tei:note" mode="h:prose-inline">
    <xsl:text> (</xsl:text><xsl:apply-templates mode="h:prose-inline"/><xsl:text>)</xsl:text>
  </xsl:template>

  <!-- ============ hands ============ -->

  <!-- What kind of hand, in words: its medium as written ("ink", "pencil") and its
       share of the writing; never its identifier. -->
  <xsl:function name="h:hand-kind" as="xs:string?">
    <xsl:param name="hand" as="element()"/>
    <xsl:variable name="scope" select="map{'sole': 'the only hand', 'major': 'a main hand',
                                           'minor': 'an occasional hand'}"/>
    <xsl:sequence select="string-join(($hand/@medium ! normalize-space(.),
                                       $hand/@scope ! $scope(normalize-space(.)))[.], ', ')[.]"/>
  </xsl:function>

  <!-- ============ the record of the edition ============ -->

  <!-- What the header records beyond the first page's title block, in words: the
       publication and its identifiers, the rights, every source described in full, and
       the revisions with their dates and who made them. -->
  <xsl:template name="h:record" as="element()?">
    <xsl:param name="header" as="element()?"/>
    <xsl:variable name="pub" select="$header/tei:fileDesc/tei:publicationStmt"/>
    <xsl:variable name="published" select="(h:plain-list($pub/(tei:publisher, tei:distributor,
      tei:authority, tei:pubPlace, tei:date), ', ')[.], $pub/(tei:p, tei:ab) ! h:plain(.)[.])"/>
    <xsl:variable name="identifiers" select="$pub/tei:idno[h:plain(.)]"/>
    <xsl:variable name="rights" select="$pub/tei:availability/(tei:p, tei:ab, tei:licence)[h:plain(.) or h:safe-url(@target)]"/>
    <xsl:variable name="sources" select="$header/tei:fileDesc/tei:sourceDesc/(tei:msDesc,
      tei:bibl, tei:biblStruct, tei:listBibl/*, tei:p,
      tei:biblFull, tei:recordingStmt)[exists(h:record-lines(.))]"/>
    <!-- the witnesses by the sigla the textual notes cite them by -->
    <xsl:variable name="witnesses" select="$header/tei:fileDesc/tei:sourceDesc//tei:listWit//tei:witness"/>
    <xsl:variable name="changes" select="$header/tei:revisionDesc/(tei:change, tei:listChange//tei:change)[h:plain(.)]"/>
    <xsl:if test="exists($published) or $identifiers or $rights or $sources or $witnesses or $changes">
      <section id="te-record" aria-labelledby="te-record-h">
        <h2 id="te-record-h">Record of the edition</h2>
        <p>What the edition records of its publication, its sources and its history; its
          title and the people responsible for it are on its <a href="index.html">first page</a>.</p>
        <dl class="meta record">
          <xsl:if test="$published">
            <dt>Published</dt>
            <xsl:for-each select="$published">
              <dd>{.}</dd>
            </xsl:for-each>
          </xsl:if>
          <xsl:if test="$identifiers">
            <dt>Identifier{if (count($identifiers) gt 1) then 's' else ''}</dt>
            <xsl:for-each select="$identifiers">
              <dd>{h:plain(.)}</dd>
            </xsl:for-each>
          </xsl:if>
          <xsl:if test="$rights">
            <dt>Rights</dt>
            <xsl:for-each select="$rights">
              <dd>
                <xsl:choose>
                  <xsl:when test="self::tei:licence and h:safe-url(@target)">
                    <a class="external" href="{h:safe-url(@target)}" rel="noopener noreferrer license">{(h:plain(.)[.], h:safe-url(@target))[1]}</a>
                  </xsl:when>
                  <xsl:otherwise><xsl:apply-templates mode="h:prose-inline"/></xsl:otherwise>
                </xsl:choose>
              </dd>
            </xsl:for-each>
          </xsl:if>
          <xsl:if test="$sources">
            <dt>Source{if (count($sources) gt 1) then 's' else ''}</dt>
            <xsl:for-each select="$sources">
              <dd class="source">
                <xsl:for-each select="h:record-lines(.)">
                  <p>{.}</p>
                </xsl:for-each>
              </dd>
            </xsl:for-each>
          </xsl:if>
          <xsl:if test="$witnesses">
            <dt>Witnesses</dt>
            <xsl:for-each select="$witnesses">
              <xsl:variable name="described" select="string-join((tei:msDesc, .)[1] ! h:record-lines(.), ' ')"/>
              <dd>{string-join((normalize-space(@xml:id)[.], $described[. ne normalize-space(current()/@xml:id)]), ': ')}</dd>
            </xsl:for-each>
          </xsl:if>
          <xsl:if test="$changes">
            <dt>Revisions</dt>
            <xsl:for-each select="$changes">
              <xsl:variable name="who" select="h:who(.)"/>
              <dd>{string-join((h:record-date((@when, @notAfter, @notBefore)[1]), $who)[.], ', ')
                   ! (. || ': ')}{h:plain(.)}</dd>
            </xsl:for-each>
          </xsl:if>
        </dl>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- A description in lines: prose (text of its own) is one line; a description made
       of short parts (an identifier: place, archive, collection, number) is one line,
       its parts joined by commas, with its notes after it; a description made of
       larger ones (contents, physical description, history) is a line or more for
       each. -->
  <xsl:function name="h:record-lines" as="xs:string*">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="
      if (h:is-prose($el)) then h:plain($el)[.]
      else if ($el[self::tei:bibl or self::tei:biblStruct] or (every $c in $el/* satisfies h:is-prose($c)))
      then (h:parts($el)[.], $el/tei:note ! h:record-lines(.))
      else $el/* ! h:record-lines(.)"/>
  </xsl:function>

  <xsl:function name="h:is-prose" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="empty($el/*) or normalize-space(string-join($el/text())) ne ''"/>
  </xsl:function>

  <xsl:function name="h:parts" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="if (h:is-prose($el)) then h:plain($el)
                          else string-join($el/*[not(self::tei:note)] ! h:parts(.)[.], ', ')"/>
  </xsl:function>

  <!-- A date of the header in words ("27 November 2026"), as written when it is not a
       full date. -->
  <xsl:function name="h:record-date" as="xs:string?">
    <xsl:param name="when" as="attribute()?"/>
    <xsl:variable name="value" select="normalize-space($when)"/>
    <xsl:sequence select="
      if ($value castable as xs:date) then format-date(xs:date($value), '[D] [MNn] [Y]', 'en', (), ())
      else if ($value castable as xs:dateTime) then format-date(xs:date(xs:dateTime($value)), '[D] [MNn] [Y]', 'en', (), ())
      else if ($value castable as xs:gYearMonth) then format-date(xs:date($value || '-01'), '[MNn] [Y]', 'en', (), ())
      else $value[.]"/>
  </xsl:function>

  <!-- Who made a change: the names the header gives the people or bodies its @who
       points to (a responsibility, a person); nothing when it names none. -->
  <xsl:function name="h:who" as="xs:string?">
    <xsl:param name="change" as="element()"/>
    <xsl:variable name="ids" select="tokenize(normalize-space($change/@who)) ! substring-after(., '#')[.]"/>
    <xsl:variable name="named" select="key('te:by-id', $ids, root($change))"/>
    <xsl:sequence select="string-join(distinct-values($named ! (
      if (self::tei:respStmt) then h:plain-list(* except tei:resp, ', ')
      else h:person-names(.)))[.], ', ')[.]"/>
  </xsl:function>
</xsl:stylesheet>
