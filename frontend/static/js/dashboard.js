// The map pages: dashboard (open cases per grid as a choropleth, report density in H3 hexagons),
// medical view (health facilities over grids), traffic view (roads and open traffic cases), and the water and
// environment views (dashboard_duties.js).
// Case and report layers are polled every data-refresh-seconds; hexagons follow the zoom (the
// server picks the H3 resolution from it). GeoJSON is (lng, lat); Leaflet LatLng is (lat, lng).
// Open cases per grid come as vector tiles (Leaflet.VectorGrid, the global L.vectorGrid): only the tiles
// in view travel, and a refresh asks only for the small summary, whose version says whether the tiles
// changed. Every answer carries an ETag, so an unchanged refresh is a 304 without a body.
import { api, localTime, showError } from "./api.js";
import { DUTY_EMPTY, DUTY_LAYERS, dutyLegend } from "./dashboard_duties.js";
import { createMap } from "./map.js";
import { zoomBuildings, zoomLabels } from "./map_zoom_layers.js";

const element = document.getElementById("dashboard-map");
const mode = element.dataset.mode;
const refreshMs = Math.max(5, Number(element.dataset.refreshSeconds) || 30) * 1000;
// Framed here, without animation: the view-following layers start on the final view, not on a zoom in flight.
const { map, ready } = createMap(element, { layers: ["district", "streets"], fit: false });

// Open cases per grid: class breaks (upper bounds) and a sequential red scale, darker = more.
const BREAKS = [0, 1, 3, 6, Infinity];
const SCALE = ["#f7f7f7", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"];
const HEX_SCALE = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"];
const scaleIndex = (n) => BREAKS.findIndex((upper) => n <= upper);
const hexIndex = (n, max) => Math.min(HEX_SCALE.length - 1, Math.floor((n / Math.max(max, 1)) * HEX_SCALE.length));

const bboxParam = () => map.getBounds().toBBoxString(); // minLng,minLat,maxLng,maxLat

// Outlines of grids without open cases fade when zoomed out, where hundreds share the view.
const choroplethStyle = (p, zoom = 16) => ({ className: "layer-choropleth", color: p.open_cases || zoom >= 15 ? "#555" : "#8c96a0",
  weight: p.open_cases ? 2 : zoom >= 15 ? 0.6 : 0.4, fill: true, fillOpacity: p.open_cases ? 0.8 : 0,
  fillColor: SCALE[scaleIndex(p.open_cases)] });
const HIGHLIGHT = (p, zoom) => ({ ...choroplethStyle(p, zoom), color: "#000", weight: 4 });
// Below this zoom the tiles hold only the grids with open cases (gridmgmt/maps/tiles.py ALL_GRIDS_MIN_ZOOM).
const ALL_GRIDS_MIN_ZOOM = 13;

const LAYERS = {
  choropleth: {
    label: gettext("Open cases per grid"),
    tiles: true,
  },
  hexbins: {
    label: gettext("Report density (last 30 days)"),
    url: () => `/api/maps/report-hexbins/?zoom=${map.getZoom()}&in_bbox=${bboxParam()}`,
    options: (data) => {
      const max = Math.max(0, ...data.features.map((f) => f.properties.count));
      return {
        style: (f) => ({ className: "layer-hexbins", color: "#08306b", weight: 0.5, fillOpacity: 0.55,
          fillColor: HEX_SCALE[hexIndex(f.properties.count, max)] }),
        onEachFeature: (f, path) => path.bindTooltip(interpolate(gettext("%s reports"), [f.properties.count])),
      };
    },
    followsView: true,
  },
  grids: {
    label: gettext("Grids"),
    url: () => `/api/grids/?in_bbox=${bboxParam()}`,
    options: () => ({ style: { className: "layer-grids", color: "#a4161a", weight: 1, fillOpacity: 0.04 } }),
    followsView: true,
  },
  health: {
    label: gettext("Health facilities"),
    url: () => "/api/maps/health-facilities/",
    options: () => ({
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 7, color: "#fff", weight: 2,
        fillColor: "#1e6b33", fillOpacity: 1, className: "layer-health" }),
      onEachFeature: (f, m) => m.bindTooltip(`${f.properties.name || ""} (${f.properties.kind})`),
    }),
  },
  roads: {
    label: gettext("Roads"),
    url: () => `/api/maps/roads/?in_bbox=${bboxParam()}`,
    options: () => ({ style: { className: "layer-roads", color: "#6b7785", weight: 2 },
      onEachFeature: (f, line) => { if (f.properties.name) line.bindTooltip(f.properties.name); } }),
    followsView: true,
  },
  traffic: {
    label: gettext("Open traffic cases"),
    url: () => "/api/maps/traffic-cases/",
    options: () => ({
      pointToLayer: (f, latlng) => L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillOpacity: 1,
        fillColor: f.properties.overdue ? "#a4161a" : "#8a5200", className: "layer-traffic" }),
      onEachFeature: (f, m) => m.bindTooltip(`${f.properties.number} ${f.properties.class_name}`),
    }),
  },
  ...DUTY_LAYERS,
};

