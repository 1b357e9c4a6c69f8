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

  <xsl:mode name="tt:inline" on-no-match="deep-skip" on-multiple-match="fail"
            warning-on-multiple-match="yes"/>

  <!-- Inline content of $nodes, which are its own whitespace scope. -->
  <xsl:template name="tt:inline-run">
    <xsl:param name="nodes" as="node()*"/>
    <xsl:apply-templates select="$nodes" mode="tt:inline">
      <xsl:with-param name="scope" select="$nodes" tunnel="yes"/>
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
                           or $n/self::tei:space)
                          and empty(($n/ancestor::tei:note | $n/ancestor::*[@te:kind = 'skip'])
                                    except $from/ancestor::*)"/>
  </xsl:function>

  <xsl:function name="tt:in-scope" as="xs:boolean">
    <xsl:param name="n" as="node()?"/>
    <xsl:param name="scope" as="node()*"/>
    <!-- A scope is a run of siblings: test against its ends (linear, where intersecting
         with the whole run for every text node would be quadratic). -->
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

  <!-- Does an item leave the line at a space (so a following space is not needed)? -->
  <xsl:function name="tt:ends-open" as="xs:boolean">
    <xsl:param name="item" as="node()?"/>
    <xsl:sequence select="empty($item) or $item/self::tei:lb or $item/self::tei:space
                          or ($item instance of text() and matches($item, '\s$'))"/>
  </xsl:function>

  <xsl:function name="tt:text-value" as="xs:string">
    <xsl:param name="t" as="text()"/>
    <xsl:param name="scope" as="node()*"/>
    <xsl:variable name="s" select="replace($t, '\s+', ' ')"/>
    <xsl:variable name="s" select="if (starts-with($s, ' ') and tt:ends-open(tt:prev-item($t, $scope)))
                                   then substring($s, 2) else $s"/>
    <xsl:variable name="next" select="if (ends-with($s, ' ')) then tt:next-item($t, $scope) else ()"/>
    <xsl:sequence select="if (ends-with($s, ' ') and (empty($next) or $next/self::tei:lb))
                          then substring($s, 1, string-length($s) - 1) else $s"/>
  </xsl:function>

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
    <xsl:apply-templates select="." mode="tt:block"/>
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

  <xsl:template match="tei:ptr" mode="tt:inline">
    <xsl:for-each select="tokenize(normalize-space(@target), ' ')[matches(., '^https?://')]">
      <xsl:text>te.url({tt:str(.)})&#10;</xsl:text>
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

  <!-- ===== breaks ===== -->

  <xsl:template match="tei:lb" mode="tt:inline">
    <xsl:param name="scope" as="node()*" tunnel="yes"/>
    <xsl:variable name="prev" select="tt:prev-item(., $scope)"/>
    <xsl:variable name="lines" select="exists(ancestor::*[local-name() = ('l', 'opener', 'closer',
      'address', 'dateline', 'salute', 'signed', 'head', 'titlePart', 'byline', 'docImprint',
      'postscript', 'trailer', 'item', 'cell', 'stamp', 'addrLine')])"/>
    <xsl:choose>
      <xsl:when test="@te:join = 'true' or empty($prev) or $prev/self::tei:lb"/>
      <xsl:when test="$lines and exists(tt:next-item(., $scope))">te.lb(){tt:mark(.)}&#10;</xsl:when>
      <xsl:otherwise>" "&#10;</xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="tei:pb" mode="tt:inline">
    <xsl:if test="normalize-space(@n) or not(@n)">
      <xsl:text>te.pb({tt:str-or-none(@n)}){tt:mark(.)}&#10;</xsl:text>
    </xsl:if>
  </xsl:template>

  <!-- ===== editorial interventions ===== -->

  <xsl:template match="tei:supplied | tei:unclear | tei:del" mode="tt:inline">
    <xsl:call-template name="tt:wrap">
      <xsl:with-param name="call" select="'te.' || local-name() || '(' || tt:str(@te:open) || ', '
                                          || tt:str(@te:close) || ', '"/>
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
