<?xml version="1.0" encoding="UTF-8"?>
<!--
  The shared layer every format imports: parameters, classification, anchors, entity
  lookup, the encoding's spaces (spacing.xsl) and the editorial policy pre-pass (normalize.xsl). A format's entry stylesheet:

    <xsl:import href="../common/common.xsl"/>
    <xsl:template match="/">
      <xsl:apply-templates select="te:normalized(/)" mode="my-format"/>
    </xsl:template>
-->
<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
  <xsl:include href="params.xsl"/>
  <xsl:include href="policy.xsl"/>
  <xsl:include href="classify.xsl"/>
  <xsl:include href="anchors.xsl"/>
  <xsl:include href="entities.xsl"/>
  <xsl:include href="names.xsl"/>
  <xsl:include href="entry-forms.xsl"/>
  <xsl:include href="spacing.xsl"/>
  <xsl:include href="normalize.xsl"/>
</xsl:stylesheet>
