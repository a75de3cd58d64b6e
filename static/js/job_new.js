// The "New job" form: fill it from a preset at once, add and remove formset rows,
// and show running share totals. Everything also works without this file: the preset
// button then reloads the page with ?preset=NAME, and rows are removed by their
// "Remove this ..." checkbox (one blank row is always offered for adding).
(function () {
  "use strict";

  const form = document.getElementById("scenario-form");
  if (!form) return;
  const presets = JSON.parse(document.getElementById("preset-data").textContent);
  const rowFields = { events: ["type", "day", "size_min", "size_max"], fronts: ["name", "share", "nationalities", "area"] };

  function field(name) {
    return form.querySelector(`[name="${name}"]`);
  }

  function rows(prefix) {
    return Array.from(document.getElementById(`${prefix}-rows`).querySelectorAll(":scope > [data-row]"));
  }

  // Rows -----------------------------------------------------------------------

  function renumber(prefix) {
    let n = 0;
    for (const row of rows(prefix)) {
      if (!row.hidden) row.querySelector(".row-number").textContent = String(++n);
    }
  }

  function wireRow(row, prefix) {
    const remove = row.querySelector("[data-remove-row]");
    const deleteBox = row.querySelector('input[name$="-DELETE"]');
    row.querySelector(".delete-field").hidden = true;
    remove.hidden = false;
    remove.addEventListener("click", () => {
      deleteBox.checked = true;
      row.hidden = true;
      renumber(prefix);
      updateTotals();
    });
    if (deleteBox.checked) row.hidden = true;
  }

  function addRow(prefix, values) {
    const total = field(`${prefix}-TOTAL_FORMS`);
    const index = Number(total.value);
    const html = document.getElementById(`${prefix}-template`).innerHTML.replace(/__prefix__/g, String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const row = holder.firstElementChild;
    document.getElementById(`${prefix}-rows`).insertBefore(row, document.getElementById(`${prefix}-template`));
    total.value = String(index + 1);
    wireRow(row, prefix);
    for (const key of rowFields[prefix]) {
      const value = values ? values[key] : null;
      row.querySelector(`[name="${prefix}-${index}-${key}"]`).value = value === null || value === undefined ? "" : value;
    }
    renumber(prefix);
    return row;
  }

  function replaceRows(prefix, list) {
    for (const row of rows(prefix)) row.remove();
    field(`${prefix}-TOTAL_FORMS`).value = "0";
    field(`${prefix}-INITIAL_FORMS`).value = "0";
    for (const values of list) addRow(prefix, values);
  }

  // The server adds one blank row for browsers without this script; the "Add" button
  // replaces it here. It is always the last row, so dropping it keeps indexes dense.
  function dropBlankLastRow(prefix) {
    const last = rows(prefix).pop();
    if (!last || last.querySelector(".errorlist")) return;
    const inputs = rowFields[prefix].map((key) => last.querySelector(`[name$="-${key}"]`));
    if (inputs.every((input) => input.value === "")) {
      last.remove();
      const total = field(`${prefix}-TOTAL_FORMS`);
      total.value = String(Number(total.value) - 1);
    }
  }

  // Presets --------------------------------------------------------------------

  function setValue(name, value) {
    const inputs = form.querySelectorAll(`[name="${name}"]`);
    for (const input of inputs) {
      if (input.type === "checkbox") {
        input.checked = Array.isArray(value) ? value.includes(input.value) : value === true;
      }
      else input.value = value === null || value === undefined ? "" : value;
    }
  }

  function applyPreset(name) {
    const initial = presets[name];
    if (!initial) return false;
    for (const [key, value] of Object.entries(initial)) {
      // The output formats are the user's choice, not the scenario's.
      if (!["special_events", "fronts", "output_formats", "preset"].includes(key)) setValue(key, value);
    }
    form.querySelector("details.advanced").open = Boolean(initial.scenario_json);
    replaceRows("events", initial.special_events);
    replaceRows("fronts", initial.fronts);
    for (const node of form.querySelectorAll(".errorlist, .error-summary, #kept-settings")) node.remove();
    for (const node of form.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
    updateTotals();
    history.replaceState(null, "", `?preset=${encodeURIComponent(name)}`);
    return true;
  }

  function wirePresets() {
    const picker = document.getElementById("preset-form");
    const select = document.getElementById("preset-select");
    const description = document.getElementById("preset-description");
    select.addEventListener("change", () => {
      const option = select.selectedOptions[0];
      description.textContent = option ? option.dataset.description || "" : "";
    });
    picker.addEventListener("submit", (event) => {
      if (applyPreset(select.value)) {
        event.preventDefault();
        form.querySelector("input, select").focus();
      }
    });
  }

  // Totals ---------------------------------------------------------------------

  function sum(inputs) {
    return inputs.reduce((total, input) => total + (Number.parseFloat(input.value) || 0), 0);
  }

  function showTotal(output, total) {
    const rounded = Math.round(total * 10000) / 10000;
    output.textContent = `Now: ${rounded} %`;
    output.classList.toggle("bad", Math.abs(rounded - 100) > 0.0001);
  }

  function updateTotals() {
    const fronts = rows("fronts").filter((row) => !row.hidden);
    showTotal(document.getElementById("fronts-total"), sum(fronts.map((row) => row.querySelector('[name$="-share"]'))));
    const mix = Array.from(document.querySelectorAll("#injury-mix input"));
    showTotal(document.getElementById("injury-total"), sum(mix));
  }

  // Start ----------------------------------------------------------------------

  for (const prefix of ["events", "fronts"]) {
    dropBlankLastRow(prefix);
    for (const row of rows(prefix)) wireRow(row, prefix);
    renumber(prefix);
    const button = form.querySelector(`[data-add-row="${prefix}"]`);
    button.hidden = false;
    button.addEventListener("click", () => addRow(prefix, null).querySelector("input, select").focus());
  }
  form.addEventListener("input", updateTotals);
  wirePresets();
  updateTotals();
  const summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
