// Attempt page: autosave while typing (debounced) and when the page is left, so nothing typed
// is lost when a tab closes; the "N of M answered" count and the question navigator follow the
// answers as they change; a countdown that submits when time runs out.
(function () {
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var status = document.getElementById("save-status");
  var count = document.getElementById("answered-number");
  var timer = null;
  var dirty = false;
  var saving = false;
  var DEBOUNCE_MS = 800;

  function isAnswered(fieldset) {
    var fields = fieldset.querySelectorAll("input:not([type=hidden]), select, textarea");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) return true;
      } else if (field.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function refreshNavigator() {
    var answered = 0;
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      var done = isAnswered(fieldset);
      if (done) answered += 1;
      var link = document.querySelector('.quiz-nav-link[data-position="' + fieldset.dataset.position + '"]');
      if (!link) return;
      link.classList.toggle("answered", done);
      var state = link.querySelector(".nav-state");
      if (state && !link.classList.contains("invalid")) state.textContent = done ? ", answered" : ", not answered";
    });
    if (count) count.textContent = answered;
  }

  function payload() {
    return new FormData(form);
  }

  function save() {
    clearTimeout(timer);
    if (saving) { timer = setTimeout(save, DEBOUNCE_MS); return; }
    saving = true;
    dirty = false;
    fetch(form.action, {method: "POST", body: payload(), headers: {"Accept": "application/json"},
                        credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.saved) {
          status.textContent = "Saved at " + new Date().toLocaleTimeString();
        } else if (body.errors) {
          var positions = Object.keys(body.errors).map(function (id) {
            var field = form.querySelector('[name="q' + id + '"]');
            return field ? field.closest("fieldset").dataset.position : id;
          });
          status.textContent = "Every other answer is saved; question " + positions.join(", ") +
            " needs correcting: " + Object.values(body.errors).join(" ");
        } else {
          status.textContent = body.error || "Not saved: use Save answers to see why.";
        }
      })
      .catch(function () {
        dirty = true;
        status.textContent = "Not saved: check your connection. Your earlier answers are kept.";
      })
      .then(function () { saving = false; });
  }

  function schedule(delay) {
    dirty = true;
    refreshNavigator();
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  form.addEventListener("input", function () { schedule(DEBOUNCE_MS); });
  form.addEventListener("change", function () { schedule(200); });

  // Leaving the page (closing the tab, navigating, switching app on a phone): send what is
  // unsaved with a request that outlives the page.
  function flush() {
    if (!dirty) return;
    dirty = false;
    clearTimeout(timer);
    var body = payload();
    try {
      fetch(form.action, {method: "POST", body: body, keepalive: true, credentials: "same-origin",
                          headers: {"Accept": "application/json"}});
    } catch (err) {
      if (navigator.sendBeacon) navigator.sendBeacon(form.action, body);
    }
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
  // A real submission carries the answers itself: no extra save racing it.
  form.addEventListener("submit", function () { dirty = false; clearTimeout(timer); });

  // The sticky bars must never hide the focused control (WCAG 2.4.11): when focus lands under
  // one of them, scroll just enough to show it.
  var topBar = document.getElementById("quiz-bar");
  var bottomBar = form.querySelector(".quiz-actions");
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!target.getBoundingClientRect || target === document.body) return;
    if ((topBar && topBar.contains(target)) || (bottomBar && bottomBar.contains(target))) return;
    var box = target.getBoundingClientRect();
    var top = topBar ? topBar.getBoundingClientRect().bottom : 0;
    var bottom = bottomBar ? bottomBar.getBoundingClientRect().top : window.innerHeight;
    if (box.bottom > bottom - 8) {
      window.scrollBy({top: box.bottom - bottom + 16, behavior: "instant"});
    } else if (box.top < top + 8) {
      window.scrollBy({top: box.top - top - 16, behavior: "instant"});
    }
  });

  var clock = document.getElementById("timer");
  if (clock) {
    var deadline = Date.parse(clock.dataset.deadline);
    var left = document.getElementById("time-left");
    var tick = function () {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      left.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      if (seconds === 0) {
        var submit = document.createElement("input");
        submit.type = "hidden";
        submit.name = "submit";
        submit.value = "1";
        form.appendChild(submit);
        dirty = false;
        form.submit();
      } else {
        setTimeout(tick, 1000);
      }
    };
    tick();
  }
  refreshNavigator();
})();
