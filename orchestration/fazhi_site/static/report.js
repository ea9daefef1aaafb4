// Report page: the side panel scrolls to a figure; clicking a figure offers its line for corrections.csv.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fazhi-data").textContent);
  var byId = {};
  data.figures.forEach(function (f) { byId[f.id] = f; });
  var catalog = window.FAZHI_CATALOG || [];
  var columns = window.FAZHI_CORRECTION_COLUMNS || [];

  function flash(el) {
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
  }

  function goTo(id) {
    var el = document.getElementById(id);
    if (!el) return;
    el.scrollIntoView({ block: "center" });
    flash(el);
    select(id);
  }

  document.querySelectorAll("button.fact-link").forEach(function (b) {
    b.addEventListener("click", function () { goTo(b.getAttribute("data-target")); });
  });

  // --- the correction box ---
  var box = document.getElementById("correction");
  var action = document.getElementById("corr-action");
  var metric = document.getElementById("corr-metric");
  var value = document.getElementById("corr-value");
  var reason = document.getElementById("corr-reason");
  var reviewer = document.getElementById("corr-reviewer");
  var out = document.getElementById("corr-line");
  var current = null;
  metric.appendChild(new Option("", ""));
  catalog.forEach(function (m) { metric.appendChild(new Option(m.label + " (" + m.code + ")", m.code)); });
  try { reviewer.value = localStorage.getItem("fazhi.reviewer") || ""; } catch (e) { /* file:// may forbid it */ }

  function csvCell(v) {
    v = v == null ? "" : String(v);
    return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v;
  }

  function num(v) { return v == null ? "" : String(+v); }

  function render() {
    if (!current) return;
    var a = action.value;
    var cells = {
      action: a, sha256: data.sha256, char_start: current.char_start, char_length: current.char_length,
      figure_text: current.figure_text, metric_code: "", value: "", comparator: "", channel: "",
      reason: reason.value, reviewer: reviewer.value, source_file: data.source_file
    };
    if (a === "relabel" || a === "add") cells.metric_code = metric.value;
    if (a === "revalue" || a === "add") cells.value = value.value;
    if (a === "relabel" && value.value !== num(current.value)) cells.value = value.value;
    out.value = columns.map(function (c) { return csvCell(cells[c]); }).join(",");
  }

  function select(id) {
    var f = byId[id];
    if (!f) return;
    document.querySelectorAll(".fig.selected").forEach(function (e) { e.classList.remove("selected"); });
    var el = document.getElementById(id);
    if (el) el.classList.add("selected");
    current = f;
    box.hidden = false;
    document.getElementById("corr-figure").textContent = "「" + f.figure_text + "」 " + (el ? el.title : "");
    action.value = f.kind === "unclassified" ? "add" : "reject";
    metric.value = f.metric_code || "";
    value.value = num(f.value);
    render();
  }

  document.getElementById("text").addEventListener("click", function (ev) {
    var el = ev.target.closest("mark.fig");
    if (!el) return;
    select(el.id);
    box.scrollIntoView({ block: "nearest" }); // within the side panel
  });
  [action, metric, value, reason].forEach(function (e) { e.addEventListener("input", render); });
  reviewer.addEventListener("input", function () {
    try { localStorage.setItem("fazhi.reviewer", reviewer.value); } catch (e) { /* ignore */ }
    render();
  });
  document.getElementById("corr-copy").addEventListener("click", function () {
    out.select();
    var done = function () { document.getElementById("corr-copied").textContent = "已复制"; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(out.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
  if (location.hash && byId[location.hash.slice(1)]) goTo(location.hash.slice(1));
})();
