// Loaded only by the page a logout lands on (auth/login.html after POST
// /keluar): deletes the door scanner's door list (names of an event's
// registrants, static/js/scanner/doorlist.js) from this device. The queue of
// scans not yet synced lives in another database and is kept: it is uploaded
// at the next login. static/js/sw.js deletes the same database when it sees
// the logout request, for a logout whose redirect never arrives.
(function () {
  'use strict';
  var DOORLIST_DB = 'p2tp2a-doorlist'; // DOORLIST_DB of static/js/scanner/doorlist.js
  try {
    if (window.indexedDB) window.indexedDB.deleteDatabase(DOORLIST_DB);
  } catch (_) {
    /* storage blocked: nothing was kept either */
  }
})();
