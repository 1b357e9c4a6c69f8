<?xml version="1.0" encoding="UTF-8"?>
<!--
  Dates the edition prints itself, decided once (policy.xml's <dates>, which Python's
  catalogue reads too: collection/dates.py): "9 April 1843", "April 1843", "1843?",
  "between 3 June 1841 and 5 June 1841". Made from the ISO values, never more precise
  than the source's words beside them say. The transcription keeps the source's words.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:variable name="te:dates" static="yes" as="element(dates)" select="$te:policy/dates"/>

  <!-- The words of a source's date, folded: runs of letters and digits. -->
  <xsl:function name="te:date-tokens" as="xs:string*">
    <xsl:param name="words" as="xs:string?"/>
    <xsl:sequence select="tokenize(lower-case(normalize-space($words)), '[^\p{L}\p{N}]+')[.]"/>
  </xsl:function>

  <!-- One ISO date (YYYY, YYYY-MM, YYYY-MM-DD, a time after it ignored) in words, as
       precise as the value and the source's words (may be empty) both say; empty for
       what is no such date (or year 0000, "unknown"). -->
  <xsl:function name="te:date-words" as="xs:string?">
    <xsl:param name="value" as="xs:string?"/>
    <xsl:sequence select="te:date-words($value, ())"/>
  </xsl:function>

  <xsl:function name="te:date-words" as="xs:string?">
    <xsl:param name="value" as="xs:string?"/>
    <xsl:param name="words" as="xs:string?"/>
    <xsl:variable name="iso" select="substring-before(normalize-space($value) || 'T', 'T')"/>
    <xsl:if test="matches($iso, '^\d{4}(-\d{2}(-\d{2})?)?$') and not(starts-with($iso, '0000'))">
      <xsl:variable name="parts" select="tokenize($iso, '-') ! xs:integer(.)"/>
      <xsl:variable name="tokens" select="te:date-tokens($words)"/>
      <!-- the words speak for the date only when they give its year -->
      <xsl:variable name="said" select="some $t in $tokens satisfies matches($t, '^\d{3,4}$')"/>
      <xsl:variable name="small" select="count($tokens[matches(., '^\d{1,2}$')])"/>
      <xsl:variable name="named" select="some $t in $tokens satisfies
        (some $m in $te:dates/month satisfies matches($t, '^(' || $m/@source || ')'))"/>
      <!-- only a value filled out to the first (day 01, month 01) may say more than
           the words: "Heiligabend 1869" keeps its 24 December -->
      <xsl:variable name="day" select="count($parts) = 3 and (not($said) or $parts[3] ne 1 or $small ge 1)"/>
      <xsl:variable name="month" select="count($parts) ge 2 and (not($said) or $parts[2] ne 1
        or $named or $small ge (if ($day) then 2 else 1))"/>
      <xsl:variable name="valid" select="(not($month) or $parts[2] = 1 to 12) and (not($day) or $parts[3] = 1 to 31)"/>
      <xsl:if test="$valid">
        <xsl:sequence select="string-join((
          if ($day) then string($parts[3]) else (),
          if ($month) then string($te:dates/month[xs:integer(@n) = $parts[2]]/@name) else (),
          format-integer($parts[1], '0001')), ' ')
          || (if ($said and contains($words, '?')) then string($te:dates/@doubt) else '')"/>
      </xsl:if>
    </xsl:if>
  </xsl:function>

  <!-- A range that is one day, or one whole month or year (1870-06-01 to 1870-06-30,
       1870-01-01 to 1870-12-31, 1870-06 to 1870-06): that day, month or year; else empty. -->
  <xsl:function name="te:whole" as="xs:string?">
    <xsl:param name="a" as="xs:string"/>
    <xsl:param name="b" as="xs:string"/>
    <xsl:sequence select="
      if ($a = '' or $b = '') then ()
      else if ($a eq $b) then $a
      else if (matches($a, '^\d{4}-01-01$') and $b eq substring($a, 1, 4) || '-12-31') then substring($a, 1, 4)
      else if (matches($a, '^\d{4}-\d{2}-01$') and $a castable as xs:date
               and $b eq string(xs:date($a) + xs:yearMonthDuration('P1M') - xs:dayTimeDuration('P1D'))) then substring($a, 1, 7)
      else ()"/>
  </xsl:function>

  <!-- A date element's date in words: @when, else its range (@from/@to,
       @notBefore/@notAfter), else empty. -->
  <xsl:function name="te:date-of" as="xs:string?">
    <xsl:param name="date" as="element()?"/>
    <xsl:sequence select="te:date-of($date/@when, $date/@from, $date/@to, $date/@notBefore,
                                      $date/@notAfter, string($date))"/>
  </xsl:function>

  <xsl:function name="te:date-of" as="xs:string?">
    <xsl:param name="when" as="xs:string?"/>
    <xsl:param name="from" as="xs:string?"/>
    <xsl:param name="to" as="xs:string?"/>
    <xsl:param name="not-before" as="xs:string?"/>
    <xsl:param name="not-after" as="xs:string?"/>
    <xsl:param name="words" as="xs:string?"/>
    <xsl:variable name="start" select="normalize-space(($from, $not-before)[normalize-space()][1])"/>
    <xsl:variable name="end" select="normalize-space(($to, $not-after)[normalize-space()][1])"/>
    <xsl:variable name="whole" select="te:date-words(te:whole($start, $end))"/>
    <xsl:variable name="a" select="te:date-words($start)"/>
    <xsl:variable name="b" select="te:date-words($end)"/>
    <xsl:variable name="fixed" select="normalize-space($from) or normalize-space($to)"/>
    <xsl:sequence select="
      if (normalize-space($when)) then te:date-words($when, $words)
      else if ($whole) then $whole
      else if ($a and $b) then
        (if ($fixed) then $a || $te:dates/@range || $b
         else replace(replace($te:dates/@between, '\{1\}', $a), '\{2\}', $b))
      else if ($a) then (if ($fixed) then $a else replace($te:dates/@after, '\{1\}', $a))
      else if ($b) then (if ($fixed) then $b else replace($te:dates/@before, '\{1\}', $b))
      else ()"/>
  </xsl:function>
</xsl:stylesheet>
