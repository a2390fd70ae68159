/* Projector page (self check-in): fetch the current QR (SVG) when its 20-second slot ends.
   The server says when the next code is due (X-Refresh-In), so a slow laptop clock does not
   matter. On a network error the old code stays and a warning shows; we retry every 3 s. */
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var box = document.getElementById("projector-qr");
  var status = document.getElementById("projector-status");
  var url = root.getAttribute("data-qr-url");
  var slotMs = (parseInt(root.getAttribute("data-slot-seconds"), 10) || 20) * 1000;
  var failures = 0;

  function show(svgText) {
    var doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    var svg = doc.documentElement;
    if (!svg || svg.nodeName.toLowerCase() !== "svg") { throw new Error("bukan SVG"); }
    box.replaceChildren(document.importNode(svg, true));
  }

  function refresh() {
    fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (resp) {
      if (!resp.ok) { throw new Error("HTTP " + resp.status); }
      var wait = parseFloat(resp.headers.get("X-Refresh-In"));
      return resp.text().then(function (text) {
        show(text);
        failures = 0;
        status.textContent = "";
        var ms = isFinite(wait) ? wait * 1000 + 150 : slotMs;
        setTimeout(refresh, Math.min(Math.max(ms, 500), slotMs + 500));
      });
    }).catch(function () {
      failures += 1;
      if (failures >= 2) {
        status.textContent = "Koneksi terputus: kode QR tidak diperbarui. Periksa jaringan laptop ini.";
      }
      setTimeout(refresh, 3000);
    });
  }

  var full = document.getElementById("projector-full");
  if (full && document.documentElement.requestFullscreen) {
    full.addEventListener("click", function () { document.documentElement.requestFullscreen(); });
  } else if (full) {
    full.hidden = true;
  }
  refresh();
}());
