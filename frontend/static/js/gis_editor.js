// The GIS editor page (/gis/): boundaries edited with Leaflet-Geoman (snapping to the neighbours' edges),
// checked and saved through /gis/api/boundaries/; grids split by a drawn line, merged, undone through
// /gis/api/grids/. Geometry is GeoJSON in WGS84 (lng, lat); Leaflet's LatLng is (lat, lng).
import { api, ApiError } from "./api.js";
import { addGeoJSON, createMap } from "./map.js";

const $ = (id) => document.getElementById(id);
const m = createMap($("gis-map"), { layers: ["streets", "communities", "grids"] });
const state = { editLayer: null, problemLayer: null, proposalLayer: null, splitLine: null, selected: new Set() };

function say(id, text, isError = false) {
  $(id).textContent = text;
  $(id).classList.toggle("error", isError);
}

function clearLayer(name) {
  if (state[name]) state[name].remove();
  state[name] = null;
}

async function reload(name) {
  const data = await api(name === "grids" ? "/api/grids/" : `/api/${name}/`);
  m.layers[name].clearLayers();
  m.layers[name].addData(data);
  bindClicks();
}

function featureOf(layerName, code) {
  let found = null;
  m.layers[layerName].eachLayer((layer) => { if (layer.feature.properties.code === code) found = layer.feature; });
  return found;
}

// Problems drawn in red with their reasons; the proposed boundaries (the neighbours following) dashed.
function showPlan(plan) {
  clearLayer("problemLayer");
  clearLayer("proposalLayer");
  const list = $("boundary-problems");
  list.replaceChildren();
  state.proposalLayer = addGeoJSON(m.map, "proposal", plan.boundaries, { color: "#1a73e8", weight: 2, dashArray: "6 4", fillOpacity: 0 });
  state.problemLayer = L.geoJSON(plan.problems, {
    style: { color: "#d00000", weight: 3, fillColor: "#d00000", fillOpacity: 0.45, className: "layer-problem" },
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, { radius: 9, className: "layer-problem" }),
    onEachFeature: (feature, layer) => layer.bindTooltip(feature.properties.reason, { sticky: true }),
  }).addTo(m.map);
  plan.problems.features.forEach((feature) => {
    const item = document.createElement("li");
    item.textContent = feature.properties.reason;
    item.dataset.kind = feature.properties.kind;
    list.append(item);
  });
}

function boundaryRequest() {
  const layers = state.editLayer ? state.editLayer.getLayers() : [];
  if (!layers.length) throw new Error(gettext("Choose an area and press “Edit on the map” first."));
  return {
    level: $("boundary-level").value, code: $("boundary-code").value.trim(),
    geometry: layers[0].toGeoJSON().geometry, neighbours_follow: $("neighbours-follow").checked,
    reason: $("boundary-reason").value, valid_from: $("boundary-valid-from").value || null,
    based_on_version: state.editedVersion,
  };
}

function startEdit() {
  const level = $("boundary-level").value;
  const feature = featureOf(level === "street" ? "streets" : "communities", $("boundary-code").value.trim());
  if (!feature) return say("boundary-status", gettext("No area with that code on the map."), true);
  clearLayer("editLayer");
  // The version drawn on: the save is refused if someone saved this boundary meanwhile.
  state.editedVersion = feature.properties.boundary_version;
  state.editLayer = L.geoJSON(feature, { style: { color: "#ff7f00", weight: 3, fillOpacity: 0.15, className: "layer-edit" } }).addTo(m.map);
  state.editLayer.getLayers().forEach((layer) => layer.pm.enable({ snappable: true, snapDistance: 20, allowSelfIntersection: true }));
  m.map.fitBounds(state.editLayer.getBounds(), { padding: [40, 40], animate: false });
  say("boundary-status", gettext("Drag the vertices, then check."));
}

async function post(url, body, statusId) {
  try {
    return await api(url, { method: "POST", json: body });
  } catch (error) {
    if (error instanceof ApiError && error.body && error.body.problems) showPlan(error.body);
    say(statusId, error.message, true);
    return null;
  }
}

async function check() {
  let body;
  try { body = boundaryRequest(); } catch (error) { return say("boundary-status", error.message, true); }
  const plan = await post("/gis/api/boundaries/check/", body, "boundary-status");
  if (!plan) return;
  showPlan(plan);
  const follow = plan.neighbours.length ? ` ${gettext("Neighbours that follow")}: ${plan.neighbours.join(", ")}.` : "";
  say("boundary-status", (plan.problems.features.length ? gettext("Problems found: not saveable.") : gettext("No problems: ready to save.")) + follow,
      plan.problems.features.length > 0);
}

