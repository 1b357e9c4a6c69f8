<?xml version="1.0" encoding="UTF-8"?>
<!--
  Spaces of the text that are the encoding's, not the writer's, decided once for every
  format (the pre-pass, normalize.xsl, applies them to the text nodes it copies).

  A space at the end of a phrase's text that a closing punctuation mark follows directly
  ("(in <hi><placeName>Genth</placeName> </hi>)", "<persName>Voegeli-Escher </persName>,")
  is left out: every format prints "(in Genth)", "Voegeli-Escher,", never "Genth )". The
  marks are those that close what stands before them (, . ; : ! ? ) ]); the phrase may be
  nested (the space ends the innermost element, the mark follows the outermost); only
  inline elements count (a paragraph's text ends the paragraph, whatever follows it).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all">

  <!-- Whether a text node ends its phrase with a space a closing mark follows. -->
  <xsl:function name="te:space-before-closing-mark" as="xs:boolean">
    <xsl:param name="t" as="text()"/>
    <xsl:sequence select="empty($t/following-sibling::node())
                          and te:ends-in-space($t)
                          and te:phrase-before-closing-mark($t/..)"/>
  </xsl:function>

  <!-- Whether a text ends in whitespace: its last character tested, not the text with
       '\s$' (Saxon's regular expression tries every position of the text: half a second
       on a 4 MB volume). -->
  <xsl:function name="te:ends-in-space" as="xs:boolean">
    <xsl:param name="text" as="xs:string?"/>
    <xsl:sequence select="matches(substring($text, string-length($text)), '\s')"/>
  </xsl:function>

  <!-- Whether an inline element, or the inline element it ends, stands directly before a
       closing mark (the text after it starts with one). What prints nothing between the
       phrase and the mark does not stand between them: indentation (a whitespace-only
       text that ends the element around it: "<persName><hi>Escher </hi>⏎  </persName>,"),
       a comment, the end of an element. -->
  <xsl:function name="te:phrase-before-closing-mark" as="xs:boolean">
    <xsl:param name="el" as="node()?"/>
    <!-- the first node after it that may print (the next sibling in most phrases: its
         first character tested before the whole text, which may be a paragraph's) -->
    <xsl:variable name="next" select="$el/following-sibling::node()
      [not(self::comment() or self::processing-instruction()
           or self::text()[normalize-space(substring(., 1, 1)) = ''][normalize-space() = ''])][1]"/>
    <!-- (the mark after it tested first: most phrases have none, and their kind is
         then never looked up) -->
    <xsl:sequence select="exists($el/self::*)
      and (if (exists($next)) then exists($next/self::text()[matches(., '^[,.;:!?)\]]')])
           else true())
      and te:kind($el) = ('inline', 'unknown-inline')
      and (exists($next) or te:phrase-before-closing-mark($el/..))"/>
  </xsl:function>

  <!-- What prints nothing where a reference stood, so that the marks that only framed
       it go with it (te:around-silent, normalize.xsl): a link that prints nothing
       (te:silent-link); an encoder's comment standing apart from the word before it,
       after a space, a separator or what prints nothing, as a reference commented out
       does ("Seite(n) 617; [comment] ; ." reads "Seite(n) 617."), where a comment
       against a word remarks on that word and the mark after it is the sentence's
       ("Pläne[comment], wie"); and a
       phrase that holds nothing else (a name's reference to a summary elsewhere:
       "Gothard<note/> <rs><ref target="…">[comment]</ref></rs>, qui" reads "Gothard¹,
       qui"). (Asked of every text's neighbours: the cheap tests first, words of its own
       ending most; of an element, whether it holds
       anything but text before its text is read.) -->
  <xsl:function name="te:prints-nothing" as="xs:boolean">
    <xsl:param name="n" as="node()?"/>
    <xsl:sequence select="
      if ($n/self::tei:ref or $n/self::tei:ptr) then te:silent-link($n)
      else if ($n/self::comment()) then te:comment-in-a-slot($n)
      else exists($n/self::*[exists(* | comment())][te:kind(.) = 'inline'][empty(text()[normalize-space()])]
                            [every $c in * satisfies te:prints-nothing($c)])"/>
  </xsl:function>

  <xsl:function name="te:comment-in-a-slot" as="xs:boolean">
    <xsl:param name="c" as="comment()"/>
    <xsl:variable name="before" select="$c/preceding-sibling::node()[1]"/>
    <xsl:sequence select="empty($before)
      or exists($before/self::text()[matches(substring(., string-length(.)), '[\s,;(\[]')])
      or ($before instance of element() and te:prints-nothing($before))"/>
  </xsl:function>
</xsl:stylesheet>