const MODES = { dashboard: ["choropleth", "hexbins"], medical: ["grids", "health"], traffic: ["roads", "traffic"],
  water: ["water"], environment: ["sensors"] };
const POLLED = new Set(["choropleth", "hexbins", "traffic", "water", "sensors"]);
const shown = {}; // name -> layer currently made (on the map when enabled)
const enabled = new Set(MODES[mode]);

// Open cases per grid as vector tiles; a grid's features are counted once per zoom (data-loaded-choropleth).
function openCasesTiles() {
  map.createPane("choropleth").style.zIndex = "450"; // above the density hexagons (overlay pane, 400)
  const drawn = new Set();
  const layer = L.vectorGrid.protobuf("/api/maps/open-cases-tiles/?z={z}&x={x}&y={y}", {
    pane: "choropleth", interactive: true, getFeatureId: (f) => f.properties.code,
    vectorTileLayerStyles: { grids: (p, zoom) => { drawn.add(p.code); return choroplethStyle(p, zoom); } },
    fetchOptions: { credentials: "same-origin" },
  });
  let tip = null;
  layer.on("click", (event) => showGrid(event.layer.properties.code));
  layer.on("mouseover", (event) => {
    tip?.remove();
    const p = event.layer.properties;
    tip = L.tooltip().setLatLng(event.latlng)
      .setContent(`${p.code} · ${interpolate(gettext("%s open cases"), [p.open_cases])}`).addTo(map);
  });
  layer.on("mousemove", (event) => tip?.setLatLng(event.latlng));
  layer.on("mouseout", () => tip?.remove());
  map.on("click movestart", () => tip?.remove()); // a click or a move leaves the grid under the pointer behind
  layer.on("load", () => { element.dataset.loadedChoropleth = String(drawn.size); });
  map.on("zoomstart", () => drawn.clear());
  return layer;
}

// The summary beside the tiles (totals, busiest grids, the layer's version); a new version redraws the tiles,
// whose unchanged ones the browser then revalidates (304).
let openCasesVersion = null;
async function loadOpenCases() {
  const summary = await api("/api/maps/open-cases-summary/");
  if (openCasesVersion !== null && summary.version !== openCasesVersion) shown.choropleth.redraw();
  openCasesVersion = summary.version;
  element.dataset.openCases = String(summary.open_cases);
  emptyState("choropleth", summary.open_cases);
  hottest(summary.hottest);
}

