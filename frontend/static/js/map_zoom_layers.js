// Layers that follow the zoom, for any Leaflet map of the app (readable without a basemap):
// - area labels (/api/maps/labels/): street names zoomed out, community names in between, short grid codes
//   zoomed in (the full code on hover; a click can open the grid). Each label sits at a point inside its
//   area within the view (the server's ST_PointOnSurface), is left out when wider than its area on screen,
//   and, largest area first, is left out when it would overlap a label already placed: never a mesh.
// - buildings with their households, zoomed in (/api/maps/buildings/, from zoom BUILDINGS_MIN_ZOOM).
// Both refetch after every move (only the answer to the latest move is drawn) and write what they drew on
// the map element: data-label-level, data-labels, data-buildings, and the view (bbox) each drew for:
// data-labels-view, data-buildings-view.
//
// Usage: const labels = zoomLabels(map, { onGrid: (code) => … });  const buildings = zoomBuildings(map, { zIndex });
//        labels.setEnabled(false) hides them (a layer switch).

export const BUILDINGS_MIN_ZOOM = 16;
const LABEL_HEIGHT = 18; // px, as .map-label in app.css
const FONTS = { street: "600 13px system-ui, sans-serif", community: "12px system-ui, sans-serif",
  grid: "600 12px ui-monospace, monospace" };

let canvas;
function textWidth(text, font) {
  canvas ??= document.createElement("canvas");
  const context = canvas.getContext("2d");
  context.font = font;
  return Math.ceil(context.measureText(text).width);
}

// A fetch of JSON whose answer is dropped (null) when a later call has started meanwhile.
function latestJSON() {
  let turn = 0;
  return async (url) => {
    const mine = ++turn;
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${gettext("Map layer could not be loaded")} (HTTP ${response.status})`);
    const data = await response.json();
    return mine === turn ? data : null;
  };
}

function pane(map, name, zIndex) {
  if (!map.getPane(name)) map.createPane(name).style.zIndex = String(zIndex);
  return map.getPane(name);
}

// Redraws after every move and now; a failed redraw is logged, not shown: these layers help reading,
// the map stays usable without them. Returns the layer's controls.
function followView(map, redraw, setEnabled) {
  const refresh = () => redraw().catch((error) => console.warn(error));
  map.on("moveend", refresh);
  refresh();
  return { refresh, setEnabled };
}

const overlaps = (a, b) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

export function zoomLabels(map, { onGrid = null } = {}) {
  const element = map.getContainer();
  const group = L.layerGroup();
  const fetchLabels = latestJSON();
  let enabled = true;
  // Above the map's paths and markers, below tooltips and popups; clicks pass through all but grid codes.
  pane(map, "labels", 640).style.pointerEvents = "none";

  function place(data, view) {
    group.clearLayers();
    const placed = [];
    const size = map.getSize();
    for (const label of data.labels) {
      const width = textWidth(label.text, FONTS[label.kind]) + 8;
      const [minLng, minLat, maxLng, maxLat] = label.box;
      const sw = map.latLngToContainerPoint([minLat, minLng]);
      const ne = map.latLngToContainerPoint([maxLat, maxLng]);
      if (ne.x - sw.x < width || sw.y - ne.y < LABEL_HEIGHT) continue; // wider than its area on screen
      const at = map.latLngToContainerPoint([label.lat, label.lng]);
      const box = { x0: at.x - width / 2, x1: at.x + width / 2, y0: at.y - LABEL_HEIGHT / 2, y1: at.y + LABEL_HEIGHT / 2 };
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > size.x || box.y1 > size.y) continue; // would be cut by the edge
      if (placed.some((other) => overlaps(box, other))) continue;
      placed.push(box);
      const clickable = label.kind === "grid" && onGrid !== null;
      const text = Object.assign(document.createElement("span"), { textContent: label.text });
      if (label.untranslated) text.lang = "zh-Hans";
      const marker = L.marker([label.lat, label.lng], {
        pane: "labels", interactive: clickable, keyboard: false, title: label.title,
        icon: L.divIcon({ className: `map-label map-label-${label.kind}`, iconSize: [width, LABEL_HEIGHT], html: text }),
      }).addTo(group);
      marker.getElement().dataset.code = label.code;
      if (clickable) marker.on("click", () => onGrid(label.code));
    }
    element.dataset.labelLevel = data.level;
    element.dataset.labels = String(placed.length);
    element.dataset.labelsView = view;
  }

  async function redraw() {
    if (!enabled) return;
    const view = map.getBounds().toBBoxString();
    const data = await fetchLabels(`/api/maps/labels/?zoom=${map.getZoom()}&in_bbox=${view}`);
    if (data && enabled) place(data, view);
  }

  group.addTo(map);
  const controls = followView(map, redraw, (on) => {
    enabled = on;
    if (on) { group.addTo(map); controls.refresh(); } else { group.remove(); }
  });
  return controls;
}

function buildingPopup(p) {
  const box = document.createElement("dl");
  box.className = "facts";
  [[gettext("Households"), p.households], [gettext("Residents"), p.population || "—"],
    [gettext("Address"), p.address || "—"]].forEach(([term, value]) => {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    box.append(dt, dd);
  });
  return box;
}

// zIndex: the buildings' pane; the default lies above the dashboard's open-cases grids (450) and below labels,
// a page with its own points in the overlay pane (400) passes less.
export function zoomBuildings(map, { minZoom = BUILDINGS_MIN_ZOOM, zIndex = 460 } = {}) {
  const element = map.getContainer();
  const fetchBuildings = latestJSON();
  const style = { className: "layer-buildings", color: "#5b4a2f", weight: 1, fillColor: "#d9c7a3", fillOpacity: 0.85 };
  // Buildings without a footprint are points: small where a view holds a thousand of them.
  const pointRadius = () => (map.getZoom() > minZoom ? 5 : 3);
  const options = {
    pane: "buildings",
    style,
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { ...style, pane: "buildings", radius: pointRadius() }),
    onEachFeature: (feature, path) => path.bindPopup(() => buildingPopup(feature.properties)),
  };
  // Building id -> its layer. A move adds and removes only what entered or left the view, so an open
  // popup (whose opening may itself pan the map) stays open.
  const drawn = new Map();
  const group = L.layerGroup().addTo(map);
  let enabled = true;
  pane(map, "buildings", zIndex);

  function keep(features, view) {
    const ids = new Set(features.map((f) => f.id));
    drawn.forEach((layer, id) => { if (!ids.has(id)) { group.removeLayer(layer); drawn.delete(id); } });
    features.forEach((f) => { if (!drawn.has(f.id)) drawn.set(f.id, L.geoJSON(f, options).addTo(group)); });
    element.dataset.buildings = String(drawn.size);
    element.dataset.buildingsView = view;
  }

  async function redraw() {
    const view = map.getBounds().toBBoxString();
    if (!enabled || map.getZoom() < minZoom) { keep([], view); return; }
    const data = await fetchBuildings(`/api/maps/buildings/?in_bbox=${view}`);
    if (data && enabled && map.getZoom() >= minZoom) keep(data.features, view);
  }

  map.on("zoomend", () => group.eachLayer((layer) => layer.eachLayer((path) => path.setRadius?.(pointRadius()))));
  const controls = followView(map, redraw, (on) => {
    enabled = on;
    controls.refresh();
  });
  return controls;
}
