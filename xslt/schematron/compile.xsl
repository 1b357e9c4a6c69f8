<?xml version="1.0" encoding="UTF-8"?>
<!--
  Compile an ISO Schematron schema into an XSLT 3.0 stylesheet that writes SVRL.

  Our own, compact replacement for the ISO skeleton, so that rules written for
  queryBinding xslt2/xslt3 (the TEI's constraints, FRUS's frus.sch) run on Saxon.
  Three steps, one mode each:
    te:expand    instantiate abstract patterns (sch:param) and abstract rules (sch:extends);
    (selection)  keep the patterns of the requested phase;
    te:generate  write the stylesheet: one mode per pattern, one template per rule.
  Every failed assert and successful report carries path() of its context node; Python
  maps that path back to a source line.
  sch:include is resolved before this step (schematron.py), so the stylesheet reads no file.
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
  <xsl:output method="xml" indent="no"/>

  <!-- "#DEFAULT" uses the schema's @defaultPhase (or every pattern); "#ALL" every pattern. -->
  <xsl:param name="phase" as="xs:string" select="'#DEFAULT'"/>

  <xsl:mode name="te:expand" on-no-match="shallow-copy"/>
  <xsl:mode name="te:generate" on-no-match="shallow-skip"/>
  <xsl:mode name="te:message" on-no-match="shallow-skip"/>
  <xsl:mode name="te:copy" on-no-match="shallow-copy"/>
  <!-- lets, at each level: only sch:let is ever applied here -->
  <xsl:mode name="te:global-let" on-no-match="fail"/>
  <xsl:mode name="te:pattern-let" on-no-match="fail"/>
  <xsl:mode name="te:rule-let" on-no-match="fail"/>

  <xsl:template match="/">
    <xsl:variable name="expanded" as="document-node()">
      <xsl:document><xsl:apply-templates select="sch:schema" mode="te:expand"/></xsl:document>
    </xsl:variable>
    <xsl:apply-templates select="$expanded/sch:schema" mode="te:generate"/>
  </xsl:template>

  <!-- ================================================================ te:expand -->

  <!-- Our line annotations must not leak into the generated stylesheet. -->
  <xsl:template match="@te:*" mode="te:expand te:copy"/>

  <xsl:template match="sch:pattern[@abstract = 'true'] | sch:rule[@abstract = 'true']" mode="te:expand"/>

  <xsl:template match="sch:pattern[@is-a]" mode="te:expand">
    <xsl:variable name="abstract" select="key('te:pattern', @is-a)"/>
    <xsl:if test="empty($abstract)">
      <xsl:sequence select="error(xs:QName('te:TE0302'),
        'TE0302 pattern ' || (@id, '(no id)')[1] || ' instantiates the unknown abstract pattern ' || @is-a)"/>
    </xsl:if>
    <xsl:variable name="params" select="sch:param"/>
    <sch:pattern>
      <xsl:copy-of select="@id, @documents"/>
      <xsl:apply-templates select="$abstract/node()" mode="te:instantiate">
        <xsl:with-param name="params" select="$params" tunnel="yes"/>
      </xsl:apply-templates>
    </sch:pattern>
  </xsl:template>

  <xsl:key name="te:pattern" match="sch:pattern[@abstract = 'true']" use="@id"/>
  <xsl:key name="te:rule" match="sch:rule[@abstract = 'true']" use="@id"/>

  <xsl:mode name="te:instantiate" on-no-match="shallow-copy"/>
  <xsl:template match="@te:*" mode="te:instantiate"/>

  <!-- Parameters are textual placeholders ($name) in the XPath-bearing attributes. -->
  <xsl:template match="@context | @test | @select | @value | @path | @subject" mode="te:instantiate">
    <xsl:param name="params" tunnel="yes"/>
    <xsl:attribute name="{name()}" select="te:substitute(string(.), $params)"/>
  </xsl:template>

  <xsl:template match="sch:extends[@rule]" mode="te:expand te:instantiate">
    <xsl:variable name="base" select="key('te:rule', @rule)"/>
    <xsl:if test="empty($base)">
      <xsl:sequence select="error(xs:QName('te:TE0303'),
        'TE0303 sch:extends names the unknown abstract rule ' || @rule)"/>
    </xsl:if>
    <xsl:apply-templates select="$base/node()" mode="#current"/>
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
    <xsl:variable name="chosen" select="if ($phase = '#DEFAULT') then (@defaultPhase, '#ALL')[1] else $phase"/>
    <xsl:variable name="phase-el" select="sch:phase[@id = $chosen]"/>
    <xsl:if test="$chosen ne '#ALL' and empty($phase-el)">
      <xsl:sequence select="error(xs:QName('te:TE0304'),
        'TE0304 the schema has no phase ' || $chosen || ' (phases: ' || (string-join(sch:phase/@id, ', '), 'none')[1] || ')')"/>
    </xsl:if>
    <xsl:variable name="patterns" select="if ($chosen eq '#ALL') then sch:pattern
                                          else sch:pattern[@id = $phase-el/sch:active/@pattern]"/>
    <out:stylesheet version="3.0" exclude-result-prefixes="#all">
      <xsl:for-each select="sch:ns">
        <xsl:namespace name="{@prefix}" select="string(@uri)"/>
      </xsl:for-each>
      <xsl:namespace name="svrl" select="'http://purl.oclc.org/dsdl/svrl'"/>
      <xsl:namespace name="xs" select="'http://www.w3.org/2001/XMLSchema'"/>
      <!-- Keys and functions written in XSLT inside the schema travel as they are. -->
      <xsl:apply-templates select="xsl:*" mode="te:copy"/>
      <xsl:apply-templates select="sch:let, $phase-el/sch:let" mode="te:global-let"/>
      <out:template match="/">
        <svrl:schematron-output phase="{te:literal($chosen)}">
          <xsl:if test="sch:title">
            <xsl:attribute name="title" select="te:literal(normalize-space(sch:title))"/>
          </xsl:if>
          <xsl:for-each select="$patterns">
            <svrl:active-pattern>
              <xsl:if test="@id"><xsl:attribute name="id" select="te:literal(@id)"/></xsl:if>
            </svrl:active-pattern>
            <out:apply-templates select="/" mode="Q{{urn:x-tei-edition}}p{position()}"/>
          </xsl:for-each>
        </svrl:schematron-output>
      </out:template>
      <xsl:for-each select="$patterns">
        <xsl:apply-templates select="." mode="te:generate">
          <xsl:with-param name="mode" select="'Q{urn:x-tei-edition}p' || position()"/>
        </xsl:apply-templates>
      </xsl:for-each>
    </out:stylesheet>
  </xsl:template>

  <xsl:template match="sch:let" mode="te:global-let">
    <out:variable name="{@name}">
      <xsl:choose>
        <xsl:when test="@value"><xsl:attribute name="select" select="@value"/></xsl:when>
        <xsl:otherwise><xsl:apply-templates select="node()" mode="te:copy"/></xsl:otherwise>
      </xsl:choose>
    </out:variable>
  </xsl:template>

  <xsl:template match="sch:pattern" mode="te:generate">
    <xsl:param name="mode" as="xs:string"/>
    <!-- Attributes are visited only when a rule of this pattern can match one. -->
    <xsl:variable name="attributes" select="some $c in sch:rule/@context satisfies matches($c, '@|attribute(::|\()')"/>
    <xsl:variable name="children" select="if ($attributes) then '@*|node()' else 'node()'"/>
    <out:mode name="{$mode}" on-no-match="shallow-skip"/>
    <xsl:if test="$attributes">
      <out:template match="*" mode="{$mode}" priority="-10">
        <out:apply-templates select="@*|node()" mode="{$mode}"/>
      </out:template>
    </xsl:if>
    <xsl:for-each select="sch:rule[@context]">
      <out:template match="{@context}" mode="{$mode}" priority="{1000 - position()}">
        <xsl:apply-templates select="../sch:let" mode="te:pattern-let"/>
        <xsl:apply-templates select="sch:let" mode="te:rule-let"/>
        <xsl:apply-templates select="sch:assert | sch:report" mode="te:generate"/>
        <out:apply-templates select="{$children}" mode="{$mode}"/>
      </out:template>
    </xsl:for-each>
  </xsl:template>

  <!-- A pattern's variables are evaluated with the document as context. -->
  <xsl:template match="sch:let" mode="te:pattern-let">
    <out:variable name="{@name}" as="item()*">
      <out:for-each select="root(.)">
        <xsl:call-template name="te:let-value"/>
      </out:for-each>
    </out:variable>
  </xsl:template>

  <xsl:template match="sch:let" mode="te:rule-let">
    <out:variable name="{@name}" as="item()*">
      <xsl:call-template name="te:let-value"/>
    </out:variable>
  </xsl:template>

  <xsl:template name="te:let-value">
    <xsl:choose>
      <xsl:when test="@value"><out:sequence select="{@value}"/></xsl:when>
      <xsl:otherwise><xsl:apply-templates select="node()" mode="te:copy"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="sch:assert | sch:report" mode="te:generate">
    <out:if test="{if (self::sch:assert) then 'not(' || @test || ')' else @test}">
      <xsl:element name="{if (self::sch:assert) then 'svrl:failed-assert' else 'svrl:successful-report'}"
                   namespace="http://purl.oclc.org/dsdl/svrl">
        <xsl:for-each select="@id, @role, @flag, @test">
          <xsl:attribute name="{name()}" select="te:literal(.)"/>
        </xsl:for-each>
        <xsl:if test="not(@id) and ../@id">
          <xsl:attribute name="te:rule" select="te:literal(../@id)"/>
        </xsl:if>
        <xsl:if test="not(@id | ../@id) and ../../@id">
          <xsl:attribute name="te:rule" select="te:literal(../../@id)"/>
        </xsl:if>
        <out:attribute name="location" select="path(({(@subject, ../@subject, '.')[1]})[1])"/>
        <svrl:text><xsl:apply-templates select="node()" mode="te:message"/></svrl:text>
        <xsl:variable name="root" select="root(.)"/>
        <xsl:for-each select="tokenize(normalize-space(@diagnostics))">
          <xsl:variable name="id" select="."/>
          <svrl:diagnostic-reference diagnostic="{te:literal($id)}">
            <xsl:apply-templates select="$root//sch:diagnostic[@id = $id]/node()" mode="te:message"/>
          </svrl:diagnostic-reference>
        </xsl:for-each>
      </xsl:element>
    </out:if>
  </xsl:template>

  <!-- Attributes of literal result elements in the output are attribute value templates. -->
  <xsl:function name="te:literal" as="xs:string">
    <xsl:param name="value" as="xs:string"/>
    <xsl:sequence select="replace(replace($value, '\{', '{{'), '\}', '}}')"/>
  </xsl:function>

  <!-- Message content: text, the context's name, computed values. -->
  <xsl:template match="text()" mode="te:message">
    <out:text><xsl:value-of select="."/></out:text>
  </xsl:template>
  <xsl:template match="sch:name" mode="te:message">
    <out:value-of select="name({(@path, '.')[1]})"/>
  </xsl:template>
  <xsl:template match="sch:value-of" mode="te:message">
    <out:value-of select="{@select}"/>
  </xsl:template>
  <xsl:template match="sch:emph | sch:dir | sch:span" mode="te:message">
    <xsl:apply-templates select="node()" mode="te:message"/>
  </xsl:template>
</xsl:stylesheet>
