// The device's queue of reports (IndexedDB): every report goes in here first
// and is sent from here, online or not, so closing the page or losing the
// network never loses one. Each record carries its client-generated
// idempotency key: a report sent twice (two tabs, a retry after a lost
// answer) is stored once by the server (unique channel + key).
//
// Record: { key, user, createdAt, label,
//           kind: "report" (default) | "verification" | "self_handle" (即报即处: a report closed as fixed at once),
//           caseId (verification; self_handle once known),
//           fields: report and self_handle {service_code, lat, lng, description, attributes, device_time}
//                   or verification {version, passed, lat, lng, note},
//           photos: [{ blob, name }] (self_handle: the photos before), after: [{ blob, name }] (self_handle),
//           fix: { note } (self_handle: what was done), eventId (self_handle: the report, once sent or
//           when closing a report sent earlier),
//           status: "queued" | "sent" | "failed" | "conflict", eventId, caseNumber, caseStatus, error, sentAt }
// A verification acts on the case version the worker read: if the case moved on
// meanwhile the server answers 409 and the record becomes a "conflict", shown
// with the server's message until the worker removes it — never dropped silently.
import { api, ApiError, csrfToken, errorMessage } from "./api.js";

const DB_NAME = "gridmgmt";
const STORE = "reports";
export const changes = new EventTarget(); // "change" after any record changes

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      const store = request.result.createObjectStore(STORE, { keyPath: "key" });
      store.createIndex("user", "user");
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, action) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
    });
  } finally {
    db.close();
  }
}

const put = (record) => run("readwrite", (store) => store.put(record)).then(() => changes.dispatchEvent(new Event("change")));

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain-HTTP LAN deployments have no randomUUID (secure contexts only).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Files become plain Blobs: what IndexedDB keeps reliably across browsers.
const stored = (files) => files.map((file) => ({ blob: new Blob([file], { type: file.type }), name: file.name || "photo.jpg" }));

// A self_handle record with an eventId (a report already sent) skips the report step.
export async function enqueue({ user, label, fields, photos = [], kind = "report", caseId = null, fix = null, after = [],
  eventId = null }) {
  const record = {
    key: newKey(), user, label, fields, kind, caseId, createdAt: new Date().toISOString(), status: "queued",
    photos: stored(photos), ...(kind === "self_handle" ? { fix, after: stored(after), eventId } : {}),
  };
  await put(record);
  return record;
}

export async function listReports(user) {
  const all = await run("readonly", (store) => store.index("user").getAll(user));
  return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export async function discard(key) {
  await run("readwrite", (store) => store.delete(key));
  changes.dispatchEvent(new Event("change"));
}

function verificationForm(record) {
  const form = new FormData();
  for (const [name, value] of Object.entries(record.fields)) form.append(name, value);
  for (const photo of record.photos) form.append("photos", photo.blob, photo.name);
  return form;
}

function formOf(record) {
  if (record.kind === "verification") return verificationForm(record);
  const form = new FormData();
  const { attributes, ...fields } = record.fields;
  for (const [name, value] of Object.entries(fields)) {
    if (value !== null && value !== undefined && value !== "") form.append(name, value);
  }
  form.append("attributes", JSON.stringify(attributes || {}));
  form.append("idempotency_key", record.key);
  form.append("channel", "worker_app");
  for (const photo of record.photos) form.append("photos", photo.blob, photo.name);
  return form;
}

// Robustness R6: a Wi-Fi sign-in page (or any proxy) may answer 200 with its own page.
// Only the API's JSON Feature of this report (an integer id, the class sent, the
// app's channel) marks it sent; anything else keeps it queued for a retry. The
// description is not compared: the server may clean it (control characters).
export function isAnswerFor(record, body) {
  if (record.kind === "verification") {
    return Boolean(body) && typeof body === "object" && body.id === record.caseId && ["closed", "rework"].includes(body.status);
  }
  return Boolean(body) && typeof body === "object" && !Array.isArray(body) && body.type === "Feature"
    && Number.isInteger(body.id) && Boolean(body.properties)
    && body.properties.service_code === record.fields.service_code && body.properties.channel === "worker_app";
}

class NotTheServer extends ApiError {
  constructor() {
    super(gettext("The answer did not come from the server (a Wi-Fi sign-in page?): kept on this device and retried."), 0);
  }
}

// POST with upload progress (fetch has none): "progress" events {key, loaded, total} on `changes` drive the bars.
function upload(url, form, key) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        changes.dispatchEvent(new CustomEvent("progress", { detail: { key, loaded: event.loaded, total: event.total } }));
      }
    });
    request.addEventListener("load", () => {
      const json = (request.getResponseHeader("Content-Type") || "").includes("json");
      let body = request.responseText;
      if (json) {
        try { body = JSON.parse(body); } catch (error) { body = null; }
      }
      if (request.status >= 200 && request.status < 300) resolve(body);
      else reject(new ApiError(errorMessage(json ? body : null, request.status), request.status, body));
    });
    request.addEventListener("error", () => reject(new ApiError(gettext("No network connection"), 0)));
    request.addEventListener("timeout", () => reject(new ApiError(gettext("No network connection"), 0)));
    request.send(form);
  });
}

