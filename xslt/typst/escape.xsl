<?xml version="1.0" encoding="UTF-8"?>
<!--
  The one place where TEI text becomes Typst source. Text is never emitted as Typst
  markup: every string from the document becomes a Typst *string literal* ("..."), in
  which only the backslash, the double quote and control characters are special. So
  "#read(...)", "$x$", "*bold*", "= heading", "// comment", "<label>", "@ref" and the
  like print literally, whatever they contain.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tt="urn:x-tei-edition:typst"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- A Typst string literal holding exactly $s. -->
  <xsl:function name="tt:str" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="'&quot;' || tt:escape(string($s)) || '&quot;'"/>
  </xsl:function>

  <!-- The inside of a string literal: \ and " escaped, control characters as \u{..}. -->
  <xsl:function name="tt:escape" as="xs:string">
    <xsl:param name="s" as="xs:string"/>
    <!-- (most text has neither: not asked of every string by a regular expression) -->
    <xsl:variable name="basic" select="if (not(contains($s, '\') or contains($s, '&quot;'))) then $s
                                       else replace(replace($s, '\\', '\\\\'), '&quot;', '\\&quot;')"/>
    <xsl:sequence select="
      if (not(matches($basic, '[&#x9;&#xA;&#xD;&#x7F;-&#x9F;&#x2028;&#x2029;]'))) then $basic
      else string-join(for $c in string-to-codepoints($basic) return
        if ($c = 10) then '\n' else if ($c = 13) then '\r' else if ($c = 9) then '\t'
        else if ($c = (127 to 159, 8232, 8233)) then '\u{' || tt:hex($c) || '}'
        else codepoints-to-string($c), '')"/>
  </xsl:function>

  <xsl:function name="tt:hex" as="xs:string">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:sequence select="if ($n lt 16) then substring('0123456789abcdef', $n + 1, 1)
                          else tt:hex($n idiv 16) || tt:hex($n mod 16)"/>
  </xsl:function>

  <!-- A Typst array of string literals: ("a", "b",) -->
  <xsl:function name="tt:strs" as="xs:string">
    <xsl:param name="items" as="xs:string*"/>
    <xsl:sequence select="'(' || string-join($items ! (tt:str(.) || ','), ' ') || ')'"/>
  </xsl:function>

  <!-- A string literal, or none when empty. -->
  <xsl:function name="tt:str-or-none" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="if (normalize-space($s)) then tt:str(normalize-space($s)) else 'none'"/>
  </xsl:function>

  <!-- The language part of an xml:lang that Typst accepts ("en", "ko" from "ko-Latn"),
       or the empty string. -->
  <xsl:function name="tt:lang" as="xs:string">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:variable name="primary" select="lower-case(tokenize(string($tag), '[-_]')[1])"/>
    <xsl:sequence select="if (matches($primary, '^[a-z]{2,3}$')) then $primary else ''"/>
  </xsl:function>

  <!-- A region Typst accepts ("us" from "en-US"), or the empty string. -->
  <xsl:function name="tt:region" as="xs:string">
    <xsl:param name="tag" as="xs:string?"/>
    <xsl:variable name="region" select="tokenize(string($tag), '[-_]')[position() gt 1]
                                        [matches(., '^[A-Za-z]{2}$')][1]"/>
    <xsl:sequence select="lower-case(string($region))"/>
  </xsl:function>

  <!-- "notExtracted" -> "not extracted", "off_page" -> "off page" -->
  <xsl:function name="tt:words" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="normalize-space(lower-case(replace(translate(string($s), '_', ' '),
                                                             '([a-z])([A-Z])', '$1 $2')))"/>
  </xsl:function>

  <!-- The trailing comment that maps a line of Typst source back to its TEI element. -->
  <xsl:function name="tt:mark" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="if ($el/@*:line[namespace-uri() = 'urn:x-tei-edition'])
                          then ' // tei:' || $el/@*:line[namespace-uri() = 'urn:x-tei-edition'] || ' ' || name($el)
                          else ''"/>
  </xsl:function>
</xsl:stylesheet>
