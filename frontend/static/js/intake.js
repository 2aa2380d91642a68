// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// Call-taker intake: the place from address search (the gazetteer, pg_trgm),
// a click on the map, or coordinates typed from a map app (WGS84 or GCJ-02);
// open reports of the same class nearby shown before saving.
import { api } from "./api.js";
import { createMap } from "./map.js";

const form = document.getElementById("intake-form");
const lng = document.getElementById("lng");
const lat = document.getElementById("lat");
const crs = document.getElementById("id_crs");
const { map } = createMap(document.getElementById("intake-map"), { layers: ["district", "streets"] });
let marker = null;

function place(point, { from, label = "" }) {
  lng.value = point.lng.toFixed(7);
  lat.value = point.lat.toFixed(7);
  crs.value = from;
  if (from === "wgs84") {
    marker = (marker || L.marker(point)).setLatLng(point).addTo(map);
    map.setView(point, Math.max(map.getZoom(), 16));
  }
  document.getElementById("point-text").textContent =
    `${label ? `${label} · ` : ""}${from === "gcj02" ? "GCJ-02" : "WGS84"}: ${lng.value}, ${lat.value}`;
  checkDuplicates();
}

map.on("click", (event) => place(event.latlng, { from: "wgs84", label: gettext("Clicked on the map") }));

// --- address search -------------------------------------------------------
let searchTimer = null;
document.getElementById("place-search").addEventListener("input", (event) => {
  clearTimeout(searchTimer);
  const query = event.target.value.trim();
  searchTimer = setTimeout(async () => {
    const list = document.getElementById("place-results");
    if (!query) return list.replaceChildren();
    const { results } = await api(`/intake/places/?${new URLSearchParams({ q: query })}`);
    list.replaceChildren(...results.map((found) => {
      const button = Object.assign(document.createElement("button"), {
        type: "button", className: "row", textContent: `${found.name}${found.address && found.address !== found.name ? ` · ${found.address}` : ""}`,
      });
      button.dataset.testid = "place-result";
      button.addEventListener("click", () => {
        document.getElementById("id_address").value = found.address || found.name;
        list.replaceChildren();
        place(L.latLng(found.lat, found.lng), { from: "wgs84", label: found.name });
      });
      const item = document.createElement("li");
      item.append(button);
      return item;
    }));
    if (!results.length) {
      list.append(Object.assign(document.createElement("li"), { className: "hint", textContent: gettext("No place found: click the map instead.") }));
    }
  }, 250);
});

// --- coordinates typed from a map app ---------------------------------------
// AMap copies "lng,lat", Baidu, Tencent and Google "lat, lng"; a Chinese input method types "，". A latitude is
// never beyond 90°, so a pair whose second number is beyond it was given latitude first. Text that is not two
// numbers says so and leaves no place (it was ignored without a word, the last place kept).
const typedField = document.getElementById("typed-coordinates");
// Decimal degrees only: Number() alone also reads "0x71" as 113 and "1e2" as 100.
const decimalDegrees = (part) => (/^[-+]?\d+(\.\d+)?$/.test(part) ? Number(part) : NaN);
function typed() {
  const text = typedField.value.trim();
  if (!text) return;
  const parts = text.split(/[,，、;；\s]+/).filter(Boolean).map(decimalDegrees);
  if (parts.length !== 2 || !parts.every(Number.isFinite)) {
    lng.value = lat.value = "";
    marker?.remove();
    document.getElementById("point-text").textContent =
      gettext("Coordinates not understood: type longitude and latitude as two numbers, e.g. 113.2665, 23.1291.");
    return;
  }
  const [first, second] = parts;
  const [x, y] = Math.abs(second) > 90 && Math.abs(first) <= 90 ? [second, first] : [first, second];
  place(L.latLng(y, x), { from: document.getElementById("id_crs").value, label: gettext("Typed") });
}
typedField.addEventListener("change", typed);
// Enter in the field places the point; it used to send the whole form before the call was written down.
typedField.addEventListener("keydown", (event) => {
  if (event.key === "Enter") {
    event.preventDefault();
    typed();
  }
});
crs.addEventListener("change", typed);

// --- duplicates, before saving ---------------------------------------------
const classSelect = document.getElementById("service-code");
classSelect.addEventListener("change", checkDuplicates);

async function checkDuplicates() {
  const box = document.getElementById("duplicates");
  if (!classSelect.value || !lng.value) {
    box.hidden = true;
    return;
  }
  const query = new URLSearchParams({ lat: lat.value, lng: lng.value, crs: crs.value, service_code: classSelect.value });
  try {
    const found = await api(`/api/events/duplicates?${query}`);
    const features = found.features || found;
    document.getElementById("duplicate-list").replaceChildren(...features.map((feature) => {
      const p = feature.properties;
      return Object.assign(document.createElement("li"), {
        textContent: `${gettext("Report")} ${feature.id} · ${p.service_name} · ${Math.round(p.distance_m)} m · ${p.description || ""}`,
      });
    }));
    for (const item of document.querySelectorAll("#duplicate-list li")) item.dataset.testid = "duplicate";
    box.hidden = !features.length;
  } catch (error) {
    box.hidden = true; // a help, not a gate
  }
}

form.addEventListener("submit", (event) => {
  if (!lng.value) {
    event.preventDefault();
    document.getElementById("point-text").textContent = gettext("Choose the place: search an address or click the map.");
  }
});
