// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// The report form: class (big → small, search, recent), photo, GPS location
// with a draggable marker, description and the class' extra attributes,
// likely duplicates before sending. Every report goes to the device queue
// first (offline_queue.js), then is sent from there.
import { api, localTime, notify } from "./api.js";
import { addGeoJSON, createMap, insideGeoJSON, trackPosition } from "./map.js";
import { enqueue, flush, listReports } from "./offline_queue.js";
import { previewPhotos, shrinkPhoto } from "./worker_photos.js";
import { startWorkerPage, USER } from "./worker.js";

const catalogue = JSON.parse(document.getElementById("catalogue").textContent);
const english = document.documentElement.lang.startsWith("en");
const nameOf = (item) => (english && item.name_en) || item.name;
const classes = catalogue.flatMap((big) => big.classes.map((small) => ({ ...small, big })));
const byCode = new Map(classes.map((small) => [small.code, small]));

const form = document.getElementById("report-form");
const state = { big: catalogue[0] ? catalogue[0].code : null, chosen: null, point: null, moved: false };

// --- 1. the class --------------------------------------------------------
const RECENT_KEY = `gridmgmt-recent-classes-${USER}`;
const recent = () => JSON.parse(localStorage.getItem(RECENT_KEY) || "[]").filter((code) => byCode.has(code));

function toggleButton(label, pressed, onClick, testid) {
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-pressed", String(pressed));
  if (testid) button.dataset.testid = testid;
  button.addEventListener("click", onClick);
  return button;
}

function renderPicker() {
  const query = document.getElementById("class-search").value.trim().toLowerCase();
  document.getElementById("recent-classes").replaceChildren(...recent().map((code) =>
    toggleButton(`★ ${nameOf(byCode.get(code))}`, state.chosen?.code === code, () => choose(code), `recent-${code}`)));
  document.getElementById("big-classes").replaceChildren(...(query ? [] : catalogue.map((big) =>
    toggleButton(nameOf(big), big.code === state.big, () => { state.big = big.code; renderPicker(); }, `big-${big.code}`))));
  const shown = query
    ? classes.filter((s) => [s.code, s.name, s.name_en, s.keywords, s.big.name].join(" ").toLowerCase().includes(query))
    : classes.filter((s) => s.big.code === state.big);
  document.getElementById("small-classes").replaceChildren(...shown.map((small) =>
    toggleButton(`${nameOf(small)}`, state.chosen?.code === small.code, () => choose(small.code), `class-${small.code}`)));
}

