/* The register entries the name cards show, written by tei-edition. */
window.teEntities = {"person":{"p1":["A. M. Puzanov"]},"place":{"pl1":["Pyongyang"]}};
