// Attempt page: autosave on change (the server keeps every answer), and a countdown.
(function () {
  var form = document.getElementById("attempt-form");
  if (!form) return;
  var status = document.getElementById("save-status");
  var timer = null;

  function save() {
    var data = new FormData(form);
    fetch(form.action, {method: "POST", body: data, headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json().then(function (body) { return [response, body]; }); })
      .then(function (result) {
        var body = result[1];
        if (body.saved) {
          status.textContent = "Saved at " + new Date().toLocaleTimeString();
        } else {
          status.textContent = body.error || "Some answers could not be saved: use Save answers to see why.";
        }
      })
      .catch(function () { status.textContent = "Not saved: check your connection. Your earlier answers are kept."; });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });

  var clock = document.getElementById("timer");
  if (clock) {
    var deadline = Date.parse(clock.dataset.deadline);
    var left = document.getElementById("time-left");
    var tick = function () {
      var seconds = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      left.textContent = Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
      if (seconds === 0) {
        document.getElementById("submit-attempt").click();
      } else {
        setTimeout(tick, 1000);
      }
    };
    tick();
  }
})();
