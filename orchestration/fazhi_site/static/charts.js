// Charts page: render the Vega-Lite specs embedded in the page with vega-embed (assets/vega.js, offline).
(function () {
  "use strict";
  function show(id, specId) {
    var spec = JSON.parse(document.getElementById(specId).textContent);
    var el = document.getElementById(id);
    window.vegaEmbed(el, spec, { renderer: "svg", actions: false })
      .then(function () { el.setAttribute("data-rendered", "true"); })
      .catch(function (err) { el.setAttribute("data-error", String(err)); el.textContent = "图表无法显示: " + err; });
  }
  show("chart-rates", "spec-rates");
  show("chart-map", "spec-map");
})();
