<?xml version="1.0" encoding="UTF-8"?>
<!--
  What a TEI element IS, decided once for every format: a block, an inline, a note,
  an editorial intervention, an entity reference, a break, metadata to skip, or unknown.
  Formats implement these behaviours; they never re-decide them.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:map="http://www.w3.org/2005/xpath-functions/map"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- Metadata and annotation that never appears in the reading text. -->
  <xsl:variable name="te:skipped" static="yes" as="xs:string+" select="
    'teiHeader', 'standOff', 'facsimile', 'interpGrp', 'interp',
    'linkGrp', 'link', 'join', 'joinGrp', 'alt', 'altGrp', 'timeline', 'xenoData',
    'index', 'certainty', 'precision', 'respons', 'listAnnotation', 'fs', 'fLib', 'fvLib',
    'witDetail', 'substJoin', 'graphic', 'media', 'binaryObject'"/>

  <!-- Block-level structure: starts on its own line / paragraph in every format. -->
  <xsl:variable name="te:blocks" static="yes" as="xs:string+" select="
    'TEI', 'teiCorpus', 'text', 'group', 'front', 'body', 'back', 'div', 'div1', 'div2', 'div3', 'div4', 'div5',
    'div6', 'div7', 'p', 'ab', 'head', 'lg', 'l', 'list', 'item', 'table', 'row', 'cell',
    'figure', 'figDesc', 'opener', 'closer', 'dateline', 'salute', 'signed', 'postscript',
    'byline', 'docTitle', 'titlePart', 'docImprint', 'docEdition',
    'titlePage', 'argument', 'epigraph', 'trailer', 'sp', 'speaker', 'castList', 'castGroup',
    'castItem', 'listBibl', 'listPerson', 'listPlace', 'listOrg', 'listEvent', 'floatingText',
    'entry', 'entryFree', 'superEntry', 'sense', 'form', 'cit', 'set', 'spGrp', 'u',
    'msDesc', 'msContents', 'msItem', 'physDesc', 'history', 'epilogue', 'prologue',
    'performance', 'camera', 'sound', 'view', 'move', 'listWit', 'witness', 'listApp',
    'person', 'place', 'org', 'event', 'biblStruct', 'biblFull', 'egXML', 'eg',
    'sourceDoc', 'surfaceGrp', 'surface', 'zone', 'line', 'spanGrp'"/>

  <!-- Elements that are blocks only where they stand between blocks. -->
  <xsl:variable name="te:sometimes-blocks" static="yes" as="xs:string+" select="
    'quote', 'q', 'bibl', 'stage', 'label', 'note', 'stamp', 'address', 'def', 'gram',
    'docAuthor', 'docDate', 'span',
    'gramGrp', 'etym', 'usg', 'xr', 're'"/>

  <!-- Inline phrase-level elements with a known rendering (beyond keeping their text). -->
  <xsl:variable name="te:inlines" static="yes" as="xs:string+" select="
    'hi', 'emph', 'foreign', 'term', 'gloss', 'title', 'date', 'time', 'num', 'measure',
    'measureGrp', 'name', 'persName', 'placeName', 'orgName', 'geogName', 'settlement',
    'country', 'region', 'bloc', 'district', 'roleName', 'forename', 'surname', 'genName',
    'addName', 'nameLink', 'orgName', 'rs', 'ref', 'ptr', 'seg', 'w', 'pc', 'c', 'g', 'cl',
    'phr', 's', 'm', 'abbr', 'expan', 'ex', 'am', 'sic', 'corr', 'orig', 'reg', 'add', 'del',
    'supplied', 'gap', 'unclear', 'damage', 'surplus', 'secl', 'restore', 'subst', 'mod', 'metamark',
    'handShift', 'mentioned', 'soCalled', 'said', 'quote', 'q', 'cit', 'choice', 'app', 'lem',
    'rdg', 'rdgGrp', 'fw', 'idno', 'email', 'street', 'postCode', 'postBox', 'addrLine',
    'affiliation', 'orth', 'pron', 'hyph', 'syll', 'pos', 'lang', 'oRef', 'oVar', 'pRef',
    'pVar', 'lbl', 'colloc', 'tns', 'mood', 'per', 'number', 'case', 'gen', 'subc', 'iType',
    'persName', 'occupation', 'age', 'birth', 'death', 'residence', 'sex', 'state', 'trait',
    'desc', 'note', 'bibl', 'author', 'editor', 'publisher', 'pubPlace', 'biblScope',
    'edition', 'extent', 'series', 'stamp', 'formula', 'unit', 'geo', 'location', 'offset',
    'catchwords', 'signatures', 'locus', 'locusGrp', 'origDate', 'origPlace', 'material',
    'dim', 'dimensions', 'height', 'width', 'depth', 'ruby', 'rb', 'rt', 'space', 'label',
    'stage', 'speaker', 'role', 'roleDesc', 'actor', 'caesura', 'rhyme', 'incipit',
    'explicit', 'rubric', 'colophon', 'textLang', 'msName', 'repository', 'collection',
    'institution', 'altIdentifier', 'msIdentifier', 'def', 'usg', 'xr', 'etym', 'gramGrp',
    'gram', 're', 'address', 'listRef', 'floruit', 'event', 'objectName', 'object'"/>

  <xsl:variable name="te:breaks" static="yes" as="xs:string+" select="'pb', 'lb', 'cb', 'milestone', 'gb', 'anchor'"/>

  <xsl:function name="te:is-skipped" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/self::tei:*) and map:contains($te:skipped-names, local-name($el))"/>
  </xsl:function>

  <!-- The lists above as sets of names, for the tests asked of every element (a map
       lookup, where comparing a name with a list costs one comparison per name). -->
  <xsl:variable name="te:skipped-names" static="yes" as="map(xs:string, xs:boolean)"
                select="map:merge($te:skipped ! map{.: true()}, map{'duplicates': 'use-first'})"/>
  <xsl:variable name="te:block-names" static="yes" as="map(xs:string, xs:boolean)"
                select="map:merge($te:blocks ! map{.: true()}, map{'duplicates': 'use-first'})"/>

  <!-- Each known TEI name and what it is, looked up once per element (a map, where
       comparing a name with the lists above costs hundreds of comparisons each).
       Later entries win: the order below is the precedence of the lists. -->
  <xsl:variable name="te:kind-of-name" static="yes" as="map(xs:string, xs:string)" select="map:merge((
    $te:inlines ! map{.: 'inline'},
    $te:sometimes-blocks ! map{.: 'sometimes'},
    $te:blocks ! map{.: 'block'},
    map{'note': 'note'},
    $te:breaks ! map{.: 'break'},
    $te:skipped ! map{.: 'skip'}), map{'duplicates': 'use-last'})"/>

  <!-- block | inline | note | break | skip | unknown-block | unknown-inline -->
  <xsl:function name="te:kind" as="xs:string">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="known" select="
      if ($el/self::tei:*) then $te:kind-of-name(local-name($el)) else ()"/>
    <xsl:sequence select="
      if ($known = 'sometimes') then (if (te:stands-as-block($el)) then 'block' else 'inline')
      else if (exists($known)) then $known
      else if (te:stands-as-block($el)) then 'unknown-block' else 'unknown-inline'"/>
  </xsl:function>

  <!-- An element stands as a block when it sits among blocks and holds no loose text
       beside them, or itself contains blocks. -->
  <xsl:function name="te:stands-as-block" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:variable name="parent" select="$el/parent::*"/>
    <xsl:sequence select="
      exists($el/*[map:contains($te:block-names, local-name())])
      or (exists($parent) and local-name($parent) = ('body', 'front', 'back', 'div', 'div1',
          'div2', 'div3', 'div4', 'div5', 'div6', 'div7', 'sp', 'lg', 'list', 'listBibl',
          'opener', 'closer', 'postscript', 'text', 'group', 'floatingText', 'cit',
          'castList', 'entry', 'sense', 'titlePage', 'spanGrp', 'sourceDoc', 'surfaceGrp',
          'surface', 'zone')
          and not(te:has-loose-text($parent)))"/>
  </xsl:function>

  <!-- Whether an element holds non-whitespace text of its own (indexed, so that asking
       for each child of a long division stays linear). -->
  <xsl:key name="te:loose-text" match="*[text()[normalize-space()]]" use="generate-id()"/>

  <xsl:function name="te:has-loose-text" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="
      if (root($el) instance of document-node())
      then exists(key('te:loose-text', generate-id($el), root($el)))
      else exists($el/text()[normalize-space()])"/>
  </xsl:function>

  <!-- The division whose notes are numbered and collected together: the outermost
       unit-typed division (a diary entry inside a document belongs to the document),
       else the outermost text, else the root element. -->
  <xsl:function name="te:unit" as="element()">
    <xsl:param name="node" as="node()"/>
    <xsl:sequence select="($node/ancestor-or-self::*[self::tei:div or self::tei:div1]
                             [@type = $te:unit-types][last()],
                           $node/ancestor-or-self::tei:text[last()],
                           root($node)/*)[1]"/>
  </xsl:function>

  <xsl:function name="te:is-unit" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="te:unit($el) is $el"/>
  </xsl:function>

  <xsl:function name="te:is-div" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/self::tei:*) and starts-with(local-name($el), 'div')
                          and matches(local-name($el), '^div[1-7]?$')"/>
  </xsl:function>

  <!-- The main heading of a division (policy.xml's <headings>): the title every format
       sets as the division's heading; the others are labels ("DOCUMENT NO. 1") or
       subordinate headings, set where they stand. -->
  <xsl:function name="te:main-head" as="element()?">
    <xsl:param name="div" as="element()"/>
    <xsl:sequence select="($div/tei:head[not(@type = $te:head-not-main)],
                           $div/tei:head[not(@type = $te:head-never-main)])[1]"/>
  </xsl:function>

  <!-- A heading's text on one line, where it is named elsewhere (contents, registers,
       running heads): its line breaks become a separator, "Russia: Economic Relations", or a
       space after punctuation ("Chapter I. Loans"); its notes and skipped metadata left
       out. -->
  <xsl:function name="te:one-line" as="xs:string">
    <xsl:param name="el" as="node()?"/>
    <xsl:variable name="raw" select="string-join((te:own-text($el) | te:line-breaks($el))
                                                 ! (if (self::text()) then string(.) else '&#xE000;'), '')"/>
    <xsl:variable name="edges" select="replace($raw, '^[\s&#xE000;]+|[\s&#xE000;]+\z', '', ';j')"/>
    <xsl:sequence select="normalize-space(replace(replace($edges,
      '([\p{P}])\s*&#xE000;[\s&#xE000;]*', '$1 ', ';j'), '\s*&#xE000;[\s&#xE000;]*', ': ', ';j'))"/>
  </xsl:function>

  <!-- The text of an element a reader sees: without its notes or skipped metadata. -->
  <xsl:function name="te:own-text" as="text()*">
    <xsl:param name="el" as="node()?"/>
    <xsl:sequence select="$el/descendant::text()
      [empty(ancestor::*[(self::tei:note or @te:kind = 'skip') and . >> $el])]"/>
  </xsl:function>

  <!-- The line breaks in an element that are a space between words (not inside one). -->
  <xsl:function name="te:line-breaks" as="element()*">
    <xsl:param name="el" as="node()?"/>
    <xsl:sequence select="$el/descendant::tei:lb[not(@te:join = 'true' or @break = 'no')]"/>
  </xsl:function>

  <!-- main | label | sub -->
  <xsl:function name="te:heading-role" as="xs:string">
    <xsl:param name="head" as="element()"/>
    <xsl:sequence select="if ($head is te:main-head($head/..)) then 'main'
                          else if ($head/@type = 'label') then 'label' else 'sub'"/>
  </xsl:function>

  <!-- An inline element standing where a block would (a letterhead, a stamp, a
       registry number among the lines of an opener): a line of its own. -->
  <xsl:function name="te:stands-as-line" as="xs:boolean">
    <xsl:param name="el" as="element()"/>
    <xsl:sequence select="exists($el/parent::*[map:contains($te:line-container-names, local-name())])
      and te:kind($el) = ('inline', 'unknown-inline')
      and not($el/self::tei:note or $el/self::tei:pb or $el/self::tei:lb or $el/self::tei:milestone
              or $el/self::tei:anchor or $el/self::tei:cb or $el/self::tei:gb)
      and not(te:has-loose-text($el/parent::*))"/>
  </xsl:function>

  <!-- Containers whose inline children without loose text between them are lines. -->
  <xsl:variable name="te:line-containers" static="yes" as="xs:string+" select="
    'opener', 'closer', 'address', 'postscript', 'docTitle', 'titlePage', 'argument',
    'epigraph', 'stamp', 'zone', 'surface'"/>
  <xsl:variable name="te:line-container-names" static="yes" as="map(xs:string, xs:boolean)"
                select="map:merge($te:line-containers ! map{.: true()})"/>

  <!-- Where a line break (lb) is a new line in every format (elsewhere it is a space).
       Never a postscript: it holds paragraphs, which flow like any paragraph (a real
       letter's postscript read "Sie freut / sich / recht"); a line of its own inside
       one (a signature, an address) is kept by its own element. -->
  <xsl:variable name="te:line-keeping" static="yes" as="xs:string+" select="
    'l', 'opener', 'closer', 'address', 'dateline', 'salute', 'signed', 'head', 'titlePart',
    'byline', 'docImprint', 'trailer', 'item', 'cell', 'stamp', 'addrLine'"/>

  <!-- Note types that are part of the document's apparatus, shown as a block where they
       stand (a source line under a heading), never as a numbered note. -->
  <xsl:variable name="te:block-note-types" static="yes" as="xs:string+" select="
    'source', 'provenance', 'distribution', 'summary', 'abstract', 'headnote', 'regest'"/>

  <!-- "none": a note that says nothing (te:says-something), shown nowhere and given no
       number; "block": shown as a block where it stands (its type says so, or it
       stands among blocks with no @place saying otherwise); "foot": a numbered note,
       its text collected after its unit. -->
  <xsl:function name="te:note-place" as="xs:string">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="
      if (not(te:says-something($note))) then 'none'
      else if ($note/@type = $te:block-note-types) then 'block'
      else if ($note/@place[normalize-space()]) then 'foot'
      else if (te:stands-as-block($note)) then 'block'
      else 'foot'"/>
  </xsl:function>

  <!-- Does a note say anything: any sign but separators and brackets ("&", "?", "†"
       say something), a gap, a link that prints its target? A note holding only an
       empty link to another document and a full stop says nothing. -->
  <xsl:function name="te:says-something" as="xs:boolean">
    <xsl:param name="note" as="element()"/>
    <xsl:sequence select="matches(string-join($note//text(), ''), '[^\s.,;:·()\[\]]')
      or exists($note//tei:gap)
      or exists($note//(tei:ref | tei:ptr)[not(normalize-space())][te:printed-target(.)])"/>
  </xsl:function>

  <!-- The target a link without text of its own prints, when a reader can use it (a
       web address, a date); a pointer to another document or a register entry is an
       identifier and prints nothing. -->
  <xsl:function name="te:printed-target" as="xs:string?">
    <xsl:param name="link" as="element()"/>
    <xsl:sequence select="tokenize(normalize-space($link/@target), ' ')
                          [matches(., '^(https?://|\d{4}-\d{2}-\d{2}$|\d{4}-\d{2}$)')][1]"/>
  </xsl:function>
</xsl:stylesheet>