async function save() {
  let body;
  try { body = boundaryRequest(); } catch (error) { return say("boundary-status", error.message, true); }
  const result = await post("/gis/api/boundaries/save/", body, "boundary-status");
  if (!result) return;
  clearLayer("editLayer");
  clearLayer("proposalLayer");
  clearLayer("problemLayer");
  $("boundary-problems").replaceChildren();
  let stale = result.grids_to_regenerate.length ? ` ${gettext("Their grids follow the old boundary: regenerate them.")}` : "";
  if (result.grids_still_fit.length) {
    stale += ` ${interpolate(gettext("The grids of %s still fit: the change is within the tolerance, nothing to regenerate."),
      [result.grids_still_fit.join(", ")])}`;
  }
  say("boundary-status", `${gettext("Saved as new boundary versions")}: ${result.saved.join(", ")}.${stale}`);
  $("boundary-stale").replaceChildren(...result.grids_to_regenerate.map((c) => staleItem(c, "saved")));
  await reload(body.level === "street" ? "streets" : "communities");
  await showStale();
}

// Communities whose grids follow an old boundary, each with a button that opens the regeneration proposal.
function staleItem({ code, name }, where) {
  const row = document.createElement("li");
  row.dataset.code = code;
  const button = document.createElement("button");
  button.type = "button";
  button.dataset.testid = `regenerate-${where}-${code}`;
  button.textContent = gettext("Regenerate");
  button.addEventListener("click", () => propose(code));
  row.append(`${code} ${name} `, button);
  return row;
}

function renderStale(communities) {
  $("stale-list").replaceChildren(...communities.map((c) => staleItem(c, "list")));
  $("stale-none").hidden = communities.length > 0;
}

async function showStale() {
  renderStale((await api("/gis/api/grids/stale/")).communities);
}

function showSelection() {
  $("grid-selection").textContent = [...state.selected].join(", ") || "–";
}

function bindClicks() {
  m.layers.communities.eachLayer((layer) => layer.off("click").on("click", () => {
    $("boundary-code").value = layer.feature.properties.code;
  }));
  m.layers.grids.eachLayer((layer) => layer.off("click").on("click", () => {
    // A click placing a vertex of a line being drawn lands on the grids below too: it leaves the
    // selection (the grid chosen to split) as it was.
    if (m.map.pm.globalDrawModeEnabled()) return;
    const { code, community_code: community } = layer.feature.properties;
    if (state.selected.has(code)) state.selected.delete(code); else state.selected.add(code);
    $("boundary-code").value = community;
    showSelection();
  }));
}

// What an activation does (or would do) to the grid workers of retired grids: one sentence per
// worker moved or left without a grid, and the new grids nobody works in yet.
function workerChanges(succession) {
  if (!succession) return "";
  const parts = [
    ...(succession.moves || []).map((m) => interpolate(gettext("worker %s: grid %s → %s"), [m.username, m.old, m.new])),
    ...(succession.moved_off || []).map((m) => interpolate(gettext("worker %s: grid %s retired and %s already has a worker; the community supervisor is asked to assign one"), [m.username, m.old, m.new])),
  ];
  if ((succession.without_worker || []).length) parts.push(`${gettext("Without a grid worker")}: ${succession.without_worker.join(", ")}`);
  return parts.join(" · ");
}

// The generation of a community's grids as this map shows them: an edit made on grids someone changed since
// is refused (409) instead of undoing theirs unseen.
function generationShown({ codes = [], community = null }) {
  let generation = null;
  m.layers.grids.eachLayer((layer) => {
    const { code, community_code: of, generation: shown } = layer.feature.properties;
    if (codes.includes(code) || of === community) generation = shown;
  });
  return generation;
}

async function gridAction(url, body) {
  const result = await post(url, { ...body, reason: $("grid-reason").value }, "grid-status");
  if (!result) return null;
  const workers = workerChanges(result.succession);
  say("grid-status", `${gettext("New grids")}: ${result.created.join(", ")} · ${gettext("Retired")}: ${result.retired.join(", ")}${workers ? ` · ${workers}` : ""}`);
  state.selected.clear();
  showSelection();
  clearLayer("splitLine");
  await reload("grids");
  showWorkload();
  return result;
}

function selectGrids(codes) {
  state.selected = new Set(codes);
  showSelection();
  let bounds = null;
  m.layers.grids.eachLayer((layer) => {
    if (!codes.includes(layer.feature.properties.code)) return;
    $("boundary-code").value = layer.feature.properties.community_code;
    bounds = bounds ? bounds.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds().getSouthWest(), layer.getBounds().getNorthEast());
  });
  if (bounds) m.map.fitBounds(bounds, { padding: [40, 40], animate: false });
}

