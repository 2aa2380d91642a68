// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// On-site verification (核查) of a handled case: GPS position + photo +
// note, then close it or return it for rework through POST /api/cases/<id>/verify/.
// Queued on the device like reports (offline_queue.js), with the case version read
// when the page was loaded: if the case moved on before it is sent, the server's
// 409 turns it into a "conflict" receipt shown to the worker, never dropped.
import { addGeoJSON, createMap, trackPosition } from "./map.js";
import { enqueue } from "./offline_queue.js";
import { previewPhotos, shrinkPhoto } from "./worker_photos.js";
import { sendAndTell, startWorkerPage, USER } from "./worker.js";

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
  previewPhotos(photo, document.getElementById("verify-preview"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const passed = event.submitter.value === "true";
    const note = document.getElementById("verify-note").value.trim();
    const error = document.getElementById("verify-error");
    error.textContent = !here ? gettext("No GPS position yet: verification is done on site.")
      : !photo.files.length ? gettext("Take an on-site photo first.")
        : !passed && !note ? gettext("Say what is still wrong before returning the case for rework.") : "";
    if (error.textContent) return;
    for (const button of form.querySelectorAll("button")) button.disabled = true;
    const record = await enqueue({
      user: USER, kind: "verification", caseId: kase.id,
      label: `${gettext("Verify case")} ${kase.number || kase.id}: ${passed ? gettext("Fixed: close the case") : gettext("Not fixed: return for rework")}`,
      fields: { version: kase.version, passed: passed ? "true" : "false", lat: here.lat.toFixed(7), lng: here.lng.toFixed(7), note },
      photos: [await shrinkPhoto(photo.files[0])],
    });
    const { saved, text } = await sendAndTell(record);
    form.replaceWith(Object.assign(document.createElement("p"), { textContent: text, className: "chosen" }));
    if (saved.status === "sent") {
      const badge = document.querySelector("[data-testid=case-status]");
      badge.textContent = saved.caseStatus === "closed" ? gettext("Closed") : gettext("Returned for rework");
      badge.className = `badge ${saved.caseStatus}`;
      badge.dataset.status = saved.caseStatus;
    }
  });
}

startWorkerPage({ receipts: document.getElementById("receipts") });
