// Playback page: a scrubber over the scenario's clock, play/pause at a chosen speed; each
// moment asks the server for the state (counts per front and place, casualties present,
// latest events) and draws it; a selected casualty's card follows the moment.
(function () {
  "use strict";
  var configEl = document.getElementById("playback-config");
  if (!configEl) return;
  var config = JSON.parse(configEl.textContent);
  var $ = function (id) { return document.getElementById(id); };
  var scrubber = $("scrubber"), playButton = $("play");
  var minute = 0, playing = false, timer = null, inFlight = false, wanted = null, selected = null;
  var TICK = 250; // ms between frames while playing
  var PLACE_NAMES = { POI: "POI", transit: "In transit", R1: "R1", R2: "R2", R3: "R3", R4: "R4" };

  config.places.forEach(function (p) { $("filter-place").add(new Option(PLACE_NAMES[p], p)); });
  config.fronts.forEach(function (f) { $("filter-front").add(new Option(f, f)); });

  function text(tag, content, className) {
    var el = document.createElement(tag);
    if (content !== undefined && content !== null) el.textContent = content;
    if (className) el.className = className;
    return el;
  }

  function query(params) {
    return Object.keys(params).map(function (k) { return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]); }).join("&");
  }

  function request(m) {
    if (inFlight) { wanted = m; return; }
    inFlight = true;
    var params = { minute: m, window: $("window").value, place: $("filter-place").value, front: $("filter-front").value };
    fetch(config.stateUrl + "?" + query(params), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { if (!r.ok) throw new Error(body.error || r.status); return body; }); })
      .then(draw)
      .catch(function (e) { $("playback-status").textContent = "Could not load this moment: " + e.message; })
      .then(function () {
        inFlight = false;
        if (wanted !== null) { var next = wanted; wanted = null; request(next); }
      });
    if (selected) loadCard(selected, m);
  }

  function draw(state) {
    $("clock-time").textContent = state.time.replace("T", " ").replace(/:00([+-])/, " $1");
    $("clock-dtg").textContent = "DTG " + state.dtg + " · minute " + Math.round(state.minute) + " · " + state.present.toLocaleString() + " casualties in the chain of care";
    drawBoard(state);
    drawList(state);
    drawEvents(state.recent);
    $("playback").dataset.minute = String(state.minute);
    $("playback").dataset.present = String(state.present);
  }

  function drawBoard(state) {
    var board = $("board"), head = board.tHead, body = board.tBodies[0];
    head.innerHTML = ""; body.innerHTML = "";
    var row = head.insertRow();
    row.appendChild(text("th", "Front"));
    config.places.forEach(function (p) { row.appendChild(text("th", PLACE_NAMES[p])); });
    var byKey = {};
    state.places.forEach(function (c) { byKey[c.front + "|" + c.place] = c; });
    config.fronts.concat(["All fronts"]).forEach(function (front) {
      var tr = body.insertRow();
      tr.appendChild(text("th", front));
      config.places.forEach(function (place) {
        var c = front === "All fronts" ? state.totals[place] : byKey[front + "|" + place];
        var td = tr.insertCell();
        td.dataset.front = front; td.dataset.place = place;
        var present = place === "R4" ? "–" : String(c.present);
        td.appendChild(text("div", present, "present"));
        var flows = text("div", null, "flows");
        flows.appendChild(text("span", "+" + c.arriving, "in"));
        flows.appendChild(document.createTextNode(" −" + c.leaving + " "));
        flows.appendChild(text("span", "†" + c.dying, "dead"));
        td.appendChild(flows);
      });
    });
  }

  function drawList(state) {
    var list = $("casualties");
    list.innerHTML = "";
    state.listed.forEach(function (c) {
      var li = document.createElement("li"), button = document.createElement("button");
      button.type = "button";
      button.dataset.id = c.id;
      button.setAttribute("aria-pressed", String(c.id === selected));
      button.appendChild(text("span", c.triage, "triage triage-" + c.triage));
      button.appendChild(text("span", c.id));
      var where = c.place === "transit" ? "to " + c.heading : PLACE_NAMES[c.place];
      button.appendChild(text("span", where + " · " + c.front, "muted"));
      button.addEventListener("click", function () { selected = c.id; loadCard(c.id, minute); markSelected(); });
      li.appendChild(button);
      list.appendChild(li);
    });
    $("list-note").textContent = state.matching > state.listed.length
      ? "Showing the " + state.listed.length + " latest to arrive of " + state.matching.toLocaleString() + "."
      : state.matching.toLocaleString() + " casualties.";
  }

  function markSelected() {
    $("casualties").querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.id === selected)); });
  }

  function drawEvents(events) {
    var list = $("events");
    list.innerHTML = "";
    events.forEach(function (e) {
      var what = { injury: "injured", arrival: "arrived at " + e.place, departure: "left " + e.place, death: "died at " + e.place,
                   rtd: "returned to duty from " + e.place, evacuated: "evacuated from " + e.place,
                   nine_line: "9-line sent: " + e.source + " → " + e.destination, atmist: "ATMIST handover to " + e.destination }[e.kind] || e.kind;
      list.appendChild(text("li", e.time.slice(11, 16) + " " + e.id + " (" + e.front + ") " + what));
    });
    if (!events.length) list.appendChild(text("li", "Nothing in this window.", "muted"));
  }

  function loadCard(id, m) {
    fetch(config.cardUrl + "?" + query({ id: id, minute: m }), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) { drawCard(res.ok ? res.body : null, res.ok ? "" : res.body.error); });
  }

  function drawCard(card, error) {
    var root = $("card");
    root.innerHTML = "";
    root.appendChild(text("h2", "Casualty card"));
    if (!card) { root.appendChild(text("p", error || "Not a casualty yet at this moment.", "muted")); return; }
    root.dataset.id = card.id;
    var title = text("h3", null);
    title.appendChild(text("span", card.triage, "triage triage-" + card.triage));
    title.appendChild(document.createTextNode(" " + card.name.family.toUpperCase() + ", " + card.name.given));
    root.appendChild(title);
    var facts = [["Id", card.id], ["As of", card.time.replace("T", " ")], ["Where", card.outcome ? card.outcome + (card.outcome_facility ? " at " + card.outcome_facility : "") : card.place],
                 ["Front · unit", card.front + " · " + (card.unit || "–")], ["Nation · rank", card.nationality + " · " + (card.rank || "–")],
                 ["Age · sex · blood", card.age + " · " + card.sex + " · " + (card.blood_group || "–")],
                 ["Injured", card.injury_time.replace("T", " ") + " · " + card.mechanism],
                 ["Injuries", card.conditions.map(function (c) { return c.display + (c.body_site ? " (" + c.body_site.display + ")" : ""); }).join("; ")],
                 ["Precedence", card.precedence || "–"]];
    var dl = document.createElement("dl");
    facts.forEach(function (f) { dl.appendChild(text("dt", f[0])); dl.appendChild(text("dd", f[1])); });
    root.appendChild(dl);
    section(root, "Vital signs so far", card.vitals, function (v) {
      return v.time.slice(11, 16) + " " + v.facility + " (" + v.context + "): HR " + v.heart_rate + ", RR " + v.respiratory_rate + ", BP " + v.systolic + "/" + v.diastolic + ", SpO2 " + v.spo2 + ", GCS " + v.gcs + ", T " + v.temperature;
    });
    section(root, "Treatments so far", card.treatments, function (t) { return t.time.slice(11, 16) + " " + t.facility + ": " + t.display; });
    section(root, "Journey so far", card.timeline, function (e) { return e.time.slice(11, 16) + " " + e.facility + " " + e.event + (e.triage ? " (re-triage " + e.triage + ")" : ""); });
    section(root, "Handovers (ATMIST)", card.handovers, function (h) { return h.text; });
    section(root, "9-line requests", card.medevac_requests, function (m) { return m.text; });
  }

  function section(root, title, items, line) {
    root.appendChild(text("h4", title + " (" + (items ? items.length : 0) + ")"));
    if (!items || !items.length) { root.appendChild(text("p", "none yet", "muted")); return; }
    var ol = document.createElement("ol");
    items.forEach(function (item) { ol.appendChild(text("li", line(item))); });
    root.appendChild(ol);
  }

  function setMinute(m, fetchNow) {
    minute = Math.max(0, Math.min(config.minutes, m));
    scrubber.value = String(Math.round(minute));
    if (fetchNow) request(minute);
  }

  function play() {
    playing = !playing;
    playButton.textContent = playing ? "Pause" : "Play";
    playButton.setAttribute("aria-pressed", String(playing));
    if (timer) { clearInterval(timer); timer = null; }
    if (!playing) return;
    timer = setInterval(function () {
      var step = parseFloat($("speed").value) * TICK / 1000;
      if (minute >= config.minutes) { play(); return; }
      setMinute(minute + step, true);
    }, TICK);
  }

  scrubber.addEventListener("input", function () { setMinute(parseFloat(scrubber.value), true); });
  playButton.addEventListener("click", play);
  ["window", "filter-place", "filter-front"].forEach(function (id) { $(id).addEventListener("change", function () { request(minute); }); });
  setMinute(parseFloat(new URLSearchParams(location.search).get("minute") || "0"), true);
})();