// The case a report became, as /worker/reports/<id>/case.json answers it (R6: only that answer counts).
const isCaseStateOf = (eventId, body) => Boolean(body) && typeof body === "object" && body.event === eventId
  && Boolean(body.case) && Number.isInteger(body.case.id) && Number.isInteger(body.case.version);
const isFixedAnswer = (caseId, body) => Boolean(body) && typeof body === "object" && body.id === caseId
  && body.status === "closed" && body.self_handled === true;

// 即报即处 in two steps, each safe to repeat: the report (its idempotency key makes the server store it
// once), then the case it became closed as fixed. The report's id is kept on the record as soon as the
// API answers, so a retry skips it; a case already closed as fixed on the spot (an earlier attempt
// whose answer was lost) counts as sent, not sent again. A case the centre took up meanwhile answers
// 409: a "conflict" shown to the worker.
async function sendSelfHandling(record) {
  if (!record.eventId) {
    const answer = await upload("/api/events/", formOf(record), record.key);
    if (!isAnswerFor(record, answer)) throw new NotTheServer();
    record.eventId = answer.id; // kept even if the second step fails: sendOne stores the record either way
    await put({ ...record });
  }
  const state = await api(`/worker/reports/${record.eventId}/case.json`);
  if (!isCaseStateOf(record.eventId, state)) throw new NotTheServer();
  record.caseId = state.case.id;
  if (state.case.status === "closed" && state.case.self_handled) return { caseNumber: state.case.number, caseStatus: "closed" };
  const form = new FormData();
  form.append("version", state.case.version);
  form.append("note", record.fix.note);
  for (const photo of record.after) form.append("photos", photo.blob, photo.name);
  const answer = await upload(`/api/cases/${record.caseId}/self-handle/`, form, record.key);
  if (!isFixedAnswer(record.caseId, answer)) throw new NotTheServer();
  return { caseNumber: answer.number, caseStatus: answer.status };
}

async function sendOne(record) {
  try {
    let result;
    if (record.kind === "self_handle") {
      result = await sendSelfHandling(record);
    } else {
      const url = record.kind === "verification" ? `/api/cases/${record.caseId}/verify/` : "/api/events/";
      const answer = await upload(url, formOf(record), record.key);
      if (!isAnswerFor(record, answer)) throw new NotTheServer();
      result = { eventId: answer.id, caseStatus: answer.status };
    }
    await put({ ...record, ...result, status: "sent", sentAt: new Date().toISOString(), error: "" });
  } catch (error) {
    if (error.status === 409) { // the case moved on (stale version, another state): the worker must see it
      await put({ ...record, status: "conflict", error: error.message });
      return;
    }
    // 400/404/413: the report itself is refused; retrying cannot help, so it waits for the user.
    // No network, a server error, an expired session (401/403), an answer not from the API: keep it queued, retry later.
    const refused = error.status >= 400 && error.status < 500 && ![401, 403, 408, 429].includes(error.status);
    await put({ ...record, status: refused ? "failed" : "queued", error: error.message });
    if (!refused) throw error;
  }
}

// Robustness R14: who the server's session is. A page left open by worker A on a
// phone where B has since signed in must not send A's reports under B's name.
export async function sessionUser() {
  try {
    const answer = await api("/worker/me.json");
    return answer && typeof answer === "object" && typeof answer.user === "string" ? answer.user : null;
  } catch (error) {
    return null;
  }
}

// Passes run one after another: a report queued while a pass is running is
// picked up by the next pass, never skipped by joining the running one.
let passes = Promise.resolve();

// Sends the user's queued reports, oldest first, under their own session only; a pass stops at the first network failure.
export function flush(user) {
  const pass = async () => {
    // Known offline: no attempt (it would only fail); the "online" event starts the next pass.
    if (!navigator.onLine) return;
    const queued = (await listReports(user)).filter((r) => r.status === "queued").reverse();
    // Nothing is sent unless the server's session is this page's user (and the answer is the API's own).
    if (!queued.length || (await sessionUser()) !== user) return;
    for (const record of queued) {
      changes.dispatchEvent(new CustomEvent("sending", { detail: record.key }));
      try {
        await sendOne(record);
      } catch (error) {
        return;
      }
    }
  };
  // Web Locks keep two tabs from sending the same record at once (the key would still dedupe).
  const next = passes.then(() => (navigator.locks ? navigator.locks.request("gridmgmt-report-queue", pass) : pass()));
  passes = next.catch(() => null);
  return next;
}

// Send now, whenever the network comes back, and every minute while the page is open.
export function startAutoFlush(user, intervalMs = 60000) {
  const go = () => flush(user).catch(() => null);
  window.addEventListener("online", go);
  setInterval(go, intervalMs);
  return go();
}
