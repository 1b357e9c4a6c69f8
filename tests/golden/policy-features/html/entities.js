/* The register entries the name cards show, written by tei-edition. */
window.teEntities = {"p-kim":{"type":"person","label":"Kim Il Sung"},"p-schneidewind":{"type":"person","label":"Kurt Schneidewind"},"p-kang":{"type":"person","label":"강량욱"}};
