/* The register entries the name cards show, written by tei-edition. */
window.teEntities = {"p1":{"type":"person","label":"A. M. Puzanov"},"pl1":{"type":"place","label":"Pyongyang"}};
