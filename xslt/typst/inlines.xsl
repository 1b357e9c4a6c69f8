<?xml version="1.0" encoding="UTF-8"?>
<!--
  Inline content, emitted as the items of a Typst code block: one string literal or
  one function call per line. Whitespace is settled here, because Typst prints every
  space of a string literal: runs of white space become one space, and a space is
  dropped at the start and end of a block and next to another space or a line break.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:mode name="tt:inline" on-no-match="fail" on-multiple-match="fail"
            warning-on-multiple-match="yes"/>

  <!-- Inline content of $nodes, which are its own whitespace scope. The scope is
       passed as its two ends: a run is a sequence of siblings, and asking a long lazy
       sequence for its last item at every text node made long paragraphs quadratic. -->
  <xsl:template name="tt:inline-run">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:apply-templates select="$nodes" mode="tt:inline">
      <xsl:with-param name="scope" select="($nodes[1], $nodes[last()])" tunnel="yes"/>
    </xsl:apply-templates>
  </xsl:template>

  <!-- The children of the current element, in the current scope. -->
  <xsl:template name="tt:children">
    <xsl:apply-templates select="node()" mode="tt:inline"/>
  </xsl:template>

  <!-- ===== whitespace ===== -->

  <!-- Is $n something whitespace decisions look at, seen from $from? Text and the
       empty elements that print something; not the text of notes or skipped
       elements that $from is not itself inside. -->
  <xsl:function name="tt:is-item" as="xs:boolean">
    <xsl:param name="n" as="node()"/>
    <xsl:param name="from" as="node()"/>
    <xsl:sequence select="($n instance of text() or $n/self::tei:lb or $n/self::tei:gap
                           or $n/self::tei:space
                           or $n/(self::tei:ref | self::tei:ptr)[not(normalize-space())][not(*)][tt:link-text(.)])
                          and empty(($n/ancestor::tei:note | $n/ancestor::*[@te:kind = 'skip'])
                                    except $from/ancestor::*)"/>
  </xsl:function>

  <xsl:function name="tt:in-scope" as="xs:boolean">
    <xsl:param name="n" as="node()?"/>
    <xsl:param name="scope" as="node()*"/>
    <!-- $scope: the first and last node of a run of siblings (see tt:inline-run). -->
    <xsl:variable name="first" select="$scope[1]"/>
    <xsl:variable name="last" select="$scope[last()]"/>
    <xsl:sequence select="exists($n) and exists($first)
      and ($n is $first or $n >> $first)
      and ($n &lt;&lt; $last or exists($n/ancestor-or-self::node()[. is $last]))"/>
  </xsl:function>

  <xsl:function name="tt:prev-item" as="node()?">
    <xsl:param name="n" as="node()"/>
    <xsl:param name="scope" as="node()*"/>
    <xsl:sequence select="$n/preceding::node()[tt:is-item(., $n)][1][tt:in-scope(., $scope)]"/>
  </xsl:function>

  <xsl:function name="tt:next-item" as="node()?">
    <xsl:param name="n" as="node()"/>
    <xsl:param name="scope" as="node()*"/>
    <xsl:sequence select="$n/following::node()[tt:is-item(., $n)][1][tt:in-scope(., $scope)]"/>
  </xsl:function>

  <!-- White space (XML's four characters, which normalize-space and a regular
       expression's \s both mean) asked without a regular expression: Saxon's made each
       text node's value cost some 20 µs, a sixth of a letter's time. -->
  <xsl:function name="tt:starts-with-space" as="xs:boolean">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="$s != '' and normalize-space(substring($s, 1, 1)) = ''"/>
  </xsl:function>

  <xsl:function name="tt:ends-with-space" as="xs:boolean">
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="$s != '' and normalize-space(substring($s, string-length($s))) = ''"/>
  </xsl:function>

  <!-- Each run of white space one space: replace($s, '\s+', ' '). -->
  <xsl:function name="tt:one-spaced" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="words" select="normalize-space($s)"/>
    <xsl:sequence select="if ($words = '') then (if ($s = '') then '' else ' ')
      else (if (tt:starts-with-space($s)) then ' ' else '') || $words
           || (if (tt:ends-with-space($s)) then ' ' else '')"/>
  </xsl:function>

  <!-- Does an item leave the line at a space (so a following space is not needed)? -->
  <xsl:function name="tt:ends-open" as="xs:boolean">
    <xsl:param name="item" as="node()?"/>
    <xsl:sequence select="empty($item) or $item/self::tei:lb or $item/self::tei:space
                          or ($item instance of text() and tt:ends-with-space($item))"/>
  </xsl:function>

  <xsl:function name="tt:text-value" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:param name="scope" as="node()*"/>
    <xsl:variable name="s" select="tt:one-spaced($t)"/>
    <!-- a footnote mark stands close to the word before it ("method³ of", never
         "method ³of"): the space before a note goes after it -->
    <xsl:variable name="after-mark" select="tt:is-mark($t/preceding-sibling::node()[1])
      and (tt:ends-with-space(string($t/preceding-sibling::node()[2][. instance of text()]))
           or $t/preceding-sibling::node()[2]/self::tei:lb[tt:lb-space(., $scope)])"/>
    <xsl:variable name="s" select="if (starts-with($s, ' ') and not($after-mark) and tt:ends-open(tt:prev-item($t, $scope)))
                                   then substring($s, 2)
                                   else if ($after-mark and not(starts-with($s, ' ') or matches($s, '^[' || $te:closing-marks || ']')))
                                   then ' ' || $s else $s"/>
    <xsl:variable name="next" select="if (ends-with($s, ' ')) then tt:next-item($t, $scope) else ()"/>
    <xsl:variable name="s" select="if (ends-with($s, ' ') and (empty($next) or $next/self::tei:lb
                                       or tt:is-mark($t/following-sibling::node()[1])))
                          then substring($s, 1, string-length($s) - 1) else $s"/>
    <xsl:sequence select="tt:day-month($t, tt:name-spaces($t, $s))"/>
  </xsl:function>

  <!-- In a heading a day and its month stay on one line ("Freitag, 18.&#xA0;Juli 1845",
       "April&#xA0;20, 1917", "05.&#xA0;April"): a title broke "18." | "Juli 1845". Months
       by the words the date rule reads them by (policy.xml's <dates>). The contents line
       and running head of a heading (its one-line text, blocks.xsl) likewise. -->
  <xsl:variable name="tt:month-words" as="xs:string"
                select="'^(' || string-join($te:policy/dates/month/@source, '|') || ')'"/>

  <xsl:function name="tt:day-month" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:param name="s" as="xs:string"/>
    <xsl:sequence select="if (empty($t/ancestor::tei:head)) then $s else tt:keep-day-month($s)"/>
  </xsl:function>

  <xsl:function name="tt:keep-day-month" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <xsl:choose>
      <!-- (a day with its full stop before the month: "05. April") -->
      <xsl:when test="not(matches($s, '\d\.? \p{L}|\p{L} \d'))">
        <xsl:sequence select="$s"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:variable name="parts" as="xs:string*">
          <xsl:analyze-string select="$s" regex="(\d{{1,2}}\.?) (\p{{L}}+)|(\p{{L}}+) (\d{{1,2}})(\D|$)">
            <xsl:matching-substring>
              <xsl:variable name="month" select="(regex-group(2), regex-group(3))[.][1]"/>
              <xsl:variable name="glue" select="if (matches(lower-case($month), $tt:month-words)) then '&#xA0;' else ' '"/>
              <xsl:sequence select="if (regex-group(1)) then regex-group(1) || $glue || regex-group(2)
                                    else regex-group(3) || $glue || regex-group(4) || regex-group(5)"/>
            </xsl:matching-substring>
            <xsl:non-matching-substring>
              <xsl:sequence select="."/>
            </xsl:non-matching-substring>
          </xsl:analyze-string>
        </xsl:variable>
        <xsl:sequence select="string-join($parts)"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- A note printed as a footnote mark where it stands. -->
  <xsl:function name="tt:is-mark" as="xs:boolean">
    <xsl:param name="n" as="node()?"/>
    <xsl:sequence select="exists($n/self::tei:note[@te:kind = 'note'][not(@te:place = 'block')]
                                 [not(@te:deferred = 'true')])"/>
  </xsl:function>

  <!-- In a name, no line break after an initial ("A.M. Puzanov") nor inside a name of
       at most three short parts ("Kim Il Sung"): no-break spaces. (Java's regular
       expression, flag j, for the short names' spaces, which Saxon's took ~6 µs for: the
       same here, a text's white space being single spaces, tt:one-spaced.) -->
  <xsl:function name="tt:name-spaces" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:param name="s" as="xs:string"/>
    <xsl:variable name="name" select="$t/ancestor::*[@te:entity][1]"/>
    <xsl:variable name="words" select="if ($name) then tokenize(normalize-space(string($name))) else ()"/>
    <xsl:sequence select="
      if (empty($name) or not(contains($s, ' '))) then $s
      else if (count($words) le 3 and (every $w in $words satisfies string-length($w) le 6))
      then replace($s, '(\S) (\S)', '$1&#xA0;$2', ';j')
      else replace($s, '(^|[\s\p{P}])(\p{Lu}\.) (\S)', '$1$2&#xA0;$3')"/>
  </xsl:function>

  <!-- ===== links that print nothing ===== -->

  <!-- A link without text of its own prints its target when a reader can use it (a
       web address, a date); a pointer to another document or a register entry is an
       identifier and prints nothing, and the common layer has taken the punctuation
       that only framed it (te:around-silent). -->
  <xsl:function name="tt:link-text" as="xs:string?">
    <xsl:param name="link" as="element()"/>
    <xsl:sequence select="$link/@te:printed ! string(.)"/>
  </xsl:function>

  <xsl:template match="tei:ref[not(normalize-space())][not(*)]" mode="tt:inline">
    <xsl:variable name="target" select="tt:link-text(.)"/>
    <xsl:choose>
      <xsl:when test="starts-with($target, 'http')">te.url({tt:str($target)}){tt:mark(.)}&#10;</xsl:when>
      <xsl:when test="$target">{tt:str($target)}&#10;</xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="text()" mode="tt:inline">
    <xsl:param name="scope" as="node()*" tunnel="yes"/>
    <xsl:variable name="value" select="tt:text-value(., $scope)"/>
    <xsl:if test="$value">{tt:str($value)}&#10;</xsl:if>
  </xsl:template>

  <!-- ===== generic elements ===== -->

  <!-- Known and unknown inline elements without a rule of their own keep their text. -->
  <xsl:template match="*" mode="tt:inline" priority="-1">
    <xsl:choose>
      <xsl:when test="@te:kind = 'skip'"/>
      <xsl:when test="@te:kind = 'note' and @te:deferred = 'true'"/>
      <xsl:when test="@te:kind = 'note'">
        <xsl:apply-templates select="." mode="tt:note"/>
      </xsl:when>
      <xsl:when test="@xml:lang and tt:lang(@xml:lang)">
        <xsl:call-template name="tt:wrap">
          <xsl:with-param name="call" select="'te.lang(' || tt:str(tt:lang(@xml:lang)) || ', '"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="@rend">
        <xsl:call-template name="tt:wrap">
          <xsl:with-param name="call" select="'te.hi(' || tt:str(@rend) || ', '"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="tt:children"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- "te.fn(args, {" children "})" with the element's source mark. -->
  <xsl:template name="tt:wrap">
    <xsl:param name="call" as="xs:string"/>
    <xsl:text>{$call}{{{tt:mark(.)}&#10;</xsl:text>
    <xsl:call-template name="tt:children"/>
    <xsl:text>}})&#10;</xsl:text>
  </xsl:template>

  <!-- Block elements met inside inline content (a list in a note, a p in a cell...). -->
  <xsl:template match="*[@te:kind = ('block', 'unknown-block')]" mode="tt:inline" priority="1">
    <xsl:text>[&#10;</xsl:text>
    <xsl:apply-templates select="." mode="tt:block">
      <xsl:with-param name="nested" select="true()" tunnel="yes"/>
    </xsl:apply-templates>
    <xsl:text>]&#10;</xsl:text>
  </xsl:template>

  <!-- ===== typography ===== -->

  <xsl:template match="tei:hi | tei:seg[@rend] | tei:title[@rend]" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.hi(' || tt:str((@rend, @rendition, 'italic')[1]) || ', '"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:emph | tei:term | tei:mentioned | tei:gloss[@rend = 'italic']" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.hi(&quot;italic&quot;, '"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:foreign" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.foreign(' || tt:str(tt:lang(@xml:lang)) || ', '"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:title[not(@rend)]" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.title-ref(' || tt:str((@level, 'm')[1]) || ', '"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:q[@te:kind = 'inline'] | tei:quote[@te:kind = 'inline']
                       | tei:said[@te:kind = 'inline'] | tei:soCalled" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.quoted('"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A stage direction within a speech. -->
  <xsl:template match="tei:stage[@te:kind = 'inline']" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.stage('"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:stamp[@te:kind = 'inline']" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.stamp('"/>
    </xsl:call-template>
  </xsl:template>

  <xsl:template match="tei:code | tei:formula" mode="tt:inline">
    <xsl:text>te.code-inline({tt:str(normalize-space(.))}){tt:mark(.)}&#10;</xsl:text>
  </xsl:template>

  <xsl:template match="tei:ruby" mode="tt:inline">
    <xsl:text>te.ruby({{{tt:mark(.)}&#10;</xsl:text>
    <xsl:apply-templates select="tei:rb/node()" mode="tt:inline"/>
    <xsl:text>}}, {{&#10;</xsl:text>
    <xsl:apply-templates select="tei:rt/node()" mode="tt:inline"/>
    <xsl:text>}})&#10;</xsl:text>
  </xsl:template>

  <!-- A pointer prints its web addresses, and the date the common layer printed
       (@te:printed), as the other formats do ("Am <ptr target="1901-04-19"/> kam er"). -->
  <xsl:template match="tei:ptr" mode="tt:inline">
    <xsl:variable name="printed" select="tt:link-text(.)"/>
    <xsl:for-each select="tokenize(normalize-space(@target), ' ')[matches(., '^https?://') or . = $printed]">
      <xsl:choose>
        <xsl:when test="matches(., '^https?://')">te.url({tt:str(.)})&#10;</xsl:when>
        <xsl:otherwise>{tt:str(.)}&#10;</xsl:otherwise>
      </xsl:choose>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="tei:space" mode="tt:inline">
    <xsl:text>te.space(){tt:mark(.)}&#10;</xsl:text>
  </xsl:template>

  <!-- ===== names: index entries ===== -->

  <xsl:template match="*[@te:entity]" mode="tt:inline">
    <xsl:variable name="indexed" select="empty(ancestor::tei:titlePage)"/>
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.entity(' || tt:strs(tokenize(@te:entity, ' '))
        || ', ' || tt:str(@te:entity-type) || ', indexed: ' || $indexed || ', '"/>
    </xsl:call-template>
  </xsl:template>

  <!-- Word tokens written without white space between them (as in linguistically
       annotated texts) are words: a space between two adjacent ones. -->
  <xsl:template match="tei:w" mode="tt:inline">
    <xsl:call-template name="tt:children"/>
    <xsl:if test="following-sibling::node()[1][self::tei:w] and not(@join = ('right', 'both'))
                  and not(following-sibling::tei:w[1]/@join = ('left', 'both'))">" "&#10;</xsl:if>
  </xsl:template>

  <!-- The lines of an address keep their lines. -->
  <xsl:template match="tei:addrLine" mode="tt:inline">
    <xsl:call-template name="tt:children"/>
    <xsl:if test="following-sibling::tei:addrLine">te.lb(){tt:mark(.)}&#10;</xsl:if>
  </xsl:template>

  <!-- ===== breaks ===== -->

  <xsl:template match="tei:lb" mode="tt:inline">
    <xsl:param name="scope" as="node()*" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="tt:lb-kept(.) and exists(tt:lb-before(., $scope))
                      and exists(tt:next-item(., $scope))">te.lb(){tt:mark(.)}&#10;</xsl:when>
      <!-- a footnote mark right after it takes the space after itself, as after a word
           (tt:text-value): "Realisirung |¹⁶ dieses", never "Realisirung | ¹⁶dieses" -->
      <xsl:when test="tt:lb-space(., $scope) and tt:is-mark(following-sibling::node()[1])"/>
      <xsl:when test="tt:lb-space(., $scope)">" "&#10;</xsl:when>
    </xsl:choose>
  </xsl:template>

  <!-- What stands before a line break, past the encoder's indentation (a paragraph
       opening with a line break does not open with a space); none when the break
       prints nothing there (inside a word, at the start, after another break). -->
  <xsl:function name="tt:lb-before" as="node()?">
    <xsl:param name="lb" as="element()"/>
    <xsl:param name="scope" as="node()*"/>
    <xsl:variable name="prev" select="tt:prev-item($lb, $scope)"/>
    <xsl:variable name="before" select="if ($prev instance of text() and not(normalize-space($prev)))
                                        then tt:prev-item($prev, $scope) else $prev"/>
    <xsl:sequence select="if ($lb/@te:join = 'true' or $before/self::tei:lb) then () else $before"/>
  </xsl:function>

  <!-- Whether the lines of the element around a break are kept (the common layer
       decides it once, @te:newline: a postscript's paragraphs flow, a verse keeps lines). -->
  <xsl:function name="tt:lb-kept" as="xs:boolean">
    <xsl:param name="lb" as="element()"/>
    <xsl:sequence select="$lb/@te:newline = 'true'"/>
  </xsl:function>

  <!-- Whether a line break is a space between words. -->
  <xsl:function name="tt:lb-space" as="xs:boolean">
    <xsl:param name="lb" as="element()"/>
    <xsl:param name="scope" as="node()*"/>
    <xsl:sequence select="exists(tt:lb-before($lb, $scope))
      and not(tt:lb-kept($lb) and exists(tt:next-item($lb, $scope)))"/>
  </xsl:function>

  <!-- A page break between words keeps a space on the side where the text has one
       ("insistent | that"); inside a word the bar stands close ("infor|mation"). -->
  <xsl:template match="tei:pb" mode="tt:inline">
    <xsl:param name="scope" as="node()*" tunnel="yes"/>
    <xsl:variable name="prev" select="tt:prev-item(., $scope)"/>
    <xsl:variable name="next" select="tt:next-item(., $scope)"/>
    <!-- (a break without a number at the very start or end of a block marks nothing
         a reader can see there) -->
    <xsl:if test="@n[matches(., '[\p{L}\p{N}]')] or (exists($prev) and exists($next))">
      <xsl:variable name="next-open" select="$next/self::tei:lb or ($next instance of text() and tt:starts-with-space($next))"/>
      <xsl:variable name="spaced" select="
        if (empty($prev) or empty($next)) then 'none'
        else if (tt:ends-open($prev) and not($next-open)) then '&quot;after&quot;'
        else if (not(tt:ends-open($prev)) and $next-open) then '&quot;before&quot;'
        else if (tt:ends-open($prev) and $next-open) then
          (: the text keeps one of its spaces: the word before keeps its own unless a line
             break follows, which prints it (tt:text-value); the bar stands in it :)
          (if ($next/self::tei:lb) then '&quot;before&quot;' else '&quot;after&quot;')
        else 'none'"/>
      <xsl:variable name="n" select="@n[matches(., '[\p{L}\p{N}]')]"/>
      <!-- (at the very start of a block the page opens with it: the number in the
           margin, no bar with nothing before it) -->
      <xsl:text>te.pb({tt:str-or-none($n)}, spaced: {$spaced}{if (empty($prev)) then ', bar: false' else ''}){tt:mark(.)}&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- ===== editorial interventions ===== -->

  <xsl:template match="tei:supplied | tei:unclear | tei:del" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.' || local-name() || '(' || tt:str(@te:open) || ', '
                                          || tt:str(@te:close) || ', '"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The editors' cross-reference the common layer set apart from a name: its label
       between the signs it chose ("[→ Erkrankung Eschers]"). -->
  <xsl:template match="tei:ref[@te:open]" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.xref(' || tt:str(@te:open) || ', ' || tt:str(@te:close) || ', '"/>
    </xsl:call-template>
  </xsl:template>

  <!-- A gap: its sign, with the reason in words (the common layer's @te:open). -->
  <xsl:template match="tei:gap" mode="tt:inline">
    <xsl:text>te.gap({tt:str(@te:open || @te:close)}){tt:mark(.)}&#10;</xsl:text>
  </xsl:template>

  <!-- Readings and additions: the text, then the textual note the common layer made. -->
  <xsl:template match="tei:choice | tei:app | tei:add" mode="tt:inline">
    <xsl:call-template name="tt:children"/>
    <xsl:call-template name="tt:apparatus"/>
  </xsl:template>
</xsl:stylesheet>
