<?xml version="1.0" encoding="UTF-8"?>
<!--
  The reading text (mode h:text) over the normalised TEI. Each element is rendered by
  the kind the common layer gave it (@te:kind): blocks as div/p/section/list/table,
  inlines as span or a semantic element, unknown elements as div/span with the class
  "tei-NAME unknown" (their text is always kept). Specific rules follow for structure,
  names (links to the registers), editorial signs, alternative readings, breaks and
  links. Notes are in notes.xsl.

  Tunnel parameters:
    phrasing  inside an element whose HTML content model is phrasing (p, span, h2, a):
              blocks become <span class="… block"> so the page stays valid HTML
    in-link   inside an <a>: nested names and links become spans
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Unmatched nodes fail, as in every format: every element has a rule (the generic
       one below keeps the text of elements with no rule of their own; the common layer
       reports unknown ones as coverage), text is copied, comments print nothing. -->
  <xsl:mode name="h:text" on-no-match="fail" on-multiple-match="fail"
            warning-on-multiple-match="yes"/>

  <xsl:template match="text()" mode="h:text" priority="-1">
    <xsl:value-of select="h:collapse(.)"/>
  </xsl:template>

  <!-- The line after a line break of prose that follows a space: that space is the
       break's (h:beside-space), the line's own indentation is left out. -->
  <xsl:template match="text()[$collapse-whitespace][preceding-sibling::node()[1]
                         [self::tei:lb[not(@te:newline or @te:join = 'true')]][h:after-space(.)]]"
                mode="h:text" priority="-0.5">
    <xsl:value-of select="h:collapse(replace(., '^\s+', '', ';j'))"/>
  </xsl:template>

  <!-- A run of whitespace as the reader sees it: one line end where the run has one (so
       that the page's source keeps its lines), else one space (see params.xsl). Most
       text has no such run (no line end, tab or two spaces): it is as it was. -->
  <xsl:function name="h:collapse" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <!-- (each pass only where it may find something: after the first, most text of an
         indented source has no two spaces, tab or carriage return left) -->
    <xsl:sequence select="if (not($collapse-whitespace)) then $text
      else let $lines := if (contains($text, '&#10;'))
                         then replace($text, '[ \t\r]*\n\s*', '&#10;', ';j') else $text
      return if (not(contains($lines, '  ') or contains($lines, '&#9;') or contains($lines, '&#13;')))
             then $lines
             else replace($lines, '[ \t\r][ \t\r]+|[\t\r]', ' ', ';j')"/>
  </xsl:function>

  <xsl:template match="comment() | processing-instruction()" mode="h:text"/>

  <!-- Ids that an internal link (#id) may point to: rendered anchors and xml:ids. -->
  <xsl:key name="h:ids" match="*[@te:anchor or @xml:id][empty(ancestor-or-self::*[@te:kind = 'skip'])]"
           use="(@te:anchor, @xml:id)[1]"/>

  <xsl:variable name="h:div-names" as="xs:string+" select="
    'div', 'div1', 'div2', 'div3', 'div4', 'div5', 'div6', 'div7'"/>

  <!-- ============ the generic rule: by kind ============ -->

  <xsl:template match="*" mode="h:text" priority="-1">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:choose>
      <xsl:when test="@te:kind = 'skip'"/>
      <xsl:when test="@te:kind = ('block', 'unknown-block') and not($phrasing)">
        <div>
          <xsl:call-template name="h:attributes"/>
          <xsl:apply-templates mode="h:text"/>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="h:span"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="h:span">
    <xsl:param name="class" as="xs:string*" select="()"/>
    <xsl:param name="title" as="xs:string?" select="()"/>
    <span>
      <xsl:call-template name="h:attributes">
        <xsl:with-param name="class" select="$class, 'block'[current()/@te:kind = ('block', 'unknown-block')]"/>
        <xsl:with-param name="title" select="$title"/>
      </xsl:call-template>
      <xsl:apply-templates mode="h:text">
        <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
      </xsl:apply-templates>
    </span>
  </xsl:template>

  <!-- id (the stable anchor, or the xml:id), class naming the TEI element (and the
       alignment the common layer decided, @te:align: align-right, align-center), lang. -->
  <xsl:template name="h:attributes">
    <xsl:param name="class" as="xs:string*" select="()"/>
    <xsl:param name="title" as="xs:string?" select="()"/>
    <xsl:param name="id" as="xs:string?" select="h:anchor-id(.)"/>
    <xsl:param name="own" as="xs:string*" select="h:classes(.)"/>
    <xsl:if test="$id">
      <xsl:attribute name="id" select="$id"/>
    </xsl:if>
    <xsl:if test="exists(($own, $class))">
      <xsl:attribute name="class" select="string-join(($own, $class), ' ')"/>
    </xsl:if>
    <xsl:if test="h:lang(@xml:lang)">
      <xsl:attribute name="lang" select="h:lang(@xml:lang)"/>
    </xsl:if>
    <xsl:if test="normalize-space($title)">
      <xsl:attribute name="title" select="normalize-space($title)"/>
    </xsl:if>
  </xsl:template>

  <xsl:function name="h:classes" as="xs:string*">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="
      if (namespace-uri($el) = 'http://www.tei-c.org/ns/1.0')
      then ('tei-' || local-name($el),
            $el/@type[normalize-space()] ! ('type-' || h:token(.)),
            tokenize(normalize-space($el/@rend)) ! ('rend-' || h:token(.)))
      else 'x-' || h:token(local-name($el)),
      $el/@te:align ! ('align-' || .),
      'unknown'[$el/@te:kind = ('unknown-block', 'unknown-inline')]"/>
  </xsl:function>

  <!-- A block that holds other blocks (outside its notes) cannot be an HTML <p>. -->
  <xsl:function name="h:holds-blocks" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el//*[@te:kind = ('block', 'unknown-block')]
                                      [empty(ancestor::tei:note[. >> $el])])"/>
  </xsl:function>

  <!-- ============ documents and divisions ============ -->

  <xsl:template match="tei:TEI | tei:teiCorpus" mode="h:text">
    <xsl:apply-templates select="*" mode="h:text"/>
  </xsl:template>

  <xsl:template match="tei:TEI[parent::tei:teiCorpus]" mode="h:text" priority="1">
    <section class="tei-TEI">
      <h2>{h:plain((tei:teiHeader//tei:titleStmt/tei:title)[1])}</h2>
      <xsl:apply-templates select="*" mode="h:text"/>
    </section>
  </xsl:template>

  <!-- The outermost text collects the notes that stand in no unit of their own. -->
  <xsl:template match="tei:text[not(ancestor::tei:text)]" mode="h:text">
    <div>
      <xsl:call-template name="h:attributes"/>
      <xsl:apply-templates mode="h:text"/>
      <xsl:call-template name="h:footnotes"/>
    </div>
  </xsl:template>

  <xsl:template match="*[local-name() = $h:div-names][@te:kind = 'block']" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:choose>
      <xsl:when test="$phrasing">
        <xsl:call-template name="h:span"/>
      </xsl:when>
      <xsl:otherwise>
        <section>
          <xsl:call-template name="h:attributes">
            <xsl:with-param name="class" select="'unit'[h:is-unit(current())]"/>
          </xsl:call-template>
          <xsl:if test="@te:division-label and not(tei:head)">
            <xsl:element name="h{h:heading-level(.)}">
              <xsl:attribute name="class" select="'generated'"/>
              <span class="doc-number">{@te:division-label}</span>
            </xsl:element>
          </xsl:if>
          <xsl:apply-templates mode="h:text"/>
          <xsl:if test="h:is-unit(.)">
            <xsl:call-template name="h:footnotes"/>
          </xsl:if>
        </section>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="h:heading-level" as="xs:integer">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="min((6, 1 + count($div/ancestor-or-self::*[local-name() = $h:div-names])
                                   + count($div/ancestor::tei:TEI[parent::tei:teiCorpus])))"/>
  </xsl:function>

  <!-- The heading of a division: its main head (not a label such as "DOCUMENT NO. 1",
       nor the title the document gives itself, which stay where they are). -->
  <xsl:function name="h:main-head" as="element()?">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="$div/tei:head[@te:heading = 'main'][1]"/>
  </xsl:function>

  <xsl:template match="tei:head[parent::*[local-name() = $h:div-names]]" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:choose>
      <xsl:when test="$phrasing or not(. is h:main-head(..))">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:element name="h{h:heading-level(..)}">
          <xsl:call-template name="h:attributes"/>
          <xsl:if test="../@te:division-label">
            <span class="doc-number">{../@te:division-label}</span>
            <xsl:text> </xsl:text>
          </xsl:if>
          <xsl:apply-templates mode="h:text">
            <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            <xsl:with-param name="defer-to" select="." tunnel="yes"/>
          </xsl:apply-templates>
        </xsl:element>
        <xsl:call-template name="h:deferred-notes"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A title page that repeats the header's title made the title block (front.xsl). -->
  <xsl:template match="(tei:titlePage | tei:docTitle)[. is h:title-page(root())]" mode="h:text" priority="3"/>

  <!-- ============ paragraphs, lists, tables, quotations ============ -->

  <xsl:template match="tei:p | tei:ab" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:choose>
      <xsl:when test="$phrasing or h:holds-blocks(.)">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <p>
          <!-- (a paragraph is a <p>: no class "tei-p" on each of a page's hundreds) -->
          <xsl:call-template name="h:attributes">
            <xsl:with-param name="own" select="h:classes(.)[. ne 'tei-p']"/>
          </xsl:call-template>
          <xsl:apply-templates mode="h:text">
            <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            <xsl:with-param name="defer-to" select="." tunnel="yes"/>
          </xsl:apply-templates>
        </p>
        <xsl:call-template name="h:deferred-notes"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A list of items (and headings, and breaks between them) is an HTML list; any other
       list stays generic. -->
  <xsl:function name="h:plain-list-structure" as="xs:boolean">
    <xsl:param name="list" as="element()"/>
    <xsl:sequence select="exists($list/tei:item)
                          and empty($list/(* except (tei:item, tei:head))[not(@te:kind = ('break', 'skip'))])
                          and not(normalize-space(string-join($list/text(), '')))"/>
  </xsl:function>

  <xsl:template match="tei:list[@te:kind = 'block']" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:choose>
      <xsl:when test="$phrasing or not(h:plain-list-structure(.))">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <div>
          <xsl:call-template name="h:attributes"/>
          <xsl:apply-templates select="tei:head" mode="h:text"/>
          <!-- a page break between items (FRUS contents) is no child of the HTML list:
               it opens the next item, as the page does; breaks after the last item
               follow the list -->
          <xsl:element name="{if (@type = ('ordered', 'numbered') or contains(@rend, 'numbered')) then 'ol' else 'ul'}">
            <xsl:for-each-group select="tei:item | *[@te:kind = 'break']" group-ending-with="tei:item">
              <xsl:apply-templates select="current-group()[last()][self::tei:item]" mode="h:text">
                <xsl:with-param name="breaks" select="current-group()[not(self::tei:item)]"/>
              </xsl:apply-templates>
            </xsl:for-each-group>
          </xsl:element>
          <xsl:apply-templates select="tei:item[last()]/following-sibling::*[@te:kind = 'break']" mode="h:text"/>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:item[parent::tei:list[h:plain-list-structure(.)]]" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <!-- the list's breaks standing just before this item -->
    <xsl:param name="breaks" as="element()*" select="()"/>
    <xsl:choose>
      <xsl:when test="$phrasing">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <li>
          <xsl:call-template name="h:attributes"/>
          <xsl:apply-templates select="$breaks" mode="h:text"/>
          <xsl:apply-templates mode="h:text"/>
        </li>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="h:plain-table-structure" as="xs:boolean">
    <xsl:param name="table" as="element()"/>
    <xsl:sequence select="exists($table/tei:row) and empty($table/(* except (tei:row, tei:head)))
                          and empty($table/tei:row/(* except tei:cell))
                          and empty(($table, $table/tei:row)/text()[normalize-space()])"/>
  </xsl:function>

  <xsl:template match="tei:table[@te:kind = 'block']" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:choose>
      <xsl:when test="$phrasing or not(h:plain-table-structure(.))">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <div class="table-wrap">
          <table>
            <xsl:call-template name="h:attributes"/>
            <xsl:if test="tei:head">
              <caption>
                <xsl:apply-templates select="tei:head" mode="h:text">
                  <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
                </xsl:apply-templates>
              </caption>
            </xsl:if>
            <tbody>
              <xsl:for-each select="tei:row">
                <tr>
                  <xsl:call-template name="h:attributes"/>
                  <xsl:for-each select="tei:cell">
                    <xsl:element name="{if (@role = 'label' or ../@role = 'label') then 'th' else 'td'}">
                      <xsl:call-template name="h:attributes"/>
                      <xsl:if test="matches(@cols, '^[1-9]\d{0,2}$')">
                        <xsl:attribute name="colspan" select="@cols"/>
                      </xsl:if>
                      <xsl:if test="matches(@rows, '^[1-9]\d{0,2}$')">
                        <xsl:attribute name="rowspan" select="@rows"/>
                      </xsl:if>
                      <xsl:apply-templates mode="h:text"/>
                    </xsl:element>
                  </xsl:for-each>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:quote[@te:kind = 'block'] | tei:cit[@te:kind = 'block'][tei:quote]" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:choose>
      <xsl:when test="$phrasing">
        <xsl:next-match/>
      </xsl:when>
      <xsl:otherwise>
        <blockquote>
          <xsl:call-template name="h:attributes"/>
          <xsl:apply-templates mode="h:text"/>
        </blockquote>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============ phrase-level elements with an HTML counterpart ============ -->

  <xsl:template match="tei:emph[@te:kind = 'inline']" mode="h:text">
    <xsl:call-template name="h:inline-as">
      <xsl:with-param name="name" select="'em'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:foreign[@te:kind = 'inline'] | tei:term[@te:kind = 'inline']" mode="h:text">
    <xsl:call-template name="h:inline-as">
      <xsl:with-param name="name" select="'i'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:title[@te:kind = 'inline']" mode="h:text">
    <xsl:call-template name="h:inline-as">
      <xsl:with-param name="name" select="if (@level = 'a') then 'span' else 'cite'"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:hi[@te:kind = 'inline']" mode="h:text">
    <xsl:variable name="rend" select="tokenize(lower-case(normalize-space(@rend)))"/>
    <xsl:call-template name="h:inline-as">
      <xsl:with-param name="name" select="
        if ($rend = ('sup', 'superscript')) then 'sup'
        else if ($rend = ('sub', 'subscript')) then 'sub'
        else if ($rend = ('italic', 'italics', 'i', 'it')) then 'i'
        else if ($rend = ('bold', 'b')) then 'b'
        else if ($rend = ('underline', 'u')) then 'u'
        else 'span'"/>
      <!-- italic as <i>, bold as <b>, underlined as <u>, and nothing else: the element
           says it, no class -->
      <xsl:with-param name="own" select="h:classes(.)[not(count($rend) = 1
        and $rend = ('italic', 'italics', 'i', 'it', 'bold', 'b', 'underline', 'u')
        and (. = 'tei-hi' or starts-with(., 'rend-')))]"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:date[@te:kind = 'inline'] | tei:time[@te:kind = 'inline']" mode="h:text">
    <xsl:variable name="when" select="h:datetime(@when)"/>
    <xsl:choose>
      <xsl:when test="$when">
        <time datetime="{$when}">
          <xsl:call-template name="h:attributes"/>
          <xsl:apply-templates mode="h:text">
            <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
          </xsl:apply-templates>
        </time>
      </xsl:when>
      <xsl:otherwise>
        <xsl:next-match/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:measure[@te:kind = 'inline'] | tei:num[@te:kind = 'inline']" mode="h:text">
    <xsl:call-template name="h:span">
      <xsl:with-param name="title" select="string-join((@quantity, @value, @unit, @commodity)
                                           ! normalize-space(.)[.], ' ')"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="h:inline-as">
    <xsl:param name="name" as="xs:string"/>
    <xsl:param name="own" as="xs:string*" select="h:classes(.)"/>
    <xsl:element name="{$name}">
      <xsl:call-template name="h:attributes">
        <xsl:with-param name="own" select="$own"/>
      </xsl:call-template>
      <xsl:apply-templates mode="h:text">
        <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
      </xsl:apply-templates>
    </xsl:element>
  </xsl:template>

  <!-- ============ editorial interventions ============ -->

  <!-- Supplied, gap, unclear, deleted: the common layer's signs, the reason on hover. -->
  <xsl:template match="tei:supplied | tei:gap | tei:unclear | tei:del | tei:ref[@te:open]" mode="h:text" priority="1">
    <xsl:variable name="what" select="replace(@te:explain, '\.$', '')"/>
    <xsl:variable name="extent" select="string-join((@extent, @quantity || ' ' || @unit)[normalize-space()] ! normalize-space(.), ', ')"/>
    <span>
      <xsl:call-template name="h:attributes">
        <xsl:with-param name="class" select="'editorial'"/>
        <xsl:with-param name="title" select="$what || string-join(($extent, @te:why)[normalize-space()] ! (', ' || .))"/>
      </xsl:call-template>
      <xsl:if test="normalize-space(@te:open)">
        <span class="sign">{@te:open}</span>
      </xsl:if>
      <xsl:apply-templates mode="h:text">
        <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
      </xsl:apply-templates>
      <xsl:if test="normalize-space(@te:close)">
        <span class="sign">{@te:close}</span>
      </xsl:if>
    </span>
  </xsl:template>

  <!-- An alternative reading: the shown one, the other one (hidden) for the reading
       switch, and what the other one is on hover (for a reading the switch changes, the
       script's hint, assets/edition.js: the explanations below are its READINGS too). -->
  <xsl:template match="tei:choice" mode="h:text">
    <xsl:variable name="shown" select="local-name(*[1])"/>
    <xsl:variable name="switch" select="exists(@te:alt) and $shown = ('sic', 'corr', 'orig', 'reg', 'abbr', 'expan', 'am', 'ex')"/>
    <xsl:variable name="explain" select="map{
      'corr': 'Corrected; the source reads', 'sic': 'As in the source; corrected',
      'expan': 'Expanded; the source reads', 'ex': 'Expanded; the source reads',
      'abbr': 'Abbreviated in the source; expanded', 'am': 'Abbreviated in the source; expanded',
      'reg': 'Regularised; the source reads', 'orig': 'As in the source; regularised'}"/>
    <span>
      <xsl:call-template name="h:attributes">
        <xsl:with-param name="class" select="if ($switch) then ('switch', 'shown-' || $shown) else ('editorial', 'shown-' || $shown)"/>
        <!-- a reading the switch changes has its hint from the script (edition.js, READINGS) -->
        <xsl:with-param name="title" select="if (@te:alt and not($switch)) then ($explain($shown), 'Other reading')[1] || ': ' || @te:alt else ()"/>
      </xsl:call-template>
      <!-- the other reading, which only the switch shows: the script sets it beside the
           shown one (edition.js, readings) -->
      <xsl:if test="$switch">
        <xsl:attribute name="data-other" select="@te:alt"/>
      </xsl:if>
      <!-- the shown reading (the class says which it is): its own span only where it
           has more to say than its name (an id, a rendition, a language) -->
      <xsl:variable name="first" select="*[1]"/>
      <xsl:for-each select="node()">
        <xsl:choose>
          <xsl:when test=". is $first and h:plain-reading(.)">
            <xsl:apply-templates mode="h:text">
              <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            </xsl:apply-templates>
          </xsl:when>
          <xsl:otherwise>
            <xsl:apply-templates select="." mode="h:text">
              <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            </xsl:apply-templates>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </span>
    <xsl:call-template name="h:textual-note"/>
  </xsl:template>

  <!-- A reading of a choice that the generic rule would write as a bare span naming
       its element ("tei-expan"): nothing of its own to show. -->
  <xsl:function name="h:plain-reading" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="local-name($el) = ('sic', 'corr', 'orig', 'reg', 'abbr', 'expan', 'am', 'ex')
      and $el/@te:kind = 'inline' and empty($el/(@te:entity, @te:unresolved, @te:apparatus))
      and empty(h:anchor-id($el)) and empty(h:lang($el/@xml:lang))
      and deep-equal(h:classes($el), 'tei-' || local-name($el))"/>
  </xsl:function>

  <!-- A critical apparatus entry: the lemma (the readings on hover), then its letter,
       which links to the entry in the unit's textual notes (notes.xsl). -->
  <xsl:template match="tei:app" mode="h:text">
    <xsl:call-template name="h:span">
      <xsl:with-param name="class" select="'editorial'"/>
      <xsl:with-param name="title" select="@te:alt ! ('Variant readings: ' || .)"/>
    </xsl:call-template>
    <xsl:call-template name="h:textual-note"/>
  </xsl:template>

  <!-- The common layer's textual note of an app, choice or add: its letter (a link to
       the entry after the unit), or inside a footnote the entry in brackets. -->
  <xsl:template name="h:textual-note">
    <xsl:choose>
      <xsl:when test="@te:apparatus">
        <xsl:call-template name="h:apparatus-ref"/>
      </xsl:when>
      <xsl:when test="@te:apparatus-entry">
        <span class="apparatus-inline"> [{@te:apparatus-entry}]</span>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- Handwritten additions and stamps are set off, with their hand and kind on hover:
       the hand as the common layer names it (@te:hand-label, the start of a long note,
       which the about page has in full). -->
  <xsl:template match="tei:add" mode="h:text">
    <!-- where and by whose hand; "Added in the source" alone is the script's hint
         (edition.js, hints), not written on each of hundreds -->
    <xsl:variable name="more" select="string-join((@place ! ('place: ' || normalize-space(.)),
      @te:hand-label ! ('hand: ' || .))[normalize-space()] ! (', ' || .))"/>
    <xsl:call-template name="h:span">
      <xsl:with-param name="class" select="'editorial'"/>
      <xsl:with-param name="title" select="if ($more) then 'Added in the source' || $more else ()"/>
    </xsl:call-template>
    <xsl:call-template name="h:textual-note"/>
  </xsl:template>

  <xsl:template match="tei:stamp" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:variable name="title" select="string-join(('Stamp', @type ! normalize-space(.)[.]), ': ')"/>
    <xsl:choose>
      <xsl:when test="@te:kind = 'block' and not($phrasing)">
        <div>
          <xsl:call-template name="h:attributes">
            <xsl:with-param name="title" select="$title"/>
          </xsl:call-template>
          <xsl:apply-templates mode="h:text"/>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="h:span">
          <xsl:with-param name="title" select="$title"/>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============ breaks ============ -->

  <!-- A page break of the source: a marginal page number. -->
  <xsl:template match="tei:pb" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:variable name="n" select="normalize-space(@n)"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'div'}">
      <xsl:call-template name="h:attributes">
        <xsl:with-param name="class" select="'pb'"/>
      </xsl:call-template>
      <!-- (its hover text, "Page 2 of the source begins", is the script's, from the
           number: edition.js, hints) -->
      <span class="pb-n">{if ($n) then 'p. ' || $n else '|'}</span>
      <!-- in a collection (collection-page): the page's facsimile beside it -->
      <xsl:for-each select="($collection-page/*/te:facsimile[@facs = normalize-space(current()/@facs)])[1]">
        <xsl:choose>
          <xsl:when test="@remote = 'true'">
            <a class="facsimile remote" href="{@href}" rel="noopener noreferrer">Facsimile{if ($n) then ' of p. ' || $n else ''} (external)</a>
          </xsl:when>
          <xsl:otherwise>
            <a class="facsimile" href="{@href}"><img src="{@href}" alt="Facsimile{if ($n) then ' of p. ' || $n else ''}" loading="lazy"/></a>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:for-each>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:lb" mode="h:text">
    <xsl:choose>
      <xsl:when test="@te:join = 'true'">
        <span class="tei-lb join"></span>
      </xsl:when>
      <!-- a line break of prose is a space (the common layer keeps lines, @te:newline,
           only where lines matter: verse, openers, addresses, stamps ...) -->
      <xsl:when test="not(@te:newline)">
        <xsl:if test="not($collapse-whitespace and h:beside-space(.))">
          <xsl:text> </xsl:text>
        </xsl:if>
      </xsl:when>
      <xsl:otherwise>
        <br class="tei-lb"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Whether a node stands beside the source's whitespace, which is written (one
       character of it, h:collapse) and reads as the space the node would make. -->
  <xsl:function name="h:beside-space" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="h:after-space($node)
                          or matches($node/following-sibling::node()[1][self::text()], '^\s')"/>
  </xsl:function>

  <xsl:function name="h:after-space" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="exists($node/preceding-sibling::node()[1][self::text()][te:ends-in-space(.)])"/>
  </xsl:function>

  <xsl:template match="tei:milestone[@te:section-break = 'true']" mode="h:text">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:element name="{if ($phrasing) then 'span' else 'hr'}">
      <xsl:call-template name="h:attributes"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="tei:cb | tei:milestone | tei:gb | tei:anchor" mode="h:text">
    <span>
      <xsl:call-template name="h:attributes"/>
    </span>
  </xsl:template>

  <!-- ============ links ============ -->

  <!-- Where a @target leads: an id on this site (the text or a register), a web or
       mail address; never another scheme. -->
  <xsl:function name="h:link-target" as="xs:string?">
    <xsl:param name="el" as="element()"/>
    <xsl:param name="catalog" as="element(h:register)*"/>
    <xsl:variable name="target" select="tokenize(normalize-space($el/@target))[1]"/>
    <xsl:variable name="id" select="substring-after($target, '#')[starts-with($target, '#')]"/>
    <xsl:sequence select="
      if ($id and exists(key('h:ids', $id, root($el)))) then h:fragment($id)
      else if ($id and h:entry-href($id, $catalog)) then h:entry-href($id, $catalog)
      else h:safe-url($target)"/>
  </xsl:function>

  <xsl:template match="tei:ref | tei:ptr" mode="h:text">
    <xsl:param name="in-link" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:param name="catalog" as="element(h:register)*" tunnel="yes"/>
    <xsl:variable name="href" select="h:link-target(., $catalog)"/>
    <xsl:choose>
      <xsl:when test="$href and not($in-link)">
        <a href="{$href}">
          <xsl:call-template name="h:attributes">
            <xsl:with-param name="class" select="'external'[not(starts-with($href, '#') or contains($href, '.html#'))]"/>
          </xsl:call-template>
          <xsl:if test="not(starts-with($href, '#') or contains($href, '.html#'))">
            <xsl:attribute name="rel" select="'noopener noreferrer'"/>
          </xsl:if>
          <xsl:apply-templates mode="h:text">
            <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
            <xsl:with-param name="in-link" select="true()" tunnel="yes"/>
          </xsl:apply-templates>
          <xsl:choose>
            <xsl:when test="@te:printed">{@te:printed}</xsl:when>
            <xsl:when test="self::tei:ptr">{if (starts-with($href, '#')) then '→' else $href}</xsl:when>
          </xsl:choose>
        </a>
      </xsl:when>
      <xsl:when test="@te:printed">
        <span>
          <xsl:call-template name="h:attributes"/>
          <xsl:value-of select="@te:printed"/>
        </span>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="h:span"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ============ names ============ -->

  <!-- A name that points into a register: a link to its entry, with a card (label,
       type, description) that the script shows on hover, keyboard focus or a first tap.
       The card's data is written once per entry (entities.js), never per mention:
       the name carries only the entry's id. -->
  <xsl:template match="*[@te:entity]" mode="h:text" priority="2">
    <xsl:param name="in-link" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:param name="catalog" as="element(h:register)*" tunnel="yes"/>
    <xsl:param name="mentions" as="map(xs:string, map(xs:string, xs:string))" tunnel="yes" select="map{}"/>
    <xsl:variable name="id" select="tokenize(@te:entity)[1]"/>
    <xsl:variable name="page" select="h:entry-href($id, $catalog)"/>
    <xsl:element name="{if ($in-link or empty($page)) then 'span' else 'a'}">
      <xsl:if test="not($in-link) and $page">
        <xsl:attribute name="href" select="$page"/>
      </xsl:if>
      <!-- "name person", not also the element's name (persName, rs …): the most
           frequent link of a page says only what the stylesheet and script use. A link
           to a register says not even that: its target says it, "…/registers/person/p1.html"
           on a collection's page, "persons.html#p1" on a document's own (h:entry-href;
           edition.css and .js find names by it), and thousands of links a page spend
           no class on it. -->
      <xsl:variable name="kind" select="
        if (not($in-link) and $page and (exists($collection-page) or @te:entity-type = ('person', 'place', 'org')))
        then () else ('name', h:token(@te:entity-type))"/>
      <xsl:choose>
        <!-- (most names have no class or language of their own: h:attributes' result
             made without asking for each) -->
        <xsl:when test="empty(@type | @rend | @te:align | @xml:lang)
                        and namespace-uri() = 'http://www.tei-c.org/ns/1.0'
                        and not(@te:kind = ('unknown-block', 'unknown-inline'))">
          <xsl:variable name="mention" select="h:name-id(., $mentions)"/>
          <xsl:if test="$mention">
            <xsl:attribute name="id" select="$mention"/>
          </xsl:if>
          <xsl:if test="exists($kind)">
            <xsl:attribute name="class" select="string-join($kind, ' ')"/>
          </xsl:if>
        </xsl:when>
        <xsl:otherwise>
          <xsl:call-template name="h:attributes">
            <xsl:with-param name="id" select="h:name-id(., $mentions)"/>
            <xsl:with-param name="own" select="h:classes(.)[not(starts-with(., 'tei-'))]"/>
            <xsl:with-param name="class" select="$kind"/>
          </xsl:call-template>
        </xsl:otherwise>
      </xsl:choose>
      <!-- the entry's id for the card (edition.js, entryOf), unless the link already
           names it: its fragment, else its file name (what the script reads) -->
      <xsl:if test="$in-link or empty($page) or h:href-names($page) ne encode-for-uri($id)">
        <xsl:attribute name="data-entity" select="$id"/>
      </xsl:if>
      <xsl:apply-templates mode="h:text">
        <xsl:with-param name="phrasing" select="true()" tunnel="yes"/>
        <xsl:with-param name="in-link" select="true()" tunnel="yes"/>
      </xsl:apply-templates>
    </xsl:element>
  </xsl:template>

  <!-- The entry a register link names, as edition.js reads it (entryOf): the fragment
       of "persons.html#p1", else the file name of "../../registers/person/p1.html". -->
  <xsl:function name="h:href-names" as="xs:string">
    <xsl:param name="href" as="xs:string"/>
    <xsl:sequence select="if (contains($href, '#')) then substring-after($href, '#')
      else replace(tokenize($href, '/')[last()], '\.html$', '')"/>
  </xsl:function>

  <!-- A name whose key is in no register: marked, and "Not found in the registers" on
       hover (written once, in assets/edition.js, hints: not on each of thousands). -->
  <xsl:template match="*[@te:unresolved][not(@te:entity)]" mode="h:text" priority="2">
    <xsl:call-template name="h:span">
      <xsl:with-param name="class" select="'name', 'unresolved'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A name's id: where a document's own register pages link its mentions
       (h:mention-id); on a collection's page, whose registers link to the paragraph,
       only the name's own (its xml:id, which a reference may target), not an id on
       each of the page's thousand names that nothing links to. -->
  <xsl:function name="h:name-id" as="xs:string?">
    <xsl:param name="name" as="element()"/>
    <xsl:param name="mentions" as="map(xs:string, map(xs:string, xs:string))"/>
    <xsl:sequence select="if (exists($collection-page)) then h:anchor-id($name) else h:mention-id($name, $mentions)"/>
  </xsl:function>

  <!-- The id of one mention (registers link here), looked up in the table that
       h:mention-table made in one pass: its block's anchor and its place among the
       block's names, e.g. "doc1.p2-n3". -->
  <xsl:function name="h:mention-id" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:param name="mentions" as="map(xs:string, map(xs:string, xs:string))"/>
    <xsl:sequence select="($mentions(generate-id($name))?id, h:mention-id-slow($name))[1]"/>
  </xsl:function>

  <!-- The same id computed on its own, for a name the table does not hold (a name in
       a part that is not rendered): proportional to its block, so only a fallback. -->
  <xsl:function name="h:mention-id-slow" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="block" select="h:mention-block($name)"/>
    <xsl:sequence select="h:mention-prefix($block) || '-n'
                          || count(($block, root($name))[1]//*[@te:entity][. &lt;&lt; $name]) + 1"/>
  </xsl:function>

  <!-- The block a mention is numbered in: its citable block with an anchor, if any. -->
  <xsl:function name="h:mention-block" as="element()?">
    <xsl:param name="name" as="element()"/>
    <xsl:sequence select="te:block-of($name)[@te:anchor][not(. is $name)]"/>
  </xsl:function>

  <xsl:function name="h:mention-prefix" as="xs:string">
    <xsl:param name="block" as="element()?"/>
    <xsl:sequence select="($block ! h:anchor-id(.), 'te-text')[1]"/>
  </xsl:function>
</xsl:stylesheet>
