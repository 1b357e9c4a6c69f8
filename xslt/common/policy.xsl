<?xml version="1.0" encoding="UTF-8"?>
<!--
  The policy tables (policy.xml, which Python reads too), loaded once when the
  stylesheet is compiled, and the variables the common layer builds from them.
  Nothing here decides: the rows of policy.xml do.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Read at compile time (static), before the sandbox closes file access. -->
  <xsl:variable name="te:policy-table" static="yes" as="document-node()" select="doc('policy.xml')"/>
  <xsl:variable name="te:policy" static="yes" as="element(policy)" select="$te:policy-table/policy"/>

  <!-- Name element -> the entry kind it names ('' : from @type or the entry). -->
  <xsl:variable name="te:entity-kinds" static="yes" as="map(xs:string, xs:string)"
                select="map:merge($te:policy/mentions/name ! map{string(@element): string(@kind)})"/>

  <!-- Where names are the register's own name forms, not mentions. -->
  <xsl:variable name="te:register-parts" static="yes" as="xs:string+"
                select="tokenize($te:policy/mentions/@where-not)"/>

  <!-- Register entry element -> its kind; and -> its name-form elements. -->
  <xsl:variable name="te:entry-kinds" static="yes" as="map(xs:string, xs:string)"
                select="map:merge($te:policy/entries/entry ! map{string(@element): string(@kind)})"/>
  <xsl:variable name="te:entry-forms" static="yes" as="map(xs:string, xs:string*)"
                select="map:merge($te:policy/entries/entry ! map{string(@element): tokenize(@forms)})"/>
  <xsl:variable name="te:preferred-types" static="yes" as="xs:string+"
                select="tokenize($te:policy/entries/@preferred)"/>
  <!-- A register's cross-reference in a name form ("(s. a. Affoltern, Enge)"). -->
  <xsl:variable name="te:see-also" static="yes" as="xs:string" select="string($te:policy/entries/see-also/@pattern)"/>
  <!-- A name form that is only the register's addition in brackets ("(Stadt)"). -->
  <xsl:variable name="te:bracket-alone" static="yes" as="xs:string" select="string($te:policy/entries/see-also/@alone)"/>

  <xsl:variable name="te:anchor-blocks" static="yes" as="xs:string+" select="tokenize($te:policy/blocks/@anchored)"/>
  <xsl:variable name="te:unit-types" static="yes" as="xs:string+" select="tokenize($te:policy/units/@types)"/>
  <xsl:variable name="te:section-break-units" static="yes" as="xs:string+"
                select="tokenize($te:policy/section-breaks/@units)"/>
  <xsl:variable name="te:head-not-main" static="yes" as="xs:string+" select="tokenize($te:policy/headings/@not-main)"/>
  <xsl:variable name="te:head-never-main" static="yes" as="xs:string+" select="tokenize($te:policy/headings/@never-main)"/>

  <!-- Alignment (policy.xml's <alignment>): the blocks it applies to, and what a
       block's own @rend or @style asks for ('right', 'center', 'left'), or nothing. -->
  <xsl:variable name="te:aligned-blocks" static="yes" as="xs:string+" select="tokenize($te:policy/alignment/@blocks)"/>

  <xsl:function name="te:own-alignment" as="xs:string?">
    <xsl:param name="el" as="element()"/>
    <xsl:if test="exists($el/@rend | $el/@style)">
    <xsl:variable name="rend" select="tokenize(lower-case(normalize-space($el/@rend)))"/>
    <xsl:variable name="style" select="tokenize(lower-case(replace($el/@style, '\s+', '')), ';')"/>
    <xsl:sequence select="$te:policy/alignment/align
      [tokenize(@rend) = $rend or tokenize(@style) = $style][1]/@says ! string(.)"/>
    </xsl:if>
  </xsl:function>

  <!-- The alignment a block is set with: its own, else that of the nearest aligned
       block around it, else the nearest default (policy.xml's <default>: a dateline
       is set right, a byline centred); 'left' (the default of prose) is nothing.
       Only an aligned block with a @rend or @style, or an element with a default, can
       say anything: the others around are not asked (two lookups each, no call). -->
  <xsl:function name="te:alignment" as="xs:string?">
    <xsl:param name="el" as="element()"/>
    <xsl:if test="map:contains($te:aligned-block-names, local-name($el))">
      <xsl:variable name="around" select="$el/ancestor-or-self::*[@rend or @style][map:contains($te:aligned-block-names, local-name())]
        | $el/ancestor-or-self::*[map:contains($te:alignment-defaults, local-name())][exists(te:default-alignment(.))]"/>
      <xsl:sequence select="(($around ! te:own-alignment(.))[last()],
                             ($around ! te:default-alignment(.))[last()])[1][. != 'left']"/>
    </xsl:if>
  </xsl:function>

  <xsl:function name="te:default-alignment" as="xs:string?">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="name" select="local-name($el)"/>
    <!-- (the table read only when a row may hold: a division of another type, around
         every block, is answered by two lookups) -->
    <xsl:if test="map:contains($te:alignment-untyped, $name)
                  or tokenize($el/@type) = $te:alignment-default-types($name)">
      <xsl:sequence select="$te:alignment-defaults($name)
        [empty(@type) or tokenize(@type) = tokenize($el/@type)][1]/@says ! string(.)"/>
    </xsl:if>
  </xsl:function>
  <!-- The same lists as maps, looked up once per element and ancestor (comparing each
       name with the lists, and reading the table, for every ancestor of every block
       cost more than the rest of the pre-pass). -->
  <xsl:variable name="te:aligned-block-names" static="yes" as="map(xs:string, xs:boolean)"
                select="map:merge($te:aligned-blocks ! map{.: true()})"/>
  <xsl:variable name="te:alignment-defaults" static="yes" as="map(xs:string, element(default)+)" select="map:merge(
    for $name in distinct-values($te:policy/alignment/default/tokenize(@element))
    return map{$name: $te:policy/alignment/default[tokenize(@element) = $name]})"/>
  <xsl:variable name="te:alignment-untyped" static="yes" as="map(xs:string, xs:boolean)" select="map:merge(
    $te:policy/alignment/default[empty(@type)]/tokenize(@element) ! map{.: true()})"/>
  <xsl:variable name="te:alignment-default-types" static="yes" as="map(xs:string, xs:string*)" select="map:merge(
    for $name in distinct-values($te:policy/alignment/default/tokenize(@element))
    return map{$name: $te:policy/alignment/default[tokenize(@element) = $name]/tokenize(@type)})"/>

  <!-- The label of a numbered division without a label heading ("Document No. 3"),
       or nothing (policy.xml's <division-labels>; nor when its heading starts with its
       number already: "12. Alfred Escher to ..."). -->
  <xsl:function name="te:division-label" as="xs:string?">
    <xsl:param name="div" as="element()"/>
    <xsl:variable name="says" select="$te:policy/division-labels/label[@type = $div/@type][1]/@says"/>
    <xsl:variable name="n" select="normalize-space($div/@n)"/>
    <xsl:variable name="head" select="normalize-space(string(te:main-head($div)))"/>
    <xsl:if test="$says and $n
                  and empty($div/*[local-name() = 'head'][@type = 'label'])
                  and not(starts-with($head, $n) and not(matches(substring($head, string-length($n) + 1), '^\w')))">
      <xsl:sequence select="$says || ' ' || normalize-space($div/@n)"/>
    </xsl:if>
  </xsl:function>

  <!-- The standOff annotation shown after the text, and its heading. -->
  <xsl:variable name="te:stand-off-shown" static="yes" as="xs:string+"
                select="tokenize($te:policy/stand-off-annotations/@elements)"/>
  <xsl:variable name="te:stand-off-heading" static="yes" as="xs:string"
                select="string($te:policy/stand-off-annotations/@heading)"/>

  <!-- Element -> (open, close): the signs around editorial interventions. -->
  <xsl:variable name="te:signs" static="yes" as="map(xs:string, xs:string*)"
                select="map:merge($te:policy/signs/sign ! map{string(@element): (string(@open), string(@close))})"/>

  <!-- The legend of the signs, for every format's editorial principles. -->
  <xsl:function name="te:sign-legend" as="element(sign)*">
    <xsl:sequence select="$te:policy/signs/sign"/>
  </xsl:function>

  <!-- The legend's signs a text uses (an element of the sign's that the pre-pass marked
       with it), in the legend's order: what a format's key or principles list. -->
  <xsl:function name="te:signs-used" as="element(sign)*">
    <xsl:param name="text" as="node()*"/>
    <xsl:variable name="signed" select="distinct-values($text//*[@te:open or @te:close]/local-name())"/>
    <xsl:sequence select="te:sign-legend()[@element = $signed]"/>
  </xsl:function>

  <!-- The heading of the plain text's key of its signs. -->
  <xsl:variable name="te:sign-key" static="yes" as="xs:string" select="string($te:policy/signs/@key)"/>

  <!-- The marks of numbered and lettered notes: (sample, explanation). -->
  <xsl:function name="te:mark-legend" as="xs:string*">
    <xsl:param name="for" as="xs:string"/>
    <xsl:sequence select="$te:policy/marks/mark[@for = $for]/(string(@sample), string(@explain))"/>
  </xsl:function>

  <!-- What the list of notes or of textual notes is headed ("Textual notes"), and
       what one of them is called ("textual note"). -->
  <xsl:function name="te:mark-heading" as="xs:string">
    <xsl:param name="for" as="xs:string"/>
    <xsl:sequence select="string($te:policy/marks/mark[@for = $for]/@heading)"/>
  </xsl:function>

  <xsl:function name="te:mark-name" as="xs:string">
    <xsl:param name="for" as="xs:string"/>
    <xsl:sequence select="string($te:policy/marks/mark[@for = $for]/@one)"/>
  </xsl:function>

  <xsl:function name="te:sign-explanation" as="xs:string?">
    <xsl:param name="element" as="xs:string"/>
    <xsl:sequence select="$te:policy/signs/sign[@element = $element]/@explain ! string(.)"/>
  </xsl:function>

  <!-- The editorial principles written for readers (policy.xml, principles), the same
       in every format: one map per declaration that has such paragraphs, in the order
       of the encoding, with its 'title' (policy.xml's wording), the 'declaration' and
       its 'paragraphs' for readers (those that name no element, attribute or value,
       neither marked up nor written out, and hold no encoded example: those are the
       encoders' and stay in the TEI). -->
  <xsl:variable name="te:principle-titles" static="yes" as="map(xs:string, xs:string)"
                select="map:merge($te:policy/principles/declaration ! map{string(@element): string(@title)})"/>
  <xsl:variable name="te:principles-markup" static="yes" as="xs:string+" select="tokenize($te:policy/principles/@markup)"/>
  <xsl:variable name="te:principles-written" static="yes" as="xs:string" select="string($te:policy/principles/@written)"/>

  <xsl:function name="te:principles-for-readers" as="map(xs:string, item()*)*">
    <xsl:param name="header" as="element()?"/>
    <xsl:for-each select="$header/tei:encodingDesc/(tei:projectDesc | tei:samplingDecl | tei:editorialDecl
                          | tei:editorialDecl/tei:*[local-name() ne 'editorialDecl']
                                                  [map:contains($te:principle-titles, local-name())])">
      <xsl:variable name="paragraphs" select="
        (if (self::tei:editorialDecl)
         then * except tei:*[map:contains($te:principle-titles, local-name())]
         else *)[normalize-space()]
               [empty(descendant-or-self::*[local-name() = $te:principles-markup])]
               [not(matches(string-join(.//text()), $te:principles-written))]"/>
      <xsl:if test="exists($paragraphs)">
        <xsl:sequence select="map{'title': $te:principle-titles(local-name()),
                                  'declaration': ., 'paragraphs': $paragraphs}"/>
      </xsl:if>
    </xsl:for-each>
  </xsl:function>

  <xsl:function name="te:words-for" as="xs:string?">
    <xsl:param name="table" as="xs:string"/>
    <xsl:param name="value" as="xs:string?"/>
    <xsl:sequence select="$te:policy/*[local-name() = $table]/*[@value = $value or @element = $value][1]/@says ! string(.)"/>
  </xsl:function>

  <!-- A header's language as readers name it: its own words when it has any, else the
       policy's name of its tag ("ru-Latn": "Russian in Latin script"), else the tag. -->
  <xsl:function name="te:language-name" as="xs:string">
    <xsl:param name="language" as="element()"/>
    <xsl:variable name="tags" select="tokenize(string($language/@ident), '-')"/>
    <xsl:variable name="name" select="$te:policy/languages/language[@value = $tags[1]]/@says"/>
    <xsl:variable name="script" select="$te:policy/languages/script[@value = $tags[2]]/@says"/>
    <xsl:sequence select="if (normalize-space($language)) then normalize-space($language)
                          else if ($name and (count($tags) eq 1 or $script))
                          then string-join(($name, $script), ' ')
                          else string($language/@ident)"/>
  </xsl:function>

  <!-- Raise one of the policy's errors: "TE0101: notes must be ..., not X". -->
  <xsl:function name="te:fail" as="empty-sequence()">
    <xsl:param name="code" as="xs:string"/>
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="error(QName('urn:x-tei-edition', 'te:' || $code),
      $code || ': ' || $te:policy/errors/error[@code = $code]/@message || ', not ' || $value)"/>
  </xsl:function>

  <xsl:template name="te:check-params">
    <xsl:if test="not($reading = ('normalised', 'diplomatic'))">
      <xsl:sequence select="te:fail('TE0001', $reading)"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
