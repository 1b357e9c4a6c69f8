<?xml version="1.0" encoding="UTF-8"?>
<!--
  "About this edition" (about.html): the editorial conventions from encodingDesc, the
  signs and markup of the reading text (the signs come from the common layer, so the
  explanation cannot drift from the text), hands and languages from profileDesc, and
  the whole teiHeader as a tree for those who want every detail.
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <xsl:mode name="h:prose" on-no-match="text-only-copy"/>
  <xsl:mode name="h:tree" on-no-match="shallow-skip"/>

  <xsl:template name="h:about-page" as="element()">
    <xsl:param name="norm" as="document-node()"/>
    <xsl:variable name="header" select="($norm/*/tei:teiHeader)[1]"/>
    <xsl:call-template name="h:page">
      <xsl:with-param name="norm" select="$norm"/>
      <xsl:with-param name="page" select="'about'"/>
      <xsl:with-param name="title" select="'About this edition'"/>
      <xsl:with-param name="content" as="element()*">
        <header class="page-header">
          <h1>About this edition</h1>
        </header>
        <nav class="page-contents" aria-label="On this page">
          <ul>
            <li><a href="#te-conventions">Editorial conventions</a></li>
            <li><a href="#te-signs">Signs and markup</a></li>
            <xsl:if test="$header//tei:handNote"><li><a href="#te-hands">Hands</a></li></xsl:if>
            <xsl:if test="$header//tei:langUsage"><li><a href="#te-languages">Languages</a></li></xsl:if>
            <li><a href="#te-header">The full header</a></li>
          </ul>
        </nav>
        <section id="te-conventions" aria-labelledby="te-conventions-h">
          <h2 id="te-conventions-h">Editorial conventions</h2>
          <xsl:variable name="declared" select="$header/tei:encodingDesc/*"/>
          <xsl:choose>
            <xsl:when test="$declared">
              <xsl:apply-templates select="$declared" mode="h:prose"/>
            </xsl:when>
            <xsl:otherwise>
              <p>The encoding declares no editorial conventions.</p>
            </xsl:otherwise>
          </xsl:choose>
        </section>
        <xsl:call-template name="h:signs">
          <xsl:with-param name="reading" select="$reading"/>
        </xsl:call-template>
        <xsl:if test="$header//tei:handNote">
          <section id="te-hands" aria-labelledby="te-hands-h">
            <h2 id="te-hands-h">Hands</h2>
            <dl class="hands">
              <xsl:for-each select="$header//tei:handNote">
                <dt>{(@xml:id, 'hand')[1]}{string-join((@medium, @scope, @script) ! (', ' || normalize-space(.)))}</dt>
                <dd>{h:plain(.)}</dd>
              </xsl:for-each>
            </dl>
          </section>
        </xsl:if>
        <xsl:if test="$header//tei:langUsage">
          <section id="te-languages" aria-labelledby="te-languages-h">
            <h2 id="te-languages-h">Languages</h2>
            <ul>
              <xsl:for-each select="$header//tei:langUsage/tei:language">
                <li>{h:plain(.)[.]}{@ident ! (' (' || normalize-space(.) || ')')}</li>
              </xsl:for-each>
            </ul>
          </section>
        </xsl:if>
        <section id="te-header" aria-labelledby="te-header-h">
          <h2 id="te-header-h">The full header</h2>
          <xsl:if test="$header">
            <details class="header-details">
              <summary>Every element and attribute of the TEI header, as encoded</summary>
              <dl class="header-tree">
                <xsl:apply-templates select="$header" mode="h:tree"/>
              </dl>
            </details>
          </xsl:if>
        </section>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- ============ prose of encodingDesc ============ -->

  <xsl:template match="*[tei:p | tei:ab | tei:list | tei:table | tei:lg | tei:quote | *[tei:p]]" mode="h:prose" priority="-0.5">
    <section class="decl {local-name()}">
      <xsl:element name="h{min((5, 3 + count(ancestor::*) - count(ancestor::tei:encodingDesc/ancestor-or-self::*)))}">{h:humanize(local-name())}</xsl:element>
      <xsl:apply-templates select="*" mode="h:prose"/>
    </section>
  </xsl:template>

  <xsl:template match="tei:p | tei:ab" mode="h:prose">
    <p><xsl:apply-templates mode="h:prose-inline"/></p>
  </xsl:template>

  <xsl:template match="tei:head" mode="h:prose">
    <h4><xsl:apply-templates mode="h:prose-inline"/></h4>
  </xsl:template>

  <xsl:template match="tei:list" mode="h:prose">
    <ul>
      <xsl:for-each select="*">
        <li><xsl:apply-templates mode="h:prose-inline"/></li>
      </xsl:for-each>
    </ul>
  </xsl:template>

  <!-- Anything else in encodingDesc (tagsDecl, classDecl, …): named, with its text. -->
  <xsl:template match="*" mode="h:prose" priority="-1">
    <xsl:if test="normalize-space()">
      <p class="decl {local-name()}"><span class="decl-name">{h:humanize(local-name())}:</span>
        <xsl:text> </xsl:text>{h:plain(.)}</p>
    </xsl:if>
  </xsl:template>

  <xsl:mode name="h:prose-inline" on-no-match="text-only-copy"/>

  <xsl:template match="tei:ref[h:safe-url(@target)] | tei:ptr[h:safe-url(@target)]" mode="h:prose-inline">
    <a class="external" href="{h:safe-url(@target)}" rel="noopener noreferrer">
      <xsl:apply-templates mode="h:prose-inline"/>
      <xsl:if test="self::tei:ptr">{h:safe-url(@target)}</xsl:if>
    </a>
  </xsl:template>

  <xsl:template match="tei:hi | tei:emph | tei:title | tei:foreign | tei:term" mode="h:prose-inline">
    <i><xsl:apply-templates mode="h:prose-inline"/></i>
  </xsl:template>

  <!-- Element and attribute names in the prose, written as they are in XML. -->
  <xsl:template match="tei:gi" mode="h:prose-inline"><code>&lt;{.}&gt;</code></xsl:template>
  <xsl:template match="tei:tag" mode="h:prose-inline"><code>&lt;{.}&gt;</code></xsl:template>
  <xsl:template match="tei:att" mode="h:prose-inline"><code>@{.}</code></xsl:template>
  <xsl:template match="tei:val" mode="h:prose-inline"><code>"{.}"</code></xsl:template>

  <xsl:template match="tei:note" mode="h:prose-inline">
    <xsl:text> (</xsl:text><xsl:apply-templates mode="h:prose-inline"/><xsl:text>)</xsl:text>
  </xsl:template>

  <!-- ============ the header as a tree ============ -->

  <xsl:template match="*" mode="h:tree">
    <dt>
      <code class="element">{local-name()}</code>
      <xsl:for-each select="@*[namespace-uri() ne 'urn:x-tei-edition']">
        <xsl:text> </xsl:text>
        <span class="attribute"><span class="attribute-name">{name()}</span>=“{.}”</span>
      </xsl:for-each>
    </dt>
    <dd>
      <xsl:choose>
        <xsl:when test="* and not(normalize-space(string-join(text(), '')))">
          <dl>
            <xsl:apply-templates select="*" mode="h:tree"/>
          </dl>
        </xsl:when>
        <xsl:otherwise>{normalize-space()}</xsl:otherwise>
      </xsl:choose>
    </dd>
  </xsl:template>
</xsl:stylesheet>
