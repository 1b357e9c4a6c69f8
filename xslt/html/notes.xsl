<?xml version="1.0" encoding="UTF-8"?>
<!--
  Notes (the common layer numbers them, @te:n, within their unit). Where a note stands
  the text gets a numbered marker linking to the note. After each unit (document, essay)
  comes the numbered list of its notes, each with a link back to its marker. The script
  (edition.js, sidenotes) sets a copy of each note marked in-margin beside its marker,
  in the margin on wide screens (hidden from assistive technology, which reads the
  list); a reader sees each note once: on wide screens the list then keeps those notes
  for screen readers and keyboard focus only, on narrow screens and in print the margin
  copies are hidden. Without the script the list shows every note. A document's archival source note standing between its
  blocks is its source line, shown where it stands (@te:place="block").
  The critical apparatus works the same way: after a lemma its letter (@te:apparatus)
  links to the unit's "Textual notes", listed after its notes, each entry "lemma] reading
  (wit); …" with a link back; the ids are the unit's id, "-app-" and the letter.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- A block note (the common layer's @te:place="block": source line, provenance, copy
       list) is a block where it stands; one inside a paragraph or heading follows it. -->
  <xsl:template match="tei:note[@te:place = 'block']" mode="h:text" priority="1">
    <xsl:param name="phrasing" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:param name="defer-to" as="element()?" tunnel="yes" select="()"/>
    <xsl:param name="deferred" as="xs:boolean" select="false()"/>
    <xsl:if test="not($phrasing and exists($defer-to) and not($deferred))">
      <xsl:variable name="flow" select="h:holds-blocks(.)"/>
      <xsl:element name="{if ($phrasing) then 'span' else if ($flow) then 'div' else 'p'}">
        <xsl:call-template name="h:attributes">
          <xsl:with-param name="class" select="'block-note', 'source-line'[current()/@type = 'source'],
                                               'block'[$phrasing]"/>
        </xsl:call-template>
        <xsl:apply-templates mode="h:text">
          <xsl:with-param name="phrasing" select="$phrasing or not($flow)" tunnel="yes"/>
          <xsl:with-param name="defer-to" select="()" tunnel="yes"/>
        </xsl:apply-templates>
      </xsl:element>
    </xsl:if>
  </xsl:template>

  <!-- The block notes a paragraph or heading holds, shown after it. -->
  <xsl:template name="h:deferred-notes">
    <xsl:variable name="owner" select="."/>
    <xsl:apply-templates select=".//tei:note[@te:place = 'block'][empty(ancestor::tei:note[. >> $owner])]" mode="h:text">
      <xsl:with-param name="deferred" select="true()"/>
      <xsl:with-param name="phrasing" select="false()" tunnel="yes"/>
      <xsl:with-param name="defer-to" select="()" tunnel="yes"/>
    </xsl:apply-templates>
  </xsl:template>

  <!-- A note's number follows its word: "jetzt <note/> aber" reads "jetzt¹ aber", never
       "jetzt ¹aber" nor "jetzt ¹ aber" (the space before the note moves after it). -->
  <xsl:template match="text()[following-sibling::node()[1][self::tei:note[@te:place = 'foot']]]
                             [te:ends-in-space(.)][h:after-a-word(.)]" mode="h:text">
    <xsl:value-of select="h:collapse(replace(., '\s+\z', '', ';j'))"/>
  </xsl:template>

  <!-- Whether a text ends a word: it has words, or it is the space after an inline
       element ("<hi>Comandanten</hi> <note/>"), not the space between two blocks. -->
  <xsl:function name="h:after-a-word" as="xs:boolean">
    <xsl:param name="text" as="text()"/>
    <xsl:sequence select="normalize-space($text) != ''
      or exists($text/preceding-sibling::node()[1][self::*[@te:kind = ('inline', 'unknown-inline')]])"/>
  </xsl:function>

  <xsl:function name="h:space-after-note" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:variable name="before" select="$note/preceding-sibling::node()[1]"/>
    <!-- (what prints nothing after it is not there: "Gothard <note/><rs><ref/></rs>, qui"
         reads "Gothard¹, qui", te:prints-nothing) -->
    <xsl:variable name="after" select="$note/following-sibling::node()[not(te:prints-nothing(.) or self::comment()
                                                                           or self::processing-instruction())][1]"/>
    <xsl:sequence select="exists($before[self::text()][te:ends-in-space(.)][h:after-a-word(.)])
                          and not($after[self::text()][matches(., '^\s')])
                          and not($after[self::text()][matches(., '^[\p{Pe}\p{Po}]')])
                          and exists($after)"/>
  </xsl:function>

  <xsl:template match="tei:note[not(@te:place = 'none')]" mode="h:text">
    <xsl:param name="in-link" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:variable name="n" select="string(@te:n)"/>
    <xsl:choose>
      <xsl:when test="$in-link">
        <sup class="noteref" id="{h:anchor-id(.)}-ref">{$n}</sup>
      </xsl:when>
      <xsl:otherwise>
        <!-- its copy in the margin is the script's (edition.js, sidenotes), from the
             note's entry in the list: the page carries each note once -->
        <a class="noteref" id="{h:anchor-id(.)}-ref" href="{h:fragment(h:anchor-id(.))}" role="doc-noteref"
           aria-label="Note {$n}"><sup>{$n}</sup></a>
        <xsl:if test="@te:place = 'foot' and h:space-after-note(.)"><xsl:text> </xsl:text></xsl:if>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The notes of the current unit (a document, an essay, or the whole text), then its
       textual notes (the heading policy.xml gives them), by letter. -->
  <xsl:template name="h:footnotes">
    <xsl:variable name="unit" select="."/>
    <xsl:variable name="notes" select=".//tei:note[@te:place = 'foot'][te:unit(.) is $unit]"/>
    <xsl:if test="$notes">
      <!-- every note in the margin (the usual case): the list says it, not each entry -->
      <xsl:variable name="all-in-margin" select="every $n in $notes satisfies h:in-margin($n)"/>
      <section class="{'footnotes', 'all-in-margin'[$all-in-margin]}"
               role="doc-endnotes" aria-label="{h:notes-label(te:mark-heading('notes'), $unit)}">
        <xsl:element name="h{h:notes-heading-level($unit)}">
          <xsl:attribute name="class" select="'footnotes-title'"/>
          <xsl:sequence select="te:mark-heading('notes')"/>
        </xsl:element>
        <ol>
          <xsl:for-each select="$notes">
            <li id="{h:anchor-id(.)}">
              <xsl:if test="not($all-in-margin) and h:in-margin(.)">
                <xsl:attribute name="class" select="'in-margin'"/>
              </xsl:if>
              <xsl:if test="h:lang(@xml:lang)">
                <xsl:attribute name="lang" select="h:lang(@xml:lang)"/>
              </xsl:if>
              <xsl:call-template name="h:backlink">
                <xsl:with-param name="id" select="h:anchor-id(.)"/>
                <xsl:with-param name="mark" select="string(@te:n)"/>
              </xsl:call-template>
              <xsl:text> </xsl:text>
              <div>
                <xsl:apply-templates mode="h:text">
                  <xsl:with-param name="phrasing" select="false()" tunnel="yes"/>
                  <xsl:with-param name="in-link" select="false()" tunnel="yes"/>
                  <xsl:with-param name="defer-to" select="()" tunnel="yes"/>
                </xsl:apply-templates>
              </div>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
    <xsl:variable name="apparatus" as="element()*">
      <xsl:perform-sort select=".//*[@te:apparatus][te:unit(.) is $unit]">
        <xsl:sort select="string-length(@te:apparatus)"/>
        <xsl:sort select="string(@te:apparatus)"/>
      </xsl:perform-sort>
    </xsl:variable>
    <xsl:if test="exists($apparatus)">
      <section class="footnotes apparatus" aria-label="{h:notes-label(te:mark-heading('textual-notes'), $unit)}">
        <xsl:element name="h{h:notes-heading-level($unit)}">
          <xsl:attribute name="class" select="'footnotes-title'"/>
          <xsl:sequence select="te:mark-heading('textual-notes')"/>
        </xsl:element>
        <ol>
          <xsl:for-each select="$apparatus">
            <li id="{h:apparatus-id(.)}">
              <xsl:call-template name="h:backlink">
                <xsl:with-param name="id" select="h:apparatus-id(.)"/>
                <xsl:with-param name="mark" select="string(@te:apparatus)"/>
              </xsl:call-template>
              <xsl:text> {@te:apparatus-entry}</xsl:text>
            </li>
          </xsl:for-each>
        </ol>
      </section>
    </xsl:if>
  </xsl:template>

  <!-- The link from a note back to its marker in the text: the marker's number or
       letter, described by the page's one "Back to the text" (h:labels, shell.xsl), so
       that thousands of entries do not each carry the sentence; the script points each
       backlink at it (edition.js, backlinks), not thousands of attributes a page. -->
  <xsl:template name="h:backlink">
    <xsl:param name="id" as="xs:string"/>
    <xsl:param name="mark" as="xs:string"/>
    <a href="{h:fragment($id || '-ref')}" role="doc-backlink">{$mark}</a>
  </xsl:template>

  <!-- Whether a page of the whole text has a link back from a note: a unit's list of
       notes (h:footnotes) holds its notes and apparatus entries, and each unit that
       lists them is the outermost text or a division made a section (text.xsl). -->
  <xsl:function name="h:back-referenced" as="xs:boolean">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:sequence select="exists($norm//(tei:note[@te:place = 'foot'] | *[@te:apparatus])
      [te:unit(.)[self::tei:text or (self::tei:div | self::tei:div1)/@te:kind = 'block']])"/>
  </xsl:function>

  <!-- "Notes to Document No. 1": each list of notes is a landmark with its own name. -->
  <!-- The notes' heading, one level below their unit's: a division's heading (h2 in
       the dossier, notes h3), or the page's title (h1 of a letter, notes h2). -->
  <xsl:function name="h:notes-heading-level" as="xs:integer">
    <xsl:param name="unit" as="element()"/>
    <xsl:sequence select="if ($unit[local-name() = $h:div-names]) then min((6, h:heading-level($unit) + 1))
                          else 2"/>
  </xsl:function>

  <xsl:function name="h:notes-label" as="xs:string">
    <xsl:param name="what" as="xs:string"/>
    <xsl:param name="unit" as="element()"/>
    <xsl:sequence select="if ($unit[self::tei:div or self::tei:div1]) then $what || ' to ' || h:div-label($unit)
                          else $what || ' to the text'"/>
  </xsl:function>

  <!-- Whether a foot note also stands in the margin (on wide screens): every note
       except one inside a link or a name (only its number is there) or inside another
       note (whose margin copy shows only its number). -->
  <xsl:function name="h:in-margin" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="empty($note/ancestor::*[self::tei:note or self::tei:ref or self::tei:ptr or @te:entity])"/>
  </xsl:function>

  <!-- The letter after a lemma: a link to its entry (inside a link only the letter; in
       the margin copy of a note the script makes it so, edition.js). -->
  <xsl:template name="h:apparatus-ref">
    <xsl:param name="in-link" as="xs:boolean" tunnel="yes" select="false()"/>
    <xsl:variable name="letter" select="string(@te:apparatus)"/>
    <xsl:choose>
      <xsl:when test="$in-link">
        <sup class="appref" id="{h:apparatus-id(.)}-ref">{$letter}</sup>
      </xsl:when>
      <xsl:otherwise>
        <a class="appref" id="{h:apparatus-id(.)}-ref" href="{h:fragment(h:apparatus-id(.))}"
           role="doc-noteref" aria-label="{h:capitalised(te:mark-name('textual-notes'))} {$letter}"><sup>{$letter}</sup></a>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:function name="h:capitalised" as="xs:string">
    <xsl:param name="words" as="xs:string"/>
    <xsl:sequence select="upper-case(substring($words, 1, 1)) || substring($words, 2)"/>
  </xsl:function>

  <!-- The id of an apparatus entry: its unit's id (a division's anchor; the text,
       "te-text", in a corpus after its TEI), "-app-", its letter. -->
  <xsl:function name="h:apparatus-id" as="xs:string">
    <xsl:param name="app" as="element()"/>
    <xsl:variable name="unit" select="te:unit($app)"/>
    <xsl:variable name="tei" select="$unit/ancestor::tei:TEI[parent::tei:teiCorpus][1]"/>
    <xsl:sequence select="(h:anchor-id($unit),
      string-join(($tei ! (@xml:id, 'TEI' || count(preceding-sibling::tei:TEI) + 1)[1], 'te-text'), '.'))[1]
      || '-app-' || $app/@te:apparatus"/>
  </xsl:function>
</xsl:stylesheet>
