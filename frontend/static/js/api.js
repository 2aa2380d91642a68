// gettext() is the global of /jsi18n/ (JavaScriptCatalog), loaded by base.html before any module runs.
// fetch wrapper for the app's own API: same-origin session cookie, Django's
// CSRF token on writes, and errors turned into a readable message shown to the user.
// Usage: import { api, showError, notify } from "/static/js/api.js";
//        const data = await api("/api/cases/1/verify/", { method: "POST", form: formData });

export class ApiError extends Error {
  // status 0 = no answer from the server (offline, DNS, connection reset).
  constructor(message, status, body = null) {
    super(message);
    this.status = status;
    this.body = body;
  }

  get offline() {
    return this.status === 0;
  }
}

// A moment as a person reads it: in the district's time zone (settings.TIME_ZONE, on <html data-time-zone>)
// and the page's language, whatever the device's clock is set to (a PC left on UTC showed a case due 16:00
// Beijing time as due 08:00). timeOnly: the time of day alone.
export function localTime(value, { timeOnly = false } = {}) {
  const moment = value instanceof Date ? value : new Date(value);
  const options = { timeZone: document.documentElement.dataset.timeZone || undefined };
  const language = document.documentElement.lang || undefined;
  return timeOnly ? moment.toLocaleTimeString(language, options) : moment.toLocaleString(language, options);
}

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (match) return decodeURIComponent(match[1]);
  const input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}

// DRF answers {"detail": "..."} or {"field": ["message", ...], ...}: one line naming each field.
export function errorMessage(body, status) {
  if (!body) return `${gettext("The server answered with an error")} (HTTP ${status})`;
  if (typeof body === "string") return body;
  if (body.detail) return Array.isArray(body.detail) ? body.detail.join(" ") : String(body.detail);
  const parts = Object.entries(body).map(([field, value]) => {
    const text = Array.isArray(value) ? value.join(" ") : typeof value === "object" ? errorMessage(value, status) : value;
    return field === "non_field_errors" ? text : `${field}: ${text}`;
  });
  return parts.join("; ") || `HTTP ${status}`;
}

export async function api(url, { method = "GET", json, form, headers = {}, signal } = {}) {
  const options = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin", signal };
  if (method !== "GET" && method !== "HEAD") options.headers["X-CSRFToken"] = csrfToken();
  if (json !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(json);
  } else if (form !== undefined) {
    options.body = form; // the browser sets the multipart boundary
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(gettext("No network connection"), 0);
  }
  const type = response.headers.get("Content-Type") || "";
  const body = response.status === 204 ? null : type.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(errorMessage(type.includes("json") ? body : null, response.status), response.status, body);
  return body;
}

// A dismissable message in the page's live region (#notices), so screen readers announce it too.
export function notify(message, kind = "info") {
  const area = document.getElementById("notices");
  const box = document.createElement("div");
  box.className = `notice ${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  const text = document.createElement("span");
  text.textContent = message;
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "×";
  close.setAttribute("aria-label", gettext("Dismiss"));
  close.addEventListener("click", () => box.remove());
  box.append(text, close);
  area.append(box);
  if (kind !== "error") setTimeout(() => box.remove(), 8000);
  return box;
}

export function showError(error) {
  return notify(error instanceof Error ? error.message : String(error), "error");
}
