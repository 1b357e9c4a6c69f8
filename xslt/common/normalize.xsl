<?xml version="1.0" encoding="UTF-8"?>
<!--
  The editorial policy, applied once for every format: a pre-pass that copies the TEI
  and records every decision on it in te:* attributes. Formats render the result and
  never re-decide:

    @te:kind       block | inline | note | break | skip | unknown-block | unknown-inline
    @te:anchor     the stable anchor of a citable block (anchors.xsl)
    choice, app    only the shown reading is kept as a child (and an app's notes);
                   @te:alt holds the other reading(s) as text, @te:alt-kind their
                   element name(s)
    textual notes  the edition's lettered notes: an app with rejected readings, a choice
                   with another reading, an add in another hand or place (outside
                   skipped parts and readings not shown) has @te:apparatus-entry, in
                   words ("lemma] reading (wit); reading (wit)", "policies] source reads:
                   polices", "word] added above the line by another hand: hand note";
                   a long hand note abridged, te:hand-label, every format giving it in
                   full once, te:hands-in-full; the add has it as @te:hand-label, for
                   hover); a lemma of more than six words is
                   shortened to "first … last"; a reading's notes follow it as
                   "[Note: text]", a witDetail the readings after " — "), and
                   @te:apparatus, its letter (a, b, ... aa; counted within its unit
                   where the element ends, so a nested app comes first), except
                   inside a foot note, where the entry follows the word in brackets
                   (a footnote carries no notes). Every format prints the letter after
                   the word and the entries after the unit (PDF: as lettered
                   footnotes).
    note           @te:place "foot", "block" or "none" (te:note-place): a note that
                   says nothing (only an empty link to another document) is "none",
                   @te:kind "skip", shown nowhere and not counted; a foot note has @te:n,
                   its number (its own @n, else counted within its unit, te:unit());
                   notes stay where they are: formats put a marker there, never the text,
                   and list the texts after the unit; a block note (source line,
                   provenance, copy list) has no number and is shown as a block where
                   it stands; @te:deferred="true" when it stands inside a block (a
                   paragraph, a heading): shown after that block, which stays whole
    divisions      @te:level (1 = outermost), @te:unit="true" on a unit (te:unit: notes
                   and letters restart); a division's heads have @te:heading "main"
                   (the title every format sets), "label" or "sub" (te:main-head);
                   @te:division-label, the label a numbered division without a label
                   heading gets ("Document No. 3", policy.xml): set above its main
                   heading, or as its heading when it has none
    milestone      @te:section-break="true": a section break (policy.xml)
    alignment      @te:align "right" or "center" on a block the source sets so (its @rend
                   or @style, or the nearest block around it; policy.xml's <alignment>):
                   every format sets it so, without a first-line indent
    links          @te:printed on a link without words of its own whose target a reader
                   can use (a web address, a date: te:printed-target), which every format
                   prints; a link that prints nothing takes the punctuation that only
                   framed it (te:around-silent)
    lines          @te:own-line="true" on an inline element standing where a block
                   would (the lines of an opener, a stamp, a letterhead): a line of its own
    names          @te:entity (ids), @te:entity-type, @te:label (the display name,
                   names.xsl), @te:unresolved (URIs that point nowhere); never the
                   description, which formats read once per entry (te:entity-description)
    editorial      @te:open / @te:close, the signs printed around supplied, gap,
                   unclear and del text (policy.xml: the same signs in every format; a
                   gap's sign holds why text is missing, in words: "[… illegible
                   signature]", from its <desc>, else its extent and reason);
                   @te:explain, what the sign means; @te:why, the reason in words
                   (@reason, @agent, a gap's <desc>), for hover
    lb, pb, cb     @te:join="true" when the break falls inside a word (@break="no"), or
                   a line break of prose before a punctuation mark;
                   lb has @te:newline="true" where lines are kept (verse, openers,
                   addresses, stamps, headings ...); elsewhere it is a space
    annotation     a spanGrp in standOff (policy.xml) is shown after the text, in a
                   division typed "annotations" (te:anchor "te-annotations") headed
                   "Annotations", the last of the back matter (a back is made for it
                   when the text has none); each span starts "words] " with the words
                   it annotates (@target, @from ... @to)
    unknown        an element with no rule keeps all its text; one xsl:message per
                   distinct name: "TE-COVERAGE {name} {count} {first line}"
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Accumulators (note numbers) apply to the source document. -->
  <xsl:mode use-accumulators="#all"/>

  <xsl:mode name="te:normalize" on-no-match="shallow-copy" on-multiple-match="fail"
            warning-on-multiple-match="yes"/>

  <xsl:function name="te:normalized" as="document-node()">
    <xsl:param name="doc" as="document-node()"/>
    <xsl:variable name="result" as="document-node()">
      <xsl:document>
        <xsl:apply-templates select="$doc" mode="te:normalize">
          <xsl:with-param name="te:hand-labels" tunnel="yes" select="te:hand-labels($doc)"/>
        </xsl:apply-templates>
      </xsl:document>
    </xsl:variable>
    <!-- Coverage: unknown elements whose text every format keeps (none inside a part
         no format shows) ... -->
    <xsl:for-each-group select="$result//*[@te:kind = ('unknown-block', 'unknown-inline')]
                                [empty(ancestor::*[@te:kind = 'skip'])]"
                        group-by="name()">
      <xsl:sort select="current-grouping-key()"/>
      <xsl:message>TE-COVERAGE {current-grouping-key()} {count(current-group())} {(current-group()/@te:line)[1]}</xsl:message>
    </xsl:for-each-group>
    <!-- ... and text no format shows (metadata inside the text), said as such. -->
    <xsl:for-each-group select="$result//*[@te:kind = 'skip'][empty(ancestor::*[@te:kind = 'skip'])]
                                [not(self::tei:teiHeader or self::tei:standOff or self::tei:facsimile)]
                                [not(@te:place = 'none')]
                                [normalize-space()]"
                        group-by="name()">
      <xsl:sort select="current-grouping-key()"/>
      <xsl:message>{count(current-group())} &lt;{current-grouping-key()}&gt; element(s) hold text that is not shown (annotation or metadata; first at line {((current-group()/@te:line)[1], '?')[1]})</xsl:message>
    </xsl:for-each-group>
    <xsl:sequence select="$result"/>
  </xsl:function>

  <!-- Metadata is copied as it is: formats read the header from here too. -->
  <xsl:template match="tei:teiHeader | tei:standOff" mode="te:normalize" priority="2">
    <xsl:copy>
      <xsl:attribute name="te:kind" select="'skip'"/>
      <xsl:copy-of select="@*, node()"/>
    </xsl:copy>
  </xsl:template>

  <!-- Annotation in standOff (policy.xml's stand-off-annotations: spanGrp) is text a
       reader must have: a division at the end of the back matter (made when the text
       has none), headed "Annotations", holds it (the standOff itself stays metadata). -->
  <xsl:template match="tei:text[parent::tei:TEI][empty(tei:back)][te:annotations(.)]" mode="te:normalize">
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:call-template name="te:children"/>
      <tei:back te:kind="block">
        <xsl:call-template name="te:annotations"/>
      </tei:back>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="tei:back[parent::tei:text[parent::tei:TEI]][te:annotations(..)]" mode="te:normalize">
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:call-template name="te:children"/>
      <xsl:call-template name="te:annotations">
        <xsl:with-param name="text" select=".."/>
      </xsl:call-template>
    </xsl:copy>
  </xsl:template>

  <xsl:function name="te:annotations" as="element()*">
    <xsl:param name="text" as="element()"/>
    <xsl:sequence select="$text/../tei:standOff//*[local-name() = $te:stand-off-shown]
      [empty(ancestor::*[local-name() = $te:stand-off-shown])][normalize-space()]"/>
  </xsl:function>

  <xsl:template name="te:annotations">
    <xsl:param name="text" as="element()" select="."/>
    <tei:div type="annotations" te:kind="block" te:anchor="te-annotations" te:level="1">
      <tei:head te:kind="block" te:anchor="te-annotations.head" te:heading="main">{$te:stand-off-heading}</tei:head>
      <xsl:for-each select="te:annotations($text)">
        <xsl:apply-templates select="." mode="te:normalize">
          <xsl:with-param name="te:path" tunnel="yes" select="'te-annotations.' || local-name() || position()"/>
        </xsl:apply-templates>
      </xsl:for-each>
    </tei:div>
  </xsl:template>

  <!-- An annotation starts with the words it annotates, as an apparatus entry does
       ("words] comment"; first … last of a longer passage), when it points to them. -->
  <xsl:template match="tei:span" mode="te:normalize">
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:for-each select="te:annotated-words(.)">
        <xsl:value-of select=". || '] '"/>
      </xsl:for-each>
      <xsl:call-template name="te:children"/>
    </xsl:copy>
  </xsl:template>

  <xsl:function name="te:annotated-words" as="xs:string?">
    <xsl:param name="span" as="element()"/>
    <xsl:variable name="ids" select="($span/@target, $span/@from)[1] ! tokenize(normalize-space(.))
                                     [starts-with(., '#')] ! substring(., 2)"/>
    <xsl:variable name="first" select="key('te:by-id', $ids[1], root($span))[1]"/>
    <xsl:variable name="last" select="if ($span/@target) then key('te:by-id', $ids[last()], root($span))[1]
      else $span/@to[starts-with(normalize-space(.), '#')] ! key('te:by-id', substring(normalize-space(.), 2), root($span))[1]"/>
    <xsl:variable name="from" select="tokenize(te:plain-words($first))"/>
    <xsl:variable name="to" select="if ($last and not($last is $first)) then tokenize(te:plain-words($last)) else ()"/>
    <xsl:sequence select="
      if (empty($from)) then ()
      else if (exists($to)) then $from[1] || ' … ' || $to[last()]
      else if (count($from) gt 6) then $from[1] || ' … ' || $from[last()]
      else string-join($from, ' ')"/>
  </xsl:function>

  <!-- The words of an element as shown: notes and skipped parts left out. -->
  <xsl:function name="te:plain-words" as="xs:string">
    <xsl:param name="el" as="element()?"/>
    <xsl:sequence select="normalize-space(string-join($el//text()
      [empty(ancestor::*[self::tei:note or te:is-skipped(.)][. >> $el])]))"/>
  </xsl:function>

  <!-- An encoder's indentation at the edge of a phrase ("(<placeName>⏎  <hi>Gotthard</hi>⏎
       </placeName>)") is not a space of the text: it is left out where the text outside
       already has one or where the phrase meets a bracket or a punctuation mark, so that
       every format prints "(Gotthard)", not "( Gotthard )". A space the encoder typed
       (no line break in it) stays, and so does indentation next to a letter, where it
       may be the only space between two words. Nor is indentation between an element
       and a punctuation mark ("<persName>Hasse</persName>⏎  <note>…</note>⏎  , bei
       dem" reads "Hasse¹, bei dem", never "Hasse¹ , bei dem"). One template takes every
       text node but a phrase's last (matching each against several patterns cost
       more than the trimming):
       a text node beside a link that prints nothing (te:around-silent, below) or with
       a line end in it or a line break after it is trimmed; any other is as typed. So
       is, without asking te:indentation-trimmed, a text with a line end in it that
       has nothing it could trim (te:as-typed): most of a pretty-printed file's.
       A phrase's last text loses its closing space before a closing mark, the
       encoding's (spacing.xsl). (One template, its tests asked in turn: matching each
       text against a second pattern, and asking te:prints-nothing of neighbours that
       cannot print nothing (not a link, a comment, nor an element holding one or an
       element), cost more than the rest of a text's work.) -->
  <xsl:template match="text()" mode="te:normalize">
    <xsl:variable name="before" select="preceding-sibling::node()[1]"/>
    <xsl:variable name="after" select="following-sibling::node()[1]"/>
    <xsl:variable name="text" as="xs:string" select="
      if ((some $n in ($before, $after) satisfies ($n/self::tei:ref or $n/self::tei:ptr
                                                   or $n/self::comment() or $n/* or $n/comment()))
          and (te:prints-nothing($before) or te:prints-nothing($after)))
      then te:around-silent(., te:indentation-trimmed(.))
      else if (exists($after/self::tei:lb)
               or (contains(., '&#10;') and not(te:as-typed(., exists($after)))))
      then te:indentation-trimmed(.)
      else string(.)"/>
    <xsl:value-of select="if (empty($after) and te:space-before-closing-mark(.))
                          then replace($text, '\s+\z', '', ';j') else $text"/>
  </xsl:template>

  <!-- The marks that close what stands before them, written without a space (a regex
       class's content). Never a quotation mark that may open: » › “ open a quotation in
       German or English text ("sagte »Komm«", "said “Go”"), so a space before them stays. -->
  <xsl:variable name="te:closing-marks" static="yes" as="xs:string" select="',.;:!?)\]}”’…'"/>

  <xsl:function name="te:break-before-punctuation" as="xs:boolean">
    <xsl:param name="n" as="node()?"/>
    <!-- (the text's first mark read before the expression is tried at each of its
         characters, and before the break's ancestors are asked: most lines start with
         a word) -->
    <xsl:sequence select="exists($n/self::tei:lb
      [following-sibling::node()[1][self::text()]
         [let $head := normalize-space(substring(., 1, 64))
          return (if ($head) then contains($te:closing-marks, substring($head, 1, 1)) else true())
                 and matches(., '^\s*[' || $te:closing-marks || ']', ';j')]]
      [not(ancestor::*[local-name() = $te:line-keeping])])"/>
  </xsl:function>

  <!-- Whether te:indentation-trimmed leaves a text as it is, asked of a few characters
       where it asks of the whole text (a line break does not follow the text): a text
       that neither starts nor ends with a space has no edge to trim and no indentation
       before a mark; indentation between two nodes (whitespace only, neither first nor
       last) is a phrase's edge for neither, and holds no mark. -->
  <xsl:function name="te:as-typed" as="xs:boolean">
    <xsl:param name="t" as="text()"/>
    <xsl:param name="followed" as="xs:boolean"/>
    <xsl:sequence select="if (normalize-space(substring($t, 1, 1)) != '')
      then normalize-space(substring($t, string-length($t))) != ''
      else $followed and exists($t/preceding-sibling::node()) and not(normalize-space($t))"/>
  </xsl:function>

  <xsl:function name="te:indentation-trimmed" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:variable name="edge" select="(empty($t/preceding-sibling::node()) or empty($t/following-sibling::node()))
      and (normalize-space(substring($t, 1, 1)) = '' or normalize-space(substring($t, string-length($t))) = '')
      and exists($t/../parent::*[te:has-loose-text(.)]) and te:indented($t)"/>
    <xsl:variable name="s" select="if ($edge) then te:phrase-edge($t) else string($t)"/>
    <xsl:variable name="s" select="if (exists($t/preceding-sibling::node()[1][self::*]) and te:may-open-closing($s))
      then replace($s, '^\s*\n\s*([' || $te:closing-marks || '])', '$1', ';j') else $s"/>
    <xsl:sequence select="if (te:break-before-punctuation($t/following-sibling::node()[1]))
      then replace($s, '\s+\z', '', ';j') else $s"/>
  </xsl:function>

  <!-- Whether a text's leading or trailing whitespace holds a line end: each edge read
       from its last (first) 64 characters when they hold more than whitespace, where
       the whole text's expression ('^\s*\n|\n\s*\z') is tried at every character. -->
  <xsl:function name="te:indented" as="xs:boolean">
    <xsl:param name="t" as="xs:string"/>
    <xsl:variable name="head" select="substring($t, 1, 64)"/>
    <xsl:variable name="tail" select="substring($t, string-length($t) - 63)"/>
    <xsl:sequence select="matches(if (normalize-space($head)) then $head else $t, '^\s*\n', ';j')
                          or matches(if (normalize-space($tail)) then $tail else $t, '\n\s*\z', ';j')"/>
  </xsl:function>

  <!-- Whether the expression above may find anything in $s (its first character is
       whitespace, and its first other character may be a closing mark): a test of a
       few characters, where the regular expression costs a copy of every text. -->
  <xsl:function name="te:may-open-closing" as="xs:boolean">
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="head" select="normalize-space(substring($s, 1, 64))"/>
    <xsl:sequence select="$s ne '' and normalize-space(substring($s, 1, 1)) = ''
      and (if ($head = '') then string-length($s) gt 64
           else contains($te:closing-marks, substring($head, 1, 1)))"/>
  </xsl:function>

  <xsl:function name="te:phrase-edge" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:variable name="before" select="$t/../preceding-sibling::node()[1]"/>
    <xsl:variable name="after" select="$t/../following-sibling::node()[1]"/>
    <xsl:variable name="open" select="empty($t/preceding-sibling::node()) and ($before/self::tei:lb
      or $before/self::text()[matches(substring(., string-length(.)), '[\s(\[{„‚«‹¿¡]')])"/>
    <xsl:variable name="close" select="empty($t/following-sibling::node()) and ($after/self::tei:lb
      or $after/self::text()[matches(., '^[\s' || $te:closing-marks || ']')])"/>
    <xsl:variable name="text" select="if ($open) then replace($t, '^\s*\n\s*', '') else string($t)"/>
    <xsl:sequence select="if ($close and te:ends-in-space($text))
                          then replace($text, '\s*\n\s*$', '') else $text"/>
  </xsl:function>

  <!-- A link that prints nothing (te:silent-link: no words of its own, a target no
       reader can follow, such as another document's identifier) takes with it the
       punctuation that only framed it, the same in every format: the brackets around
       such links and the commas between them ("(<ref/>, <ref/>, und öfter)" reads "(und
       öfter)"), and the space before it where punctuation follows ("Vergleiche <ref/>."
       reads "Vergleiche.", never "Vergleiche ."), and one of two marks around it
       ("Privatlehrer. <ref/>." reads "Privatlehrer."). A comma after a word is the
       sentence's and stays ("Siehe <ref/>, und mehr" reads "Siehe, und mehr"). The text
       template above trims the text on either side of such a link (te:around-silent). -->

  <xsl:function name="te:silent-link" as="xs:boolean">
    <xsl:param name="n" as="node()?"/>
    <xsl:sequence select="exists($n/(self::tei:ref | self::tei:ptr)[not(normalize-space())][empty(*)]
      [not(te:printed-target(.))][not(starts-with(normalize-space(@target), '#'))])"/>
  </xsl:function>

  <xsl:function name="te:around-silent" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="after" select="te:prints-nothing($t/preceding-sibling::node()[1])"/>
    <xsl:variable name="before" select="te:prints-nothing($t/following-sibling::node()[1])"/>
    <xsl:choose>
      <xsl:when test="$after and $before and matches($s, '^[\s,;]*$')">
        <xsl:sequence select="''"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="prev" select="te:beyond-silent($t, false())"/>
        <xsl:variable name="next" select="te:beyond-silent($t, true())"/>
        <!-- a semicolon after silent links only separated them from what follows, and
             so did a comma after "(" or the end of a sentence ("fortzusetzen. <ref/>;
             Chronologie" reads "fortzusetzen. Chronologie"; "Vgl. <ref/>; Blumer" reads
             "Vgl. Blumer"); the space it leaves is the one the text before had, which
             that text gave up before the mark, unless only the mark follows or a
             closing mark does: "S. 617; <ref/>; ." reads "S. 617.") -->
        <xsl:variable name="drop" select="$after and (matches($s, '^\s*;')
          or (matches($s, '^\s*,') and matches($prev, '[(\[.!?:;]\s*$')))"/>
        <xsl:variable name="rest" select="replace($s, '^\s*[,;]\s*', '')"/>
        <xsl:variable name="s" select="if (not($drop)) then $s
          else (if (matches($prev, '[(\[]\s*$') or (matches($prev, '\s$') and matches($s, '^[\s,;]*$'))
                    or matches($rest, '^[.,;:!?)\]]'))
                then '' else ' ') || $rest"/>
        <xsl:variable name="s" select="if ($after and matches($prev, '\(\s*$')) then replace($s, '^\s+', '') else $s"/>
        <xsl:variable name="s" select="if ($after and matches($prev, '\(\s*$') and matches($s, '^\s*\)'))
                                       then replace($s, '^\s*\)', '') else $s"/>
        <xsl:variable name="s" select="if ($before and matches($s, '\(\s*$') and matches($next, '^[\s,;]*\)'))
                                       then replace($s, '\s*\(\s*$', '') else $s"/>
        <!-- one closing mark where the source has one on either side of links that
             print nothing: a full stop after the end of a sentence went with the link
             ("Privatlehrer. <ref/>. – Keller" reads "Privatlehrer. – Keller"), and so did
             a separator before the end of the sentence ("S. 67-68; <ref/>." reads "S.
             67-68.") or of the phrase ("Welti; <ref/></bibl>" reads "Welti"), and the
             space before a closing bracket; a mark around a link that prints (its
             words, its target) is never dropped -->
        <xsl:variable name="s" select="if ($after and matches($s, '^\s*\.') and matches($prev, '[.!?…]\s*$'))
                                       then replace($s, '^\s*\.', '') else $s"/>
        <xsl:variable name="s" select="if ($before and matches($s, '[,;:]\s*$')
                                           and (matches($next, '^[\s,;]*[.!?)\]]')
                                                or (matches($s, '[,;]\s*$') and te:ends-in-silence($t))))
                                       then replace($s, '\s*[,;:]\s*$', '') else $s"/>
        <xsl:sequence select="if ($before and matches($next, '^[.,;:!?)\]]')) then replace($s, '\s+$', '') else $s"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- Whether only what prints nothing, and separators, follow a node to the end of its
       block (a phrase's end is not the sentence's: "wären;<ref/></rs> ich würde"). -->
  <xsl:function name="te:ends-in-silence" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:sequence select="empty($n/following-sibling::node()[not(te:prints-nothing(.) or self::comment()
      or self::processing-instruction() or self::text()[matches(., '^[\s,;]*$')])])
      and (empty($n/parent::*) or not(te:kind($n/..) = ('inline', 'unknown-inline')) or te:ends-in-silence($n/..))"/>
  </xsl:function>

  <!-- The text beyond a run of silent links and the separators between them. A note
       there is its marker, which says nothing of the sentence: the text beyond it does
       (a note's own text ends in a full stop, which is not the sentence's); nor does a
       comment. -->
  <xsl:function name="te:beyond-silent" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:param name="forward" as="xs:boolean"/>
    <xsl:variable name="run" select="if ($forward) then $t/following-sibling::node() else reverse($t/preceding-sibling::node())"/>
    <xsl:sequence select="string(($run[not(te:prints-nothing(.) or self::tei:note or self::comment()
                                           or self::processing-instruction()
                                           or (. instance of text() and matches(., '^[\s,;]*$')))])[1])"/>
  </xsl:function>

  <!-- Whether every element of the normalised tree keeps its source line (te:line, from
       our parser): the Typst source carries it, so that a Typst error names the TEI line.
       A format that reads it nowhere sets this false() (html.xsl): the line is then kept
       only where the coverage messages above read it (unknown and skipped elements). -->
  <xsl:variable name="te:lines-everywhere" as="xs:boolean" select="true()"/>

  <!-- The TEI elements whose source line this stylesheet never reads (local names), for
       Python to mark only the others (publish.transform.to_xdm): with the lines kept
       only on unknown and skipped elements, every name that is neither; else none
       (every element's line is read). An attribute on each of a large document's
       elements cost its handing over and its normalisation. -->
  <xsl:template name="te:lines-unread" as="xs:string*">
    <xsl:sequence select="if ($te:lines-everywhere) then ()
                          else map:keys($te:kind-of-name)[$te:kind-of-name(.) ne 'skip']"/>
  </xsl:template>

  <!-- Whether every name linked to an entry carries the entry's label (te:label): a
       format that reads it nowhere sets this false() (html.xsl), and no entry's label is
       made for each of its mentions. -->
  <xsl:variable name="te:names-labelled" as="xs:boolean" select="true()"/>

  <xsl:template match="*" mode="te:normalize" priority="-1">
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:call-template name="te:children"/>
    </xsl:copy>
  </xsl:template>

  <!-- The decisions recorded on every element. Most hold for a few names only: each
       is asked after a cheap test of the name (or the parent's), so that a phrase
       (hi, persName, ref ...) costs its kind and little else. -->
  <xsl:template name="te:common-attributes">
    <xsl:param name="te:path" as="xs:string" tunnel="yes" select="''"/>
    <xsl:variable name="name" select="local-name()"/>
    <xsl:variable name="kind" select="te:kind(.)"/>
    <xsl:copy-of select="if ($te:lines-everywhere or $kind = ('unknown-block', 'unknown-inline', 'skip'))
                         then @* else @* except @te:line"/>
    <xsl:attribute name="te:kind" select="$kind"/>
    <xsl:if test="te:is-anchor-block(.) or self::tei:div or self::tei:div1 or self::tei:div2">
      <xsl:attribute name="te:anchor" select="(@xml:id, $te:path[.] ! te:unclaimed-anchor(., root(current())), $name)[1]"/>
    </xsl:if>
    <xsl:if test="starts-with($name, 'div') and te:is-div(.)">
      <xsl:attribute name="te:level" select="count(ancestor-or-self::*[te:is-div(.)])"/>
      <xsl:if test="te:is-unit(.)">
        <xsl:attribute name="te:unit" select="'true'"/>
      </xsl:if>
      <xsl:for-each select="te:division-label(.)">
        <xsl:attribute name="te:division-label" select="."/>
      </xsl:for-each>
    </xsl:if>
    <xsl:if test="self::tei:head and parent::*[te:is-div(.)]">
      <xsl:attribute name="te:heading" select="te:heading-role(.)"/>
    </xsl:if>
    <xsl:if test="self::tei:milestone[@unit = $te:section-break-units]">
      <xsl:attribute name="te:section-break" select="'true'"/>
    </xsl:if>
    <xsl:if test="$kind = ('inline', 'unknown-inline') and parent::*[map:contains($te:line-container-names, local-name())]
                  and te:stands-as-line(.)">
      <xsl:attribute name="te:own-line" select="'true'"/>
    </xsl:if>
    <xsl:if test="map:contains($te:aligned-block-names, $name)">
      <xsl:for-each select="te:alignment(.)">
        <xsl:attribute name="te:align" select="."/>
      </xsl:for-each>
    </xsl:if>
    <xsl:if test="(self::tei:ref or self::tei:ptr) and not(normalize-space())">
      <xsl:for-each select="te:printed-target(.)">
        <xsl:attribute name="te:printed" select="."/>
      </xsl:for-each>
    </xsl:if>
  </xsl:template>

  <!-- Process the children of the current element (or only those in $only) with the
       anchor path each child gets: its parent's path plus local-name and position among
       same-named siblings (anchors.xsl defines it). Counting while iterating keeps this
       linear where counting preceding siblings per element is quadratic. -->
  <xsl:template name="te:children">
    <xsl:param name="te:moved" as="node()*" tunnel="yes" select="()"/>
    <xsl:param name="only" as="node()*" select="node() except $te:moved"/>
    <!-- whether $only is every child: nothing was moved out (a caller that names $only
         says false(): the children are then taken one by one, to the same result) -->
    <xsl:param name="all" as="xs:boolean" select="empty($te:moved)"/>
    <xsl:param name="te:path" as="xs:string" tunnel="yes" select="''"/>
    <xsl:choose>
      <!-- (no child that reads its path: none is citable (te:common-attributes' test)
           and none holds elements, which might be; as in most names and phrases, and a
           paragraph of them: no path to count) -->
      <xsl:when test="$all and empty(*[* or te:is-anchor-block(.) or self::tei:div or self::tei:div1
                                          or self::tei:div2])">
        <xsl:apply-templates mode="te:normalize"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="wanted" as="map(xs:string, xs:boolean)"
                      select="if ($all) then map{} else map:merge($only ! map{generate-id(.): true()})"/>
        <xsl:iterate select="node()">
          <xsl:param name="seen" as="map(xs:QName, xs:integer)" select="map{}"/>
          <xsl:variable name="n" as="xs:integer"
                        select="if (self::*) then ($seen(node-name()), 0)[1] + 1 else 0"/>
          <xsl:choose>
            <xsl:when test="not($all or map:contains($wanted, generate-id()))"/>
            <!-- (text and the like: the tunnelled path goes on as it came, no new binding) -->
            <!-- (nor a child that holds no element and is not citable: it reads no path) -->
            <xsl:when test="not(self::*) or empty(*) and not(te:is-anchor-block(.) or self::tei:div
                                                          or self::tei:div1 or self::tei:div2)">
              <xsl:apply-templates select="." mode="te:normalize"/>
            </xsl:when>
            <xsl:otherwise>
              <xsl:apply-templates select="." mode="te:normalize">
                <xsl:with-param name="te:path" tunnel="yes"
                                select="if (self::tei:text and empty(ancestor::tei:text)) then ''
                                        else if (self::tei:body and $n eq 1 and $te:path eq '') then ''
                                        else string-join(($te:path[.], local-name() || $n), '.')"/>
              </xsl:apply-templates>
            </xsl:otherwise>
          </xsl:choose>
          <xsl:next-iteration>
            <xsl:with-param name="seen" select="if (self::*) then map:put($seen, node-name(), $n) else $seen"/>
          </xsl:next-iteration>
        </xsl:iterate>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Alternative readings: keep the one the policy shows, record the other(s). -->
  <xsl:template match="tei:choice" mode="te:normalize">
    <xsl:variable name="shown" select="te:choice-shown(.)"/>
    <xsl:call-template name="te:alternatives">
      <xsl:with-param name="shown" select="$shown"/>
      <xsl:with-param name="others" select="* except $shown"/>
    </xsl:call-template>
  </xsl:template>

  <!-- An addition in another hand or place: a textual note says so. -->
  <xsl:template match="tei:add[@place or @hand]" mode="te:normalize">
    <xsl:param name="te:hand-labels" as="map(xs:string, xs:string)" tunnel="yes" select="map{}"/>
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:call-template name="te:textual-note">
        <xsl:with-param name="entry" select="te:add-entry(., $te:hand-labels)"/>
      </xsl:call-template>
      <xsl:for-each select="@hand ! $te:hand-labels(substring-after(normalize-space(.), '#'))[.]">
        <xsl:attribute name="te:hand-label" select="."/>
      </xsl:for-each>
      <xsl:call-template name="te:children"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="tei:app" mode="te:normalize">
    <xsl:variable name="shown" select="(tei:lem, tei:rdg, tei:rdgGrp)[1]"/>
    <xsl:call-template name="te:alternatives">
      <xsl:with-param name="shown" select="$shown"/>
      <xsl:with-param name="others" select="(tei:rdg, tei:rdgGrp) except $shown"/>
      <xsl:with-param name="kept" select="tei:note"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template name="te:alternatives">
    <xsl:param name="shown" as="element()?"/>
    <xsl:param name="others" as="element()*"/>
    <xsl:param name="kept" as="element()*" select="()"/>
    <xsl:variable name="children" as="node()*">
      <xsl:call-template name="te:children">
        <xsl:with-param name="only" select="$shown | $kept"/>
        <xsl:with-param name="all" select="false()"/>
      </xsl:call-template>
    </xsl:variable>
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:attribute name="te:kind" select="'inline'"/>
      <xsl:if test="$others">
        <xsl:attribute name="te:alt" select="string-join($others ! te:reading-text(.), ' | ')"/>
        <xsl:attribute name="te:alt-kind" select="string-join(distinct-values($others ! local-name()), ' ')"/>
      </xsl:if>
      <xsl:if test="$others">
        <xsl:variable name="lemma" select="te:shown-text($children[not(self::tei:note)])"/>
        <xsl:variable name="words" select="tokenize($lemma, ' ')"/>
        <xsl:call-template name="te:textual-note">
          <xsl:with-param name="entry" select="
            (if (count($words) gt 6) then $words[1] || ' … ' || $words[last()] else $lemma[.], '∅')[1],
            (if (self::tei:app) then string-join($others ! te:apparatus-reading(.), '; ')
                        else string-join($others ! te:other-reading(., $shown), '; '))
            || string-join((* except (tei:lem, tei:rdg, tei:rdgGrp, tei:note))[self::tei:witDetail][normalize-space()]
                           ! (' — ' || te:sigla(@wit)[.] ! (. || ': ') || normalize-space(.)))"/>
        </xsl:call-template>
      </xsl:if>
      <xsl:sequence select="$children"/>
    </xsl:copy>
  </xsl:template>

  <!-- A textual note: @te:apparatus-entry, its text in words ("lemma] what it says"),
       and @te:apparatus, its letter (a, b, ... counted within the unit where the element
       ends), unless it stands inside a foot note (a footnote carries no footnotes: the
       entry follows the word in brackets there, without repeating the word).
       $entry: the lemma and what the note says of it. -->
  <xsl:template name="te:textual-note">
    <xsl:param name="entry" as="xs:string+"/>
    <xsl:if test="te:makes-apparatus(.)">
      <xsl:variable name="inline" select="te:in-foot-note(.)"/>
      <xsl:attribute name="te:apparatus-entry"
                     select="normalize-space(if ($inline) then $entry[2] else $entry[1] || '] ' || $entry[2])"/>
      <xsl:if test="not($inline)">
        <xsl:attribute name="te:apparatus" select="format-integer(head(accumulator-after('te:apparatus')), 'a')"/>
      </xsl:if>
    </xsl:if>
  </xsl:template>

  <!-- "source reads: polices" - another reading of a choice, named by what it is;
       "u" alone for an abbreviation (policy.xml names it with no words). -->
  <xsl:function name="te:other-reading" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:param name="shown" as="element()?"/>
    <xsl:variable name="says" select="(te:words-for('readings', local-name($el))
      [not(local-name($el) = local-name($shown) and . = 'or')], 'or')[1]"/>
    <xsl:sequence select="$says[.] ! (. || ': ') || te:reading-text($el)"/>
  </xsl:function>

  <!-- "Added above the line by another hand: Puzanov's secretary" -->
  <xsl:function name="te:add-entry" as="xs:string+">
    <xsl:param name="add" as="element()"/>
    <xsl:param name="hand-labels" as="map(xs:string, xs:string)"/>
    <xsl:variable name="text" select="normalize-space(string-join($add//text()[empty(ancestor::tei:note[. >> $add])]))"/>
    <xsl:variable name="words" select="tokenize($text, ' ')"/>
    <xsl:variable name="hand" select="$add/@hand ! substring-after(normalize-space(.), '#')[.]"/>
    <xsl:sequence select="
      (if (count($words) gt 6) then $words[1] || ' … ' || $words[last()] else $text[.], '∅')[1],
      string-join((
           'added' || ($add/@place ! (' ' || (te:words-for('places', normalize-space(.)), te:humanize(.))[1]))
           || ' by another hand'[$add/@hand],
           $hand ! $hand-labels(.)[.]), ': ')"/>
  </xsl:function>

  <!-- The hand each addition names, by id, worked out once per hand (te:hand-label),
       so that an addition costs the same however long its hand's note. -->
  <xsl:function name="te:hand-labels" as="map(xs:string, xs:string)">
    <xsl:param name="doc" as="document-node()"/>
    <xsl:sequence select="map:merge(
      for $id in distinct-values($doc//tei:add/@hand ! substring-after(normalize-space(.), '#')[.]),
          $hand in key('te:by-id', $id, $doc)[1]
      return map{$id: te:hand-label($hand)})"/>
  </xsl:function>

  <!-- A hand as a textual note names it (policy.xml, hands): its note when short, else
       its first words and where it is given in full, so that a long hand note is not
       copied into every addition. -->
  <xsl:function name="te:hand-label" as="xs:string">
    <xsl:param name="hand" as="element()"/>
    <xsl:variable name="text" select="te:hand-text($hand)"/>
    <xsl:sequence select="if (string-length($text) le $te:hand-brief) then $text
      else replace(substring($text, 1, $te:hand-brief), '\s+\S*$', '') || $te:policy/hands/@more"/>
  </xsl:function>

  <xsl:function name="te:hand-text" as="xs:string">
    <xsl:param name="hand" as="element()"/>
    <xsl:sequence select="normalize-space(string-join($hand//text()))"/>
  </xsl:function>

  <!-- The hands whose notes the textual notes abridge, in a normalised document (all
       of it) or in one TEI or teiCorpus (its own, not those of the TEIs it holds): each
       format gives them in full once, under the title te:hands-title. -->
  <xsl:function name="te:hands-in-full" as="element()*">
    <xsl:param name="doc" as="node()"/>
    <xsl:variable name="used" select="distinct-values($doc//tei:add[@te:apparatus-entry]/@hand
                                                      ! substring-after(normalize-space(.), '#')[.])"/>
    <xsl:sequence select="$doc//tei:handNote[@xml:id = $used]
      [$doc instance of document-node() or ancestor::*[self::tei:TEI or self::tei:teiCorpus][1] is $doc]
      [string-length(te:hand-text(.)) gt $te:hand-brief]"/>
  </xsl:function>

  <xsl:variable name="te:hand-brief" static="yes" as="xs:integer" select="xs:integer($te:policy/hands/@brief)"/>
  <xsl:variable name="te:hands-title" static="yes" as="xs:string" select="string($te:policy/hands/@title)"/>

  <!-- Why text is missing, in words: its own description when it has words, else the
       extent and the reason ("3 lines illegible", "date off the page"). -->
  <xsl:function name="te:gap-words" as="xs:string">
    <xsl:param name="gap" as="element()"/>
    <xsl:variable name="desc" select="normalize-space(string-join($gap/tei:desc))"/>
    <xsl:sequence select="
      if (matches($desc, '\p{L}')) then $desc
      else normalize-space(string-join((
        $gap/@quantity[normalize-space()] ! normalize-space(.),
        for $unit in $gap/@unit[normalize-space()] ! normalize-space(.)
        return $unit || 's'[not(ends-with($unit, 's'))][exists($gap/@quantity[normalize-space() != '1'])],
        $gap/@extent[not(normalize-space(.) = ('unknown', ''))] ! normalize-space(.),
        $gap/@reason ! te:reason-words(.)), ' '))"/>
  </xsl:function>

  <xsl:function name="te:reason-words" as="xs:string">
    <xsl:param name="reason" as="xs:string"/>
    <xsl:sequence select="string-join(tokenize(normalize-space($reason))
                                      ! (te:words-for('gap-reasons', .), te:humanize(.))[1], ' ')"/>
  </xsl:function>

  <!-- "notExtracted" -> "not extracted", "off_page" -> "off page". -->
  <xsl:function name="te:humanize" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="lower-case(normalize-space(replace(translate($value, '_-', '  '), '(\p{Ll})(\p{Lu})', '$1 $2')))"/>
  </xsl:function>

  <xsl:function name="te:in-foot-note" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/ancestor::tei:note[te:note-place(.) = 'foot'])"/>
  </xsl:function>

  <!-- A rejected reading in an apparatus entry: its text and witnesses, then the
       notes it holds (they are the reading's, not the text's) as "[Note: text]". -->
  <xsl:function name="te:apparatus-reading" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="notes" select="$el//tei:note[empty(ancestor::tei:note[. >> $el])]"/>
    <xsl:sequence select="string-join((te:reading-text($el),
                                       $notes ! ('[Note: ' || normalize-space(.) || ']')), ' ')"/>
  </xsl:function>

  <!-- Witnesses by their sigla: "#V #M" is "V M". -->
  <xsl:function name="te:sigla" as="xs:string">
    <xsl:param name="wit" as="attribute()?"/>
    <xsl:sequence select="string-join(tokenize(normalize-space($wit)) ! replace(., '^#', ''), ' ')"/>
  </xsl:function>

  <!-- A critical apparatus entry: an app with rejected readings that is shown (not in
       a skipped part, nor inside a reading the policy does not show). -->
  <xsl:function name="te:makes-apparatus" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="(exists($el/self::tei:app[tei:rdg or tei:rdgGrp][tei:lem or count(tei:rdg | tei:rdgGrp) gt 1])
                           or exists($el/self::tei:choice[count(*[not(self::tei:note)]) gt 1])
                           or exists($el/self::tei:add[@place or @hand]))
      and empty($el/ancestor::*[te:kind(.) = 'skip'])
      and not(te:in-other-reading($el))"/>
  </xsl:function>

  <!-- Whether a node stands inside a reading the policy does not show (its text is in
       @te:alt or an apparatus entry, not in the text). -->
  <xsl:function name="te:in-other-reading" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="exists($node/ancestor::*[parent::tei:app or parent::tei:choice]
      [not(self::tei:note or . is te:shown-reading(..))])"/>
  </xsl:function>

  <!-- The reading the policy shows of a choice or an app. -->
  <xsl:function name="te:shown-reading" as="element()?">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="if ($el/self::tei:choice) then te:choice-shown($el)
                          else ($el/tei:lem, $el/tei:rdg, $el/tei:rdgGrp)[1]"/>
  </xsl:function>

  <!-- The text of new, parentless normalised nodes as shown: notes and skipped parts
       left out, a line break a space (unless inside a word), whitespace normalised. -->
  <xsl:function name="te:shown-text" as="xs:string">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:sequence select="normalize-space(string-join(
      $nodes/descendant-or-self::node()[self::text() or self::tei:lb or self::tei:pb or self::tei:cb]
        [empty(ancestor-or-self::*[self::tei:note or @te:kind = 'skip'])]
        ! (if (self::text()) then string(.) else if (@te:join) then '' else ' ')))"/>
  </xsl:function>

  <!-- Apparatus letters, counted within the unit (te:unit) where each app ends: a stack
       with one counter per open unit, so a unit's letters go on after a nested unit. -->
  <xsl:accumulator name="te:apparatus" as="xs:integer+" initial-value="0">
    <xsl:accumulator-rule match="tei:div[@type = $te:unit-types] | tei:div1[@type = $te:unit-types]
                                 | tei:text[empty(ancestor::tei:text)]"
                          select="if (te:is-unit(.)) then (0, $value) else $value"/>
    <xsl:accumulator-rule match="tei:div[@type = $te:unit-types] | tei:div1[@type = $te:unit-types]
                                 | tei:text[empty(ancestor::tei:text)]" phase="end"
                          select="if (te:is-unit(.)) then tail($value) else $value"/>
    <xsl:accumulator-rule match="tei:app | tei:choice | tei:add[@place or @hand]" phase="end"
                          select="if (te:makes-apparatus(.) and not(te:in-foot-note(.)))
                                  then (head($value) + 1, tail($value)) else $value"/>
  </xsl:accumulator>

  <!-- The reading a choice shows, whatever the order of its children. -->
  <xsl:function name="te:choice-shown" as="element()?">
    <xsl:param name="choice" as="element()"/>
    <xsl:variable name="preferred" select="
      if ($reading = 'diplomatic') then ('sic', 'orig', 'abbr', 'am')
      else ('corr', 'reg', 'expan', 'ex')"/>
    <xsl:sequence select="(for $name in $preferred return $choice/*[local-name() = $name][1],
                           $choice/*)[1]"/>
  </xsl:function>

  <xsl:function name="te:reading-text" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="text" select="normalize-space(string-join($el//text()[not(ancestor::tei:note[. &gt;&gt; $el])], ''))"/>
    <xsl:variable name="wit" select="te:sigla($el/@wit)"/>
    <xsl:sequence select="
      ($text[.], if ($wit) then 'om. ' || $wit else '∅')[1]
      || (if ($wit and $text) then ' (' || $wit || ')' else '')"/>
  </xsl:function>

  <xsl:template match="tei:note" mode="te:normalize">
    <xsl:variable name="place" select="te:note-place(.)"/>
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:attribute name="te:place" select="$place"/>
      <xsl:if test="$place = 'none'">
        <xsl:attribute name="te:kind" select="'skip'"/>
      </xsl:if>
      <xsl:if test="$place = 'block' and not(te:stands-as-block(.))">
        <xsl:attribute name="te:deferred" select="'true'"/>
      </xsl:if>
      <xsl:if test="$place = 'foot'">
        <xsl:attribute name="te:n" select="(@n[normalize-space()], head(accumulator-before('te:notes')))[1]"/>
      </xsl:if>
      <xsl:call-template name="te:children"/>
    </xsl:copy>
  </xsl:template>

  <!-- Foot notes are counted within their unit (document, essay, letter, chapter): a
       stack with one counter per open unit, so that the numbering of the text around a
       unit goes on after it (and the notes of standOff annotations, shown after the
       text, go on from the text's own). -->
  <xsl:accumulator name="te:notes" as="xs:integer+" initial-value="0">
    <xsl:accumulator-rule match="tei:div[@type = $te:unit-types] | tei:div1[@type = $te:unit-types]"
                          select="if (te:is-unit(.)) then (0, $value) else $value"/>
    <xsl:accumulator-rule match="tei:div[@type = $te:unit-types] | tei:div1[@type = $te:unit-types]" phase="end"
                          select="if (te:is-unit(.)) then tail($value) else $value"/>
    <xsl:accumulator-rule match="tei:note[not(ancestor::*[te:is-skipped(.)]) or te:in-annotation(.)]"
                          select="if (te:counts-as-foot-note(.)) then (head($value) + 1, tail($value)) else $value"/>
  </xsl:accumulator>

  <xsl:function name="te:counts-as-foot-note" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="te:note-place($note) = 'foot' and not(te:in-other-reading($note))"/>
  </xsl:function>

  <!-- Whether a node stands in standOff annotation that is shown (policy.xml). -->
  <xsl:function name="te:in-annotation" as="xs:boolean">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="exists($node/ancestor::*[local-name() = $te:stand-off-shown]/parent::tei:standOff)"/>
  </xsl:function>

  <!-- The editors' cross-references inside a name. A letter edition tags a phrase of
       the text (<rs>Deinem heftigen Anfall</rs>) and puts at its end a link with a label
       of its own to the letter or the commentary that treats the matter (<ref
       target="K_0181">Erkrankung Eschers</ref>): the label is the editors' subject, not
       the writer's words, and printed as part of the phrase it read "AnfallErkrankung
       Eschers". A reader gets the writer's words as the name, then the editors' subject
       apart and marked as theirs: "Anfall [→ Erkrankung Eschers]" (policy.xml's sign for
       a ref: te:open, te:close, te:explain, the same in every format). It stays in the
       text (no note: the numbering of the notes is the source's), after the name, so
       that a name linked to a register links the writer's words only; a second link
       with the same label (two sections of the commentary) is said once. -->
  <xsl:template match="(tei:persName | tei:placeName | tei:geogName | tei:settlement
                        | tei:country | tei:region | tei:bloc | tei:district | tei:orgName
                        | tei:name | tei:rs)[tei:ref][exists(te:cross-references(.))]" mode="te:normalize" priority="3">
    <xsl:variable name="refs" select="te:cross-references(.)"/>
    <xsl:next-match>
      <xsl:with-param name="te:moved" tunnel="yes" select="$refs"/>
    </xsl:next-match>
    <xsl:text> </xsl:text>
    <xsl:for-each-group select="$refs" group-by="normalize-space()">
      <!-- (position() inside a predicate is the predicate's own: always 1 for one item) -->
      <xsl:if test="position() gt 1">
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:apply-templates select="current-group()[1]" mode="te:normalize">
        <xsl:with-param name="te:moved" tunnel="yes" select="()"/>
      </xsl:apply-templates>
    </xsl:for-each-group>
  </xsl:template>

  <!-- The links at the end of a name (after words of its own, only other links and
       spaces after them) that carry a label and lead to another document or its
       commentary: neither a web address nor a place in this text, which a reader can
       follow as they are. -->
  <xsl:function name="te:cross-references" as="element()*">
    <xsl:param name="name" as="element()"/>
    <xsl:sequence select="$name/tei:ref[te:is-cross-reference(.)]"/>
  </xsl:function>

  <!-- One link's test, asked of itself (never of all its siblings again): only a link
       inside a name; a paragraph's own link at its end is the writer's words. -->
  <xsl:function name="te:is-cross-reference" as="xs:boolean">
    <xsl:param name="ref" as="element(tei:ref)"/>
    <xsl:sequence select="exists($ref[normalize-space()][normalize-space(@target)]
      [..[namespace-uri() = 'http://www.tei-c.org/ns/1.0' and map:contains($te:entity-kinds, local-name())]]
      [not(matches(normalize-space(@target), '^(#|https?:|mailto:)'))]
      [empty(following-sibling::node()[not(self::tei:ref or self::comment() or self::processing-instruction()
                                           or self::text()[not(normalize-space())])])]
      [exists(preceding-sibling::node()[not(self::tei:ref or self::comment())][normalize-space()])])"/>
  </xsl:function>

  <xsl:template match="tei:ref[te:is-cross-reference(.)]" mode="te:normalize">
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:attribute name="te:open" select="$te:signs('ref')[1]"/>
      <xsl:attribute name="te:close" select="$te:signs('ref')[2]"/>
      <xsl:attribute name="te:explain" select="te:sign-explanation('ref')"/>
      <xsl:call-template name="te:children"/>
    </xsl:copy>
  </xsl:template>

  <!-- Listed by name ($te:entity-kinds' keys), so that other elements never test the
       predicate. Which entries a name means is the resolver's decision (te:refs, and
       te:unresolved, both kept by te:common-attributes); see entities.xsl. -->
  <xsl:template match="(tei:persName | tei:placeName | tei:geogName | tei:settlement
                        | tei:country | tei:region | tei:bloc | tei:district | tei:orgName
                        | tei:name | tei:rs)[@te:refs]" mode="te:normalize">
    <xsl:variable name="entries" select="te:entities(.)"/>
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:if test="$entries">
        <xsl:attribute name="te:entity" select="string-join($entries/@te:key, ' ')"/>
        <xsl:attribute name="te:entity-type" select="te:entity-type($entries[1])"/>
        <xsl:if test="$te:names-labelled">
          <xsl:attribute name="te:label" select="te:entity-label($entries[1])"/>
        </xsl:if>
      </xsl:if>
      <xsl:call-template name="te:children"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="tei:supplied | tei:gap | tei:unclear | tei:del" mode="te:normalize">
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <xsl:variable name="words" select="if (self::tei:gap) then te:gap-words(.) else ''"/>
      <xsl:attribute name="te:open" select="$te:signs(local-name())[1] || $words[.] ! (' ' || .)"/>
      <xsl:attribute name="te:close" select="$te:signs(local-name())[2]"/>
      <xsl:attribute name="te:explain" select="te:sign-explanation(local-name())"/>
      <xsl:variable name="why" select="string-join((@reason ! te:reason-words(.), @agent, @rend[parent::tei:del],
                                       tei:desc) ! normalize-space(translate(., '_', ' '))[.], '; ')"/>
      <xsl:if test="$why">
        <xsl:attribute name="te:why" select="$why"/>
      </xsl:if>
      <xsl:call-template name="te:children">
        <xsl:with-param name="only" select="node() except tei:desc[parent::tei:gap]"/>
        <xsl:with-param name="all" select="false()"/>
      </xsl:call-template>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="tei:lb | tei:pb | tei:cb" mode="te:normalize">
    <xsl:copy>
      <xsl:call-template name="te:common-attributes"/>
      <!-- (a line break of prose before a punctuation mark is no space either: the
           writer began the line with the comma, "Aufsatz<lb/>, wodurch") -->
      <xsl:if test="@break = 'no' or te:break-before-punctuation(.)">
        <xsl:attribute name="te:join" select="'true'"/>
      </xsl:if>
      <xsl:if test="self::tei:lb and not(@break = 'no') and ancestor::*[local-name() = $te:line-keeping]">
        <xsl:attribute name="te:newline" select="'true'"/>
      </xsl:if>
    </xsl:copy>
  </xsl:template>
</xsl:stylesheet>
