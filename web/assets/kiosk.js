// Kiosk mode: after the idle time without a touch or a key, the screen
// clears itself for the next person; a countdown shows first. The page
// works without this script; the kiosk's clearing needs it.
(function () {
  "use strict";
  var idle = Number(document.body.dataset.idle) * 1000;
  var box = document.getElementById("idle");
  var left = document.getElementById("idle-n");
  var reset = document.getElementById("reset");
  if (!idle || !box || !left || !reset) return;
  var warn = Math.min(30000, idle / 3);
  var last = Date.now();
  var sent = false;
  function touch() { last = Date.now(); box.hidden = true; }
  ["pointerdown", "keydown", "touchstart", "input", "scroll"].forEach(function (e) {
    addEventListener(e, touch, { passive: true });
  });
  setInterval(function () {
    var ms = idle - (Date.now() - last);
    if (ms <= 0) {
      if (!sent) { sent = true; reset.submit(); }
      return;
    }
    if (ms <= warn) {
      left.textContent = String(Math.ceil(ms / 1000));
      box.hidden = false;
    }
  }, 250);
  // A page brought back from the browser's history belongs to whoever
  // used the screen before: ask the server for the screen now.
  addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
})();
