<?xml version="1.0" encoding="UTF-8"?>
<!--
  Compile an ISO Schematron schema (ISO/IEC 19757-3:2020, query bindings xslt, xslt2,
  xslt3) into an XSLT 3.0 stylesheet that writes SVRL.

  Our own replacement for the ISO skeleton, so that rules written for queryBinding
  xslt2/xslt3 (the TEI's constraints, FRUS's frus.sch) run on Saxon. Three steps:
    te:expand    instantiate abstract patterns (sch:param) and abstract rules (sch:extends);
    (selection)  keep the patterns and groups of the requested phase;
    te:generate  write the stylesheet: one mode per pattern, one template per rule.

  The schema reaching this stylesheet has been loaded and screened by schematron.py:
  includes and external extends are resolved (elements from another file carry te:ns,
  that file's sch:ns bindings), and the only XSLT in it is expression-only xsl:key and
  xsl:function at the top level and xsl:copy-of in properties. Nothing from the schema
  is copied into the output as an instruction except those; a let's element content is
  handed over as a string and parsed, so it is data, never run.

  The generated stylesheet reads one optional parameter, Q{urn:x-tei-edition}documents:
  the subordinate documents that patterns with @documents name, checked and parsed by
  Python after the named template Q{urn:x-tei-edition}documents has listed their URIs.
-->
<xsl:stylesheet version="3.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:out="urn:x-tei-edition:xslt-alias"
    xmlns:sch="http://purl.oclc.org/dsdl/schematron"
    xmlns:svrl="http://purl.oclc.org/dsdl/svrl"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:te="urn:x-tei-edition"
    exclude-result-prefixes="#all" expand-text="no">

  <xsl:namespace-alias stylesheet-prefix="out" result-prefix="xsl"/>
  <!-- Indented, so that a compile error's line in the output finds its element and,
       through te:at, the line of the schema it came from. -->
  <xsl:output method="xml" indent="yes"/>

  <!-- "#DEFAULT" uses the schema's @defaultPhase (or every pattern); "#ALL" every pattern. -->
  <xsl:param name="phase" as="xs:string" select="'#DEFAULT'"/>

  <!-- Namespaces of the machinery, never handed on as a schema's bindings. -->
  <xsl:variable name="te:OURS" select="('urn:x-tei-edition', 'http://www.w3.org/1999/XSL/Transform',
    'http://purl.oclc.org/dsdl/schematron', 'http://purl.oclc.org/dsdl/svrl', 'urn:x-tei-edition:xslt-alias')"/>
  <xsl:variable name="te:QDOCS" select="'Q{urn:x-tei-edition}documents'"/>
  <xsl:variable name="te:QURI" select="'Q{urn:x-tei-edition}uri'"/>

  <xsl:mode name="te:expand" on-no-match="shallow-copy"/>
  <xsl:mode name="te:instantiate" on-no-match="shallow-copy"/>
  <xsl:mode name="te:generate" on-no-match="shallow-skip"/>
  <xsl:mode name="te:message" on-no-match="shallow-skip"/>
  <xsl:mode name="te:copy" on-no-match="shallow-copy"/>
  <!-- lets at each level (only sch:let is applied in these), diagnostics and properties -->
  <xsl:mode name="te:variable" on-no-match="fail"/>
  <xsl:mode name="te:pattern-let" on-no-match="fail"/>
  <xsl:mode name="te:rule-let" on-no-match="fail"/>
  <xsl:mode name="te:text" on-no-match="fail"/>

  <xsl:template match="/">
    <xsl:variable name="binding" select="lower-case((sch:schema/@queryBinding, 'xslt')[1])"/>
    <xsl:if test="not($binding = ('xslt', 'xslt2', 'xslt3', 'xpath', 'xpath2', 'xpath3', 'xpath31'))">
      <xsl:sequence select="error(xs:QName('te:TE0301'), 'TE0301 queryBinding ' || $binding ||
        ' is not supported (xslt, xslt2, xslt3; ISO Schematron annexes)')"/>
    </xsl:if>
    <xsl:variable name="expanded" as="document-node()">
      <xsl:document><xsl:apply-templates select="sch:schema" mode="te:expand"/></xsl:document>
    </xsl:variable>
    <xsl:apply-templates select="$expanded/sch:schema" mode="te:generate">
      <xsl:with-param name="binding" select="$binding" tunnel="yes"/>
    </xsl:apply-templates>
  </xsl:template>

  <!-- ================================================================ te:expand -->

  <!-- Language and namespace bindings are made explicit on what carries messages or
       expressions, so that they survive being moved by is-a and extends. -->
  <xsl:template match="sch:*" mode="te:expand te:instantiate">
    <xsl:copy>
      <xsl:apply-templates select="@*" mode="#current"/>
      <xsl:call-template name="te:explicit"/>
      <xsl:apply-templates select="node()" mode="#current"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template name="te:explicit">
    <xsl:if test="not(@te:ns) and ancestor::*/@te:ns">
      <xsl:attribute name="te:ns" select="ancestor::*[@te:ns][1]/@te:ns"/>
    </xsl:if>
    <xsl:if test="not(@xml:lang) and ancestor::*/@xml:lang
                  and (self::sch:assert | self::sch:report | self::sch:diagnostic | self::sch:property
                       | self::sch:pattern | self::sch:rule)">
      <xsl:attribute name="xml:lang" select="ancestor::*[@xml:lang][1]/@xml:lang"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="sch:pattern[@abstract = 'true'] | sch:rule[@abstract = 'true'] | sch:rules"
                mode="te:expand"/>

  <xsl:template match="sch:pattern[@is-a]" mode="te:expand">
    <xsl:variable name="abstract" select="key('te:pattern', @is-a)"/>
    <xsl:if test="empty($abstract)">
      <xsl:sequence select="error(xs:QName('te:TE0302'),
        'TE0302 pattern ' || (@id, '(no id)')[1] || ' instantiates the unknown abstract pattern ' || @is-a)"/>
    </xsl:if>
    <xsl:variable name="declared" select="$abstract/sch:param"/>
    <xsl:variable name="missing" select="$declared[empty(@value)][not(@name = current()/sch:param/@name)]/@name"/>
    <xsl:if test="exists($missing)">
      <xsl:sequence select="error(xs:QName('te:TE0305'), 'TE0305 pattern ' || (@id, @is-a)[1] ||
        ' does not supply the parameter(s) ' || string-join($missing, ', ') || ' of abstract pattern ' || @is-a)"/>
    </xsl:if>
    <xsl:variable name="params" select="sch:param, $declared[@value][not(@name = current()/sch:param/@name)]"/>
    <xsl:variable name="body" as="document-node()">
      <xsl:document>
        <xsl:apply-templates select="$abstract/node()" mode="te:instantiate">
          <xsl:with-param name="params" select="$params" tunnel="yes"/>
        </xsl:apply-templates>
      </xsl:document>
    </xsl:variable>
    <xsl:variable name="used" select="tokenize(string-join($body//(@diagnostics | @properties), ' '))"/>
    <sch:pattern>
      <xsl:copy-of select="@id, @role, @xml:lang, @te:*"/>
      <xsl:if test="not(@xml:lang) and $abstract/ancestor-or-self::*/@xml:lang">
        <xsl:attribute name="xml:lang" select="$abstract/ancestor-or-self::*[@xml:lang][1]/@xml:lang"/>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="@documents"><xsl:copy-of select="@documents"/></xsl:when>
        <xsl:otherwise>
          <xsl:apply-templates select="$abstract/@documents" mode="te:instantiate">
            <xsl:with-param name="params" select="$params" tunnel="yes"/>
          </xsl:apply-templates>
        </xsl:otherwise>
      </xsl:choose>
      <xsl:copy-of select="$abstract/sch:title"/>
      <xsl:apply-templates select="$body/node()[not(self::sch:param | self::sch:title)]" mode="te:expand"/>
      <!-- The diagnostics and properties its rules name, with the parameters filled in. -->
      <xsl:if test="exists($used)">
        <sch:diagnostics>
          <xsl:apply-templates select="key('te:diagnostic', $used)" mode="te:instantiate">
            <xsl:with-param name="params" select="$params" tunnel="yes"/>
          </xsl:apply-templates>
        </sch:diagnostics>
        <sch:properties>
          <xsl:apply-templates select="key('te:property', $used)" mode="te:instantiate">
            <xsl:with-param name="params" select="$params" tunnel="yes"/>
          </xsl:apply-templates>
        </sch:properties>
      </xsl:if>
    </sch:pattern>
  </xsl:template>

  <xsl:key name="te:pattern" match="sch:pattern[@abstract = 'true']" use="@id"/>
  <xsl:key name="te:diagnostic" match="sch:diagnostics/sch:diagnostic" use="@id"/>
  <xsl:key name="te:property" match="sch:properties/sch:property" use="@id"/>

  <!-- Parameters are textual placeholders ($name) in the XPath-bearing attributes. -->
  <xsl:template match="@context | @test | @select | @value | @path | @subject | @documents | @visit-each"
                mode="te:instantiate">
    <xsl:param name="params" tunnel="yes"/>
    <xsl:attribute name="{name()}" select="te:substitute(string(.), $params)"/>
  </xsl:template>

  <xsl:template match="sch:extends[@rule]" mode="te:expand te:instantiate">
    <xsl:param name="chain" as="xs:string*" tunnel="yes"/>
    <xsl:variable name="base" select="(ancestor::sch:pattern[1]/sch:rule, /sch:schema/sch:rules/sch:rule)
                                      [@abstract = 'true'][@id = current()/@rule][1]"/>
    <xsl:if test="empty($base)">
      <xsl:sequence select="error(xs:QName('te:TE0303'),
        'TE0303 sch:extends names ' || @rule || ', which is no abstract rule of this pattern (ISO Schematron: a rule extends abstract rules of its own pattern)')"/>
    </xsl:if>
    <xsl:if test="@rule = $chain">
      <xsl:sequence select="error(xs:QName('te:TE0306'), 'TE0306 abstract rule ' || @rule || ' extends itself')"/>
    </xsl:if>
    <xsl:apply-templates select="$base/node()" mode="#current">
      <xsl:with-param name="chain" select="$chain, string(@rule)" tunnel="yes"/>
    </xsl:apply-templates>
  </xsl:template>

  <xsl:function name="te:substitute" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:param name="params" as="element(sch:param)*"/>
    <!-- Longest names first, so that $ab is not taken for $a followed by "b". -->
    <xsl:variable name="sorted" as="element(sch:param)*">
      <xsl:perform-sort select="$params">
        <xsl:sort select="string-length(@name)" order="descending"/>
      </xsl:perform-sort>
    </xsl:variable>
    <xsl:sequence select="te:substitute-each($text, $sorted)"/>
  </xsl:function>

  <xsl:function name="te:substitute-each" as="xs:string">
    <xsl:param name="text" as="xs:string"/>
    <xsl:param name="params" as="element(sch:param)*"/>
    <xsl:sequence select="if (empty($params)) then $text else
      te:substitute-each(
        replace($text, '\$' || $params[1]/@name || '([^\w\-.]|$)',
                replace($params[1]/@value, '([\\$])', '\\$1') || '$1'),
        tail($params))"/>
  </xsl:function>

  <!-- ================================================================ te:generate -->

  <xsl:template match="sch:schema" mode="te:generate">
    <xsl:param name="binding" tunnel="yes"/>
    <xsl:variable name="chosen" select="if ($phase = ('#DEFAULT', '')) then (@defaultPhase, '#ALL')[1] else $phase"/>
    <xsl:variable name="phase-el" select="sch:phase[@id = $chosen]"/>
    <xsl:if test="$chosen ne '#ALL' and empty($phase-el)">
      <xsl:sequence select="error(xs:QName('te:TE0304'),
        'TE0304 the schema has no phase ' || $chosen || ' (phases: ' || (string-join(sch:phase/@id, ', ')[.], 'none')[1] || ')')"/>
    </xsl:if>
    <xsl:variable name="all" select="sch:pattern | sch:group"/>
    <xsl:variable name="patterns" select="if ($chosen eq '#ALL') then $all
                                          else $all[@id = $phase-el/sch:active/@pattern]"/>
    <!-- A pattern's variables are global (rule contexts may use them) unless a name is
         declared twice among them, or the pattern reads other documents (its variables
         are about each of those): then they stay in the pattern's templates. -->
    <xsl:variable name="global-lets" select="sch:let | $phase-el/sch:let"/>
    <xsl:variable name="pattern-lets" select="$patterns[not(@documents)]/sch:let"/>
    <xsl:variable name="shared" select="$pattern-lets[let $n := @name return count($pattern-lets[@name = $n]) = 1]
                                                      [not(@name = $global-lets/@name)]"/>
    <out:stylesheet version="3.0" exclude-result-prefixes="#all">
      <xsl:for-each select="sch:ns[not(@prefix = ('xsl', 'xml'))]">
        <xsl:namespace name="{@prefix}" select="string(@uri)"/>
      </xsl:for-each>
      <xsl:namespace name="svrl" select="'http://purl.oclc.org/dsdl/svrl'"/>
      <xsl:if test="not(sch:ns/@prefix = 'xs')">
        <xsl:namespace name="xs" select="'http://www.w3.org/2001/XMLSchema'"/>
      </xsl:if>
      <xsl:if test="$patterns/@documents">
        <xsl:attribute name="te:documents" select="'yes'"/>
      </xsl:if>
      <!-- Keys and functions written in XSLT inside the schema (screened: expressions only). -->
      <xsl:apply-templates select="xsl:key | xsl:function" mode="te:copy"/>
      <out:param name="{$te:QDOCS}" as="document-node()?" select="()"/>
      <out:param name="{$te:QURI}" as="xs:string?" select="()"/>
      <xsl:apply-templates select="$global-lets | $shared" mode="te:variable"/>
      <xsl:call-template name="te:documents-template">
        <xsl:with-param name="patterns" select="$patterns"/>
      </xsl:call-template>
      <xsl:if test="$phase-el/@from">
        <out:mode name="Q{{urn:x-tei-edition}}from" on-no-match="shallow-skip"/>
        <out:template match="{$phase-el/@from}" mode="Q{{urn:x-tei-edition}}from" priority="10">
          <xsl:for-each select="$phase-el"><xsl:call-template name="te:at"/></xsl:for-each>
          <out:sequence select="."/>
        </out:template>
      </xsl:if>
      <out:template match="/">
        <svrl:schematron-output phase="{te:literal($chosen)}" out:exclude-result-prefixes="#all">
          <xsl:if test="sch:title">
            <xsl:attribute name="title" select="te:literal(normalize-space(sch:title))"/>
          </xsl:if>
          <xsl:if test="@schemaVersion">
            <xsl:attribute name="schemaVersion" select="te:literal(@schemaVersion)"/>
          </xsl:if>
          <xsl:for-each select="sch:ns">
            <svrl:ns-prefix-in-attribute-values prefix="{te:literal(@prefix)}" uri="{te:literal(@uri)}"/>
          </xsl:for-each>
          <out:variable name="Q{{urn:x-tei-edition}}start" as="node()*">
            <xsl:choose>
              <xsl:when test="$phase-el/@from">
                <out:apply-templates select="." mode="Q{{urn:x-tei-edition}}from"/>
              </xsl:when>
              <xsl:otherwise><out:sequence select="."/></xsl:otherwise>
            </xsl:choose>
          </out:variable>
          <xsl:for-each select="$patterns">
            <xsl:variable name="mode" select="'Q{urn:x-tei-edition}p' || position()"/>
            <xsl:choose>
              <xsl:when test="@documents">
                <!-- one active pattern listing every document it reads, then each document's rules -->
                <svrl:active-pattern out:exclude-result-prefixes="#all">
                  <xsl:call-template name="te:pattern-attributes"/>
                  <out:attribute name="documents"
                                 select="string-join(${$te:QDOCS}/*/*[@pattern = '{position()}']/@uri, ' ')"/>
                </svrl:active-pattern>
                <out:for-each select="${$te:QDOCS}/*/*[@pattern = '{position()}']">
                  <out:variable name="Q{{urn:x-tei-edition}}doc" as="document-node()">
                    <out:document><out:copy-of select="node()"/></out:document>
                  </out:variable>
                  <out:apply-templates select="$Q{{urn:x-tei-edition}}doc" mode="{$mode}">
                    <out:with-param name="Q{{urn:x-tei-edition}}in" select="string(@uri)" tunnel="yes"/>
                  </out:apply-templates>
                </out:for-each>
              </xsl:when>
              <xsl:otherwise>
                <svrl:active-pattern out:exclude-result-prefixes="#all">
                  <xsl:call-template name="te:pattern-attributes"/>
                  <out:if test="exists(${$te:QURI})">
                    <out:attribute name="documents" select="${$te:QURI}"/>
                  </out:if>
                </svrl:active-pattern>
                <out:apply-templates select="$Q{{urn:x-tei-edition}}start" mode="{$mode}"/>
              </xsl:otherwise>
            </xsl:choose>
          </xsl:for-each>
        </svrl:schematron-output>
      </out:template>
      <xsl:for-each select="$patterns">
        <xsl:apply-templates select="." mode="te:generate">
          <xsl:with-param name="mode" select="'Q{urn:x-tei-edition}p' || position()"/>
          <xsl:with-param name="local-lets" select="sch:let except $shared"/>
        </xsl:apply-templates>
      </xsl:for-each>
    </out:stylesheet>
  </xsl:template>

  <xsl:template name="te:pattern-attributes">
    <xsl:if test="@id"><xsl:attribute name="id" select="te:literal(@id)"/></xsl:if>
    <xsl:if test="sch:title"><xsl:attribute name="name" select="te:literal(normalize-space(sch:title))"/></xsl:if>
    <xsl:if test="@role"><xsl:attribute name="role" select="te:literal(@role)"/></xsl:if>
  </xsl:template>

  <!-- Lists, for each pattern with @documents, the URIs it names (as strings, evaluated
       on the document); Python checks and parses them. -->
  <xsl:template name="te:documents-template">
    <xsl:param name="patterns"/>
    <out:variable name="Q{{urn:x-tei-edition}}root" select="/"/>
    <out:template name="Q{{urn:x-tei-edition}}documents">
      <documents>
        <xsl:for-each select="$patterns">
          <xsl:if test="@documents">
            <out:for-each select="$Q{{urn:x-tei-edition}}root">
              <xsl:call-template name="te:namespaces"/>
              <out:for-each select="{@documents}">
                <xsl:call-template name="te:at"/>
                <document pattern="{position()}"><out:value-of select="string(.)"/></document>
              </out:for-each>
            </out:for-each>
          </xsl:if>
        </xsl:for-each>
      </documents>
    </out:template>
  </xsl:template>

  <!-- The namespace bindings of the file an element came from (sch:include/extends). -->
  <!-- queryBinding xslt: the rules' expressions keep XPath 1.0's meaning (a node-set
       given where one value is expected is its first node), XSLT's backwards-compatible
       mode. -->
  <xsl:template name="te:version">
    <xsl:param name="binding" tunnel="yes"/>
    <xsl:if test="$binding = 'xslt'">
      <xsl:attribute name="version" select="'1.0'"/>
    </xsl:if>
  </xsl:template>

  <!-- Where in the schema an instruction of the output comes from (file#line), so that
       Saxon's compile errors can name the schema's line. -->
  <xsl:template name="te:at">
    <xsl:if test="@te:src-line">
      <xsl:attribute name="te:at" select="string(@te:file) || '#' || @te:src-line"/>
    </xsl:if>
  </xsl:template>

  <!-- Also the element's own xmlns declarations that sch:ns does not bind (not ISO,
       but common in schemas written for the skeleton). -->
  <xsl:template name="te:namespaces">
    <xsl:variable name="pairs" select="tokenize(@te:ns)"/>
    <xsl:variable name="here" select="."/>
    <xsl:variable name="bound" select="$pairs[position() mod 2 = 1], /sch:schema/sch:ns/@prefix"/>
    <xsl:for-each select="1 to count($pairs) idiv 2">
      <xsl:variable name="prefix" select="$pairs[2 * current() - 1]"/>
      <xsl:if test="not($prefix = ('xsl', 'xml', 'svrl'))">
        <xsl:namespace name="{$prefix}" select="$pairs[2 * current()]"/>
      </xsl:if>
    </xsl:for-each>
    <xsl:for-each select="in-scope-prefixes(.)[not(. = ('', 'xml', 'xsl', 'svrl', 'sch', 'te', 'out'))][not(. = $bound)]
                          [not(namespace-uri-for-prefix(., $here) = $te:OURS)]">
      <xsl:namespace name="{.}" select="namespace-uri-for-prefix(., $here)"/>
    </xsl:for-each>
  </xsl:template>

  <xsl:template match="sch:let" mode="te:variable">
    <xsl:param name="binding" tunnel="yes"/>
    <out:variable name="{@name}">
      <xsl:call-template name="te:namespaces"/>
      <xsl:call-template name="te:at"/>
      <xsl:call-template name="te:version"/>
      <xsl:copy-of select="@as"/>
      <xsl:call-template name="te:let-select"/>
    </out:variable>
  </xsl:template>

  <!-- @value is an expression; element content is data, parsed from a string literal
       (a node sequence; for queryBinding xslt, a document node as XSLT 1.0 had it). -->
  <xsl:template name="te:let-select">
    <xsl:param name="binding" tunnel="yes"/>
    <xsl:choose>
      <xsl:when test="@value"><xsl:attribute name="select" select="@value"/></xsl:when>
      <xsl:otherwise>
        <xsl:variable name="data" as="node()*">
          <xsl:apply-templates select="node()" mode="te:data"/>
        </xsl:variable>
        <xsl:variable name="markup" select="serialize($data)"/>
        <xsl:variable name="literal" select="'''' || replace($markup, '''', '''''') || ''''"/>
        <xsl:attribute name="select" select="if ($binding = 'xslt') then 'parse-xml-fragment(' || $literal || ')'
                                             else 'parse-xml-fragment(' || $literal || ')/node()'"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A let's content as data: elements with their own names and attributes only (no
       inherited namespace declarations, none of our annotations). -->
  <xsl:mode name="te:data" on-no-match="shallow-copy"/>
  <xsl:template match="*" mode="te:data">
    <xsl:element name="{name()}" namespace="{namespace-uri()}">
      <xsl:apply-templates select="@* except @te:*, node()" mode="te:data"/>
    </xsl:element>
  </xsl:template>

  <xsl:template match="sch:pattern | sch:group" mode="te:generate">
    <xsl:param name="mode" as="xs:string"/>
    <xsl:param name="local-lets" as="element(sch:let)*"/>
    <!-- Attributes are visited only when a rule of this pattern can match one. -->
    <xsl:variable name="attributes" select="some $c in sch:rule/@context satisfies matches($c, '@|attribute(::|\()')"/>
    <xsl:variable name="children" select="if ($attributes) then '@*|node()' else 'node()'"/>
    <xsl:variable name="group" select="exists(self::sch:group)"/>
    <out:mode name="{$mode}" on-no-match="shallow-skip"/>
    <xsl:if test="$attributes">
      <out:template match="*" mode="{$mode}" priority="-10">
        <out:apply-templates select="@*|node()" mode="{$mode}"/>
      </out:template>
    </xsl:if>
    <xsl:variable name="rules" select="sch:rule[@context]"/>
    <xsl:for-each select="$rules">
      <out:template match="{@context}" mode="{$mode}" priority="{count($rules) - position()}">
        <xsl:call-template name="te:namespaces"/>
        <xsl:call-template name="te:at"/>
        <xsl:call-template name="te:version"/>
        <out:param name="Q{{urn:x-tei-edition}}in" as="xs:string?" select="${$te:QURI}" tunnel="yes"/>
        <svrl:fired-rule context="{te:literal(@context)}" out:exclude-result-prefixes="#all">
          <xsl:for-each select="@id, @role, @flag">
            <xsl:attribute name="{name()}" select="te:literal(.)"/>
          </xsl:for-each>
          <out:if test="exists($Q{{urn:x-tei-edition}}in)">
            <out:attribute name="document" select="$Q{{urn:x-tei-edition}}in"/>
          </out:if>
        </svrl:fired-rule>
        <xsl:apply-templates select="$local-lets" mode="te:pattern-let"/>
        <out:variable name="Q{{urn:x-tei-edition}}node" select="."/>
        <xsl:choose>
          <!-- ISO 2020 rule/@visit-each: the rule's variables and assertions run once for
               each item it gives -->
          <xsl:when test="@visit-each">
            <out:for-each select="{@visit-each}">
              <xsl:call-template name="te:at"/>
              <xsl:apply-templates select="sch:let" mode="te:rule-let"/>
              <xsl:apply-templates select="sch:assert | sch:report" mode="te:generate"/>
            </out:for-each>
          </xsl:when>
          <xsl:otherwise>
            <xsl:apply-templates select="sch:let" mode="te:rule-let"/>
            <xsl:apply-templates select="sch:assert | sch:report" mode="te:generate"/>
          </xsl:otherwise>
        </xsl:choose>
        <xsl:choose>
          <xsl:when test="$group"><out:next-match/></xsl:when>
          <xsl:otherwise><out:apply-templates select="{$children}" mode="{$mode}"/></xsl:otherwise>
        </xsl:choose>
      </out:template>
    </xsl:for-each>
  </xsl:template>

  <!-- A pattern's own variables (when not global) are evaluated with the document as context. -->
  <xsl:template match="sch:let" mode="te:pattern-let">
    <out:variable name="{@name}">
      <xsl:call-template name="te:namespaces"/>
      <xsl:call-template name="te:at"/>
      <xsl:copy-of select="@as"/>
      <xsl:choose>
        <xsl:when test="@value"><xsl:attribute name="select" select="'root(.)!(' || @value || ')'"/></xsl:when>
        <xsl:otherwise><xsl:call-template name="te:let-select"/></xsl:otherwise>
      </xsl:choose>
    </out:variable>
  </xsl:template>

  <xsl:template match="sch:let" mode="te:rule-let">
    <out:variable name="{@name}">
      <xsl:call-template name="te:namespaces"/>
      <xsl:call-template name="te:at"/>
      <xsl:copy-of select="@as"/>
      <xsl:call-template name="te:let-select"/>
    </out:variable>
  </xsl:template>

  <xsl:template match="sch:assert | sch:report" mode="te:generate">
    <out:if test="{if (self::sch:assert) then 'not(' || @test || ')' else @test}">
      <xsl:call-template name="te:namespaces"/>
      <xsl:call-template name="te:at"/>
      <xsl:element name="{if (self::sch:assert) then 'svrl:failed-assert' else 'svrl:successful-report'}"
                   namespace="http://purl.oclc.org/dsdl/svrl">
        <xsl:attribute name="xsl:exclude-result-prefixes" select="'#all'"/>
        <xsl:for-each select="@id, @role, @flag, @test, @see, @icon, @fpi">
          <xsl:attribute name="{name()}" select="te:literal(.)"/>
        </xsl:for-each>
        <xsl:if test="@xml:lang">
          <xsl:attribute name="xml:lang" select="te:literal(lower-case(@xml:lang))"/>
        </xsl:if>
        <!-- the subject's path; an item that is no node (visit-each) is placed at its rule's node -->
        <out:attribute name="location" select="path(let $s := ({(@subject, ../@subject, '.')[1]})[1]
          return if ($s instance of node()) then $s else $Q{{urn:x-tei-edition}}node)"/>
        <xsl:variable name="here" select="."/>
        <xsl:for-each select="tokenize(normalize-space(@diagnostics))">
          <xsl:variable name="found" select="te:referenced($here, 'diagnostic', .)"/>
          <xsl:if test="empty($found)">
            <xsl:sequence select="error(xs:QName('te:TE0307'), 'TE0307 diagnostics names ' || . || ', which no sch:diagnostic defines')"/>
          </xsl:if>
          <svrl:diagnostic-reference diagnostic="{te:literal(.)}" out:exclude-result-prefixes="#all">
            <xsl:apply-templates select="$found" mode="te:text"/>
          </svrl:diagnostic-reference>
        </xsl:for-each>
        <xsl:for-each select="tokenize(normalize-space(@properties))">
          <xsl:variable name="found" select="te:referenced($here, 'property', .)"/>
          <xsl:if test="empty($found)">
            <xsl:sequence select="error(xs:QName('te:TE0308'), 'TE0308 properties names ' || . || ', which no sch:property defines')"/>
          </xsl:if>
          <svrl:property-reference property="{te:literal(.)}" out:exclude-result-prefixes="#all">
            <xsl:for-each select="$found/(@role, @scheme)">
              <xsl:attribute name="{name()}" select="te:literal(.)"/>
            </xsl:for-each>
            <xsl:apply-templates select="$found" mode="te:text"/>
          </svrl:property-reference>
        </xsl:for-each>
        <svrl:text out:exclude-result-prefixes="#all">
          <out:variable name="Q{{urn:x-tei-edition}}text" as="xs:string*">
            <xsl:apply-templates select="node()" mode="te:message"/>
          </out:variable>
          <out:value-of select="normalize-space(string-join($Q{{urn:x-tei-edition}}text))"/>
        </svrl:text>
      </xsl:element>
    </out:if>
  </xsl:template>

  <!-- The diagnostic or property an id names: the instantiated pattern's own first. -->
  <xsl:function name="te:referenced" as="element()?">
    <xsl:param name="from" as="element()"/>
    <xsl:param name="kind" as="xs:string"/>
    <xsl:param name="id" as="xs:string"/>
    <xsl:variable name="container" select="if ($kind = 'property') then 'properties' else 'diagnostics'"/>
    <xsl:variable name="local" select="$from/ancestor::sch:pattern[1]/*[local-name() = $container]/*[local-name() = $kind][@id = $id]"/>
    <xsl:sequence select="($local, root($from)/sch:schema/*[local-name() = $container]/*[local-name() = $kind][@id = $id])[1]"/>
  </xsl:function>

  <xsl:template match="sch:diagnostic" mode="te:text">
    <svrl:text out:exclude-result-prefixes="#all">
      <xsl:call-template name="te:text-attributes"/>
      <out:variable name="Q{{urn:x-tei-edition}}text" as="xs:string*">
        <xsl:call-template name="te:namespaces"/>
        <xsl:apply-templates select="node()" mode="te:message"/>
      </out:variable>
      <out:value-of select="normalize-space(string-join($Q{{urn:x-tei-edition}}text))"/>
    </svrl:text>
  </xsl:template>

  <!-- A property's content is kept as it is (xsl:copy-of may add nodes to it). -->
  <xsl:template match="sch:property" mode="te:text">
    <svrl:text out:exclude-result-prefixes="#all">
      <xsl:call-template name="te:text-attributes"/>
      <xsl:apply-templates select="node()" mode="te:message"/>
    </svrl:text>
  </xsl:template>

  <xsl:template name="te:text-attributes">
    <xsl:if test="@xml:lang">
      <xsl:attribute name="xml:lang" select="te:literal(lower-case(@xml:lang))"/>
    </xsl:if>
    <xsl:for-each select="@xml:space, @see, @icon, @fpi">
      <xsl:attribute name="{name()}" select="te:literal(.)"/>
    </xsl:for-each>
  </xsl:template>

  <!-- Attributes of literal result elements in the output are attribute value templates. -->
  <xsl:function name="te:literal" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="replace(replace($value, '\{', '{{'), '\}', '}}')"/>
  </xsl:function>

  <!-- Message content: text, the context's name, computed values. Other elements (rich
       text, foreign markup) give their content; their own markup is not copied. -->
  <xsl:template match="text()" mode="te:message">
    <out:text><xsl:value-of select="."/></out:text>
  </xsl:template>
  <xsl:template match="sch:name" mode="te:message">
    <xsl:choose>
      <xsl:when test="@path"><out:value-of select="{@path}"><xsl:call-template name="te:namespaces"/><xsl:call-template name="te:at"/></out:value-of></xsl:when>
      <xsl:otherwise><out:value-of select="name()"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template match="sch:value-of" mode="te:message">
    <out:value-of select="{@select}"><xsl:call-template name="te:namespaces"/><xsl:call-template name="te:at"/></out:value-of>
  </xsl:template>
  <xsl:template match="xsl:copy-of" mode="te:message">
    <out:copy-of select="{@select}"><xsl:call-template name="te:namespaces"/><xsl:call-template name="te:at"/></out:copy-of>
  </xsl:template>

  <!-- Top-level xsl:key and xsl:function, already screened: copied with their namespaces,
       without our annotations. -->
  <xsl:template match="@te:*" mode="te:copy"/>
  <xsl:template match="/sch:schema/xsl:key | /sch:schema/xsl:function" mode="te:copy">
    <xsl:copy>
      <xsl:call-template name="te:at"/>
      <xsl:apply-templates select="@*, node()" mode="te:copy"/>
    </xsl:copy>
  </xsl:template>
</xsl:stylesheet>