function attributeField(definition) {
  const id = `attr-${definition.code}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  // A catalogue attribute carries its label and choices in Chinese, and in English where known (description_en, name_en).
  label.textContent = ((english && definition.description_en) || definition.description || definition.code)
    + (definition.required ? " *" : "");
  let field;
  if (definition.datatype === "multivaluelist") {
    field = document.createElement("fieldset");
    field.className = "choices";
    field.id = id;
    const legend = document.createElement("legend");
    legend.textContent = label.textContent;
    field.append(legend, ...definition.values.map((value) => {
      const option = document.createElement("label");
      const box = Object.assign(document.createElement("input"), { type: "checkbox", value: value.key, name: definition.code });
      option.append(box, ` ${nameOf(value)}`);
      return option;
    }));
    return [field];
  }
  if (definition.datatype === "singlevaluelist") {
    field = document.createElement("select");
    field.append(new Option("—", ""), ...definition.values.map((value) => new Option(nameOf(value), value.key)));
  } else if (definition.datatype === "text") {
    field = document.createElement("textarea");
  } else {
    field = document.createElement("input");
    field.type = { number: "number", datetime: "datetime-local" }[definition.datatype] || "text";
    if (field.type === "number") field.step = "any";
  }
  Object.assign(field, { id, name: definition.code, required: Boolean(definition.required) });
  return [label, field];
}

function attributeValues() {
  const values = {};
  for (const definition of state.chosen ? state.chosen.attributes : []) {
    if (definition.datatype === "multivaluelist") {
      values[definition.code] = [...form.querySelectorAll(`input[name="${definition.code}"]:checked`)].map((box) => box.value);
    } else {
      values[definition.code] = form.elements[definition.code].value;
    }
  }
  return values;
}

function choose(code) {
  state.chosen = byCode.get(code);
  state.big = state.chosen.big.code;
  document.getElementById("chosen-class").textContent =
    `${gettext("Class")}: ${nameOf(state.chosen.big)} › ${nameOf(state.chosen)} (${state.chosen.code})`;
  document.getElementById("attributes").replaceChildren(...state.chosen.attributes.flatMap(attributeField));
  renderPicker();
  checkDuplicates();
}

document.getElementById("class-search").addEventListener("input", renderPicker);

// --- 2. the photo --------------------------------------------------------
const photoInput = document.getElementById("photo");
const afterInput = document.getElementById("after-photo");
previewPhotos(photoInput, document.getElementById("photo-preview"));
previewPhotos(afterInput, document.getElementById("after-preview"));

// --- 4. fixed on the spot (即报即处): the photo of step 2 is the one before --------
const fixedNow = document.getElementById("fixed-now");
fixedNow.addEventListener("change", () => {
  document.getElementById("fixed-fields").hidden = !fixedNow.checked;
  labelSendButton();
});

// The send button says what sending does: closing the case too when fixed on the spot; going ahead
// although open reports of the class lie nearby.
function labelSendButton() {
  const label = fixedNow.checked ? gettext("Send and close")
    : !document.getElementById("duplicates").hidden ? gettext("Send anyway") : gettext("Send report");
  document.getElementById("send-report").textContent = label;
}

// --- 3. the location -----------------------------------------------------
const grids = JSON.parse(document.getElementById("my-grids").textContent);
const { map } = createMap(document.getElementById("report-map"), { layers: ["district"], fit: false });
const mine = addGeoJSON(map, "grids", grids, { weight: 3 });
// The first framing and the first GPS fix jump instead of animating: a tap during a zoom
// animation would land on a point the worker did not mean.
if (grids.features.length) map.fitBounds(mine.getBounds(), { animate: false });
const marker = L.marker(map.getCenter(), { draggable: true, keyboard: true, title: gettext("Place of the problem") });
let gps = null;

function place(latlng, { moved }) {
  state.point = latlng;
  state.moved = moved;
  marker.setLatLng(latlng).addTo(map);
  document.getElementById("location-text").textContent =
    `${moved ? gettext("Moved by hand") : gettext("From GPS")}: ${latlng.lat.toFixed(6)}, ${latlng.lng.toFixed(6)}`;
  // Allowed (a problem just across the street still counts), but the worker should know it goes to another grid.
  document.getElementById("outside-grid").hidden = !grids.features.length || insideGeoJSON(latlng, grids);
  checkDuplicates();
}

map.on("click", (event) => place(event.latlng, { moved: true })); // a tap places the pin

marker.on("dragend", () => place(marker.getLatLng(), { moved: true }));
trackPosition(map, (here) => {
  gps = here;
  // GPS updates follow the user until they place the marker by hand.
  if (here && !state.moved) {
    if (!state.point) map.setView(here, Math.max(map.getZoom(), 16), { animate: false });
    place(here, { moved: false });
  }
});
document.getElementById("use-gps").addEventListener("click", () => {
  if (gps) {
    map.setView(gps, Math.max(map.getZoom(), 16));
    place(gps, { moved: false });
  } else {
    notify(gettext("No GPS position yet: allow location access, or drag the marker."), "error");
  }
});

// --- duplicates, before sending -------------------------------------------
let duplicateTimer = null;
function checkDuplicates() {
  clearTimeout(duplicateTimer);
  duplicateTimer = setTimeout(async () => {
    const box = document.getElementById("duplicates");
    if (!state.chosen || !state.point || !navigator.onLine) {
      box.hidden = true;
      labelSendButton();
      return;
    }
    const query = new URLSearchParams({ lat: state.point.lat, lng: state.point.lng, service_code: state.chosen.code });
    try {
      const found = await api(`/api/events/duplicates?${query}`);
      const features = found.features || found;
      document.getElementById("duplicate-list").replaceChildren(...features.map((feature) => {
        const p = feature.properties;
        const li = document.createElement("li");
        li.dataset.testid = "duplicate";
        li.textContent = `${gettext("Report")} ${feature.id} · ${p.service_name} · ${Math.round(p.distance_m)} m · ` +
          `${localTime(p.received_at)} · ${p.description || ""}`;
        return li;
      }));
      box.hidden = !features.length;
    } catch (error) {
      box.hidden = true; // the check is a help, not a gate: offline or refused, the report can still go
    }
    labelSendButton();
  }, 300);
}

// --- send ----------------------------------------------------------------
function problem() {
  if (!state.chosen) return gettext("Choose what the problem is (step 1).");
  if (!state.point) return gettext("No location yet: wait for GPS or drag the marker (step 3).");
  const missing = state.chosen.attributes.find((d) => d.required && !String(attributeValues()[d.code] ?? "").length);
  if (missing) return `${gettext("Required")}: ${(english && missing.description_en) || missing.description || missing.code}`;
  if (fixedNow.checked && !photoInput.files.length) return gettext("Fixed on the spot: take the photo before (step 2).");
  if (fixedNow.checked && !afterInput.files.length) return gettext("Fixed on the spot: take a photo after (step 4).");
  if (fixedNow.checked && !document.getElementById("fixed-note").value.trim()) return gettext("Fixed on the spot: say what you did (step 4).");
  return "";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = document.getElementById("form-error");
  error.textContent = problem();
  if (error.textContent) return;
  const small = state.chosen;
  const button = document.getElementById("send-report");
  button.disabled = true; // shrinking a big photo takes a moment: no second tap meanwhile
  const shrunk = (input) => Promise.all([...input.files].map((file) => shrinkPhoto(file)));
  const photos = await shrunk(photoInput);
  const fixed = fixedNow.checked;
  const after = fixed ? await shrunk(afterInput) : [];
  button.disabled = false;
  const record = await enqueue({
    user: USER,
    label: `${fixed ? `${gettext("Fixed on the spot")}: ` : ""}${nameOf(small)} (${small.code})`,
    fields: {
      service_code: small.code, lat: state.point.lat.toFixed(7), lng: state.point.lng.toFixed(7),
      description: document.getElementById("description").value, attributes: attributeValues(),
      device_time: new Date().toISOString(),
    },
    photos,
    ...(fixed ? { kind: "self_handle", fix: { note: document.getElementById("fixed-note").value.trim() }, after } : {}),
  });
  localStorage.setItem(RECENT_KEY, JSON.stringify([small.code, ...recent().filter((c) => c !== small.code)].slice(0, 4)));
  form.reset();
  document.getElementById("photo-preview").replaceChildren();
  document.getElementById("after-preview").replaceChildren();
  document.getElementById("fixed-fields").hidden = true;
  document.getElementById("duplicates").hidden = true;
  state.moved = false;
  await flush(USER).catch(() => null);
  const saved = (await listReports(USER)).find((r) => r.key === record.key);
  labelSendButton();
  if (saved.status === "failed") notify(`${gettext("Refused")}: ${saved.error}`, "error");
  else if (saved.status === "conflict") notify(`${gettext("Not applied")}: ${saved.error}`, "error");
  else if (saved.status === "sent" && saved.kind === "self_handle") {
    notify(interpolate(gettext("Case %s closed as fixed on the spot."), [saved.caseNumber]), "ok");
  } else notify(saved.status === "sent" ? interpolate(gettext("Sent: report %s"), [saved.eventId])
    : gettext("Saved on this device: it will be sent when the network returns."), "ok");
});

renderPicker();
startWorkerPage({ receipts: document.getElementById("receipts") });
