<?xml version="1.0" encoding="UTF-8"?>
<!--
  Lines from blocks: each block's text filled into lines of at most $width characters
  (a word longer than that stands alone on its line: words are never broken), indented,
  with its prefix and underline; blocks joined by a line end (same group) or a blank
  line. The result ends with one newline and has no trailing spaces.
  Filling is one pass over the words of a block (linear in its length).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tx="urn:x-tei-edition:text"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:function name="tx:layout" as="xs:string">
    <xsl:param name="blocks" as="element(tx:b)*"/>
    <xsl:variable name="parts" as="xs:string*">
      <xsl:iterate select="$blocks">
        <xsl:param name="previous" as="xs:string?" select="()"/>
        <xsl:if test="exists($previous)">
          <xsl:sequence select="if (@group != '' and @group = $previous) then '&#10;' else '&#10;&#10;'"/>
        </xsl:if>
        <xsl:sequence select="tx:block-lines(.)"/>
        <xsl:next-iteration>
          <xsl:with-param name="previous" select="string(@group)"/>
        </xsl:next-iteration>
      </xsl:iterate>
    </xsl:variable>
    <xsl:sequence select="if (exists($blocks)) then string-join($parts) || '&#10;' else ''"/>
  </xsl:function>

  <xsl:function name="tx:block-lines" as="xs:string">
    <xsl:param name="block" as="element(tx:b)"/>
    <xsl:variable name="indent" select="xs:integer($block/@indent)"/>
    <xsl:variable name="prefix" select="string($block/@prefix)"/>
    <!-- the lines after the first stand under the prefix's end, or @hang further in (a
         table row that runs over) -->
    <xsl:variable name="hang" select="string-length($prefix) + xs:integer(($block/@hang, 0)[1])"/>
    <xsl:variable name="lines" select="tx:wrap(tx:joined-lines(string($block)),
      if ($width = 0) then 0 else max((1, $width - $indent - $hang)))"/>
    <xsl:variable name="longest" select="max(($lines ! string-length(.), 0)) + $hang"/>
    <xsl:variable name="margin" select="
      if ($block/@align = 'center' and $width gt $longest) then ($width - $longest) idiv 2 else $indent"/>
    <!-- a block set right or centred: each line on its own, within the line width;
         its underline (as long as its longest line) placed as that line is -->
    <xsl:variable name="aligned" select="$block/@align = ('right', 'center') and $width gt 0"/>
    <xsl:variable name="underline-margin" select="if ($aligned)
      then $indent + tx:aligned-margin($longest, $width - $indent, $block/@align) else $margin"/>
    <xsl:variable name="out" as="xs:string*" select="
      if ($aligned) then
        for $line in ($prefix || $lines[1], $lines[position() gt 1] ! (tx:spaces($hang) || .))
        return tx:spaces($indent + tx:aligned-margin(string-length($line), $width - $indent, $block/@align)) || $line
      else (
      tx:spaces($margin) || $prefix || $lines[1],
      $lines[position() gt 1] ! (tx:spaces($margin + $hang) || .)),
      for $mark in $block/@underline[. != ''] return
        tx:spaces($underline-margin) || string-join(for $i in 1 to $longest return string($mark))"/>
    <!-- (a line's end tested before it is trimmed: the expression is tried at each of
         its characters, and most lines end in a word) -->
    <xsl:sequence select="string-join($out ! (if (matches(substring(., string-length(.)), '\s'))
                                              then replace(., '\s+$', '') else .), '&#10;')"/>
  </xsl:function>

  <!-- A block's kept line breaks (a table row's, inline.xsl's $tx:newline) as spaces;
       looked for before the expression is tried at each character of the block. -->
  <xsl:function name="tx:joined-lines" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:sequence select="if (contains($text, '&#xFDD2;')) then replace($text, '\s*&#xFDD2;\s*', ' ') else $text"/>
  </xsl:function>

  <!-- Greedy filling: as many words as fit; a longer word stands alone. One regular
       expression cuts every line (the longest run of at most $width characters that
       ends before a space or at the end, else one whole word), so filling is a single
       scan of the text. Text with runs of spaces (a table row with an empty cell) is
       filled word by word instead, which keeps them where they fall inside a line. -->
  <xsl:function name="tx:wrap" as="xs:string*">
    <xsl:param name="text" as="xs:string"/>
    <xsl:param name="width" as="xs:integer"/>
    <xsl:choose>
      <xsl:when test="$width le 0 or string-length($text) le $width">
        <xsl:sequence select="$text"/>
      </xsl:when>
      <xsl:when test="not(contains($text, '  ') or starts-with($text, ' ') or ends-with($text, ' '))">
        <xsl:sequence select="tokenize(replace($text, '(.{1,' || $width || '})(?: |$)|([^ ]+)(?: |$)',
                                               '$1$2&#10;'), '&#10;')[position() lt last()]"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:iterate select="tokenize($text, ' ')">
          <xsl:param name="line" as="xs:string" select="''"/>
          <xsl:on-completion select="$line[.]"/>
          <xsl:variable name="fits" select="string-length($line) + 1 + string-length(.) le $width"/>
          <xsl:if test="$line and not($fits)">
            <xsl:sequence select="$line"/>
          </xsl:if>
          <xsl:next-iteration>
            <xsl:with-param name="line" select="if ($line and $fits) then $line || ' ' || . else ."/>
          </xsl:next-iteration>
        </xsl:iterate>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:function>

  <!-- The space before a line of $length characters set right or centred in $room. -->
  <xsl:function name="tx:aligned-margin" as="xs:integer">
    <xsl:param name="length" as="xs:integer"/>
    <xsl:param name="room" as="xs:integer"/>
    <xsl:param name="align" as="xs:string"/>
    <xsl:sequence select="max((0, if ($align = 'right') then $room - $length else ($room - $length) idiv 2))"/>
  </xsl:function>

  <!-- $n spaces (a margin: cut from a constant, built only when wider than that). -->
  <xsl:variable name="tx:blank" as="xs:string" select="string-join((1 to 200) ! ' ')"/>

  <xsl:function name="tx:spaces" as="xs:string">
    <xsl:param name="n" as="xs:integer"/>
    <xsl:sequence select="if ($n le 200) then substring($tx:blank, 1, $n)
                          else string-join((1 to $n) ! ' ')"/>
  </xsl:function>
</xsl:stylesheet>