async function load(name) {
  const spec = LAYERS[name];
  if (spec.tiles) {
    if (!shown[name]) {
      shown[name] = openCasesTiles();
      if (enabled.has(name)) shown[name].addTo(map);
    }
    await loadOpenCases();
    return;
  }
  const data = await api(spec.url());
  // A layer made of several collections (the water and environment views) builds itself and fills its lists.
  const layer = spec.layer ? spec.layer(data) : L.geoJSON(data, spec.options(data));
  const count = spec.count ? spec.count(data) : data.features.length;
  if (shown[name]) shown[name].remove();
  shown[name] = layer;
  if (enabled.has(name)) layer.addTo(map);
  spec.side?.(data);
  element.dataset[`loaded${name[0].toUpperCase()}${name.slice(1)}`] = String(count);
  emptyState(name, count);
}

// Says why a layer draws nothing, instead of a map that only looks quiet.
const EMPTY = {
  choropleth: () => gettext("No open cases in your area."),
  hexbins: () => gettext("No reports in the last 30 days in this view."),
  grids: () => gettext("No grids in this view."),
  health: () => gettext("No health facilities loaded (import them from OSM with import_osm)."),
  roads: () => gettext("No roads loaded in this view (import them from OSM with import_osm)."),
  traffic: () => gettext("No open traffic cases."),
  ...DUTY_EMPTY,
};
const empties = new Map();

function emptyState(name, count) {
  if (count) empties.delete(name);
  else empties.set(name, EMPTY[name]());
  const box = document.getElementById("layer-empty");
  box.replaceChildren(...[...empties.values()].map((text) => Object.assign(document.createElement("p"), { textContent: text })));
  box.hidden = !empties.size;
}

// The grids with most open cases: a list to start from (a busy grid may be a sliver on the map).
function hottest(top) {
  const box = document.getElementById("hottest-grids");
  if (!box) return;
  box.replaceChildren(...top.map((g) => {
    const button = Object.assign(document.createElement("button"), { type: "button", className: "row",
      textContent: `${g.code} · ${interpolate(gettext("%s open cases"), [g.open_cases])}` });
    button.dataset.testid = "hot-grid";
    button.addEventListener("click", () => showGrid(g.code));
    const item = document.createElement("li");
    item.append(button);
    return item;
  }));
  if (!top.length) box.append(Object.assign(document.createElement("li"), { className: "hint", textContent: gettext("No open cases in your area.") }));
}

// Looking a grid up takes the map to it (no animation: a click during a zoom would land elsewhere) and outlines it.
let highlighted = null;
function zoomToGrid(code, [minLng, minLat, maxLng, maxLat]) {
  map.fitBounds([[minLat, minLng], [maxLat, maxLng]], { maxZoom: 17, padding: [24, 24], animate: false });
  const tiles = shown.choropleth;
  if (!tiles) return;
  if (highlighted) tiles.resetFeatureStyle(highlighted);
  tiles.setFeatureStyle(code, HIGHLIGHT);
  highlighted = code;
  element.dataset.highlighted = code;
}

async function refresh(names) {
  try {
    await Promise.all(names.map(load));
    const status = document.getElementById("refresh-status");
    status.textContent = interpolate(gettext("Updated at %s"), [localTime(new Date(), { timeOnly: true })]);
  } catch (error) {
    showError(error);
  }
}

function toggles(extra) {
  const box = document.getElementById("layer-toggles");
  const row = (name, label, onChange) => {
    const id = `toggle-${name}`;
    const item = document.createElement("div");
    item.className = "toggle";
    item.innerHTML = `<input type="checkbox" id="${id}" checked><label for="${id}"></label>`;
    item.querySelector("label").textContent = label;
    item.querySelector("input").addEventListener("change", (event) => onChange(event.target.checked));
    box.append(item);
  };
  MODES[mode].forEach((name) => row(name, LAYERS[name].label, (on) => {
    if (on) { enabled.add(name); shown[name]?.addTo(map); } else { enabled.delete(name); shown[name]?.remove(); }
  }));
  Object.entries(extra).forEach(([name, [label, layer]]) => row(name, label, (on) => layer.setEnabled(on)));
}

