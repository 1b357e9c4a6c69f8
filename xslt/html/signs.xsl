<?xml version="1.0" encoding="UTF-8"?>
<!--
  The signs and markup of the reading text, explained with samples as they appear
  there (the signs and their wording come from the common layer). Shown on a
  document's about page (about.xsl) and on a collection's (xslt/site/site.xsl).
-->
<xsl:stylesheet version="3.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:xs="http://www.w3.org/2001/XMLSchema"
  xmlns:te="urn:x-tei-edition"
  xmlns:h="urn:x-tei-edition:html"
  xmlns="http://www.w3.org/1999/xhtml"
  exclude-result-prefixes="#all" expand-text="yes">

  <!-- The signs and markup of the reading text, shown as they appear there. -->
  <xsl:template name="h:signs" as="element()">
    <xsl:param name="reading" as="xs:string"/>
    <section id="te-signs" aria-labelledby="te-signs-h">
      <h2 id="te-signs-h">Signs and markup in the text</h2>
      <p>Pointing at a marked passage (or at a name, or focusing it with the keyboard) shows what it is.</p>
      <table class="signs">
        <thead><tr><th scope="col">In the text</th><th scope="col">Meaning</th></tr></thead>
        <tbody>
          <!-- the signs as the common layer explains them (policy.xml) -->
          <xsl:for-each select="te:sign-legend()">
            <tr>
              <td><span class="tei-{@element} editorial">{@sample}</span></td>
              <td>{@explain}</td>
            </tr>
          </xsl:for-each>
          <tr>
            <td><span class="tei-choice editorial switch">reading</span></td>
            <td>Corrected, expanded or regularised ({$reading} reading); the source’s form is shown on hover,
              and “Show diplomatic reading” (or “normalised”) switches the whole text.</td>
          </tr>
          <tr>
            <td><span class="tei-add editorial">added</span></td>
            <td>Added in the source, for instance by hand; the hand and place are shown on hover.</td>
          </tr>
          <tr>
            <td><span class="tei-stamp">Stamp</span></td>
            <td>A stamp on the source.</td>
          </tr>
          <tr>
            <td><span class="pb-n demo">p. 2</span></td>
            <td>In the margin: page 2 of the source begins here.</td>
          </tr>
          <tr>
            <td><sup class="noteref">{te:mark-legend('notes')[1]}</sup></td>
            <td>{te:mark-legend('notes')[2]}</td>
          </tr>
          <tr>
            <td><sup class="noteref appref">{te:mark-legend('textual-notes')[1]}</sup></td>
            <td>{te:mark-legend('textual-notes')[2]}</td>
          </tr>
          <tr>
            <td><span class="name person">Name</span></td>
            <td>A person, place or organisation in the registers; “Highlight names” sets persons,
              places and organisations apart.</td>
          </tr>
          <tr>
            <td><span class="cite demo">¶</span></td>
            <td>A stable link to the passage, for citation; it is the same in every build.</td>
          </tr>
        </tbody>
      </table>
    </section>
  </xsl:template>
</xsl:stylesheet>
