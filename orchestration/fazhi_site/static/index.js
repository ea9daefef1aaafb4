// Index: search the report list (assets/reports.js) by region and year; the coverage matrix fills the form.
(function () {
  "use strict";
  var reports = window.FAZHI_REPORTS || [];
  var region = document.getElementById("q-region");
  var year = document.getElementById("q-year");
  var tbody = document.querySelector("#results tbody");
  var count = document.getElementById("result-count");
  var LIMIT = 500;

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    if (cls) td.className = cls;
    return td;
  }

  function render() {
    var q = region.value.trim();
    var y = year.value;
    var hits = reports.filter(function (r) {
      if (y && String(r.year) !== y) return false;
      if (!q) return true;
      return (r.region + " " + r.code + " " + r.file + " " + r.title).indexOf(q) >= 0;
    });
    tbody.textContent = "";
    hits.slice(0, LIMIT).forEach(function (r) {
      var tr = document.createElement("tr");
      tr.appendChild(cell(r.region));
      tr.appendChild(cell(r.year == null ? "?" : r.year));
      var td = document.createElement("td");
      var a = document.createElement("a");
      a.href = "reports/" + r.id + ".html";
      a.textContent = r.title || r.file;
      a.className = "report-link";
      td.appendChild(a);
      td.appendChild(document.createTextNode(" "));
      var small = document.createElement("small");
      small.textContent = r.file;
      td.appendChild(small);
      tr.appendChild(td);
      tr.appendChild(cell(r.stated, "n"));
      tr.appendChild(cell(r.corrected, "n"));
      tr.appendChild(cell(r.context, "n"));
      tr.appendChild(cell(r.derived, "n"));
      tbody.appendChild(tr);
    });
    count.textContent = hits.length + " 份" + (hits.length > LIMIT ? "(显示前 " + LIMIT + " 份)" : "");
  }

  region.addEventListener("input", render);
  year.addEventListener("change", render);
  document.querySelectorAll("#coverage a[data-province]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      region.value = a.getAttribute("data-province");
      year.value = a.getAttribute("data-year");
      render();
      document.getElementById("search").scrollIntoView();
    });
  });
  render();
})();
