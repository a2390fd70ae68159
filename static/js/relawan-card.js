/* Kartu relawan: show the print button only when JavaScript can print (CSP: no inline handlers). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () { window.print(); });
  });
})();
