// Job dashboard and planning report: draws the charts of every [data-dashboard] element
// from the job's figures (fetched from its data-figures-url), with Apache ECharts
// (static/vendor/echarts). Each chart element gets data-total (what it was drawn with)
// and data-rendered once drawn; its numbers are in the table and CSV beside it.
(function () {
  "use strict";
  var TRIAGE_COLORS = { T1: "#c62828", T2: "#f9a825", T3: "#2e7d32", T4: "#1565c0", DEAD: "#37474f" };
  var CATEGORY_LABELS = { battle_injury: "Battle injury", non_battle_injury: "Non-battle injury", disease: "Disease" };
  var CATEGORY_COLORS = { battle_injury: "#b23a2f", non_battle_injury: "#d9902f", disease: "#3d7ea6" };
  var PRECEDENCE_LABELS = { urgent: "Urgent", urgent_surgical: "Urgent surgical", priority: "Priority", routine: "Routine" };
  var PRECEDENCE_COLORS = { urgent: "#c62828", urgent_surgical: "#8e24aa", priority: "#f9a825", routine: "#2e7d32" };
  var ROLE_COLORS = { R1: "#3d7ea6", R2: "#d9902f", R3: "#7b5ea7", R4: "#4c9a5b" };
  var MECHANISM_COLORS = { explosive: "#5d4037", gunshot: "#b23a2f", burn: "#ef6c00", blunt: "#7b5ea7", crush: "#455a64",
                          chemical: "#9e9d24", biological: "#00897b", radiological: "#c2185b", fall: "#3d7ea6",
                          sport_training: "#64b5f6", vehicle_accident: "#1565c0", environmental: "#80cbc4", other: "#9e9e9e",
                          illness: "#2e7d32", psychological: "#8d6e63" };
  var NODE_COLORS = { POI: "#607d8b", R1: "#3d7ea6", R2: "#d9902f", R3: "#7b5ea7", R4: "#4c9a5b",
                      KIA: "#37474f", DOW: "#c62828", RTD: "#2e7d32", Evacuated: "#1565c0" };

  // Points to show of series that may run on, empty, long after the last casualty:
  // up to the end of the last day with anything in any of them, at least `least`.
  function shown(groups, hourly, least) {
    var last = -1;
    groups.forEach(function (values) {
      for (var i = values.length - 1; i > last; i--) if (values[i]) { last = i; break; }
    });
    var days = hourly ? Math.ceil((last + 1) / 24) : last + 1;
    var n = Math.max(days, least || 1);
    return hourly ? n * 24 : n;
  }
  function values(group) { return Object.keys(group).map(function (k) { return group[k]; }); }
  function sum(values) { var s = 0; for (var i = 0; i < values.length; i++) s += values[i]; return s; }
  function label(name) { return CATEGORY_LABELS[name] || PRECEDENCE_LABELS[name] || name; }
  function color(name) {
    return TRIAGE_COLORS[name] || CATEGORY_COLORS[name] || PRECEDENCE_COLORS[name] || ROLE_COLORS[name] ||
      MECHANISM_COLORS[name];
  }

  var LIFT_COLORS = { "POI-R1": "#37474f", "R1-R2": "#000000" };

  // Capacity of care (issue 11): lines the scenario's limits draw across a chart, dashed,
  // labelled on the chart at their right end (where casualties have mostly gone).
  // `lines`: {key: {value, label}}, absent without capacity. The series holds the value at
  // every point so the axis makes room for it and the tooltip names it; its mark line
  // draws and labels it.
  function capacitySeries(lines, length, colors) {
    return Object.keys(lines || {}).map(function (key) {
      var line = lines[key], data = [];
      for (var i = 0; i < length; i++) data.push(line.value);
      var style = { type: "dashed", width: 1.5, color: colors[key] || "#000" };
      return {
        name: line.label, type: "line", data: data, showSymbol: false, symbol: "none", z: 6,
        lineStyle: { opacity: 0 }, itemStyle: { color: style.color }, capacity: true,
        markLine: { silent: true, symbol: "none", data: [{ yAxis: line.value }], lineStyle: style,
                    label: { position: "insideEndTop", formatter: line.label, color: style.color, fontSize: 11 } },
      };
    });
  }

  // The legend names the data; capacity lines are labelled on the chart itself.
  function legendOf(series) {
    return { top: 0, type: "scroll",
             data: series.filter(function (x) { return !x.capacity; }).map(function (x) { return x.name; }) };
  }

  function Dashboard(root) {
    this.root = root;
    this.renderer = root.dataset.renderer || "canvas";
    this.animate = this.renderer !== "svg";
    this.charts = {};
    this.view = { casualtiesStep: "day", casualtiesBy: "by_category", loadShow: "arrivals" };
  }

  Dashboard.prototype.load = function () {
    var self = this;
    fetch(this.root.dataset.figuresUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) { self.data = data; self.drawAll(); self.bindControls(); })
      .catch(function (error) {
        var note = self.root.querySelector("[data-dashboard-status]");
        if (note) { note.hidden = false; note.textContent = "The charts could not be loaded (" + error.message + "). The tables below still hold every number."; }
      });
  };

  Dashboard.prototype.chart = function (name) {
    var el = this.root.querySelector('[data-chart="' + name + '"]');
    if (!el) return null;
    if (!this.charts[name]) this.charts[name] = echarts.init(el, null, { renderer: this.renderer });
    return this.charts[name];
  };

  Dashboard.prototype.draw = function (name, option, total) {
    var chart = this.chart(name);
    if (!chart) return;
    option.animation = this.animate;
    chart.setOption(option, true);
    var el = chart.getDom();
    el.dataset.total = String(total);
    el.dataset.rendered = "true";
  };

  Dashboard.prototype.drawAll = function () {
    this.drawCasualties();
    this.drawFlow();
    this.drawLoad();
    this.drawEvacuation();
    this.drawSurgery();
    this.drawCareTimes();
    this.drawBodySites();
    this.drawConditions();
    this.drawMechanisms();
    this.drawTriage();
    this.drawNationality();
    this.root.dataset.ready = "true";
  };

  Dashboard.prototype.timeAxis = function (hourly, length) {
    var labels = hourly ? this.data.hour_labels : this.data.day_labels;
    return { type: "category", data: labels.slice(0, length), axisTick: { alignWithLabel: true } };
  };

  Dashboard.prototype.zoom = function (hourly) {
    return hourly && this.renderer !== "svg" ? [{ type: "slider", height: 18, bottom: 4 }, { type: "inside" }] : [];
  };

  Dashboard.prototype.drawCasualties = function () {
    var hourly = this.view.casualtiesStep === "hour";
    var source = this.data.timeline[hourly ? "hourly" : "daily"][this.view.casualtiesBy];
    var length = shown(values(source), hourly, this.data.days);
    var series = [], total = 0;
    Object.keys(source).forEach(function (key) {
      total += sum(source[key]);
      series.push({ name: label(key), type: "bar", stack: "casualties", data: source[key].slice(0, length),
                    itemStyle: { color: color(key) }, emphasis: { focus: "series" }, barCategoryGap: hourly ? "0%" : "20%" });
    });
    // Mass-casualty incidents and special events: a point per event at its start, as
    // high as its casualty count.
    var marks = this.data.timeline.marked_events.map(function (e) {
      return { value: [hourly ? e.hour : Math.floor(e.hour / 24), e.casualties], event: e };
    });
    series.push({
      name: "Mass-casualty and special events", type: "scatter", data: marks, symbol: "triangle", symbolSize: 11,
      itemStyle: { color: "#000" }, z: 5,
      tooltip: { trigger: "item", formatter: function (p) {
        var e = p.data.event;
        return e.event_id + " · " + e.kind.replace("_", " ") + "<br>" + e.casualties + " casualties";
      } },
    });
    this.draw("casualties", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 40, bottom: hourly ? 56 : 30 },
      xAxis: this.timeAxis(hourly, length),
      yAxis: { type: "value", name: "casualties" },
      dataZoom: this.zoom(hourly),
      series: series,
    }, total);
  };

  Dashboard.prototype.drawFlow = function () {
    // Arriving at R4 is the evacuation out of theatre: R4 is drawn as that outcome.
    var hasR4 = this.data.flow.nodes.indexOf("R4") >= 0;
    var flow = {
      nodes: this.data.flow.nodes.filter(function (n) { return n !== "Evacuated" || !hasR4; }),
      links: this.data.flow.links.filter(function (l) { return l.source !== "R4"; }),
    };
    var out = {};
    flow.links.forEach(function (l) { out[l.source] = (out[l.source] || 0) + l.value; });
    var into = {};
    flow.links.forEach(function (l) { into[l.target] = (into[l.target] || 0) + l.value; });
    var nodes = flow.nodes.map(function (n) { return { name: n, itemStyle: { color: NODE_COLORS[n] } }; });
    this.draw("flow", {
      tooltip: { trigger: "item", formatter: function (p) {
        if (p.dataType === "edge") return p.data.source + " → " + p.data.target + ": " + p.data.value.toLocaleString();
        return p.name + ": " + (out[p.name] || into[p.name] || 0).toLocaleString();
      } },
      series: [{
        type: "sankey", left: 8, right: 110, top: 10, bottom: 10, nodeAlign: "justify",
        emphasis: { focus: "adjacency" }, nodeGap: 12,
        data: nodes, links: flow.links, lineStyle: { color: "gradient", opacity: 0.35 },
        label: { formatter: function (p) {
          var name = p.name === "R4" ? "R4 (evacuated)" : p.name;
          return name + " " + (into[p.name] || out[p.name] || 0).toLocaleString();
        } },
      }],
    }, out.POI || 0);
  };

  Dashboard.prototype.drawLoad = function () {
    var load = this.data.load;
    var present = this.view.loadShow === "present";
    var source = present ? load.census_hourly : load.arrivals_hourly;
    var length = shown(values(load.arrivals_hourly), true, this.data.days);
    var total = 0;
    var series = Object.keys(source).map(function (place) {
      total += sum(source[place]);
      return { name: place, type: "line", data: source[place].slice(0, length), showSymbol: false, step: present ? "end" : false,
               lineStyle: { width: 1.5 }, itemStyle: { color: ROLE_COLORS[place] } };
    });
    // Beds hold patients present, so they are drawn against that view only.
    var capacity = this.data.capacity;
    if (present && capacity) series = series.concat(capacitySeries(capacity.beds, length, ROLE_COLORS));
    this.draw("load", {
      tooltip: { trigger: "axis" },
      legend: legendOf(series),
      grid: { left: 48, right: 16, top: 40, bottom: 56 },
      xAxis: this.timeAxis(true, length),
      yAxis: { type: "value", name: present ? "patients present" : "arrivals per hour" },
      dataZoom: this.zoom(true),
      series: series,
    }, total);
  };

  Dashboard.prototype.drawEvacuation = function () {
    var source = this.data.load.evac_requests_hourly, total = 0;
    var length = shown(values(source), true, this.data.days);
    var series = Object.keys(source).map(function (key) {
      total += sum(source[key]);
      return { name: label(key), type: "bar", stack: "requests", data: source[key].slice(0, length), barCategoryGap: "0%",
               itemStyle: { color: color(key) } };
    });
    if (this.data.capacity) series = series.concat(capacitySeries(this.data.capacity.lift_per_hour, length, LIFT_COLORS));
    this.draw("evacuation", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: legendOf(series),
      grid: { left: 48, right: 16, top: 40, bottom: 56 },
      xAxis: this.timeAxis(true, length),
      yAxis: { type: "value", name: "9-line requests per hour" },
      dataZoom: this.zoom(true),
      series: series,
    }, total);
  };

  Dashboard.prototype.drawSurgery = function () {
    var source = this.data.load.surgical_cases_daily, total = 0;
    var length = shown(values(source), false, this.data.days);
    var series = Object.keys(source).map(function (place) {
      total += sum(source[place]);
      return { name: place, type: "bar", data: source[place].slice(0, length), itemStyle: { color: ROLE_COLORS[place] } };
    });
    if (this.data.capacity) series = series.concat(capacitySeries(this.data.capacity.surgery_per_day, length, ROLE_COLORS));
    this.draw("surgery", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: legendOf(series),
      grid: { left: 48, right: 16, top: 40, bottom: 30 },
      xAxis: this.timeAxis(false, length),
      yAxis: { type: "value", name: "surgical cases" },
      series: series,
    }, total);
  };

  Dashboard.prototype.drawCareTimes = function () {
    var care = this.data.care_times, bins = care.bins_minutes;
    var labels = ["≤" + bins[0]];
    for (var i = 1; i < bins.length; i++) labels.push(bins[i - 1] + "-" + bins[i]);
    labels.push(">" + bins[bins.length - 1]);
    var names = { first_aid: "First aid", first_care: "First facility", surgery: "Surgery" };
    var colors = { first_aid: "#2e7d32", first_care: "#3d7ea6", surgery: "#b23a2f" };
    var total = 0;
    var series = Object.keys(names).map(function (key) {
      var entry = care[key];
      total += sum(entry.histogram);
      var share = entry.share_within == null ? "no data" : (entry.share_within * 100).toFixed(0) + " % ≤ " + entry.guideline_minutes + " min";
      return { name: names[key] + ": " + share, type: "bar", data: entry.histogram, itemStyle: { color: colors[key] } };
    });
    this.draw("care-times", {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 58, bottom: 40 },
      xAxis: { type: "category", data: labels, name: "minutes after injury", nameLocation: "middle", nameGap: 26,
               axisLabel: { interval: 0, fontSize: 10 } },
      yAxis: { type: "value" },
      series: series,
    }, total);
  };

  Dashboard.prototype.horizontalBars = function (name, rows, valueName, barColor) {
    var total = sum(rows.map(function (r) { return r[1]; }));
    var shown = rows.slice().reverse();
    this.draw(name, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 40, top: 8, bottom: 30, containLabel: true },
      xAxis: { type: "value", name: valueName, nameLocation: "middle", nameGap: 24 },
      yAxis: { type: "category", data: shown.map(function (r) { return r[0]; }),
               axisLabel: { width: 220, overflow: "truncate" } },
      series: [{ type: "bar", data: shown.map(function (r) { return r[1]; }), itemStyle: { color: barColor },
                 label: { show: true, position: "right", fontSize: 10 } }],
    }, total);
  };

  Dashboard.prototype.drawBodySites = function () {
    var rows = this.data.injuries.body_sites.slice(0, 15).map(function (r) { return [r.site, r.count]; });
    this.horizontalBars("body-sites", rows, "conditions", "#7b5ea7");
  };

  Dashboard.prototype.drawConditions = function () {
    var rows = this.data.injuries.top_conditions.map(function (r) { return [r.display, r.count]; });
    this.horizontalBars("conditions", rows, "casualties", "#b23a2f");
  };

  Dashboard.prototype.stackedByGroup = function (name, groups, keyOrder, horizontal) {
    // groups: {group: {key: n}} -> one bar per group, stacked by key.
    var groupNames = Object.keys(groups);
    var keys = keyOrder || [];
    groupNames.forEach(function (g) { Object.keys(groups[g]).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); }); });
    var total = 0;
    var series = keys.map(function (k) {
      var data = groupNames.map(function (g) { return groups[g][k] || 0; });
      total += sum(data);
      return { name: label(k), type: "bar", stack: "all", data: data, itemStyle: { color: color(k) }, emphasis: { focus: "series" } };
    });
    var categories = { type: "category", data: groupNames.map(label) };
    var rows = Math.ceil(keys.length / 6);
    var values = horizontal ? { type: "value", name: "casualties", nameLocation: "middle", nameGap: 24 } : { type: "value", name: "casualties" };
    this.draw(name, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 16 + 24 * rows, bottom: 30, containLabel: true },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: series,
    }, total);
  };

  Dashboard.prototype.drawMechanisms = function () { this.stackedByGroup("mechanisms", this.data.injuries.mechanisms, null, true); };
  Dashboard.prototype.drawTriage = function () {
    this.stackedByGroup("triage", this.data.injuries.triage_by_category, ["T1", "T2", "T3", "T4", "DEAD"], true);
  };
  Dashboard.prototype.drawNationality = function () { this.stackedByGroup("nationality", this.data.injuries.nationality_by_front, null, false); };

  Dashboard.prototype.bindControls = function () {
    var self = this;
    this.root.querySelectorAll("[data-view]").forEach(function (control) {
      control.addEventListener("change", function () {
        self.view[control.dataset.view] = control.value;
        if (control.dataset.view === "loadShow") self.drawLoad(); else self.drawCasualties();
      });
    });
    window.addEventListener("resize", function () {
      Object.keys(self.charts).forEach(function (k) { self.charts[k].resize(); });
    });
    window.addEventListener("beforeprint", function () {
      Object.keys(self.charts).forEach(function (k) { self.charts[k].resize(); });
    });
  };

  function start(root) {
    if (root.dataset.started || typeof echarts === "undefined") return;
    root.dataset.started = "true";
    new Dashboard(root).load();
  }

  function scan() { document.querySelectorAll("[data-dashboard]").forEach(start); }

  scan();
  // The job page swaps in its result (with the dashboard) when a running job completes.
  var result = document.getElementById("job-result");
  if (result && "MutationObserver" in window) new MutationObserver(scan).observe(result, { childList: true, subtree: true });
})();
