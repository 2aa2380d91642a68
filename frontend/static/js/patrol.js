// The worker's patrol (巡河) recorder: GPS fixes while walking, the finished track kept on
// the device and sent to POST /api/patrols/ when there is a network. Each patrol carries a
// client id (offline_queue.js's newKey): a resend after a lost answer is stored once.
// Queue: localStorage "gridmgmt.patrols.<user>" = [{ clientId, waterBody, label, fixes, status, answer, error }].
import { api } from "./api.js";
import { newKey, sessionUser } from "./offline_queue.js";

const storeKey = (user) => `gridmgmt.patrols.${user}`;
const load = (user) => JSON.parse(localStorage.getItem(storeKey(user)) || "[]");
const save = (user, records) => localStorage.setItem(storeKey(user), JSON.stringify(records));

// The server's own answer for this patrol (robustness R6: a Wi-Fi sign-in page may answer 200).
const isAnswerFor = (record, body) => Boolean(body) && typeof body === "object" && Number.isInteger(body.id)
  && body.client_id === record.clientId;

let sending = Promise.resolve();

export function flushPatrols(user, onChange) {
  sending = sending.then(async () => {
    if (!navigator.onLine || (await sessionUser()) !== user) return; // another worker's session: keep them here
    for (const record of load(user).filter((r) => r.status === "queued")) {
      try {
        const body = await api("/api/patrols/", { method: "POST", json: {
          client_id: record.clientId, water_body: record.waterBody || null, fixes: record.fixes } });
        if (!isAnswerFor(record, body)) throw new Error(gettext("The answer did not come from the server"));
        update(user, record.clientId, { status: "sent", answer: body, error: "" });
      } catch (error) {
        const refused = error.status >= 400 && error.status < 500 && ![401, 403, 408, 429].includes(error.status);
        update(user, record.clientId, { status: refused ? "failed" : "queued", error: error.message });
        if (!refused) break; // no network or no session: the next pass retries
      } finally {
        onChange();
      }
    }
  });
  return sending;
}

function update(user, clientId, changes) {
  save(user, load(user).map((r) => (r.clientId === clientId ? { ...r, ...changes } : r)));
}

// `none`: the element saying no patrol is kept on this device, shown while the list is empty.
export function startPatrolPage({ user, select, start, stop, status, list, none }) {
  let watch = null;
  let fixes = [];
  const render = () => {
    const records = load(user);
    none.hidden = records.length > 0;
    list.replaceChildren(...records.slice().reverse().map((r) => {
      const item = document.createElement("li");
      item.dataset.status = r.status;
      const state = r.status === "sent"
        ? `${gettext("Sent")}: ${Math.round(r.answer.length_m)} m, ${Math.round(r.answer.duration_s / 60)} min, ${r.answer.compliant ? gettext("compliant") : gettext("short")}`
        : r.status === "failed" ? `${gettext("Refused")}: ${r.error}` : gettext("Queued on this device");
      item.textContent = `${r.label} · ${r.fixes.length} GPS · ${state}`;
      return item;
    }));
  };
  start.addEventListener("click", () => {
    fixes = [];
    watch = navigator.geolocation.watchPosition(
      (position) => {
        fixes.push([position.coords.longitude, position.coords.latitude, position.timestamp / 1000]);
        status.textContent = `${gettext("Recording…")} ${fixes.length} GPS`;
      },
      (error) => { status.textContent = error.message; },
      { enableHighAccuracy: true, maximumAge: 0 });
    start.disabled = true;
    stop.disabled = false;
    status.textContent = gettext("Recording…");
  });
  stop.addEventListener("click", () => {
    navigator.geolocation.clearWatch(watch);
    start.disabled = false;
    stop.disabled = true;
    const option = select.selectedOptions[0];
    save(user, [...load(user), { clientId: newKey(), waterBody: select.value, label: option ? option.textContent : "",
                                 fixes, status: "queued", createdAt: new Date().toISOString() }]);
    status.textContent = gettext("Queued on this device");
    render();
    flushPatrols(user, render);
  });
  window.addEventListener("online", () => flushPatrols(user, render));
  render();
  flushPatrols(user, render);
}
