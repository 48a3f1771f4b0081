// Draws the graph listed in the page's tables with the vendored cytoscape.js (no CDN, under
// the site's CSP). Without JavaScript the tables are the view.
(function () {
  "use strict";
  var holder = document.getElementById("graph");
  var source = document.getElementById("graph-data");
  if (!holder || !source || typeof cytoscape !== "function") { return; }
  var data = JSON.parse(source.textContent);
  var elements = data.nodes.map(function (n) {
    return { data: { id: n.id, label: n.label, kind: n.kind } };
  }).concat(data.edges.map(function (e, i) {
    return { data: { id: "edge" + i, source: e.source, target: e.target, label: e.label } };
  }));
  holder.classList.add("graph-drawn");
  var cy = cytoscape({
    container: holder,
    elements: elements,
    layout: { name: "cose", animate: false },
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 10, "background-color": "#1f5f8b" } },
      { selector: "node[kind = 'phone'], node[kind = 'email'], node[kind = 'url']", style: { shape: "round-rectangle", "background-color": "#8b5a1f" } },
      { selector: "edge", style: { label: "data(label)", "font-size": 8, width: 1, "curve-style": "bezier", "target-arrow-shape": "triangle" } }
    ]
  });
  cy.on("tap", "node", function (event) {
    var id = event.target.id();
    window.location.search = "?node=" + encodeURIComponent(id);
  });
  window.tiakiGraph = cy;
}());
