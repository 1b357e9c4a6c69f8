/* The register entries the name cards show, written by tei-edition. */
window.teEntities = {};
