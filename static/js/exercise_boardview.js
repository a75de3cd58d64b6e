// Draws one board (a facility's columns, or the evacuation cell's) from its entries at an
// exercise time. Used live by the board page and, read-only, by the replay page.
(function () {
  "use strict";
  var X = window.MedGenExercise;
  var ARRIVING = 15 * 60, KEEP = 30 * 60;
  var LEFT = { departure: "departed", evacuated: "evacuated", rtd: "returned to duty", death: "died" };

  function BoardView(board, options) {
    this.evac = board === "evac";
    this.columns = this.evac ? ["requested", "delivered"] : ["announced", "arriving", "present", "leaving"];
    this.onMark = options.onMark || null;  // null: read-only (replay)
    this.loadCard = options.loadCard;  // asks for a card the whole state came without
    this.entries = {}; this.marks = {}; this.open = {}; this.drawn = "";
  }

  BoardView.prototype.setState = function (message) {
    this.entries = {}; this.marks = {};
    this.update(message.entries);
    message.marks.forEach(this.addMark, this);
  };
  BoardView.prototype.update = function (entries) {
    var self = this;
    entries.forEach(function (e) { self.entries[e.key] = e; });
  };
  // A card that arrived on request: every entry of that casualty gets it.
  BoardView.prototype.setCard = function (patient, card) {
    var self = this;
    Object.keys(this.entries).forEach(function (key) {
      if (self.entries[key].patient_id === patient) self.entries[key].card = card;
    });
  };
  BoardView.prototype.addMark = function (mark) {
    (this.marks[mark.patient_id] = this.marks[mark.patient_id] || {})[mark.kind] = mark;
  };

  BoardView.prototype.column = function (e, position) {
    if (this.evac) return e.stage === "requested" ? "requested" : (position - e.delivered <= KEEP ? "delivered" : null);
    if (e.stage === "announced") return "announced";
    if (e.stage === "arrived") return position - e.since < ARRIVING ? "arriving" : "present";
    return position - e.since <= KEEP ? "leaving" : null;
  };

  function nineLine(e) {
    var lines = (e.card && e.card.nine_lines) || [];
    for (var i = lines.length - 1; i >= 0; i--) if (lines[i].from === e.from) return lines[i];
    return null;
  }

  BoardView.prototype.note = function (e, start) {
    var at = X.shortTime(start, e.since), request = nineLine(e);
    if (this.evac) {
      var delivered = e.stage === "delivered" ? " · delivered " + X.shortTime(start, e.delivered) : "";
      return (request ? "precedence " + request.precedence + " · grid " + request.grid + " · " : "") +
        e.from + " → " + e.to + " · sent " + at + delivered;
    }
    if (e.stage === "announced") return "from " + e.from + (request ? " · 9-line " + request.precedence : "") + " · " + at;
    if (e.stage === "arrived") return (e.from ? "from " + e.from + " · " : "") + "arrived " + at;
    return (LEFT[e.left] || e.left) + (e.to ? " to " + e.to : "") + " · " + at;
  };

  // Redraw when an entry changed column (or `force`); `start` is the scenario's start.
  BoardView.prototype.draw = function (position, start, force) {
    var self = this, groups = {};
    this.position = position;
    this.columns.forEach(function (c) { groups[c] = []; });
    Object.keys(this.entries).forEach(function (key) {
      var c = self.column(self.entries[key], position);
      if (c) groups[c].push(self.entries[key]);
    });
    var signature = this.columns.map(function (c) { return groups[c].map(function (e) { return e.key; }).join(","); }).join("|");
    if (!force && signature === this.drawn) return;
    this.drawn = signature;
    this.columns.forEach(function (c) {
      var list = document.getElementById("col-" + c);
      list.textContent = "";
      groups[c].sort(function (a, b) { return a.since - b.since || a.sequence - b.sequence; });
      groups[c].forEach(function (e) { list.appendChild(self.entryNode(e, position, start)); });
      document.getElementById("count-" + c).textContent = groups[c].length;
    });
  };

  BoardView.prototype.entryNode = function (e, position, start) {
    var self = this, c = e.card;
    var item = document.getElementById("entry-template").content.firstElementChild.cloneNode(true);
    item.dataset.patient = e.patient_id;
    item.classList.add("triage-" + (c ? c.triage : "none"));
    item.querySelector(".triage").textContent = c ? c.triage : "";
    item.querySelector(".entry-name").textContent = c ? c.name : "Casualty " + e.patient_id.slice(-7);
    item.querySelector(".entry-id").textContent = e.patient_id + (c ? " · " + c.rank + " · " + c.nationality : " · open for the card");
    item.querySelector(".entry-note").textContent = this.note(e, start);
    var given = this.marks[e.patient_id] || {};
    var badges = item.querySelector(".entry-marks");
    Object.keys(given).forEach(function (kind) {
      badges.appendChild(X.node("span", "mark-badge", given[kind].kind_label + " " + X.shortTime(start, given[kind].position)));
    });
    var head = item.querySelector(".entry-head"), body = item.querySelector(".entry-card");
    head.addEventListener("click", function () {
      self.open[e.key] = !self.open[e.key];
      if (self.open[e.key] && !e.card) self.loadCard(e.patient_id);
      self.draw(self.position, start, true);
    });
    if (this.open[e.key] && !c) {
      body.hidden = false;
      body.appendChild(X.node("p", "muted", "Loading the card…"));
    }
    if (this.open[e.key] && c) {
      head.setAttribute("aria-expanded", "true");
      body.hidden = false;
      var request = nineLine(e);
      if (this.evac && request) body.appendChild(X.node("p", "nine-line", "9-line " + request.callsign + ": " + request.text));
      body.appendChild(X.card(c, start));
      if (this.onMark) body.appendChild(this.markButtons(e, given));
    }
    return item;
  };

  BoardView.prototype.markButtons = function (e, given) {
    var self = this, box = X.node("div", "mark-buttons");
    [["received", "Mark received"], ["handed_over", "Mark handed over"]].forEach(function (pair) {
      var button = X.node("button", "secondary", given[pair[0]] ? given[pair[0]].kind_label + " ✓" : pair[1]);
      button.type = "button";
      button.disabled = !!given[pair[0]];
      button.addEventListener("click", function (event) {
        event.stopPropagation();
        if (self.onMark(e.patient_id, pair[0])) button.disabled = true;
      });
      box.appendChild(button);
    });
    return box;
  };

  X.BoardView = BoardView;
})();
