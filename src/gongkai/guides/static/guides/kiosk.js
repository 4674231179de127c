/* Kiosk: back to the start page after a spell without a touch, so the next person starts
   clean. Any touch, key, scroll or typing restarts the count. No pop-ups, no confirmations. */
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-kiosk-home");
  var seconds = parseInt(body.getAttribute("data-idle-seconds"), 10);
  if (!home || !(seconds > 0)) { return; }
  var timer = null;

  function dirty() {
    if (body.hasAttribute("data-idle-page")) { return true; }
    var fields = document.querySelectorAll("input[type=search], input[type=text], textarea");
    for (var i = 0; i < fields.length; i++) { if (fields[i].value) { return true; } }
    return window.scrollY > 0;
  }

  function reset() {
    if (dirty()) { window.location.assign(home); } else { restart(); }
  }

  function restart() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(reset, seconds * 1000);
  }

  ["pointerdown", "touchstart", "keydown", "input", "scroll", "wheel"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true, capture: true });
  });
  restart();
})();
