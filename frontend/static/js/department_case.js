// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// The department's case page: the case on a map with its grid and the handler's own position.
import { addGeoJSON, createMap, trackPosition } from "./map.js";

const place = JSON.parse(document.getElementById("case-place").textContent);
const { map } = createMap(document.getElementById("case-map"), { layers: ["district"], fit: false });
const grid = addGeoJSON(map, "grids", place.grid, { weight: 3, fillOpacity: 0.06 });
const here = L.latLng(place.lat, place.lng);
L.marker(here, { title: gettext("Case location") }).addTo(map);
map.fitBounds(place.grid.features.length ? grid.getBounds().extend(here) : L.latLngBounds([here, here]).pad(0.005),
  { padding: [16, 16], maxZoom: 17 });

trackPosition(map, (position, accuracy) => {
  document.getElementById("gps-status").textContent = position
    ? interpolate(gettext("Your position: %s, %s (±%s m)"), [position.lat.toFixed(6), position.lng.toFixed(6), Math.round(accuracy)])
    : gettext("No GPS position: allow location access for this site.");
});
