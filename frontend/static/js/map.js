// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// A Leaflet map with the app's own layers (district, streets, communities,
// grids) from the GeoJSON APIs, and an optional basemap from settings
// (GRIDMGMT_BASEMAP: none | osm | tianditu). With "none" the outlines alone
// make the map: government networks are often cut off from the internet.
// Coordinates are WGS84; GeoJSON is (lng, lat), Leaflet's LatLng is (lat, lng).
//
// Usage: const m = createMap(element, { layers: ["district", "streets"] });
//        await m.ready;  m.map is the L.Map, m.layers.grids the L.GeoJSON.

export const LAYERS = {
  district: { url: "/map/district.geojson", label: gettext("District"), style: { color: "#0b4f8a", weight: 4, fill: false } },
  streets: { url: "/api/streets/", label: gettext("Streets"), style: { color: "#2f6f4f", weight: 2, fillOpacity: 0.03 } },
  communities: { url: "/api/communities/", label: gettext("Communities"), style: { color: "#7a4a9c", weight: 1, fillOpacity: 0.02, dashArray: "4 3" } },
  grids: { url: "/api/grids/", label: gettext("Grids"), style: { color: "#a4161a", weight: 1.5, fillOpacity: 0.05 } },
};

const TIANDITU = (layer, key) =>
  `https://t{s}.tianditu.gov.cn/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}` +
  `&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=${encodeURIComponent(key)}`;

export function mapConfig() {
  const node = document.getElementById("map-config");
  return node ? JSON.parse(node.textContent) : { basemap: "none", center: [23.13, 113.28], zoom: 13 };
}

// Leaflet's default pin images by the URLs the page names (#map-config's markerIcons): Leaflet's own guess,
// from leaflet.css's URL, fails on collectstatic's content-hashed names and every pin was a broken image.
const MARKER_ICONS = mapConfig().markerIcons;
if (MARKER_ICONS) {
  L.Icon.Default.imagePath = "";
  L.Icon.Default.mergeOptions(MARKER_ICONS);
}

function addBasemap(map, config) {
  if (config.basemap === "osm") {
    L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
      maxZoom: 19, attribution: "© OpenStreetMap contributors",
    }).addTo(map);
  } else if (config.basemap === "tianditu" && config.tiandituKey) {
    const options = { subdomains: "01234567", maxZoom: 18, attribution: "© 天地图 Tianditu" };
    L.tileLayer(TIANDITU("vec", config.tiandituKey), options).addTo(map);
    L.tileLayer(TIANDITU("cva", config.tiandituKey), options).addTo(map);
  }
  // "none" (or tianditu without a key): the app's outlines on a plain background.
}

function featureLabel(properties) {
  return [properties.name || properties.community_name, properties.code].filter(Boolean).join(" · ");
}

// Adds a FeatureCollection; each path gets the CSS class "layer-<name>" (styling, tests).
export function addGeoJSON(map, name, data, style = {}) {
  const base = LAYERS[name] ? LAYERS[name].style : {};
  const layer = L.geoJSON(data, {
    style: { ...base, ...style, className: `layer-${name}` },
    onEachFeature: (feature, path) => {
      const label = featureLabel(feature.properties || {});
      if (label) path.bindTooltip(label, { sticky: true });
    },
  });
  return layer.addTo(map);
}

async function fetchLayer(name, params) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(LAYERS[name].url + (query ? `?${query}` : ""), { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${gettext("Map layer could not be loaded")}: ${LAYERS[name].label} (HTTP ${response.status})`);
  return response.json();
}

// options.layers: names from LAYERS, drawn in this order (the first one with features frames the map
// unless options.fit is false); options.params: extra query per layer, e.g. { grids: { community: "…" } }.
export function createMap(element, { layers = ["district", "streets"], params = {}, fit = true, config = mapConfig() } = {}) {
  const map = L.map(element, { zoomControl: false, attributionControl: true })
    .setView(config.center, config.zoom);
  // Leaflet's own texts are English: the zoom buttons' titles (what a screen reader says) and its link's title,
  // in the page's language.
  L.control.zoom({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map);
  map.attributionControl.setPrefix(map.attributionControl.options.prefix.replace(
    /title="[^"]*"/, `title="${gettext("A JavaScript library for interactive maps")}"`));
  addBasemap(map, config);
  const result = { map, layers: {} };
  result.ready = Promise.all(layers.map((name) => fetchLayer(name, params[name] || {})))
    .then((collections) => {
      collections.forEach((data, index) => {
        result.layers[layers[index]] = addGeoJSON(map, layers[index], data);
      });
      const framed = collections.findIndex((c) => c.features && c.features.length);
      if (fit && framed >= 0) map.fitBounds(result.layers[layers[framed]].getBounds(), { padding: [12, 12] });
      addLegend(map, layers);
      return result;
    });
  return result;
}

function addLegend(map, names) {
  const legend = L.control({ position: "bottomleft" });
  legend.onAdd = () => {
    const box = L.DomUtil.create("div", "map-legend");
    box.innerHTML = names.map((name) =>
      `<span style="color:${LAYERS[name].style.color}">■</span> ${LAYERS[name].label}`).join("<br>");
    return box;
  };
  legend.addTo(map);
}

// Follows the device position (WGS84 from the browser's GPS); onPosition gets an L.LatLng.
export function trackPosition(map, onPosition = () => {}) {
  const marker = L.circleMarker([0, 0], { radius: 8, color: "#fff", weight: 3, fillColor: "#1a73e8", fillOpacity: 1, className: "my-position" });
  const accuracy = L.circle([0, 0], { radius: 0, weight: 1, color: "#1a73e8", fillOpacity: 0.1 });
  if (!("geolocation" in navigator)) return null;
  return navigator.geolocation.watchPosition(
    (position) => {
      const here = L.latLng(position.coords.latitude, position.coords.longitude);
      marker.setLatLng(here).addTo(map);
      accuracy.setLatLng(here).setRadius(position.coords.accuracy).addTo(map);
      onPosition(here, position.coords.accuracy);
    },
    () => onPosition(null),
    { enableHighAccuracy: true, maximumAge: 10000, timeout: 20000 },
  );
}

// Whether latlng lies inside any polygon of a GeoJSON FeatureCollection (ray casting on lng/lat; holes respected).
export function insideGeoJSON(latlng, collection) {
  const inRing = (ring) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > latlng.lat) !== (yj > latlng.lat) && latlng.lng < ((xj - xi) * (latlng.lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  const inPolygon = (rings) => inRing(rings[0]) && !rings.slice(1).some(inRing);
  return collection.features.some(({ geometry }) => (geometry.type === "Polygon" ? [geometry.coordinates]
    : geometry.type === "MultiPolygon" ? geometry.coordinates : []).some(inPolygon));
}
