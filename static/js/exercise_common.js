// Shared by the exercise pages: the clock (advanced locally between server messages),
// time formatting in the scenario's zone and as DTG, the websocket with reconnect,
// and a casualty card as the boards and the replay draw it.
(function () {
  "use strict";
  var MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
  var LETTERS = { 0: "Z", 1: "A", 2: "B", 3: "C", 4: "D", 5: "E", 6: "F", 7: "G", 8: "H", 9: "I", 10: "K", 11: "L", 12: "M",
    "-1": "N", "-2": "O", "-3": "P", "-4": "Q", "-5": "R", "-6": "S", "-7": "T", "-8": "U", "-9": "V", "-10": "W", "-11": "X", "-12": "Y" };

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The clock as the server described it, advanced from the moment the message arrived.
  function Clock(data) { this.set(data); }
  Clock.prototype.set = function (data) { this.data = data; this.received = performance.now(); };
  Clock.prototype.position = function () {
    var d = this.data, p = d.position;
    if (d.running) p += (performance.now() - this.received) / 1000 * d.speed;
    return d.end != null ? Math.min(p, d.end) : p;
  };
  Clock.prototype.status = function () {
    var d = this.data;
    if (!d.started) return ["Not started", "status-queued"];
    if (d.finished || (d.end != null && this.position() >= d.end)) return ["Finished", "status-completed"];
    if (d.running) return ["Running " + (d.speed === 1 ? "in real time" : "×" + d.speed), "status-running"];
    return ["Paused", "status-cancelled"];
  };

  // Scenario start "2026-03-02T06:00:00+01:00": its offset is the scenario's zone.
  function zone(start) {
    var m = /([+-])(\d\d):(\d\d)$/.exec(start);
    if (!m) return { minutes: 0, label: "UTC" };
    var minutes = (m[1] === "-" ? -1 : 1) * (parseInt(m[2], 10) * 60 + parseInt(m[3], 10));
    return { minutes: minutes, label: "UTC" + m[1] + m[2] + ":" + m[3] };
  }
  // A Date whose UTC fields read as the scenario's local time.
  function local(start, position) {
    return new Date(Date.parse(start) + position * 1000 + zone(start).minutes * 60000);
  }
  function formatTime(start, position, withSeconds) {
    var t = local(start, position);
    var text = t.getUTCFullYear() + "-" + pad(t.getUTCMonth() + 1) + "-" + pad(t.getUTCDate()) + " " +
      pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
    return withSeconds ? text + ":" + pad(t.getUTCSeconds()) : text;
  }
  function shortTime(start, position) { return formatTime(start, position).slice(11); }
  function dtg(start, position) {
    var z = zone(start), letter = z.minutes % 60 === 0 ? LETTERS[z.minutes / 60] : null;
    var t = letter ? local(start, position) : new Date(Date.parse(start) + position * 1000);
    return pad(t.getUTCDate()) + pad(t.getUTCHours()) + pad(t.getUTCMinutes()) + (letter || "Z") + " " +
      MONTHS[t.getUTCMonth()] + " " + String(t.getUTCFullYear()).slice(2);
  }
  function isoToPosition(start, iso) { return (Date.parse(iso) - Date.parse(start)) / 1000; }

  function drawClock(clock) {
    var d = clock.data, p = clock.position(), s = clock.status();
    var el = function (id) { return document.getElementById(id); };
    el("clock-time").textContent = formatTime(d.scenario_start, p, true);
    el("clock-zone").textContent = zone(d.scenario_start).label;
    el("clock-dtg").textContent = "DTG " + dtg(d.scenario_start, p);
    el("clock-status").textContent = s[0];
    el("clock-status").className = "status " + s[1];
  }

  // A websocket that reconnects with back-off, unless the server closed it for good.
  function live(path, onMessage, onState) {
    var retries = 0, socket = null;
    function connect() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      socket = new WebSocket(scheme + location.host + path);
      socket.onopen = function () { retries = 0; onState("open"); };
      socket.onmessage = function (event) { onMessage(JSON.parse(event.data)); };
      socket.onclose = function (event) {
        if (event.code === 4403) { onState("closed"); return; }
        onState("retrying");
        retries += 1;
        setTimeout(connect, Math.min(15000, 500 * Math.pow(2, Math.min(retries, 5))));
      };
    }
    connect();
    return { send: function (data) { if (socket && socket.readyState === 1) { socket.send(JSON.stringify(data)); return true; } return false; } };
  }

  function node(tag, className, text) {
    var n = document.createElement(tag);
    if (className) n.className = className;
    if (text != null) n.textContent = text;
    return n;
  }

  function row(dl, label, value) {
    if (value == null || value === "") return;
    dl.appendChild(node("dt", null, label));
    dl.appendChild(node("dd", null, value));
  }

  // The card as it stands now: who, what, triage, last vital signs, care so far.
  function card(c, start) {
    var box = node("div", "casualty-card");
    var dl = node("dl");
    row(dl, "ID", c.id);
    row(dl, "Rank · unit", c.rank + " · " + c.unit);
    row(dl, "Nation · sex · age", c.nationality + " · " + c.sex + " · " + c.age);
    row(dl, "Blood group", c.blood_group);
    row(dl, "Injured", formatTime(start, isoToPosition(start, c.injury_time)) + " · " + c.category.replace(/_/g, " ") + " · " + c.mechanism);
    row(dl, "Conditions", c.conditions.join("; "));
    row(dl, "Triage now", c.triage + (c.precedence ? " · precedence " + c.precedence.replace(/_/g, " ") : ""));
    if (c.vitals) {
      var v = c.vitals;
      row(dl, "Last vital signs", "HR " + v.heart_rate + " RR " + v.respiratory_rate + " BP " + v.systolic + "/" + v.diastolic +
        " SpO2 " + v.spo2 + " GCS " + v.gcs + " T " + v.temperature + " (" + v.facility + " " + v.context + ", " + shortTime(start, isoToPosition(start, v.time)) + ")");
    }
    row(dl, "Treatments so far", c.treatments.map(function (t) {
      return shortTime(start, isoToPosition(start, t.time)) + " " + t.facility + " " + t.display;
    }).join("; ") || "none yet");
    row(dl, "ATMIST handover", c.handover);
    row(dl, "Journey so far", c.timeline.map(function (e) {
      return e.facility + " " + e.event + " " + shortTime(start, isoToPosition(start, e.time));
    }).join(" → "));
    if (c.outcome) row(dl, "Outcome", c.outcome);
    box.appendChild(dl);
    return box;
  }

  window.MedGenExercise = {
    Clock: Clock, formatTime: formatTime, shortTime: shortTime, dtg: dtg, drawClock: drawClock,
    zoneLabel: function (start) { return zone(start).label; },
    live: live, node: node, card: card, isoToPosition: isoToPosition,
    config: function () { return JSON.parse(document.getElementById("exercise-config").textContent); }
  };
})();
