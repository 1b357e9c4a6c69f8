<?xml version="1.0" encoding="UTF-8"?>
<!--
  Name forms of register entries, decided once for every format:
    te:entity-label   the display name: the form typed preferred (policy.xml), else the first,
                      without the register's cross-references ("(s. a. …)", te:see-also)
    te:fullest-name   a person's fullest form: preferred, else one with forename and surname
    te:index-form     how the index and the registers file an entry: a person under
                      "Surname, Forename" when the name is structured and written forename
                      first (lower-case particles after the forename: "Dusch, Ferdinand
                      von"); a name written family name first (Korean, Chinese, Japanese ...:
                      surname before forename in the source, or a family-first language or
                      script) stays as written: "Kim Il Sung", never "Kim, Il Sung";
                      an unstructured name as written (never guessed); others their label
    te:sort-key       the index form folded (case, diacritics, leading punctuation)
    te:entity-description  the entry's first note (or desc, occupation, role) with words
    te:life-dates     a person's birth and death, as the register writes them
    te:index-description  the index's short form of the description: its first clause
  Each of these (but te:fullest-name) is decided by te:decided-*; an entry handed over in
  $registers by a build's worker carries what was decided for it already (te:form-label,
  -index, -sort, -dates, -description, -summary: entry-forms.xsl, made once per entry and
  process), which is read instead (te:handed-over): the same entry is named by hundreds
  of pages, and deciding its forms was a third of a letter page's time.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- An entry's forms made once per process (entry-forms.xsl; tei_edition.publish.run
       writes them on the entries of $registers as te:form-label, -index, -sort, -dates,
       -description and -summary): read there, never from a document's own entries. -->
  <xsl:function name="te:handed-over" as="xs:boolean">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="exists($registers[. is root($entry)])"/>
  </xsl:function>

  <!-- The entry's own name forms (policy.xml), in document order. -->
  <xsl:function name="te:name-forms" as="element()*">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="allowed" select="if (map:contains($te:entry-forms, local-name($entry)))
                                         then $te:entry-forms(local-name($entry))
                                         else ('persName', 'placeName', 'orgName', 'name', 'geogName',
                                               'settlement', 'country', 'label', 'title')"
                  xmlns:map="http://www.w3.org/2005/xpath-functions/map"/>
    <xsl:sequence select="$entry/tei:*[local-name() = $allowed]"/>
  </xsl:function>

  <xsl:function name="te:preferred-name" as="element()?">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="names" select="te:name-forms($entry)"/>
    <xsl:sequence select="($names[@type = $te:preferred-types], $names)[1]"/>
  </xsl:function>

  <!-- (a form that is only the register's cross-references names nothing: the next) -->
  <!-- What a name card shows of an entry at a glance: its label, life dates and the short
       form of its description, the empty ones at the end left out (the label stays). One
       rule for a document's cards (html/search.xsl) and the collection site's (site/names.xsl). -->
  <xsl:function name="te:card-fields" as="xs:string+">
    <xsl:param name="entry" as="element()?"/>
    <xsl:param name="label" as="xs:string"/>
    <xsl:variable name="fields" select="$label, string($entry ! te:life-dates(.)),
                                        string($entry ! te:index-description(.))"/>
    <xsl:sequence select="$fields[position() le max((1, for $i in 2 to 3 return $i[$fields[$i]]))]"/>
  </xsl:function>

  <xsl:function name="te:entity-label" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="made" select="$entry/@te:form-label[te:handed-over($entry)]"/>
    <xsl:sequence select="if ($made) then string($made) else te:decided-entity-label($entry)"/>
  </xsl:function>

  <xsl:function name="te:decided-entity-label" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="best" select="te:preferred-name($entry)"/>
    <xsl:sequence select="((($best, te:name-forms($entry) except $best) ! te:name-text(.))[.], string($entry/@xml:id))[1]"/>
  </xsl:function>

  <!-- The text of a name form: its words, parts separated by a space, without the
       register's cross-references (policy.xml's see-also: "Zürich (Stadt) (s. a.
       Affoltern, …)" is "Zürich (Stadt)"). The policy's patterns are read the same by
       Python (entities.register), by Java's regular expressions (flag "j") and by
       XPath's on text whose whitespace is normalised, as here; Java's are several times
       quicker with a pattern that is not written in the stylesheet (an entry's forms
       ask for the text of its names four or five times). -->
  <xsl:function name="te:name-text" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="text" select="normalize-space(replace(te:name-words($name), $te:see-also, '', ';j'))"/>
    <xsl:sequence select="if (starts-with($text, '(') and matches($text, $te:bracket-alone, ';j')) then '' else $text"/>
  </xsl:function>

  <!-- A name form's words as written, its notes left out, cross-references kept. -->
  <xsl:function name="te:name-words" as="xs:string">
    <xsl:param name="name" as="element()"/>
    <xsl:sequence select="normalize-space(string-join($name//text()[empty(ancestor::tei:note)], ''))"/>
  </xsl:function>

  <!-- What the register's cross-references in an entry's name forms name, each once
       ("Affoltern, Altstetten, …"), unless it is one of the entry's own names ("Bad
       Ragaz (← Ragaz)" with a form "Ragaz"): its page's "See also". -->
  <xsl:function name="te:see-also" as="xs:string*">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="forms" select="te:name-forms($entry)"/>
    <xsl:variable name="own" select="$forms ! te:name-text(.)"/>
    <xsl:sequence select="distinct-values($forms
      ! te:name-words(.)
      ! analyze-string(., $te:see-also, ';j')/*:match/*:group[@nr = 4] ! normalize-space(.))[not(. = $own)]"/>
  </xsl:function>

  <xsl:function name="te:fullest-name" as="element()?">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="names" select="te:name-forms($entry)"/>
    <xsl:sequence select="($names[@type = $te:preferred-types], $names[tei:surname and tei:forename], $names)[1]"/>
  </xsl:function>

  <!-- Whether a name is written family name first: its surname comes before its
       forename, or it is in a family-first language or script (policy.xml). -->
  <xsl:function name="te:is-family-first" as="xs:boolean">
    <xsl:param name="name" as="element()"/>
    <xsl:variable name="lang" select="lower-case(replace(($name/ancestor-or-self::*/@xml:lang)[last()], '-.*', ''))"/>
    <xsl:sequence select="
      ($name/tei:surname and $name/tei:forename and $name/tei:surname[1] &lt;&lt; $name/tei:forename[1])
      or $lang = $te:family-first-languages
      or ($te:family-first-script ! matches(string($name), .))"/>
  </xsl:function>

  <!-- The policy's family-first scripts as one character class, "[\p{IsHiragana}...]"
       (built once: a pattern made per name is compiled per name), or none. -->
  <xsl:variable name="te:family-first-script" static="yes" as="xs:string?"
    select="tokenize($te:policy/names/@family-first-blocks)[1]
            ! ('[' || string-join(tokenize($te:policy/names/@family-first-blocks) ! ('\p{Is' || . || '}')) || ']')"/>
  <xsl:variable name="te:family-first-languages" static="yes" as="xs:string*"
    select="tokenize($te:policy/names/@family-first-languages)"/>

  <xsl:function name="te:index-form" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="made" select="$entry/@te:form-index[te:handed-over($entry)]"/>
    <xsl:sequence select="if ($made) then string($made) else te:decided-index-form($entry)"/>
  </xsl:function>

  <xsl:function name="te:decided-index-form" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="name" select="te:fullest-name($entry)"/>
    <xsl:variable name="given" select="string-join($name/(tei:forename, tei:addName) ! te:name-text(.)[.], ' ')"/>
    <xsl:variable name="surname" select="normalize-space(string-join(($name/tei:nameLink, $name/tei:surname) ! te:name-text(.), ' '))"/>
    <!-- Leading particles in lower case ("von", "van der", "de") follow the forename,
         as indexes file them: "von Dusch" is "Dusch, Ferdinand von". -->
    <xsl:variable name="particles" select="if (matches($surname, '^\p{Ll}[\p{L}'']*\s'))
                                           then replace($surname, '^((\p{Ll}[\p{L}'']*\s+)+).*$', '$1') else ''"/>
    <xsl:variable name="main" select="substring($surname, string-length($particles) + 1)"/>
    <xsl:sequence select="
      if ($name/self::tei:persName and $name/tei:surname and not(te:is-family-first($name)))
      then $main || (normalize-space(string-join(($given, $particles), ' '))[.] ! (', ' || .))
      else if ($name) then te:name-text($name)
      else te:entity-label($entry)"/>
  </xsl:function>

  <xsl:function name="te:sort-key" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="made" select="$entry/@te:form-sort[te:handed-over($entry)]"/>
    <xsl:sequence select="if ($made) then string($made) else te:decided-sort-key($entry)"/>
  </xsl:function>

  <xsl:function name="te:decided-sort-key" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="te:sort-form(te:index-form($entry))"/>
  </xsl:function>

  <!-- The sort key of an index form (te:sort-key, for a caller that has the form). -->
  <xsl:function name="te:sort-form" as="xs:string">
    <xsl:param name="index-form" as="xs:string"/>
    <xsl:sequence select="te:fold(replace($index-form, '^[^\p{L}\p{N}]+', ''))"/>
  </xsl:function>

  <!-- Case and diacritics folded, so that Ängström files under A. -->
  <xsl:function name="te:fold" as="xs:string">
    <xsl:param name="s" as="xs:string?"/>
    <xsl:sequence select="lower-case(replace(normalize-unicode(normalize-space($s), 'NFD'), '\p{M}', ''))"/>
  </xsl:function>

  <xsl:function name="te:entity-description" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="made" select="$entry/@te:form-description[te:handed-over($entry)]"/>
    <xsl:sequence select="if ($made) then string($made) else te:decided-entity-description($entry)"/>
  </xsl:function>

  <xsl:function name="te:decided-entity-description" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:sequence select="((($entry/tei:note, $entry/tei:desc, $entry/tei:occupation, $entry/tei:roleName)
                           ! te:description-text(.))[.][1], '')[1]"/>
  </xsl:function>

  <!-- The words of a description as the text reads them: one reading of a choice (the
       one the text would show: "u. a." or "unter anderem", never both), and no label
       of a link to elsewhere ("Artikel Aargau in HLS online" says nothing without its
       address). -->
  <xsl:function name="te:description-text" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="normalize-space(string-join($el//text()
      [empty(ancestor::*[parent::tei:choice][not(. is te:choice-shown(parent::tei:choice))])]
      [empty(ancestor::tei:ref[@target][not(starts-with(normalize-space(@target), '#'))])], ''))"/>
  </xsl:function>

  <!-- A person's dates in an index: "1819–1875" from birth and death as the register
       writes them; one alone as written ("geb. 1820"), a bare year marked: "* 1756",
       "† 1836". Empty when the register has neither. -->
  <xsl:function name="te:life-dates" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="made" select="$entry/@te:form-dates[te:handed-over($entry)]"/>
    <xsl:sequence select="if ($made) then string($made) else te:decided-life-dates($entry)"/>
  </xsl:function>

  <xsl:function name="te:decided-life-dates" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="born" select="($entry/tei:birth ! te:life-date(.))[1]"/>
    <xsl:variable name="died" select="($entry/tei:death ! te:life-date(.))[1]"/>
    <xsl:sequence select="
      if ($born and $died) then $born || '–' || $died
      else if ($born) then (if (matches($born, '^\d+$')) then '* ' || $born else $born)
      else if ($died) then (if (matches($died, '^\d+$')) then '† ' || $died else $died)
      else ''"/>
  </xsl:function>

  <!-- A birth or death: its words when it has nothing else ("geb. 1820"), else the year
       of its date (@when, a date inside), never its place or coordinates. -->
  <xsl:function name="te:life-date" as="xs:string?">
    <xsl:param name="event" as="element()"/>
    <xsl:variable name="iso" select="($event/@when, $event/@notBefore, $event//tei:date/(@when, @notBefore))[1]"/>
    <xsl:sequence select="
      if (empty($event/*) and normalize-space($event)) then normalize-space($event)
      else if ($iso) then replace($iso, '^(-?\d{4}).*$', '$1')
      else ($event//tei:date ! normalize-space(.))[.][1]"/>
  </xsl:function>

  <!-- What an index says of an entry: the description's first sentence or clause (up to
       its first colon, semicolon or full stop after a word), at most about a line and a
       half, cut at a word with "…"; the register's full text is the site's. -->
  <xsl:function name="te:index-description" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <xsl:variable name="made" select="$entry/@te:form-summary[te:handed-over($entry)]"/>
    <xsl:sequence select="if ($made) then string($made) else te:decided-index-description($entry)"/>
  </xsl:function>

  <xsl:function name="te:decided-index-description" as="xs:string">
    <xsl:param name="entry" as="element()"/>
    <!-- (a description that opens with the name and its dates does not repeat them:
         "Lydia Escher-Zollikofer (von Altenklingen) (1797-1868), Tochter von ...") -->
    <xsl:variable name="form" select="te:fullest-name($entry)"/>
    <xsl:variable name="name" select="if ($form/*) then string-join($form/* ! te:name-text(.)[.], ' ')
                                      else te:entity-label($entry)"/>
    <xsl:variable name="all" select="te:entity-description($entry)"/>
    <xsl:variable name="all" select="if ($name and starts-with($all, $name))
      then replace(substring($all, string-length($name) + 1), '^(\s*\([^)]*\)|[\s,;:.])+', '') else $all"/>
    <!-- (the description's whitespace is normalised: a clause ends at ". ", ": " or "; ",
         and one without any is whole, asked without a regular expression) -->
    <xsl:variable name="clause" select="if (not(contains($all, '. ') or contains($all, ': ') or contains($all, '; ')))
      then $all else replace($all, '^(.*?(\p{Ll}{3}|\)|\d))[.:;]\s.*$', '$1')"/>
    <xsl:sequence select="if (string-length($clause) le 110) then $clause
                          else replace(substring($clause, 1, 100), '\s+\S*$', '') || ' …'"/>
  </xsl:function>
</xsl:stylesheet>
