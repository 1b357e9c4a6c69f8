<?xml version="1.0" encoding="UTF-8"?>
<!--
  The benchmark's stand-in for the TEI Stylesheets' HTML conversion, which is not
  installable on this machine (no Debian or PyPI package): a generic TEI to HTML page
  of the same kind (title, header facts, the text with headings, paragraphs, line
  breaks, highlights, names and notes collected at the end). It does less than the
  TEI Stylesheets do, so it is a stricter reference than theirs, not a kinder one.
-->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0" exclude-result-prefixes="#all" expand-text="yes">
  <xsl:output method="html" html-version="5" encoding="UTF-8" indent="no"/>

  <xsl:template match="/">
    <html>
      <head><meta charset="utf-8"/><title>{normalize-space((//tei:titleStmt/tei:title)[1])}</title></head>
      <body>
        <header>
          <h1>{normalize-space((//tei:titleStmt/tei:title)[1])}</h1>
          <xsl:for-each select="//tei:correspAction">
            <p class="{@type}">{@type}: {string-join(tei:persName ! normalize-space(), ', ')}
              {string-join(tei:placeName ! normalize-space(), ', ')} {tei:date/@when}</p>
          </xsl:for-each>
        </header>
        <main><xsl:apply-templates select="//tei:text"/></main>
        <section class="notes">
          <xsl:for-each select="//tei:text//tei:note">
            <p id="note{position()}"><a href="#ref{position()}">{position()}</a>
              <xsl:apply-templates/></p>
          </xsl:for-each>
        </section>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="tei:div | tei:body | tei:front | tei:back | tei:opener | tei:closer">
    <div class="{local-name()}"><xsl:apply-templates/></div>
  </xsl:template>
  <xsl:template match="tei:head"><h2><xsl:apply-templates/></h2></xsl:template>
  <xsl:template match="tei:p"><p><xsl:apply-templates/></p></xsl:template>
  <xsl:template match="tei:lb"><br/></xsl:template>
  <xsl:template match="tei:hi"><span class="{@rend}"><xsl:apply-templates/></span></xsl:template>
  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:name">
    <span class="{local-name()}" title="{@ref | @key}"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="tei:note">
    <xsl:variable name="n" select="count(preceding::tei:note[ancestor::tei:text]) + 1"/>
    <sup id="ref{$n}"><a href="#note{$n}">{$n}</a></sup>
  </xsl:template>
  <xsl:template match="tei:*"><span class="{local-name()}"><xsl:apply-templates/></span></xsl:template>
</xsl:stylesheet>
