/* Time on task for an open lesson.
 *
 * Counts a second only while the page is visible and the reader has touched the keyboard,
 * mouse, touch screen or scroll within the idle limit; reports the count every few seconds
 * and with navigator.sendBeacon when the page is hidden or left. The server credits at most
 * the wall-clock time since the reader's previous accepted beat, so this count is a claim,
 * not the record. The reply says how much time is recorded; the "Mark as complete" button is
 * enabled once the course's seat-time rule is met.
 */
(function () {
  "use strict";
  var status = document.querySelector("[data-seat-time]");
  if (!status) { return; }
  var url = status.dataset.url;
  var csrf = status.dataset.csrf;
  var interval = Number(status.dataset.interval) * 1000;
  var idleAfter = Number(status.dataset.idle) * 1000;
  var maxClaim = Number(status.dataset.max);
  var button = document.getElementById("complete-lesson");
  var unsent = 0;
  var lastInput = Date.now();

  function active() {
    return document.visibilityState === "visible" && Date.now() - lastInput < idleAfter;
  }

  ["keydown", "pointerdown", "pointermove", "wheel", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, function () { lastInput = Date.now(); }, { passive: true });
  });
  window.setInterval(function () { if (active()) { unsent += 1; } }, 1000);

  function take() {
    var seconds = Math.min(maxClaim, unsent);
    unsent -= seconds;
    return seconds;
  }

  function body(seconds) {
    var data = new URLSearchParams();
    data.set("seconds", String(seconds));
    data.set("csrf_token", csrf);
    return data;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function say(text) {
    // the status is a live region: only a change is worth announcing
    if (status.textContent !== text) { status.textContent = text; }
  }

  function show(reply) {
    status.dataset.active = reply.active_seconds;
    if (button && reply.met) {
      button.disabled = false;
      button.removeAttribute("aria-describedby");
      say("You have spent enough time on this lesson to mark it complete.");
    } else if (button) {
      say("This course counts active reading time: about " +
        plural(reply.remaining_minutes, "more minute") + " before you can mark this lesson complete.");
    }
  }

  function beat(seconds) {
    return fetch(url, {
      method: "POST", body: body(seconds), credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (reply) {
        if (response.ok && reply.recorded) { show(reply); }
      });
    }).catch(function () { /* offline: the next beat reports what it can */ });
  }

  function leave() {
    var seconds = take();
    if (seconds > 0 && navigator.sendBeacon) { navigator.sendBeacon(url, body(seconds)); }
  }

  beat(0);  // the page is open: starts the clock without claiming any time
  window.setInterval(function () {
    var seconds = take();
    if (seconds > 0) { beat(seconds); }
  }, interval);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leave(); } else { lastInput = Date.now(); }
  });
  window.addEventListener("pagehide", leave);
})();
