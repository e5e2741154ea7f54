// The workflow page's editor: wires the canvas to the palette, the settings panel, the API
// (save, test run) and the live WebSocket. Data comes from the page (json_script, data-*).
import { connectLive } from "../live.js";
import { Canvas, NODE_W, iconFor } from "./canvas.js";
import {
  addNode, checkConnection, clone, connect, edgeKey, findNode, newNodeId, normalise,
  removeEdge, removeNodes,
} from "./graph.js";
import { History } from "./history.js";
import { Minimap } from "./minimap.js";
import { SettingsPanel } from "./settings.js";

const root = document.getElementById("wf-editor");
const data = root.dataset;
const catalog = JSON.parse(document.getElementById("wf-catalog").textContent);
const byType = new Map(catalog.map((entry) => [entry.type, entry]));
let graph = normalise(JSON.parse(document.getElementById("wf-graph").textContent));
let saved = JSON.stringify(graph);
let saving = null;
const history = new History();

const $ = (selector) => root.querySelector(selector);
const status = $("#wf-status");
const jsonArea = document.querySelector("textarea[name=graph]");

function say(message, kind = "info") {
  status.textContent = message;
  status.dataset.kind = kind;
}

function isDirty() {
  return JSON.stringify(graph) !== saved;
}

function refreshDirty() {
  const dirty = isDirty();
  root.classList.toggle("dirty", dirty);
  $("#wf-dirty").hidden = !dirty;
  if (jsonArea) jsonArea.value = JSON.stringify(graph, null, 2);
}

const canvas = new Canvas($("#wf-canvas"), catalog, {
  beforeChange: () => history.record(graph),
  changed: () => refreshDirty(),
  select: (selection) => showPanel(selection),
  connect: (source, handle, target) => {
    const verdict = checkConnection(graph, source, handle, target);
    if (!verdict.ok) {
      say(`Connection refused. ${verdict.reason}`, "error");
      return;
    }
    change(() => connect(graph, source, handle, target));
    say(`Connected ${source}${handle === "main" ? "" : ` (${handle})`} → ${target}.`);
  },
});

// Every edit goes through here, so undo, the dirty flag and the JSON view stay in step.
function change(mutate) {
  history.record(graph);
  mutate();
  canvas.setGraph(graph);
  refreshDirty();
}

function replaceGraph(next) {
  graph = normalise(next);
  canvas.setGraph(graph);
  showPanel(canvas.selection, { reload: true });
  refreshDirty();
}

// ---- palette ----------------------------------------------------------------------------
function placeNew(type, at) {
  const entry = byType.get(type);
  if (!entry) return;
  let position = at;
  if (!position) {
    const selected = canvas.selection?.kind === "node" && findNode(graph, canvas.selection.id);
    if (selected) {
      position = { x: selected.position.x + NODE_W + 80, y: selected.position.y };
    } else {
      const c = canvas.centre();
      position = { x: c.x - NODE_W / 2, y: c.y - 30 };
    }
  }
  const node = {
    id: newNodeId(graph, type),
    type,
    label: entry.label,
    position: { x: Math.round(position.x), y: Math.round(position.y) },
    config: {},
  };
  change(() => addNode(graph, node));
  canvas.reveal(node);
  canvas.select({ kind: "node", id: node.id });
  say(`Added “${node.label}” as ${node.id}.`);
}

const palette = $("#wf-palette");
for (const item of palette.querySelectorAll(".wf-pal-item")) {
  item.querySelector(".wf-pal-icon").textContent = iconFor(item.dataset.type, byType.get(item.dataset.type));
}
palette.addEventListener("click", (event) => {
  const item = event.target.closest(".wf-pal-item");
  if (item) placeNew(item.dataset.type);
});
palette.addEventListener("dragstart", (event) => {
  const item = event.target.closest(".wf-pal-item");
  if (item) event.dataTransfer.setData("application/x-workfuse-node", item.dataset.type);
});
$("#wf-canvas").addEventListener("dragover", (event) => {
  if (event.dataTransfer.types.includes("application/x-workfuse-node")) event.preventDefault();
});
$("#wf-canvas").addEventListener("drop", (event) => {
  const type = event.dataTransfer.getData("application/x-workfuse-node");
  if (!type) return;
  event.preventDefault();
  const at = canvas.toWorld(event.clientX, event.clientY);
  placeNew(type, { x: at.x - NODE_W / 2, y: at.y - 30 });
});
$("#wf-search").addEventListener("input", (event) => {
  const words = event.target.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  for (const group of palette.querySelectorAll(".wf-pal-group")) {
    let shown = 0;
    for (const item of group.querySelectorAll(".wf-pal-item")) {
      const hay = item.dataset.search;
      const match = words.every((w) => hay.includes(w));
      item.hidden = !match;
      shown += match ? 1 : 0;
    }
    group.hidden = shown === 0;
  }
});

