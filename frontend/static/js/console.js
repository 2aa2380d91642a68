// The console's map of listed cases (list page) or of one case (case page), and "select all" for bulk dispatch.
// Points come embedded in the page (#case-points, GeoJSON, lng/lat) so the map shows exactly the listed cases.
import { createMap } from "./map.js";
import { zoomBuildings, zoomLabels } from "./map_zoom_layers.js";

const DEADLINE_COLOURS = { overdue: "#a4161a", near: "#8a5200", "": "#0b4f8a" };

function drawCases(element) {
  const points = JSON.parse(document.getElementById("case-points").textContent);
  const framed = points.features.length > 0;
  // One case (its page): the grids of its community too, its own grid drawn bolder, so the reader sees which
  // grid it lies in (the grid labels alone floated over an outline-less map). A list keeps the area outlines.
  const grid = points.features.length === 1 ? points.features[0].properties.grid : "";
  const layers = grid ? ["district", "streets", "grids"] : ["district", "streets"];
  const params = grid ? { grids: { community: grid.slice(0, 12) } } : {};
  const { map, ready } = createMap(element, { layers, params, fit: !framed });
  if (grid) {
    ready.then(({ layers: drawn }) => drawn.grids.eachLayer((path) => {
      if (path.feature.properties.code === grid) {
        path.setStyle({ weight: 4 });
        path.getElement().classList.add("case-grid");
      }
    }));
  }
  // The cases' own pane above the area layers: the street polygons, drawn when their fetch answers,
  // would otherwise lie over the points and take their hover and click.
  map.createPane("cases").style.zIndex = 450;
  const layer = L.geoJSON(points, {
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, {
      pane: "cases", radius: 9, color: "#ffffff", weight: 2, fillOpacity: 0.95,
      fillColor: DEADLINE_COLOURS[feature.properties.deadline_state] || DEADLINE_COLOURS[""],
      className: `case-point case-point-${feature.properties.id}`,
    }),
    onEachFeature: (feature, marker) => {
      const p = feature.properties;
      marker.bindTooltip(`${p.number} ${p.class_name} · ${p.status}`);
      marker.on("click", () => { window.location.href = `/console/cases/${p.id}/`; });
    },
  }).addTo(map);
  if (framed) map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 16 });
  zoomLabels(map); // street, community and grid names by zoom: readable without a basemap
  zoomBuildings(map, { zIndex: 420 }); // above the area outlines (400), under the case points (450)
}

function wireSelectAll() {
  const all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", () => {
    document.querySelectorAll(".bulk-pick").forEach((box) => { box.checked = all.checked; });
  });
}

const element = document.getElementById("console-map");
if (element) drawCases(element);
wireSelectAll();
