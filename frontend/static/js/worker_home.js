// The grid worker's home: their grid(s) on the map with their GPS position, tasks, receipts.
import { addGeoJSON, createMap, trackPosition } from "./map.js";
import { startWorkerPage } from "./worker.js";

const grids = JSON.parse(document.getElementById("my-grids").textContent);
const { map } = createMap(document.getElementById("worker-map"), { layers: ["district"], fit: false });
const mine = addGeoJSON(map, "grids", grids, { weight: 3, fillOpacity: 0.08 });
// No animation on the first framing: a task pin tapped while the map still zooms misses its popup.
if (grids.features.length) map.fitBounds(mine.getBounds(), { padding: [16, 16], animate: false });

// The cases waiting for my on-site check, as pins that open the verification page.
for (const task of JSON.parse(document.getElementById("task-points").textContent)) {
  const link = Object.assign(document.createElement("a"), { href: task.url, textContent: `${gettext("Case")} ${task.number} · ${task.label}` });
  L.marker([task.lat, task.lng], { title: task.number, alt: `${gettext("Case")} ${task.number}` }).bindPopup(link).addTo(map)
    .getElement()?.setAttribute("data-testid", `task-pin-${task.id}`);
}

const status = document.getElementById("gps-status");
trackPosition(map, (here, accuracy) => {
  status.textContent = here
    ? interpolate(gettext("Your position: %s, %s (±%s m)"), [here.lat.toFixed(6), here.lng.toFixed(6), Math.round(accuracy)])
    : gettext("No GPS position: allow location access for this site.");
});

startWorkerPage({ receipts: document.getElementById("receipts") });
