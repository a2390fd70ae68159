/* After a failed submission the page comes back with field errors (templates/_macros/forms.html
   marks the fields aria-invalid="true" and points aria-describedby at the message). Move focus
   to the first field in error and scroll it into view, so a long form on a phone does not open
   at the top with only a banner. Loaded by base.html with defer; does nothing without errors. */
(function () {
  "use strict";
  var field = document.querySelector("main [aria-invalid='true']");
  if (!field) {
    var error = document.querySelector("main .field-error");
    var box = error && error.closest(".field");
    field = box && box.querySelector("input:not([type=hidden]), select, textarea");
  }
  if (!field) { return; }
  var target = field.closest(".field") || field;
  target.scrollIntoView({ block: "center" });
  try { field.focus({ preventScroll: true }); } catch (_) { field.focus(); }
})();
