// Hotspot questions. Trainees: place markers on a chart by click, tap or keyboard; the text
// fields below the chart hold each marker's position (what is submitted) and stay in step.
// Authors: draw circle and polygon zones on a chart; the zones textarea holds the result.
(function () {
  "use strict";

  function clamp(v) { return Math.min(100, Math.max(0, Math.round(v * 10) / 10)); }
  function parse(text) {
    var parts = (text || "").split(",");
    if (parts.length !== 2) return null;
    var x = parseFloat(parts[0]), y = parseFloat(parts[1]);
    return isFinite(x) && isFinite(y) ? [x, y] : null;
  }
  function pointFromEvent(stage, event) {
    var box = stage.getBoundingClientRect();
    return [clamp((event.clientX - box.left) / box.width * 100), clamp((event.clientY - box.top) / box.height * 100)];
  }

  // --- trainee --------------------------------------------------------------------------
  function markerQuestion(root) {
    var stage = root.querySelector("[data-stage]");
    var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-marker-input]"));
    var status = root.querySelector("[data-status]");
    var selected = -1;

    function marks() { return inputs.map(function (input) { return parse(input.value); }); }
    function announce(index) {
      var m = marks()[index];
      status.textContent = m ? "Marker " + (index + 1) + " at " + m[0] + "% across, " + m[1] + "% down."
                             : "Marker " + (index + 1) + " removed.";
    }
    function set(index, point) {
      inputs[index].value = point ? point[0] + "," + point[1] : "";
      inputs[index].dispatchEvent(new Event("change", {bubbles: true}));  // autosave
      draw();
      announce(index);
    }
    function draw() {
      Array.prototype.slice.call(stage.querySelectorAll(".hotspot-marker")).forEach(function (el) { el.remove(); });
      marks().forEach(function (m, index) {
        if (!m) return;
        var dot = document.createElement("button");
        dot.type = "button";
        dot.className = "hotspot-marker" + (index === selected ? " selected" : "");
        dot.textContent = String(index + 1);
        dot.tabIndex = -1;
        dot.setAttribute("aria-label", "Marker " + (index + 1) + ": remove");
        dot.style.left = m[0] + "%";
        dot.style.top = m[1] + "%";
        dot.addEventListener("click", function (event) {
          event.stopPropagation();
          set(index, null);
          selected = -1;
        });
        stage.appendChild(dot);
      });
    }
    function freeSlot() {
      var all = marks();
      for (var i = 0; i < all.length; i++) { if (!all[i]) return i; }
      return -1;
    }

    stage.addEventListener("click", function (event) {
      var slot = freeSlot();
      if (slot < 0) slot = selected >= 0 ? selected : inputs.length - 1;  // all placed: move one
      selected = slot;
      set(slot, pointFromEvent(stage, event));
    });
    stage.addEventListener("keydown", function (event) {
      var all = marks();
      var step = event.shiftKey ? 5 : 1;
      var moves = {ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step]};
      if (event.key === "Enter" || event.key === " ") {
        var slot = freeSlot();
        if (slot < 0) { status.textContent = "All " + inputs.length + " markers are placed."; }
        else { selected = slot; set(slot, [50, 50]); }
      } else if (moves[event.key] && selected >= 0 && all[selected]) {
        set(selected, [clamp(all[selected][0] + moves[event.key][0]), clamp(all[selected][1] + moves[event.key][1])]);
      } else if (event.key === "n" || event.key === "N") {
        var placed = all.map(function (m, i) { return m ? i : -1; }).filter(function (i) { return i >= 0; });
        if (!placed.length) return;
        selected = placed[(placed.indexOf(selected) + 1) % placed.length];
        draw();
        announce(selected);
      } else if ((event.key === "Delete" || event.key === "Backspace") && selected >= 0) {
        set(selected, null);
        selected = -1;
      } else {
        return;
      }
      event.preventDefault();
    });
    inputs.forEach(function (input) { input.addEventListener("input", draw); });
    draw();
  }

  // --- author ---------------------------------------------------------------------------
  function zoneEditor(root) {
    var form = root.closest("form");
    var select = form.querySelector("select[name=image]");
    var textarea = form.querySelector("textarea[name=zones]");
    var stage = root.querySelector("[data-stage]");
    var chart = root.querySelector("[data-chart]");
    var overlay = root.querySelector("[data-overlay]");
    var list = root.querySelector("[data-zone-list]");
    var finish = root.querySelector("[data-finish-polygon]");
    var tool = "circle";
    var draft = [];
    var zones;
    try { zones = JSON.parse(textarea.value || "[]"); } catch (e) { zones = []; }
    if (!Array.isArray(zones)) zones = [];
    var SVG = "http://www.w3.org/2000/svg";

    function aspect() { return chart.naturalWidth ? chart.naturalHeight / chart.naturalWidth : 1; }
    function save() { textarea.value = JSON.stringify(zones, null, 1); render(); }
    function shape(name, attrs) {
      var el = document.createElementNS(SVG, name);
      Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
      overlay.appendChild(el);
    }
    function render() {
      drawOverlay();
      renderList();
    }
    function drawOverlay() {
      overlay.textContent = "";
      zones.forEach(function (z) {
        var colour = z.weight < 0 ? "#b02a37" : "#146c43";
        var paint = {fill: colour, "fill-opacity": "0.25", stroke: colour, "stroke-width": "0.4"};
        if (z.shape === "circle") {
          shape("ellipse", Object.assign({cx: z.cx, cy: z.cy, rx: z.r, ry: z.r / aspect()}, paint));
        } else if (z.points) {
          shape("polygon", Object.assign({points: z.points.map(function (p) { return p.join(","); }).join(" ")}, paint));
        }
      });
      if (draft.length) {
        shape("polyline", {points: draft.map(function (p) { return p.join(","); }).join(" "), fill: "none",
                           stroke: "#0d6efd", "stroke-width": "0.5"});
      }
    }
    function renderList() {
      list.textContent = "";
      zones.forEach(function (z, index) {
        var item = document.createElement("li");
        item.className = "d-flex flex-wrap gap-2 align-items-end mb-2 zone-row";
        item.appendChild(field("Label", "text", z.label || "", function (v) { z.label = v; }, index));
        item.appendChild(field("Weight %", "number", z.weight, function (v) { z.weight = parseFloat(v); }, index));
        if (z.shape === "circle") {
          item.appendChild(field("Radius %", "number", z.r, function (v) { z.r = parseFloat(v); }, index));
        }
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "btn btn-sm btn-outline-danger";
        remove.textContent = "Remove zone " + (index + 1);
        remove.addEventListener("click", function () { zones.splice(index, 1); save(); });
        item.appendChild(remove);
        list.appendChild(item);
      });
    }
    function field(label, type, value, apply, index) {
      var wrap = document.createElement("div");
      var id = "zone-" + index + "-" + label.split(" ")[0].toLowerCase();
      var lab = document.createElement("label");
      lab.className = "form-label small mb-0";
      lab.htmlFor = id;
      lab.textContent = "Zone " + (index + 1) + " " + label.toLowerCase();
      var input = document.createElement("input");
      input.id = id;
      input.type = type;
      input.className = "form-control form-control-sm";
      input.value = value;
      if (type === "number") input.step = "any";
      input.addEventListener("change", function () {
        apply(input.value);
        textarea.value = JSON.stringify(zones, null, 1);
        drawOverlay();  // the list stays: rebuilding it would drop the field being typed in
      });
      wrap.appendChild(lab);
      wrap.appendChild(input);
      return wrap;
    }
    function showChart() {
      chart.src = select && select.value ? root.dataset.mediaPrefix + select.value : "";
      stage.hidden = !chart.src || !select.value;
    }

    root.querySelectorAll("[data-tool]").forEach(function (button) {
      button.addEventListener("click", function () {
        tool = button.dataset.tool;
        root.querySelectorAll("[data-tool]").forEach(function (b) {
          b.classList.toggle("active", b === button);
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
        draft = [];
        finish.disabled = tool !== "polygon";
        render();
      });
    });
    finish.addEventListener("click", function () {
      if (draft.length >= 3) {
        zones.push({label: "Zone " + (zones.length + 1), weight: 100, shape: "polygon", points: draft});
        draft = [];
        save();
      }
    });
    stage.addEventListener("click", function (event) {
      var point = pointFromEvent(stage, event);
      if (tool === "circle") {
        zones.push({label: "Zone " + (zones.length + 1), weight: 100, shape: "circle", cx: point[0], cy: point[1], r: 5});
        save();
      } else {
        draft.push(point);
        render();
      }
    });
    textarea.addEventListener("change", function () {
      try { var parsed = JSON.parse(textarea.value || "[]"); if (Array.isArray(parsed)) { zones = parsed; render(); } }
      catch (e) { /* the server names the problem on save */ }
    });
    if (select) select.addEventListener("change", showChart);
    chart.addEventListener("load", drawOverlay);
    showChart();
    render();
  }

  document.querySelectorAll("[data-hotspot]").forEach(markerQuestion);
  document.querySelectorAll("[data-zone-editor]").forEach(zoneEditor);
})();
