// Registers the offline service worker (/sw.js, see static/js/sw.js and
// docs/offline.md) and asks it to forget the pages it kept when the person
// logs out. Loaded on every page from base.html:
//   <script src="/static/js/sw-register.js" defer></script>
// Silent everywhere: without service-worker support the app simply works
// online only.
(function () {
  'use strict';

  if (!('serviceWorker' in navigator)) return;

  // The app may be mounted below a path prefix: derive it from this script's URL.
  var base = '';
  var script = document.currentScript;
  if (script && script.src) {
    var match = new URL(script.src, window.location.href).pathname.match(
      /^(.*)\/static\/js\/sw-register\.js$/
    );
    if (match) base = match[1];
  }

  function register() {
    try {
      navigator.serviceWorker.register(base + '/sw.js', { scope: base + '/' }).catch(function () {
        /* insecure context, blocked by the browser or policy: online only */
      });
    } catch (_) {
      /* some browsers throw synchronously in private mode */
    }
  }

  // After the page has loaded, so the precache download does not compete
  // with the page's own files.
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);

  // Logout: the worker cannot read the POST, so tell it directly. (It also
  // clears when it sees the request to /keluar go by; this is belt and braces.)
  document.addEventListener(
    'submit',
    function (event) {
      var form = event.target;
      if (!form || typeof form.matches !== 'function') return;
      if (!form.matches('form[action$="/keluar"]')) return;
      var worker = navigator.serviceWorker.controller;
      if (!worker) return;
      try {
        worker.postMessage({ type: 'clear-offline-cache' });
      } catch (_) {
        /* nothing to clear */
      }
    },
    true
  );
})();
