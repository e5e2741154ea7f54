// The workflow page's editor: wires the canvas to the palette, the settings panel, the API
// (save, test run) and the live WebSocket. Data comes from the page (json_script, data-*).
import { connectLive } from "../live.js";
import { Canvas, NODE_W, iconFor } from "./canvas.js";
import {
  addNode, checkConnection, clone, connect, edgeKey, findNode, newNodeId, normalise,
  removeEdge, removeNode,
} from "./graph.js";
import { History } from "./history.js";

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
  showPanel(canvas.selection);
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
  item.querySelector(".wf-pal-icon").textContent = iconFor(item.dataset.type);
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

// ---- settings panel ---------------------------------------------------------------------
const panel = $("#wf-panel");
const panelLabel = $("#wf-panel-label");
const panelConfig = $("#wf-panel-config");
const panelError = $("#wf-panel-error");

function showPanel(selection) {
  const node = selection?.kind === "node" && findNode(graph, selection.id);
  panel.hidden = !node;
  root.classList.toggle("panel-open", Boolean(node));
  if (!node) return;
  const entry = byType.get(node.type);
  panel.dataset.nodeId = node.id;
  $("#wf-panel-title").textContent = entry ? entry.label : node.type;
  $("#wf-panel-id").textContent = node.id;
  $("#wf-panel-help").textContent = entry ? entry.description : "";
  panelLabel.value = node.label || "";
  panelConfig.value = JSON.stringify(node.config || {}, null, 2);
  const keys = entry ? Object.keys(entry.schema.properties || {}) : [];
  $("#wf-panel-keys").textContent = keys.length ? `Settings: ${keys.join(", ")}` : "";
  panelError.textContent = "";
}

// Applies the panel to its node; false when its JSON does not parse (nothing is changed then).
function applyPanel() {
  if (panel.hidden) return true;
  const node = findNode(graph, panel.dataset.nodeId);
  if (!node) return true;
  let config;
  try {
    config = JSON.parse(panelConfig.value || "{}");
    if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("Settings must be a JSON object.");
  } catch (error) {
    panelError.textContent = `Not applied: ${error.message}`;
    return false;
  }
  panelError.textContent = "";
  const label = panelLabel.value.trim();
  if (label === (node.label || "") && JSON.stringify(config) === JSON.stringify(node.config || {})) return true;
  change(() => {
    const target = findNode(graph, node.id);
    target.label = label;
    target.config = config;
  });
  return true;
}

$("#wf-panel-apply").addEventListener("click", () => { if (applyPanel()) say("Settings applied."); });
panelLabel.addEventListener("change", applyPanel);
panelConfig.addEventListener("change", applyPanel);
$("#wf-panel-close").addEventListener("click", () => canvas.select(null));

// ---- actions ----------------------------------------------------------------------------
function deleteSelection() {
  const s = canvas.selection;
  if (!s) return;
  if (s.kind === "node") change(() => removeNode(graph, s.id));
  else change(() => removeEdge(graph, s.id));
  say(s.kind === "node" ? `Deleted ${s.id}. Ctrl+Z brings it back.` : "Deleted the connection.");
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
  if (!applyPanel()) { say("Not saved: fix the node's settings JSON first.", "error"); return false; }
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
  if (isDirty() && !(await save())) return;
  let payload = {};
  const text = document.getElementById("run-payload")?.value;
  try { if (text) payload = JSON.parse(text); } catch { say("The run payload is not valid JSON.", "error"); return; }
  const { ok, payload: body } = await api("POST", data.runUrl, { payload });
  if (!ok) {
    canvas.setIssues(Array.isArray(body?.details) ? body.details : []);
    say(`Not started: ${body?.message || "the server refused it"}`, "error");
    return;
  }
  live.execution = body.execution_id;
  live.states = new Map();
  canvas.setStates(live.states);
  say(`Run started (${body.status}).`, "ok");
}

// ---- live node states ---------------------------------------------------------------------
const live = { execution: null, states: new Map() };
function onLive(message) {
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

// ---- buttons and keys ---------------------------------------------------------------------
const help = $("#wf-help");
const actions = {
  save, run: testRun, undo, redo, delete: deleteSelection,
  "zoom-in": () => canvas.zoomBy(1.2), "zoom-out": () => canvas.zoomBy(1 / 1.2), fit: () => canvas.fit(),
  help: () => { help.hidden = !help.hidden; },
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
  if (event.key === "Delete" || event.key === "Backspace") { event.preventDefault(); deleteSelection(); return; }
  if (event.key === "?") { help.hidden = !help.hidden; }
});

window.addEventListener("beforeunload", (event) => {
  if (!isDirty()) return;
  event.preventDefault();
  event.returnValue = "";
});

canvas.setGraph(graph);
canvas.fit();
refreshDirty();
root.dataset.ready = "true";
