// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// On-site verification (核查) of a handled case: GPS position + photo +
// note, then close it or return it for rework through POST /api/cases/<id>/verify/.
// Needs the network: a verification acts on the case's current version, which a queue could not know.
import { api, notify } from "./api.js";
import { addGeoJSON, createMap, trackPosition } from "./map.js";
import { startWorkerPage } from "./worker.js";

const kase = JSON.parse(document.getElementById("case-data").textContent);
const grid = JSON.parse(document.getElementById("case-grid").textContent);
const { map } = createMap(document.getElementById("verify-map"), { layers: ["district"], fit: false });
const outline = addGeoJSON(map, "grids", grid, { weight: 3 });
L.marker([kase.lat, kase.lng], { title: gettext("Case location") }).addTo(map);
map.fitBounds(grid.features.length ? outline.getBounds() : L.latLngBounds([[kase.lat, kase.lng], [kase.lat, kase.lng]]).pad(0.01));

let here = null;
trackPosition(map, (position, accuracy) => {
  here = position;
  document.getElementById("gps-status").textContent = position
    ? interpolate(gettext("Your position: %s, %s (±%s m)"), [position.lat.toFixed(6), position.lng.toFixed(6), Math.round(accuracy)])
    : gettext("No GPS position: allow location access for this site.");
});

const form = document.getElementById("verify-form");
if (form) {
  const photo = document.getElementById("verify-photo");
  photo.addEventListener("change", () => {
    document.getElementById("verify-preview").replaceChildren(...[...photo.files].map((file) =>
      Object.assign(document.createElement("img"), { src: URL.createObjectURL(file), alt: file.name })));
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const passed = event.submitter.value === "true";
    const note = document.getElementById("verify-note").value.trim();
    const error = document.getElementById("verify-error");
    error.textContent = !here ? gettext("No GPS position yet: verification is done on site.")
      : !photo.files.length ? gettext("Take an on-site photo first.")
        : !passed && !note ? gettext("Say what is still wrong before returning the case for rework.") : "";
    if (error.textContent) return;
    const body = new FormData();
    body.append("version", kase.version);
    body.append("passed", passed ? "true" : "false");
    body.append("lat", here.lat.toFixed(7));
    body.append("lng", here.lng.toFixed(7));
    body.append("note", note);
    body.append("photos", photo.files[0], photo.files[0].name);
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    try {
      const updated = await api(`/api/cases/${kase.id}/verify/`, { method: "POST", form: body });
      notify(updated.status === "closed" ? gettext("Case closed.") : gettext("Case returned for rework."), "ok");
      form.replaceWith(Object.assign(document.createElement("p"), {
        textContent: updated.status === "closed" ? gettext("Case closed.") : gettext("Case returned for rework."),
        className: "chosen",
      }));
      const badge = document.querySelector("[data-testid=case-status]");
      badge.textContent = updated.status === "closed" ? gettext("Closed") : gettext("Returned for rework");
      badge.className = `badge ${updated.status}`;
      badge.dataset.status = updated.status;
    } catch (failure) {
      error.textContent = failure.message;
      for (const button of form.querySelectorAll("button")) button.disabled = false;
    }
  });
}

startWorkerPage();
