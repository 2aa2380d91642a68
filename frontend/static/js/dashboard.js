// The map pages: dashboard (open cases per grid as a choropleth, report density in H3 hexagons),
// medical view (health facilities over grids) and traffic view (roads and open traffic cases).
// Case and report layers are polled every data-refresh-seconds; hexagons follow the zoom (the
// server picks the H3 resolution from it). GeoJSON is (lng, lat); Leaflet LatLng is (lat, lng).
import { api, showError } from "./api.js";
import { createMap } from "./map.js";

const element = document.getElementById("dashboard-map");
const mode = element.dataset.mode;
const refreshMs = Math.max(5, Number(element.dataset.refreshSeconds) || 30) * 1000;
const { map } = createMap(element, { layers: ["district", "streets"] });

// Open cases per grid: class breaks (upper bounds) and a sequential red scale, darker = more.
const BREAKS = [0, 1, 3, 6, Infinity];
const SCALE = ["#f7f7f7", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"];
const HEX_SCALE = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"];
const scaleIndex = (n) => BREAKS.findIndex((upper) => n <= upper);
const hexIndex = (n, max) => Math.min(HEX_SCALE.length - 1, Math.floor((n / Math.max(max, 1)) * HEX_SCALE.length));

const bboxParam = () => map.getBounds().toBBoxString(); // minLng,minLat,maxLng,maxLat

const LAYERS = {
  choropleth: {
    label: gettext("Open cases per grid"),
    url: () => "/api/maps/open-cases-by-grid/",
    options: () => ({
      // Grids without open cases are outlines only, so the density below shows through them.
      style: (f) => ({ className: "layer-choropleth", color: "#555", weight: f.properties.open_cases ? 2 : 0.6,
        fillOpacity: f.properties.open_cases ? 0.8 : 0, fillColor: SCALE[scaleIndex(f.properties.open_cases)] }),
      onEachFeature: (f, path) => {
        path.bindTooltip(`${f.properties.code} · ${interpolate(gettext("%s open cases"), [f.properties.open_cases])}`, { sticky: true });
        path.on("click", () => showGrid(f.properties.code));
      },
    }),
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
      onEachFeature: (f, m) => m.bindTooltip(`#${f.properties.case} ${f.properties.class_name}`),
    }),
  },
};

const MODES = { dashboard: ["choropleth", "hexbins"], medical: ["grids", "health"], traffic: ["roads", "traffic"] };
const POLLED = new Set(["choropleth", "hexbins", "traffic"]);
const shown = {}; // name -> L.GeoJSON currently on the map
const enabled = new Set(MODES[mode]);

async function load(name) {
  const spec = LAYERS[name];
  const data = await api(spec.url());
  const layer = L.geoJSON(data, spec.options(data));
  if (shown[name]) shown[name].remove();
  shown[name] = layer;
  if (enabled.has(name)) layer.addTo(map);
  shown.choropleth?.bringToFront(); // open cases stay above the density hexagons whichever loads last
  element.dataset[`loaded${name[0].toUpperCase()}${name.slice(1)}`] = String(data.features.length);
  // Every grid is a feature of the choropleth: it is "empty" when none has an open case.
  emptyState(name, name === "choropleth" ? data.features.filter((f) => f.properties.open_cases > 0).length : data.features.length);
  if (name === "choropleth") hottest(data);
}

// Says why a layer draws nothing, instead of a map that only looks quiet.
const EMPTY = {
  choropleth: () => gettext("No open cases in your area."),
  hexbins: () => gettext("No reports in the last 30 days in this view."),
  grids: () => gettext("No grids in this view."),
  health: () => gettext("No health facilities loaded (import them from OSM with import_osm)."),
  roads: () => gettext("No roads loaded in this view (import them from OSM with import_osm)."),
  traffic: () => gettext("No open traffic cases."),
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
function hottest(data) {
  const box = document.getElementById("hottest-grids");
  if (!box) return;
  const top = data.features.filter((f) => f.properties.open_cases > 0)
    .sort((a, b) => b.properties.open_cases - a.properties.open_cases).slice(0, 5);
  box.replaceChildren(...top.map((f) => {
    const button = Object.assign(document.createElement("button"), { type: "button", className: "row",
      textContent: `${f.properties.code} · ${interpolate(gettext("%s open cases"), [f.properties.open_cases])}` });
    button.dataset.testid = "hot-grid";
    button.addEventListener("click", () => showGrid(f.properties.code));
    const item = document.createElement("li");
    item.append(button);
    return item;
  }));
  if (!top.length) box.append(Object.assign(document.createElement("li"), { className: "hint", textContent: gettext("No open cases in your area.") }));
}

// Looking a grid up takes the map to it.
function zoomToGrid(code) {
  shown.choropleth?.eachLayer((path) => {
    if (path.feature.properties.code === code) {
      map.fitBounds(path.getBounds(), { maxZoom: 17, padding: [24, 24] });
      path.setStyle({ weight: 4, color: "#000" });
    }
  });
}

async function refresh(names) {
  try {
    await Promise.all(names.map(load));
    const status = document.getElementById("refresh-status");
    status.textContent = interpolate(gettext("Updated at %s"), [new Date().toLocaleTimeString()]);
  } catch (error) {
    showError(error);
  }
}

function toggles() {
  const box = document.getElementById("layer-toggles");
  MODES[mode].forEach((name) => {
    const id = `toggle-${name}`;
    const row = document.createElement("div");
    row.className = "toggle";
    row.innerHTML = `<input type="checkbox" id="${id}" checked><label for="${id}"></label>`;
    row.querySelector("label").textContent = LAYERS[name].label;
    row.querySelector("input").addEventListener("change", (event) => {
      if (event.target.checked) { enabled.add(name); shown[name]?.addTo(map); } else { enabled.delete(name); shown[name]?.remove(); }
    });
    box.append(row);
  });
}

function legend() {
  const box = document.getElementById("choropleth-legend");
  if (!box) return;
  const labels = ["0", "1", "2–3", "4–6", "7+"];
  box.innerHTML = `<p class="hint">${gettext("Open cases per grid")}</p>` + labels.map((label, i) =>
    `<span class="scale-step"><span class="swatch" style="background:${SCALE[i]}"></span>${label}</span>`).join("");
}

// The grid panel: code, households, grid workers and open cases of one grid.
async function showGrid(code) {
  const panel = document.getElementById("grid-summary");
  try {
    const g = await api(`/api/maps/grids/${encodeURIComponent(code)}/`);
    zoomToGrid(g.code);
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
      a.textContent = `#${c.id} ${c.class}`;
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

toggles();
legend();
gridLookupForm();
refresh(MODES[mode]);
const followers = MODES[mode].filter((name) => LAYERS[name].followsView);
if (followers.length) map.on("moveend", () => refresh(followers));
const polled = MODES[mode].filter((name) => POLLED.has(name));
if (polled.length) setInterval(() => refresh(polled), refreshMs);
