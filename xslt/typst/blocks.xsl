<?xml version="1.0" encoding="UTF-8"?>
<!--
  Block structure: divisions (with their headings), containers, paragraphs, lines,
  lists, tables, verse, speeches. A container's children flow: its blocks as blocks;
  its loose text and inline elements as paragraphs (when it has loose text of its
  own) or one line each (when it has none, e.g. the lines of a letterhead).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Unmatched nodes fail, as in every format: every element has a rule (the last
       one keeps the text of elements with no rule of their own). -->
  <xsl:mode name="tt:block" on-no-match="fail" on-multiple-match="fail"
            warning-on-multiple-match="yes"/>

  <xsl:template match="comment() | processing-instruction()" mode="tt:block tt:inline tt:block-break"/>

  <!-- Elements whose children are laid out as a flow of blocks and lines. -->
  <xsl:variable name="tt:containers" as="xs:string+" select="
    'TEI', 'teiCorpus', 'text', 'group', 'front', 'body', 'back', 'div', 'div1', 'div2',
    'div3', 'div4', 'div5', 'div6', 'div7', 'opener', 'closer', 'postscript', 'titlePage',
    'docTitle', 'lg', 'sp', 'figure', 'floatingText', 'castList', 'castGroup', 'listBibl',
    'listPerson', 'listPlace', 'listOrg', 'listEvent', 'argument', 'epigraph', 'spGrp',
    'msDesc', 'msContents', 'physDesc', 'history', 'entry', 'superEntry', 'sense'"/>

  <!-- Containers that are only structure: their flow goes out without a wrapper. -->
  <xsl:variable name="tt:transparent" as="xs:string+" select="
    'TEI', 'teiCorpus', 'text', 'group', 'front', 'body', 'back'"/>

  <!-- Divisions of a level that begins a new page (chapters, documents, essays). -->
  <xsl:variable name="tt:page-level" as="xs:integer" select="1"/>

  <xsl:function name="tt:is-div" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="te:is-div($el)"/>
  </xsl:function>

  <xsl:function name="tt:is-block" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="$el/@te:kind = ('block', 'unknown-block')"/>
  </xsl:function>

  <xsl:function name="tt:is-container" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="(local-name($el) = $tt:containers and $el/self::tei:*)
                          or exists($el/*[tt:is-block(.)])"/>
  </xsl:function>

  <!-- Does this child of a container stand as a block in its flow? -->
  <xsl:function name="tt:flows-as-block" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:param name="loose" as="xs:boolean"/>
    <xsl:sequence select="$node instance of element() and (
                            tt:is-block($node) or $node/@te:kind = 'skip'
                            or ($node/@te:kind = ('note', 'break') and not($loose)))"/>
  </xsl:function>

  <!-- Whether nodes print anything: text, or an editorial sign. -->
  <xsl:function name="tt:has-content" as="xs:boolean">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:sequence select="exists($nodes/descendant-or-self::text()[normalize-space()]
                                 [not(ancestor::*[@te:kind = 'skip'])])
                          or exists($nodes/descendant-or-self::*[@te:open != '' or @te:close != ''])"/>
  </xsl:function>

  <!-- The flow of a container's children. -->
  <xsl:template name="tt:flow">
    <xsl:param name="container" as="element()"/>
    <xsl:param name="nodes" as="node()*" select="$container/node()"/>
    <xsl:variable name="loose" select="exists($container/text()[normalize-space()])"/>
    <xsl:for-each-group select="$nodes" group-adjacent="tt:flows-as-block(., $loose)">
      <xsl:choose>
        <xsl:when test="current-grouping-key()">
          <xsl:for-each select="current-group()">
            <!-- the lettered notes of a block kept with the next one (te.section's closer,
                 a heading) follow that next block: a float between the two stayed on
                 the page before when Typst moved the kept block to the next page, the
                 notes on the page before their marks -->
            <xsl:variable name="holds" select="tt:keeps-with-next(.)
              and tt:can-carry(tt:next-block(., $loose))"/>
            <xsl:variable name="held" select="tt:previous-block(., $loose)
              [tt:keeps-with-next(.) and tt:can-carry(current())]"/>
            <xsl:apply-templates select="." mode="tt:block">
              <xsl:with-param name="held" select="$held"/>
              <xsl:with-param name="holds" select="$holds"/>
            </xsl:apply-templates>
            <xsl:if test="not(tt:is-div(.) or local-name() = $tt:transparent) and not($holds)">
              <xsl:call-template name="tt:apparatus-after">
                <xsl:with-param name="nodes" select="$held, ."/>
              </xsl:call-template>
            </xsl:if>
          </xsl:for-each>
        </xsl:when>
        <xsl:when test="$loose">
          <xsl:if test="tt:has-content(current-group())">
            <xsl:text>#te.p(kind: "run", {{{tt:mark($container)}&#10;</xsl:text>
            <xsl:call-template name="tt:inline-run">
              <xsl:with-param name="nodes" select="current-group()"/>
            </xsl:call-template>
            <xsl:text>}})&#10;</xsl:text>
          </xsl:if>
          <xsl:call-template name="tt:deferred-notes">
            <xsl:with-param name="nodes" select="current-group()"/>
          </xsl:call-template>
          <xsl:call-template name="tt:apparatus-after">
            <xsl:with-param name="nodes" select="current-group()"/>
          </xsl:call-template>
        </xsl:when>
        <xsl:otherwise>
          <xsl:for-each select="current-group()[self::*][tt:has-content(.)]">
            <xsl:text>#te.line(kind: {tt:str(local-name())}, {{{tt:mark(.)}&#10;</xsl:text>
            <xsl:call-template name="tt:inline-run">
              <xsl:with-param name="nodes" select="."/>
            </xsl:call-template>
            <xsl:text>}})&#10;</xsl:text>
            <xsl:call-template name="tt:deferred-notes">
              <xsl:with-param name="nodes" select="."/>
            </xsl:call-template>
            <xsl:call-template name="tt:apparatus-after">
              <xsl:with-param name="nodes" select="."/>
            </xsl:call-template>
          </xsl:for-each>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each-group>
  </xsl:template>

  <!-- Blocks the layout keeps with the next (te.section: a closer; te.subhead: a
       heading that is not its division's title). -->
  <xsl:function name="tt:keeps-with-next" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="exists($node/(self::tei:closer[tt:is-container(.)] | self::tei:head
      | self::*[tt:is-div(.)][@type = 'closer'][empty(tt:main-head(.))]))"/>
  </xsl:function>

  <!-- The block next to one in its flow, white space aside (none if text stands
       between). -->
  <xsl:function name="tt:next-block" as="element()?">
    <xsl:param name="node" as="node()"/>
    <xsl:param name="loose" as="xs:boolean"/>
    <xsl:sequence select="$node/following-sibling::node()[not(self::text()[not(normalize-space())]
      or self::comment() or self::processing-instruction())][1][tt:flows-as-block(., $loose)]"/>
  </xsl:function>

  <xsl:function name="tt:previous-block" as="element()?">
    <xsl:param name="node" as="node()"/>
    <xsl:param name="loose" as="xs:boolean"/>
    <xsl:sequence select="$node/preceding-sibling::node()[not(self::text()[not(normalize-space())]
      or self::comment() or self::processing-instruction())][1][tt:flows-as-block(., $loose)]"/>
  </xsl:function>

  <!-- Can a block print the lettered notes of the one before it after itself: a block
       followed by its notes (not a division of its own, but a letter's part, which is). -->
  <xsl:function name="tt:can-carry" as="xs:boolean">
    <xsl:param name="node" as="node()?"/>
    <xsl:sequence select="exists($node) and not($node/local-name() = $tt:transparent)
      and not($node/@te:kind = ('skip', 'note', 'break')) and not(tt:keeps-with-next($node))
      and (not(tt:is-div($node)) or (empty(tt:main-head($node)) and $node/@type = $tt:letter-parts))"/>
  </xsl:function>

  <!-- ===== dispatch by kind ===== -->

  <xsl:template match="*" mode="tt:block" priority="-1">
    <xsl:choose>
      <xsl:when test="@te:kind = 'skip'"/>
      <xsl:when test="@te:kind = 'note'">
        <xsl:apply-templates select="." mode="tt:block-note"/>
      </xsl:when>
      <xsl:when test="@te:kind = 'break'">
        <xsl:apply-templates select="." mode="tt:block-break"/>
      </xsl:when>
      <xsl:when test="@te:kind = ('inline', 'unknown-inline')">
        <xsl:if test="tt:has-content(.)">
          <xsl:text>#te.line(kind: {tt:str(local-name())}, {{{tt:mark(.)}&#10;</xsl:text>
          <xsl:call-template name="tt:inline-run">
            <xsl:with-param name="nodes" select="."/>
          </xsl:call-template>
          <xsl:text>}})&#10;</xsl:text>
          <xsl:call-template name="tt:deferred-notes">
            <xsl:with-param name="nodes" select="."/>
          </xsl:call-template>
        </xsl:if>
      </xsl:when>
      <xsl:when test="tt:is-container(.) and local-name() = $tt:transparent">
        <xsl:call-template name="tt:flow">
          <xsl:with-param name="container" select="."/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="tt:is-container(.)">
        <xsl:text>#te.section(kind: {tt:str(local-name())}, type: {tt:str-or-none(@type)}, [{tt:mark(.)}&#10;</xsl:text>
        <xsl:call-template name="tt:flow">
          <xsl:with-param name="container" select="."/>
          <xsl:with-param name="nested" select="true()" tunnel="yes"/>
        </xsl:call-template>
        <xsl:text>])&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tt:leaf">
          <xsl:with-param name="function" select="'p'"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A block holding only inline content (a paragraph or a line set right or centred
       as the common layer decided, @te:align, says so: "alignment: right"). -->
  <xsl:template name="tt:leaf">
    <xsl:param name="function" as="xs:string"/>
    <xsl:param name="args" as="xs:string" select="''"/>
    <xsl:variable name="align" select="@te:align[$function = ('p', 'line')] ! (', alignment: ' || .)"/>
    <xsl:text>#te.{$function}(kind: {tt:str(local-name())}{$args}{$align}, {{{tt:mark(.)}&#10;</xsl:text>
    <xsl:call-template name="tt:inline-run">
      <xsl:with-param name="nodes" select="node()"/>
    </xsl:call-template>
    <xsl:text>}})&#10;</xsl:text>
    <xsl:call-template name="tt:deferred-notes">
      <xsl:with-param name="nodes" select="node()"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="text()" mode="tt:block">
    <xsl:if test="normalize-space()">
      <xsl:text>#te.p(kind: "run", {{&#10;</xsl:text>
      <xsl:call-template name="tt:inline-run">
        <xsl:with-param name="nodes" select="."/>
      </xsl:call-template>
      <xsl:text>}})&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- ===== divisions ===== -->

  <!-- The division's main heading, as the common layer decided (@te:heading). -->
  <xsl:function name="tt:main-head" as="element()?">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="$div/tei:head[@te:heading = 'main'][1]"/>
  </xsl:function>

  <xsl:function name="tt:div-level" as="xs:integer">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="count($div/ancestor-or-self::*[tt:is-div(.)])"/>
  </xsl:function>

  <!-- Division types that are parts of a letter (te.division sets them as such). -->
  <xsl:variable name="tt:letter-parts" as="xs:string+" select="'dateline', 'opener', 'closer',
    'postscript', 'salute', 'address', 'signed'"/>

  <!-- Division types that make a chapter even without a heading; other untitled
       divisions (a letter's dateline, opener, address, a writing session) are parts
       of the text around them, never chapters. -->
  <xsl:variable name="tt:chapter-types" as="xs:string+" select="$te:unit-types,
    'part', 'book', 'volume', 'act', 'canto', 'appendix'"/>

  <!-- A chapter-level division without a heading is titled by its type ("Essay 2"). -->
  <xsl:function name="tt:synthetic-title" as="xs:string">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="if (empty($div/tei:head) and $div/@te:division-label) then string($div/@te:division-label)
      else if (empty($div/tei:head) and tt:div-level($div) le $tt:page-level
      and $div/@type = $tt:chapter-types)
      then tt:label-of(tt:words($div/@type)) || ($div/@n ! (' ' || normalize-space(.))) else ''"/>
  </xsl:function>

  <!-- Does this division open on a new page? -->
  <xsl:function name="tt:starts-page" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="tt:is-div($el) and tt:div-level($el) le $tt:page-level
                          and (exists($el/tei:head) or tt:synthetic-title($el) != '')"/>
  </xsl:function>

  <!-- The division opening on a new page that a page break just before it belongs to
       (so that its marginal number stands by the heading, not alone on a page). -->
  <xsl:function name="tt:carrier" as="element()?">
    <xsl:param name="pb" as="element()"/>
    <xsl:sequence select="if (tt:opens-title-page($pb)) then ()
      else $pb/following-sibling::*[not(self::tei:pb or self::tei:milestone
      or @te:kind = 'skip' or . is tt:own-title-page(.))][1][tt:starts-page(.)]"/>
  </xsl:function>

  <!-- Does a page break open the text's own title page (FRUS: "[I]" before it)? Its
       number is set on the title page (tt:title-page), not carried past it to the page
       after ("p. [I]–III" beside the contents). -->
  <xsl:function name="tt:opens-title-page" as="xs:boolean">
    <xsl:param name="pb" as="element()"/>
    <xsl:variable name="next" select="$pb/following-sibling::*[not(self::tei:pb or self::tei:milestone
      or @te:kind = 'skip')][1]"/>
    <xsl:sequence select="exists($next) and $next is tt:own-title-page($pb)"/>
  </xsl:function>

  <xsl:template match="*[tt:is-div(.)]" mode="tt:block">
    <xsl:param name="nested" as="xs:boolean" select="false()" tunnel="yes"/>
    <!-- (a letter's part: the block before it, whose lettered notes follow it; whether
         its own follow the next block: tt:flow) -->
    <xsl:param name="held" as="node()*" select="()"/>
    <xsl:param name="holds" as="xs:boolean" select="false()"/>
    <xsl:variable name="level" select="tt:div-level(.)"/>
    <xsl:variable name="head" select="tt:main-head(.)"/>
    <xsl:variable name="labels" select="tei:head[@type = 'label'] except $head"/>
    <xsl:variable name="synthetic" select="tt:synthetic-title(.)"/>
    <xsl:variable name="new-page" select="tt:starts-page(.)"/>
    <xsl:variable name="lifted" select="$head//tei:note[@te:deferred = 'true'][empty(ancestor::tei:note[. >> $head])]"/>
    <xsl:variable name="first-head" select="($head, $labels)[1]"/>
    <xsl:variable name="leading" select="if ($new-page and $first-head) then tei:pb[. &lt;&lt; $first-head] else ()"/>
    <xsl:variable name="carried" select="if ($new-page) then preceding-sibling::tei:pb[tt:carrier(.) is current()] else ()"/>
    <xsl:variable name="body" select="node() except ($head, $labels, $leading)
      except (if ($new-page) then tei:milestone[. &lt;&lt; $first-head] else ())"/>
    <xsl:text>#te.division(level: {$level}, kind: {tt:str-or-none(@type)}, new-page: {$new-page}, </xsl:text>
    <xsl:text>lang: {tt:str-or-none(tt:lang(@xml:lang))},&#10;</xsl:text>
    <!-- the label the common layer gave a numbered division without a label heading -->
    <xsl:variable name="given" select="@te:division-label[$head]"/>
    <xsl:text>  label-text: {tt:str-or-none((string-join($labels ! tt:plain(.), ' ')[.], $given)[1])}, </xsl:text>
    <xsl:text>title-text: {tt:str-or-none(($head ! tt:keep-day-month(te:one-line(.)), $synthetic)[1])},{tt:mark(.)}&#10;</xsl:text>
    <xsl:if test="$carried or $leading">
      <xsl:text>  pre: [&#10;</xsl:text>
      <xsl:call-template name="tt:page-mark">
        <xsl:with-param name="run" select="$carried, $leading"/>
      </xsl:call-template>
      <xsl:text>  ],&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$labels">
      <xsl:text>  label: {{&#10;</xsl:text>
      <xsl:for-each select="$labels">
        <xsl:if test="position() gt 1">" "&#10;</xsl:if>
        <xsl:call-template name="tt:inline-run">
          <xsl:with-param name="nodes" select="node()"/>
        </xsl:call-template>
      </xsl:for-each>
      <xsl:text>  }},&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$given and empty($labels)">
      <xsl:text>  label: {{&#10;{tt:str-or-none(string($given))}&#10;  }},&#10;</xsl:text>
    </xsl:if>
    <xsl:if test="$head">
      <xsl:text>  title: {{{tt:mark($head)}&#10;</xsl:text>
      <xsl:call-template name="tt:inline-run">
        <xsl:with-param name="nodes" select="$head/(node() except $lifted)"/>
      </xsl:call-template>
      <xsl:text>  }},&#10;</xsl:text>
    </xsl:if>
    <!-- (a letter's part is set in a block of its own: the lettered notes of its
         text follow it, since a float inside a block cannot reach the foot of the page) -->
    <xsl:variable name="part" select="empty($head) and @type = $tt:letter-parts"/>
    <xsl:text>[&#10;</xsl:text>
    <xsl:call-template name="tt:apparatus-after">
      <xsl:with-param name="nodes" select="$head, $labels"/>
    </xsl:call-template>
    <xsl:apply-templates select="$lifted" mode="tt:block-note"/>
    <xsl:call-template name="tt:flow">
      <xsl:with-param name="container" select="."/>
      <xsl:with-param name="nodes" select="$body"/>
      <xsl:with-param name="nested" select="$part or $nested" tunnel="yes"/>
    </xsl:call-template>
    <xsl:text>])&#10;&#10;</xsl:text>
    <xsl:if test="$part and not($holds)">
      <xsl:call-template name="tt:apparatus-after">
        <xsl:with-param name="nodes" select="$held, $body"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <!-- Lists of persons, places, organisations, events ... are registers: they make the
       index (with their descriptions), never running text. -->
  <xsl:template match="tei:listPerson | tei:listPlace | tei:listOrg | tei:listEvent | tei:listNym
                       | tei:listObject | tei:listRelation" mode="tt:block"/>

  <!-- A heading that is not the title of its division (a document's own title). -->
  <xsl:template match="tei:head" mode="tt:block">
    <xsl:call-template name="tt:leaf">
      <xsl:with-param name="function" select="'subhead'"/>
      <xsl:with-param name="args" select="', type: ' || tt:str-or-none(@type)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The text's own title page is the book's title page (front.xsl). -->
  <xsl:template match="tei:titlePage[. is tt:own-title-page(.)]" mode="tt:block"/>

  <xsl:template match="tei:titlePart" mode="tt:block">
    <xsl:call-template name="tt:leaf">
      <xsl:with-param name="function" select="'title-part'"/>
      <xsl:with-param name="args" select="', type: ' || tt:str-or-none(@type)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:p[not(tt:is-container(.))] | tei:ab[not(tt:is-container(.))]" mode="tt:block">
    <xsl:call-template name="tt:leaf">
      <xsl:with-param name="function" select="'p'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="(tei:dateline | tei:salute | tei:signed | tei:byline | tei:docAuthor
                       | tei:docDate | tei:docImprint | tei:docEdition | tei:trailer | tei:speaker
                       | tei:stage | tei:stamp | tei:label | tei:figDesc | tei:bibl | tei:address
                       | tei:item[not(parent::tei:list)] | tei:line)[not(tt:is-container(.))]" mode="tt:block">
    <xsl:call-template name="tt:leaf">
      <xsl:with-param name="function" select="'line'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:l[not(tt:is-container(.))]" mode="tt:block">
    <xsl:call-template name="tt:leaf">
      <xsl:with-param name="function" select="'verse-line'"/>
      <xsl:with-param name="args" select="', n: ' || tt:str-or-none(@n)"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:quote[@te:kind = 'block'] | tei:q[@te:kind = 'block']
                       | tei:cit[@te:kind = 'block']" mode="tt:block">
    <xsl:text>#te.section(kind: "quote", type: {tt:str-or-none(@type)}, [{tt:mark(.)}&#10;</xsl:text>
    <xsl:choose>
      <xsl:when test="tt:is-container(.) or self::tei:cit">
        <xsl:call-template name="tt:flow">
          <xsl:with-param name="container" select="."/>
          <xsl:with-param name="nested" select="true()" tunnel="yes"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:text>#te.p(kind: "quote", {{&#10;</xsl:text>
        <xsl:call-template name="tt:inline-run">
          <xsl:with-param name="nodes" select="node()"/>
        </xsl:call-template>
        <xsl:text>}})&#10;</xsl:text>
      </xsl:otherwise>
    </xsl:choose>
    <xsl:text>])&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="tei:eg | tei:egXML" mode="tt:block">
    <xsl:text>#te.code({tt:str(string-join(.//text(), ''))}){tt:mark(.)}&#10;</xsl:text>
  </xsl:template>

  <!-- ===== lists and tables ===== -->

  <xsl:template match="tei:list" mode="tt:block">
    <xsl:text>#te.list(kind: {tt:str-or-none((@type, @rend)[1])}, numbered: {
      (@type, @rend) = ('ordered', 'numbered', 'decimal', 'enumerated')},{tt:mark(.)}&#10;</xsl:text>
    <xsl:for-each select="tei:head">
      <xsl:text>  head: {{{tt:mark(.)}&#10;</xsl:text>
      <xsl:call-template name="tt:inline-run">
        <xsl:with-param name="nodes" select="node()"/>
      </xsl:call-template>
      <xsl:text>  }},&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>  items: (&#10;</xsl:text>
    <xsl:for-each select="(* except tei:head) | text()[normalize-space()]">
      <xsl:choose>
        <xsl:when test=". instance of text()">
          <!-- text standing loose in a list is an item of its own: never lost -->
          <xsl:text>  (item: {{&#10;</xsl:text>
          <xsl:call-template name="tt:inline-run">
            <xsl:with-param name="nodes" select="."/>
          </xsl:call-template>
          <xsl:text>  }}),&#10;</xsl:text>
        </xsl:when>
        <xsl:when test="@te:kind = 'skip'"/>
        <!-- a break between items is no item (it printed as a dash with nothing after
             it): a page break's number goes into the margin beside the next item -->
        <xsl:when test="tt:list-break(.)"/>
        <xsl:when test="self::tei:label">
          <xsl:text>  (label: {{{tt:mark(.)}&#10;</xsl:text>
          <xsl:call-template name="tt:inline-run">
            <xsl:with-param name="nodes" select="node()"/>
          </xsl:call-template>
          <xsl:text>  }}),&#10;</xsl:text>
        </xsl:when>
        <xsl:otherwise>
          <xsl:text>  (item: {{{tt:mark(.)}&#10;</xsl:text>
          <xsl:call-template name="tt:cell-content">
            <xsl:with-param name="pages" select="tt:page-numbers(tt:breaks-before(.)/self::tei:pb)"/>
          </xsl:call-template>
          <xsl:text>  }}),&#10;</xsl:text>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
    <xsl:text>  ),&#10;)&#10;</xsl:text>
    <!-- page breaks after the last item: the next page opens after the list -->
    <xsl:for-each select="tt:page-numbers(tei:pb[empty(following-sibling::*[not(tt:list-break(.))])])">
      <xsl:text>#te.pb({.}, block: true)&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>

  <!-- A list's child that prints nothing between its items: a page, line or column
       break, a milestone, an anchor. -->
  <xsl:function name="tt:list-break" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="exists($node/(self::tei:pb | self::tei:lb | self::tei:cb
                          | self::tei:milestone | self::tei:anchor))"/>
  </xsl:function>

  <!-- The breaks standing directly before a list's item (after the item before it). -->
  <xsl:function name="tt:breaks-before" as="element()*">
    <xsl:param name="item" as="element()"/>
    <xsl:variable name="before" select="$item/preceding-sibling::*[not(tt:list-break(.))][1]"/>
    <xsl:sequence select="$item/preceding-sibling::*[tt:list-break(.)][empty($before) or . >> $before]"/>
  </xsl:function>

  <!-- The source's page numbers of a run of page breaks as one Typst string ("IV", a
       run "IV–V"), or none when they have none. -->
  <xsl:function name="tt:page-numbers" as="xs:string?">
    <xsl:param name="run" as="element()*"/>
    <xsl:variable name="numbers" select="$run/@n[matches(., '[\p{L}\p{N}]')] ! normalize-space(.)"/>
    <xsl:sequence select="if (exists($numbers))
                          then tt:str(string-join(distinct-values(($numbers[1], $numbers[last()])), '–'))
                          else ()"/>
  </xsl:function>

  <!-- The content of a list item or table cell: inline, or a flow when it holds blocks. -->
  <xsl:template name="tt:cell-content">
    <!-- the page numbers of page breaks just before it (a list's item that opens a page):
         in the margin beside its first line -->
    <xsl:param name="pages" as="xs:string?"/>
    <xsl:choose>
      <xsl:when test="tt:is-container(.)">
        <xsl:text>[&#10;</xsl:text>
        <xsl:if test="exists($pages)">#te.pb({$pages}, bar: false, block: true)&#10;</xsl:if>
        <xsl:call-template name="tt:flow">
          <xsl:with-param name="container" select="."/>
          <xsl:with-param name="nested" select="true()" tunnel="yes"/>
        </xsl:call-template>
        <xsl:text>]&#10;</xsl:text>
      </xsl:when>
      <xsl:when test=".//tei:note[@te:deferred = 'true']">
        <!-- a block note standing in the cell follows its text, inside the cell -->
        <xsl:text>[#{{&#10;</xsl:text>
        <xsl:if test="exists($pages)">te.pb({$pages}, bar: false)&#10;</xsl:if>
        <xsl:call-template name="tt:inline-run">
          <xsl:with-param name="nodes" select="node()"/>
        </xsl:call-template>
        <xsl:text>}}&#10;</xsl:text>
        <xsl:call-template name="tt:deferred-notes">
          <xsl:with-param name="nodes" select="node()"/>
        </xsl:call-template>
        <xsl:text>]&#10;</xsl:text>
      </xsl:when>
      <xsl:otherwise>
        <xsl:if test="exists($pages)">te.pb({$pages}, bar: false)&#10;</xsl:if>
        <xsl:call-template name="tt:inline-run">
          <xsl:with-param name="nodes" select="node()"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:table" mode="tt:block">
    <xsl:variable name="rows" select="tei:row"/>
    <xsl:variable name="columns" select="min((40, max((1, $rows ! sum((tei:cell | text()[normalize-space()]) ! tt:colspan(.))))))"/>
    <xsl:text>#te.table(columns: {$columns},{tt:mark(.)}&#10;</xsl:text>
    <xsl:for-each select="tei:head">
      <xsl:text>  head: {{{tt:mark(.)}&#10;</xsl:text>
      <xsl:call-template name="tt:inline-run">
        <xsl:with-param name="nodes" select="node()"/>
      </xsl:call-template>
      <xsl:text>  }},&#10;</xsl:text>
    </xsl:for-each>
    <xsl:text>  cells: (&#10;</xsl:text>
    <!-- Each row fills the grid (spans across rows are not kept: a cell's text is). -->
    <xsl:for-each select="$rows">
      <xsl:variable name="role" select="(@role, 'data')[1]"/>
      <!-- text standing loose in a row is a cell of its own: never lost -->
      <xsl:variable name="cells" select="tei:cell | text()[normalize-space()]"/>
      <xsl:variable name="spans" as="xs:integer*" select="tt:spans($cells ! tt:colspan(.), $columns)"/>
      <xsl:for-each select="$cells">
        <xsl:variable name="i" select="position()"/>
        <!-- set right or centred as the common layer decided (@te:align) -->
        <xsl:text>  (colspan: {$spans[$i]}, header: {($role, self::*/@role) = 'label'}, align: {(self::*/@te:align, 'auto')[1]}, body: {{{tt:mark(ancestor-or-self::*[1])}&#10;</xsl:text>
        <xsl:choose>
          <xsl:when test=". instance of text()">
            <xsl:call-template name="tt:inline-run">
              <xsl:with-param name="nodes" select="."/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:call-template name="tt:cell-content"/>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:text>  }}),&#10;</xsl:text>
      </xsl:for-each>
      <xsl:variable name="rest" select="sum($spans) mod $columns"/>
      <xsl:if test="$rest gt 0">
        <xsl:text>  (colspan: {$columns - $rest}, header: false, align: auto, body: none),&#10;</xsl:text>
      </xsl:if>
    </xsl:for-each>
    <xsl:text>  ),&#10;)&#10;</xsl:text>
    <!-- Anything else in a table (notes, loose text) follows it. -->
    <xsl:call-template name="tt:flow">
      <xsl:with-param name="container" select="."/>
      <xsl:with-param name="nested" select="true()" tunnel="yes"/>
      <xsl:with-param name="nodes" select="node() except ($rows, tei:head)"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Spans that fit the grid: each cell takes what it asks for, within what is left
       of its row (at least one column; a row longer than the grid wraps). -->
  <xsl:function name="tt:spans" as="xs:integer*">
    <xsl:param name="wanted" as="xs:integer*"/>
    <xsl:param name="columns" as="xs:integer"/>
    <xsl:iterate select="$wanted">
      <xsl:param name="left" as="xs:integer" select="$columns"/>
      <xsl:variable name="room" select="if ($left lt 1) then $columns else $left"/>
      <xsl:variable name="span" select="max((1, min((., $room))))"/>
      <xsl:sequence select="$span"/>
      <xsl:next-iteration>
        <xsl:with-param name="left" select="$room - $span"/>
      </xsl:next-iteration>
    </xsl:iterate>
  </xsl:function>

  <xsl:function name="tt:colspan" as="xs:integer">
    <xsl:param name="cell" as="node()"/>
    <xsl:sequence select="max((1, min((40, ($cell/@cols[. castable as xs:integer] ! xs:integer(.), 1)[1]))))"/>
  </xsl:function>

  <!-- ===== breaks between blocks ===== -->

  <xsl:mode name="tt:block-break" on-no-match="fail"/>

  <!-- A break between blocks that prints nothing (a line, column or gathering break,
       an anchor, a milestone that is no section break). -->
  <xsl:template match="*" mode="tt:block-break" priority="-1"/>

  <!-- Page breaks that follow each other with nothing printed between them (blank
       pages, a title page left out) share one marginal mark, "p. [318]–319": marks of
       their own would be printed over each other. The first of such a run prints it. -->
  <xsl:template match="tei:pb" mode="tt:block-break">
    <xsl:param name="carry" as="xs:boolean" select="true()"/>
    <xsl:if test="not($carry and exists(tt:carrier(.))) and not(tt:follows-pb(.)) and not(tt:opens-title-page(.))">
      <xsl:call-template name="tt:page-mark">
        <xsl:with-param name="run" select="., tt:pb-run(.)"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="tt:page-mark">
    <xsl:param name="run" as="element()*"/>
    <xsl:for-each select="tt:page-numbers($run)">
      <xsl:text>#te.pb({.}, block: true){tt:mark($run[1])}&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>

  <!-- Does a page break directly follow another (only white space between)? -->
  <xsl:function name="tt:follows-pb" as="xs:boolean">
    <xsl:param name="pb" as="element()"/>
    <xsl:sequence select="exists($pb/preceding-sibling::node()[not(self::text()[not(normalize-space())])][1]/self::tei:pb)"/>
  </xsl:function>

  <!-- The page breaks directly following a page break. -->
  <xsl:function name="tt:pb-run" as="element()*">
    <xsl:param name="pb" as="element()"/>
    <xsl:variable name="next" select="$pb/following-sibling::node()[not(self::text()[not(normalize-space())])][1]/self::tei:pb"/>
    <xsl:sequence select="if ($next) then ($next, tt:pb-run($next)) else ()"/>
  </xsl:function>

  <xsl:template match="tei:milestone" mode="tt:block-break">
    <xsl:if test="@te:section-break = 'true'">
      <xsl:text>#te.milestone(){tt:mark(.)}&#10;</xsl:text>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