// ---- settings panel (settings.js) ----------------------------------------------------------
const settings = new SettingsPanel($("#wf-panel"), {
  root, byType, csrf: data.csrf, workflowId: data.workflowId,
  graph: () => graph, change, say, deselect: () => canvas.select(null),
});

async function showPanel(selection, options) {
  await settings.show(selection, options);
  showSelectionSummary();
}

// ---- actions ----------------------------------------------------------------------------
function deleteSelection() {
  const s = canvas.selection;
  if (!s) return;
  if (s.kind === "edge") {
    change(() => removeEdge(graph, s.id));
    say("Deleted the connection.");
    return;
  }
  const ids = canvas.selectedNodeIds();
  change(() => removeNodes(graph, ids));
  say(ids.length === 1 ? `Deleted ${ids[0]}. Ctrl+Z brings it back.` : `Deleted ${ids.length} nodes. Ctrl+Z brings them back.`);
}

function undo() {
  const previous = history.undo(graph);
  if (previous) { replaceGraph(previous); say("Undone."); }
}

function redo() {
  const next = history.redo(graph);
  if (next) { replaceGraph(next); say("Redone."); }
}

async function api(method, url, body) {
  const response = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": data.csrf },
    body: JSON.stringify(body),
  });
  let payload = null;
  try { payload = await response.json(); } catch { payload = null; }
  return { ok: response.ok, status: response.status, payload };
}

async function save() {
  if (!(await settings.flush())) { say("Not saved: fix the node's settings first.", "error"); return false; }
  if (saving) return saving;
  say("Saving…");
  const sent = clone(graph);
  saving = api("PATCH", data.apiUrl, { graph: sent }).then(({ ok, payload, status: code }) => {
    if (ok) {
      saved = JSON.stringify(sent);
      canvas.setIssues([]);
      refreshDirty();
      const version = $("#wf-version");
      const changed = version.dataset.version !== String(payload.version);
      version.dataset.version = String(payload.version);
      document.querySelectorAll("[data-workflow-version]").forEach((n) => { n.textContent = `v${payload.version}`; });
      say(changed ? `Saved as v${payload.version}.` : "No changes to save.", "ok");
      return true;
    }
    const details = Array.isArray(payload?.details) ? payload.details : [];
    canvas.setIssues(details);
    const general = details.filter((d) => !d.node_id || !findNode(graph, d.node_id));
    const extra = general.map((d) => ` ${d.field ? `${d.field}: ` : ""}${d.message}`).join(";");
    say(`Not saved (${code}): ${payload?.message || "the server refused it"}${extra ? ` —${extra}` : ""}`, "error");
    return false;
  }).catch((error) => {
    say(`Not saved: ${error.message}`, "error");
    return false;
  }).finally(() => { saving = null; });
  return saving;
}

async function testRun() {
  if ((isDirty() || settings.dirty) && !(await save())) return;
  let payload = {};
  const text = document.getElementById("run-payload")?.value;
  try { if (text) payload = JSON.parse(text); } catch { say("The run payload is not valid JSON.", "error"); return; }
  const { ok, payload: body } = await api("POST", data.runUrl, { payload });
  if (!ok) {
    canvas.setIssues(Array.isArray(body?.details) ? body.details : []);
    say(`Not started: ${body?.message || "the server refused it"}`, "error");
    return;
  }
  // The run's first messages (its trigger step is finished when it is created) can arrive
  // over the socket before this answer: keep them.
  if (live.execution !== body.execution_id) {
    live.execution = body.execution_id;
    live.states = new Map();
    canvas.setStates(live.states);
  }
  say(`Run started (${body.status}).`, "ok");
}

// ---- live node states ---------------------------------------------------------------------
const live = { execution: null, states: new Map() };
function onLive(message) {
  settings.onLive(message);
  if (message.type === "snapshot") {
    live.execution = message.execution ? message.execution.execution_id : null;
    live.states = new Map(message.steps.map((s) => [s.node_id, s.status]));
  } else if (message.type === "step") {
    if (message.execution_id !== live.execution) {
      live.execution = message.execution_id;
      live.states = new Map();
    }
    live.states.set(message.node_id, message.status);
  } else {
    return;
  }
  canvas.setStates(live.states);
}
connectLive(data.wsPath, onLive, (state) => {
  const badge = $("#wf-live");
  badge.textContent = state === "live" ? "live" : "offline";
  badge.dataset.state = state;
});