// The workload monitor's suggestions open here: a button selects the grid (to split) or the pair (to merge).
async function showWorkload() {
  const { suggestions, corrections } = await api("/gis/api/workload/");
  $("workload").replaceChildren(...suggestions.map((item) => {
    const row = document.createElement("li");
    const codes = item.merge_with ? [item.code, item.merge_with] : [item.code];
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.testid = `workload-${item.code}`;
    button.textContent = item.action === "split" ? gettext("Split") : gettext("Merge");
    button.addEventListener("click", () => selectGrids(codes));
    row.append(`${codes.join(" + ")} · ${item.households} `, button);
    return row;
  }));
  $("workload-corrections").replaceChildren(...corrections.map((item) => {
    const row = document.createElement("li");
    row.dataset.grid = item.grid;
    row.textContent = `${item.grid} · ${item.label} × ${item.count}`;
    return row;
  }));
  // An empty list under its heading says so instead of leaving a heading over nothing.
  $("workload-none").hidden = suggestions.length > 0;
  $("workload-corrections-none").hidden = corrections.length > 0;
}

m.ready.then(() => {
  bindClicks();
  const asked = new URLSearchParams(window.location.search).get("grids");
  if (asked) selectGrids(asked.split(","));
  showWorkload();
  renderStale(JSON.parse($("stale-communities").textContent));
  m.map.on("pm:create", (event) => {
    if (event.shape !== "Line") return;
    clearLayer("splitLine");
    state.splitLine = event.layer;
  });
  document.body.dataset.gisReady = "1";
});

$("boundary-edit").addEventListener("click", startEdit);
$("boundary-check").addEventListener("click", check);
$("boundary-save").addEventListener("click", save);
$("grid-draw-line").addEventListener("click", () => m.map.pm.enableDraw("Line", { snappable: true }));
$("grid-split").addEventListener("click", () => {
  if (state.selected.size !== 1 || !state.splitLine) return say("grid-status", gettext("Select one grid and draw a line across it."), true);
  gridAction("/gis/api/grids/split/", { grid: [...state.selected][0], line: state.splitLine.toGeoJSON().geometry,
    based_on_generation: generationShown({ codes: [...state.selected] }) });
});
$("grid-merge").addEventListener("click", () => {
  if (state.selected.size < 2) return say("grid-status", gettext("Select two or more adjacent grids of one community."), true);
  gridAction("/gis/api/grids/merge/", { grids: [...state.selected], based_on_generation: generationShown({ codes: [...state.selected] }) });
});
$("grid-redraw").addEventListener("click", () => {
  if (state.selected.size !== 2 || !state.splitLine) return say("grid-status", gettext("Select two adjacent grids and draw their new edge."), true);
  gridAction("/gis/api/grids/redraw/", { grids: [...state.selected], line: state.splitLine.toGeoJSON().geometry,
    based_on_generation: generationShown({ codes: [...state.selected] }) });
});

// The proposal beside the current grids: both drawn, one table row per grid with households,
// Polsby–Popper compactness and whether its code is kept, new or retired.
function showProposal(result) {
  clearLayer("proposalLayer");
  state.proposal = result.generation;
  state.proposalLayer = addGeoJSON(m.map, "proposal", result.proposal, { color: "#1a73e8", weight: 3, dashArray: "6 4", fillOpacity: 0.05 });
  if (result.proposal.features.length) m.map.fitBounds(state.proposalLayer.getBounds(), { padding: [40, 40], animate: false });
  const rows = [
    ...result.current.features.map((f) => [f, f.properties.code_kept ? gettext("kept") : gettext("retired"), gettext("current")]),
    ...result.proposal.features.map((f) => [f, f.properties.code_kept ? gettext("kept") : gettext("new"), gettext("proposal")]),
  ];
  const body = document.querySelector("[data-testid=proposal-table] tbody");
  body.replaceChildren(...rows.map(([feature, code, which]) => {
    const row = document.createElement("tr");
    row.dataset.code = code;
    [`${feature.properties.code} (${which})`, feature.properties.households, feature.properties.compactness, code].forEach((text) => {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    });
    return row;
  }));
  body.parentElement.hidden = false;
  $("grid-activate").disabled = false;
}

async function propose(code) {
  $("boundary-code").value = code;
  const result = await post("/gis/api/grids/propose/", { community: code }, "grid-status");
  if (!result) return;
  showProposal(result);
  const workers = workerChanges(result.succession);
  say("grid-status", interpolate(gettext("Proposal for %s: compare it with the current grids, then activate it."), [code]) + (workers ? ` ${gettext("On activation")}: ${workers}` : ""));
  $("regenerate-title").scrollIntoView({ block: "nearest" });
}

$("grid-propose").addEventListener("click", () => propose($("boundary-code").value.trim()));
$("grid-activate").addEventListener("click", async () => {
  if (!(await gridAction("/gis/api/grids/activate/", { generation: state.proposal }))) return;
  clearLayer("proposalLayer");
  $("grid-activate").disabled = true;
  await showStale();
});
$("grid-undo").addEventListener("click", async () => {
  const community = $("boundary-code").value.trim();
  if (await gridAction("/gis/api/grids/undo/", { community, based_on_generation: generationShown({ community }) })) await showStale();
});

// For the browser tests: the map (to turn coordinates into pixels) and the editor's state.
window.gisEditor = { map: m.map, state };
