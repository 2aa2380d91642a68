// The dashboard's water and environment views: layer specs for dashboard.js and the lists beside the map.
// Water: bodies coloured by their latest black-odour class, cased in their warning colour, dashed when a
// patrol is missed; open water cases as points. Environment: sensors coloured by state (ok, exceeding,
// stale), the open exceedances listed. Data from /api/maps/water/ and /api/maps/sensors/ (GeoJSON lng/lat).

import { localTime } from "./api.js";

// Latest black-odour class (gridmgmt.water.quality): 0 none, 1 light, 2 severe; "none" = never observed.
const ODOR = { 0: "#2b8cbe", 1: "#e6850e", 2: "#6b2c00", none: "#7a8a99" };
const WARNING = { yellow: "#f2c200", orange: "#f46d00", red: "#c00000" };
const SENSOR = { ok: "#1a9850", exceeding: "#d73027", stale: "#9e9e9e" };
const odorColor = (p) => ODOR[p.black_odor ?? "none"];
const odorLabel = (n) => [gettext("not black-odorous"), gettext("lightly black-odorous"),
  gettext("severely black-odorous")][n] ?? gettext("never observed");
const patrolLabel = (state) => ({ ok: gettext("patrols on schedule"), due_soon: gettext("patrol due soon"),
  missed: gettext("patrol overdue") })[state];
const stateLabel = (state) => ({ ok: gettext("within limit"), exceeding: gettext("exceeding"),
  stale: gettext("no recent reading") })[state];
const when = (iso) => (iso ? localTime(iso) : "—");

// A link to the water body's file (一河一档).
function bodyLink(code, name) {
  const link = Object.assign(document.createElement("a"), { href: `/water/${encodeURIComponent(code)}/` });
  link.append(named(name || code));
  return link;
}
const caseLink = (id, text) => Object.assign(document.createElement("a"), { href: `/console/cases/${id}/`, textContent: text });

// Names kept only in Chinese (water bodies, sensors, classes without English) are marked as such on
// pages in another language, as the server's name rule marks them.
const CHINESE = /[\u3400-\u9fff]/;
function named(text) {
  const span = Object.assign(document.createElement("span"), { textContent: text });
  if (CHINESE.test(text) && !document.documentElement.lang.startsWith("zh")) span.lang = "zh-Hans";
  return span;
}

function item(...parts) {
  const li = document.createElement("li");
  li.append(...parts.flatMap((part, i) => (i ? [" · ", part] : [part])));
  return li;
}

function fill(id, items, emptyText) {
  const box = document.getElementById(id);
  box.replaceChildren(...items);
  if (!items.length) box.append(Object.assign(document.createElement("li"), { className: "hint", textContent: emptyText }));
}

function waterLayer(data) {
  const group = L.featureGroup();
  // The warning casing goes under the body: a wide band in the warning's colour.
  L.geoJSON(data.bodies, {
    filter: (f) => WARNING[f.properties.warning_level],
    style: (f) => ({ className: "layer-water-warning", color: WARNING[f.properties.warning_level], weight: 10,
      opacity: 0.45, fill: false }),
    interactive: false,
  }).addTo(group);
  L.geoJSON(data.bodies, {
    style: (f) => ({ className: `layer-water odor-${f.properties.black_odor ?? "none"}`, color: odorColor(f.properties),
      weight: 4, fillColor: odorColor(f.properties), fillOpacity: 0.55,
      dashArray: f.properties.patrol_state === "missed" ? "8 6" : null }),
    onEachFeature: (f, path) => {
      const p = f.properties;
      path.bindTooltip(`${p.name || p.code} · ${odorLabel(p.black_odor)} · ${patrolLabel(p.patrol_state)}`);
      path.on("click", () => { window.location.href = `/water/${encodeURIComponent(p.code)}/`; });
    },
  }).addTo(group);
  L.geoJSON(data.cases, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 2, fillOpacity: 1,
      fillColor: f.properties.overdue ? "#a4161a" : "#6a3d9a", className: "layer-water-cases" }),
    onEachFeature: (f, m) => m.bindTooltip(`${f.properties.number} ${f.properties.class_name}`),
  }).addTo(group);
  return group;
}

