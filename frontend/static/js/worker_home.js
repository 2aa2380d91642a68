// The grid worker's home: their grid(s) on the map with their GPS position, tasks, receipts.
import { addGeoJSON, createMap, trackPosition } from "./map.js";
import { startWorkerPage } from "./worker.js";

const grids = JSON.parse(document.getElementById("my-grids").textContent);
const { map } = createMap(document.getElementById("worker-map"), { layers: ["district"], fit: false });
const mine = addGeoJSON(map, "grids", grids, { weight: 3, fillOpacity: 0.08 });
if (grids.features.length) map.fitBounds(mine.getBounds(), { padding: [16, 16] });

const status = document.getElementById("gps-status");
trackPosition(map, (here, accuracy) => {
  status.textContent = here
    ? interpolate(gettext("Your position: %s, %s (±%s m)"), [here.lat.toFixed(6), here.lng.toFixed(6), Math.round(accuracy)])
    : gettext("No GPS position: allow location access for this site.");
});

startWorkerPage({ receipts: document.getElementById("receipts") });