// ---- several selected nodes: a summary where one node's settings would be --------------------
const summary = $("#wf-selection");

// Reads the canvas's current selection, not an argument: showPanel awaits the settings panel,
// so an older call may finish after a newer one.
function showSelectionSummary() {
  const ids = canvas.selection?.kind === "nodes" ? canvas.selection.ids : [];
  summary.hidden = ids.length < 2;
  root.classList.toggle("panel-open", !summary.hidden || !$("#wf-panel").hidden);
  if (summary.hidden) return;
  $("#wf-selection-title").textContent = `${ids.length} nodes selected`;
  const shown = ids.slice(0, 12).map((id) => {
    const item = document.createElement("li");
    const node = findNode(graph, id);
    item.textContent = node?.label ? `${node.label} (${id})` : id;
    return item;
  });
  if (ids.length > shown.length) {
    const more = document.createElement("li");
    more.textContent = `… and ${ids.length - shown.length} more`;
    shown.push(more);
  }
  $("#wf-selection-list").replaceChildren(...shown);
}

// ---- import into the canvas, export ---------------------------------------------------------
const importDialog = $("#wf-import");
const importError = $("#wf-import-error");

function openImport() {
  $("#wf-import-form").reset();
  importError.replaceChildren();
  importDialog.showModal();
}

// The message names the first problem already; the details add the node and field of each.
function importFailed(message, details = []) {
  const where = (d) => [d.node_id, d.field].filter(Boolean).join(" · ");
  const lines = details.length > 1 || details.some(where)
    ? [message.split(":")[0], ...details.map((d) => (where(d) ? `${where(d)}: ${d.message}` : d.message))]
    : [message];
  importError.replaceChildren(...lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
}

// The server converts (n8n) and validates the document; the canvas takes the graph as one
// undoable change, saved only by Save.
$("#wf-import-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("#wf-import-file").files[0];
  const text = (file ? await file.text() : $("#wf-import-text").value).trim();
  if (!text) { importFailed("Choose a file or paste the JSON first."); return; }
  let parsed;
  try { parsed = JSON.parse(text); } catch (error) { importFailed(`That is not JSON: ${error.message}`); return; }
  const { ok, payload } = await api("POST", data.importUrl, parsed);
  if (!ok) {
    importFailed(payload?.message || "The server refused the file.", Array.isArray(payload?.details) ? payload.details : []);
    return;
  }
  history.record(graph);
  replaceGraph(payload.graph);
  canvas.fit();
  importDialog.close();
  const count = graph.nodes.length;
  say(`Imported “${payload.name}” (${count} node${count === 1 ? "" : "s"}). Save to keep it; Ctrl+Z undoes it.`, "ok");
});

$("#wf-export").addEventListener("click", () => {
  if (isDirty()) say(`Exported v${$("#wf-version").dataset.version}, the saved version: save first to include your unsaved changes.`);
});

// ---- buttons and keys ---------------------------------------------------------------------
const help = $("#wf-help");
const actions = {
  save, run: testRun, undo, redo, delete: deleteSelection,
  "zoom-in": () => canvas.zoomBy(1.2), "zoom-out": () => canvas.zoomBy(1 / 1.2), fit: () => canvas.fit(),
  help: () => { help.hidden = !help.hidden; },
  import: openImport, "import-cancel": () => importDialog.close(),
};
root.addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  if (button && actions[button.dataset.action]) actions[button.dataset.action]();
});

function typing(target) {
  return target.closest?.("input, textarea, select, [contenteditable]");
}

document.addEventListener("keydown", (event) => {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (mod && key === "s") { event.preventDefault(); save(); return; }
  if (event.key === "Escape") { help.hidden = true; canvas.select(null); return; }
  if (typing(event.target)) return;
  if (mod && key === "z") { event.preventDefault(); (event.shiftKey ? redo : undo)(); return; }
  if (mod && key === "y") { event.preventDefault(); redo(); return; }
  if (mod && key === "a") { event.preventDefault(); canvas.selectAll(); return; }
  if (event.key === "Delete" || event.key === "Backspace") { event.preventDefault(); deleteSelection(); return; }
  if (event.key === "?") { help.hidden = !help.hidden; }
});

window.addEventListener("beforeunload", (event) => {
  if (!isDirty() && !settings.dirty) return;
  event.preventDefault();
  event.returnValue = "";
});

new Minimap($("#wf-minimap"), canvas);
canvas.setGraph(graph);
canvas.fit();
refreshDirty();
root.dataset.ready = "true";
