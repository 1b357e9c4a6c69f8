/* The register entries the name cards show, written by tei-edition. */
window.teEntities = {"person":{"p-kim":["Kim Il Sung"],"p-schneidewind":["Kurt Schneidewind"],"p-kang":["강량욱"]}};
