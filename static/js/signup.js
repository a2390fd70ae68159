/* Kelurahan search (progressive enhancement): type a name, also spelling variants such as
   "Kamanisan" or "Curugmanis", and the <select> keeps only matching kelurahan. */
(function () {
  "use strict";
  function norm(s) { return (s || "").toLowerCase().replace(/[^a-z]/g, ""); }
  document.querySelectorAll("select[data-kelurahan-search]").forEach(function (select) {
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (g) {
      return { label: g.label, options: Array.prototype.slice.call(g.querySelectorAll("option")) };
    });
    var placeholder = select.querySelector("option[value='']");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "kel-search";
    input.placeholder = "Ketik untuk mencari kelurahan";
    input.setAttribute("aria-label", "Cari kelurahan");
    input.setAttribute("aria-controls", select.id);
    input.autocomplete = "off";
    select.parentNode.insertBefore(input, select);
    input.addEventListener("input", function () {
      var q = norm(input.value), chosen = select.value, matches = [];
      while (select.firstChild) { select.removeChild(select.firstChild); }
      if (placeholder) { select.appendChild(placeholder); }
      groups.forEach(function (g) {
        var hits = g.options.filter(function (o) {
          return !q || (o.getAttribute("data-keys") || "").split(" ").some(function (k) { return k.indexOf(q) !== -1; });
        });
        if (!hits.length) { return; }
        var og = document.createElement("optgroup");
        og.label = g.label;
        hits.forEach(function (o) { og.appendChild(o); matches.push(o); });
        select.appendChild(og);
      });
      if (q && matches.length === 1) { select.value = matches[0].value; }
      else { select.value = chosen; if (select.value !== chosen) { select.value = ""; } }
    });
  });
})();