function waterSide(data) {
  const c = data.counts;
  document.getElementById("duty-counts").textContent = interpolate(
    gettext("%s water bodies, %s black-odorous, %s with an overdue patrol, %s open water cases"),
    [c.bodies, c.black_odorous, c.patrol_missed, c.open_cases]);
  fill("worst-water", data.worst.map((b) => {
    const li = item(bodyLink(b.code, b.name), b.black_odor ? odorLabel(b.black_odor) : patrolLabel(b.patrol_state));
    if (b.black_odor && b.patrol_state === "missed") li.append(` · ${patrolLabel("missed")}`);
    li.dataset.testid = "worst-water-body";
    return li;
  }), gettext("No black-odorous water body and no overdue patrol."));
  fill("water-cases", data.cases.features.map((f) => {
    const p = f.properties;
    const due = p.overdue ? [gettext("overdue")] : p.deadline ? [interpolate(gettext("due %s"), [when(p.deadline)])] : [];
    const link = caseLink(p.id, `${p.number} `);
    link.append(named(p.class_name));
    const li = item(link, p.grid, ...due);
    li.dataset.testid = "water-case";
    return li;
  }), gettext("No open water cases."));
}

function sensorLayer(data) {
  return L.geoJSON(data.sensors, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillOpacity: 1,
      fillColor: SENSOR[f.properties.state], className: `layer-sensors sensor-${f.properties.state}` }),
    onEachFeature: (f, m) => {
      const p = f.properties;
      const value = p.value === null ? "—" : `${p.value} ${p.unit}`;
      m.bindTooltip(`${p.name || p.code} · ${stateLabel(p.state)}<br>${value}` +
        (p.limit ? ` (${interpolate(gettext("limit %s"), [p.limit])})` : "") + `<br>${when(p.read_at)}`);
    },
  });
}

function sensorSide(data) {
  const c = data.counts;
  document.getElementById("duty-counts").textContent = interpolate(
    gettext("%s sensors: %s within limit, %s exceeding, %s without a reading for %s h"),
    [c.ok + c.exceeding + c.stale, c.ok, c.exceeding, c.stale, data.stale_hours]);
  fill("episodes", data.episodes.map((e) => {
    const event = e.case ? caseLink(e.case, interpolate(gettext("case %s"), [e.case_number]))
      : document.createTextNode(e.event ? gettext("reported, no case yet") : "—");
    const li = item(named(e.name || e.sensor), e.grid || "—",
      interpolate(gettext("peak %s since %s"), [`${e.peak} ${e.unit}`, when(e.started_at)]), event);
    li.dataset.testid = "episode";
    return li;
  }), gettext("No open exceedance."));
}

const sensorType = () => document.getElementById("sensor-type")?.value || "";

export const DUTY_LAYERS = {
  water: {
    label: gettext("Water bodies and open water cases"),
    url: () => "/api/maps/water/",
    layer: waterLayer,
    count: (data) => data.bodies.features.length,
    side: waterSide,
  },
  sensors: {
    label: gettext("Sensors"),
    url: () => `/api/maps/sensors/${sensorType() ? `?type=${sensorType()}` : ""}`,
    layer: sensorLayer,
    count: (data) => data.sensors.features.length,
    side: sensorSide,
  },
};

export const DUTY_EMPTY = {
  water: () => gettext("No water bodies in your area (load them with import_water_bodies)."),
  sensors: () => (sensorType() ? gettext("No sensors of this type in your area.") : gettext("No sensors in your area.")),
};

function swatch(color, label, style = "") {
  return `<span class="scale-step"><span class="swatch" style="background:${color};${style}"></span>${label}</span>`;
}

// The legend of the view's colours (the same constants draw the map).
export function dutyLegend(mode) {
  const box = document.getElementById("duty-legend");
  if (!box) return;
  if (mode === "water") {
    box.innerHTML = `<p class="hint">${gettext("Latest black-odour class")}</p>` +
      [0, 1, 2, "none"].map((n) => swatch(ODOR[n], odorLabel(n))).join("") +
      `<p class="hint">${gettext("Warning level (band around the water body)")}</p>` +
      [["yellow", gettext("yellow warning")], ["orange", gettext("orange warning")], ["red", gettext("red warning")]]
        .map(([level, label]) => swatch(WARNING[level], label, "opacity:.45")).join("") +
      `<p class="hint">${gettext("Patrols")}</p>` +
      swatch("#fff", gettext("dashed: patrol overdue"), `border:2px dashed ${ODOR[0]}`) +
      swatch("#6a3d9a", gettext("open water case"), "border-radius:50%") +
      swatch("#a4161a", gettext("overdue water case"), "border-radius:50%");
  } else {
    box.innerHTML = `<p class="hint">${gettext("Latest reading against the limit")}</p>` +
      Object.entries(SENSOR).map(([state, color]) => swatch(color, stateLabel(state), "border-radius:50%")).join("");
  }
}
