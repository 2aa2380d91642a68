// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// What every grid worker page does: register the service worker (offline
// pages), send the device's queued reports, and show their receipts.
import { localTime, notify } from "./api.js";
import { changes, discard, flush, listReports, startAutoFlush } from "./offline_queue.js";

export const USER = document.body.dataset.user;

// Registers /sw.js and hands it the URLs this page loaded before the worker
// controlled it, so the page opens offline from the very first visit.
export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
  await navigator.serviceWorker.ready;
  const worker = navigator.serviceWorker.controller || registration.active;
  const urls = performance.getEntriesByType("resource").map((entry) => entry.name);
  // Pages this one links to that must open offline too (each report's detail from "my reports").
  const pages = [...document.querySelectorAll("a[data-offline-page]")].map((link) => link.pathname);
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.type === "cached") document.documentElement.dataset.offlineReady = "true";
  });
  worker.postMessage({ type: "cache-urls", page: location.pathname + location.search, urls, pages });
}

// "Offline, as of <last sync>" on the pages that carry the note (the copy sw.js kept is what shows).
function showOfflineNote() {
  const note = document.getElementById("offline-as-of");
  if (!note) return;
  const update = () => { note.hidden = navigator.onLine; };
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  update();
}

const STATUS_TEXT = {
  queued: () => gettext("Queued on this device"),
  sending: () => gettext("Sending…"),
  sent: (r) => ({
    verification: () => (r.caseStatus === "closed" ? gettext("Case closed.") : gettext("Case returned for rework.")),
    self_handle: () => interpolate(gettext("Case %s closed as fixed on the spot."), [r.caseNumber]),
  }[r.kind] || (() => interpolate(gettext("Sent: report %s"), [r.eventId])))(),
  failed: (r) => `${gettext("Refused")}: ${r.error}`,
  conflict: (r) => `${gettext("Not applied")}: ${r.error}`,
};

// Sends the queue now (when online) and tells the worker what became of `record`: { saved, text }.
export async function sendAndTell(record) {
  await flush(USER).catch(() => null);
  const saved = (await listReports(USER)).find((r) => r.key === record.key);
  const text = saved.status === "queued" ? gettext("Saved on this device: it will be sent when the network returns.")
    : STATUS_TEXT[saved.status](saved);
  notify(text, saved.status === "sent" || saved.status === "queued" ? "ok" : "error");
  return { saved, text };
}

function receiptItem(record, sendingKey) {
  const status = record.key === sendingKey && record.status === "queued" ? "sending" : record.status;
  const li = document.createElement("li");
  li.dataset.testid = "receipt";
  li.dataset.key = record.key;
  li.dataset.status = status;
  if (record.eventId) li.dataset.eventId = record.eventId;
  if (record.caseId) li.dataset.caseId = record.caseId;
  const when = localTime(record.createdAt);
  const title = document.createElement("strong");
  title.textContent = record.label;
  const badge = document.createElement("span");
  badge.className = `badge ${status}`;
  badge.textContent = STATUS_TEXT[status](record);
  const meta = document.createElement("div");
  meta.className = "hint";
  meta.textContent = `${when}${record.status === "queued" && record.error ? ` · ${record.error}` : ""}`;
  li.append(title, " ", badge, meta);
  if (status === "sending" && (record.photos.length || (record.after || []).length)) {
    const bar = Object.assign(document.createElement("progress"), { max: 1, value: 0 });
    bar.dataset.testid = "upload-progress";
    bar.setAttribute("aria-label", gettext("Upload"));
    li.append(bar);
  }
  if (record.status === "failed" || record.status === "conflict") {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "danger";
    remove.textContent = gettext("Remove from this device");
    remove.addEventListener("click", () => discard(record.key));
    li.append(remove);
  }
  return li;
}

// Keeps a <ul> of receipts (queued → sent with the server's report id) up to date.
export function showReceipts(list, { limit = 20 } = {}) {
  let sendingKey = null;
  const render = async () => {
    const records = (await listReports(USER)).slice(0, limit);
    list.replaceChildren(...records.map((record) => receiptItem(record, sendingKey)));
    if (!records.length) {
      const empty = document.createElement("li");
      empty.className = "hint";
      empty.textContent = gettext("No reports on this device yet.");
      list.append(empty);
    }
  };
  changes.addEventListener("change", () => { sendingKey = null; render(); });
  changes.addEventListener("sending", (event) => { sendingKey = event.detail; render(); });
  changes.addEventListener("progress", ({ detail }) => {
    const bar = list.querySelector(`li[data-key="${detail.key}"] progress`);
    if (bar) bar.value = detail.loaded / detail.total;
  });
  return render();
}

export function startWorkerPage({ receipts } = {}) {
  registerServiceWorker().catch(() => null); // without a service worker the pages still work online
  showOfflineNote();
  if (receipts) showReceipts(receipts);
  return startAutoFlush(USER);
}