function legend() {
  const box = document.getElementById("choropleth-legend");
  if (!box) return;
  const labels = ["0", "1", "2–3", "4–6", "7+"];
  box.innerHTML = `<p class="hint">${gettext("Open cases per grid")}</p>` + labels.map((label, i) =>
    `<span class="scale-step"><span class="swatch" style="background:${SCALE[i]}"></span>${label}</span>`).join("");
  const hint = Object.assign(document.createElement("p"), { className: "hint", id: "zoom-hint" });
  box.append(hint);
  const update = () => {
    hint.textContent = map.getZoom() < ALL_GRIDS_MIN_ZOOM ? gettext("Zoomed out: only grids with open cases are drawn; zoom in for every grid.") : "";
  };
  map.on("zoomend", update);
  update();
}

// The grid panel: code, households, grid workers and open cases of one grid.
async function showGrid(code) {
  const panel = document.getElementById("grid-summary");
  try {
    const g = await api(`/api/maps/grids/${encodeURIComponent(code)}/`);
    zoomToGrid(g.code, g.bbox);
    panel.innerHTML = "";
    const dl = document.createElement("dl");
    dl.className = "facts";
    [[gettext("Grid code"), g.code], [gettext("Community"), `${g.community} · ${g.street}`],
      [gettext("Households"), g.households], [gettext("Grid workers"), g.workers.join(", ") || "—"],
      [gettext("Open cases"), g.open_cases]].forEach(([term, value]) => {
      const dt = document.createElement("dt"); dt.textContent = term;
      const dd = document.createElement("dd"); dd.textContent = value;
      dl.append(dt, dd);
    });
    const list = document.createElement("ul");
    list.className = "list";
    g.latest.forEach((c) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = `/console/cases/${c.id}/`;
      a.textContent = `${c.number} ${c.class}`; // the case number people read and search (2026-000074), not the row id
      li.append(a);
      list.append(li);
    });
    panel.append(dl, list);
  } catch (error) {
    showError(error);
  }
}

function gridLookupForm() {
  // Keyboard and screen-reader path to the same panel: polygons on a map are not focusable.
  const panel = document.getElementById("grid-summary");
  if (!panel) return;
  const form = document.createElement("form");
  form.className = "grid-lookup";
  form.innerHTML = `<label for="grid-code-input"></label><input id="grid-code-input" inputmode="numeric" pattern="[0-9]{14,15}"><button type="submit"></button>`;
  form.querySelector("label").textContent = gettext("Grid code");
  form.querySelector("button").textContent = gettext("Show grid");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    showGrid(form.querySelector("input").value.trim());
  });
  panel.before(form);
}

// What the map shows now, for the reader's bookmarks and the browser tests.
function noteView() {
  element.dataset.zoom = String(map.getZoom());
  element.dataset.view = map.getBounds().toBBoxString();
}
map.on("moveend", noteView);
legend();
dutyLegend(mode);
gridLookupForm();
// Layers that follow the view start once the map is framed on the district: no tiles or labels are fetched
// for the provisional view of the map's first frame.
ready.then(({ layers }) => {
  if (layers.district?.getLayers().length) map.fitBounds(layers.district.getBounds(), { padding: [12, 12], animate: false });
}).finally(() => {
  noteView();
  const labels = zoomLabels(map, { onGrid: mode === "dashboard" ? showGrid : null });
  const buildings = zoomBuildings(map);
  toggles({ labels: [gettext("Labels (streets, communities, grid codes)"), labels],
    buildings: [gettext("Buildings (zoomed in)"), buildings] });
  refresh(MODES[mode]);
  const followers = MODES[mode].filter((name) => LAYERS[name].followsView);
  if (followers.length) map.on("moveend", () => refresh(followers));
  const polled = MODES[mode].filter((name) => POLLED.has(name));
  let polls = 0;
  document.getElementById("sensor-type")?.addEventListener("change", () => refresh(["sensors"]));
  if (polled.length) setInterval(() => refresh(polled).then(() => { element.dataset.polls = String(++polls); }), refreshMs);
});
// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
