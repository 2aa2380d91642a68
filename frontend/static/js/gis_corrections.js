// The decision page's map (/gis/corrections/): each pending correction where it applies, numbered as in the
// table (red: the proposed position or the building; grey: where a changed component is now, joined to the
// proposal by a line), over the grids. Points are GeoJSON in WGS84 (lng, lat).
import { createMap } from "./map.js";

const places = JSON.parse(document.getElementById("correction-places").textContent);
const m = createMap(document.getElementById("corrections-map"), { layers: ["grids"], fit: false });

m.ready.then(() => {
  const proposed = {};
  const layer = L.geoJSON(places, {
    pointToLayer: (feature, latlng) => {
      const { id, role } = feature.properties;
      if (role === "proposed") proposed[id] = latlng;
      return L.circleMarker(latlng, {
        radius: role === "proposed" ? 9 : 6, weight: 2, color: "#fff", fillOpacity: 1,
        fillColor: role === "proposed" ? "#d00000" : "#777", className: `correction-place correction-${role}-${id}`,
      }).bindTooltip(role === "proposed" ? `#${id}` : `#${id} ${gettext("now")}`, { permanent: role === "proposed" });
    },
  }).addTo(m.map);
  places.features.filter((f) => f.properties.role === "now" && proposed[f.properties.id]).forEach((f) => {
    const [lng, lat] = f.geometry.coordinates;
    L.polyline([[lat, lng], proposed[f.properties.id]], { color: "#777", dashArray: "4 4", weight: 2 }).addTo(m.map);
  });
  if (places.features.length) m.map.fitBounds(layer.getBounds(), { padding: [40, 40], maxZoom: 18, animate: false });
  document.body.dataset.correctionsReady = "1";
});
