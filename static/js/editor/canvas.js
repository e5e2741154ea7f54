// The canvas: nodes are real HTML boxes, edges an SVG layer, both inside one transformed
// "world" element, so pan and zoom are a single CSS transform. It owns no graph rules: every
// change goes through the hooks, and graph.js decides what is allowed.
import { edgeKey, findNode, isTrigger, outputHandles } from "./graph.js";

const SVG = "http://www.w3.org/2000/svg";
export const NODE_W = 200;
const HANDLE_GAP = 24;
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 2;

const ICONS = {
  "trigger.manual": "▶", "trigger.webhook": "⚓", "trigger.schedule": "◷",
  "action.http": "⇌", "action.ai": "✦", "action.code": "{}",
  "logic.condition": "⋔", "logic.switch": "⇶", "logic.loop": "↻",
  "utility.transform": "⇄", "utility.delay": "◔", "utility.merge": "⋈",
};

export function iconFor(type) {
  return ICONS[type] || "◆";
}

export function nodeHeight(handleCount) {
  return Math.max(60, HANDLE_GAP * handleCount + 16);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class Canvas {
  constructor(viewport, catalog, hooks) {
    this.viewport = viewport;
    this.catalog = new Map(catalog.map((entry) => [entry.type, entry]));
    this.hooks = hooks; // {beforeChange(), changed(), select(selection), connect(src, handle, tgt)}
    this.graph = { nodes: [], edges: [] };
    this.view = { x: 40, y: 40, k: 1 };
    this.selection = null; // {kind: "node"|"edge", id}
    this.issues = new Map();
    this.states = new Map();
    this.gesture = null;

    this.world = el("div", "wf-world");
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.classList.add("wf-edges");
    this.world.append(this.svg);
    viewport.append(this.world);

    viewport.addEventListener("pointerdown", (e) => this.onDown(e));
    viewport.addEventListener("pointermove", (e) => this.onMove(e));
    viewport.addEventListener("pointerup", (e) => this.onUp(e));
    viewport.addEventListener("pointercancel", () => this.cancelGesture());
    viewport.addEventListener("wheel", (e) => this.onWheel(e), { passive: false });
  }

  // ---- state in -------------------------------------------------------------------------
  setGraph(graph) {
    this.graph = graph;
    if (this.selection && !this.selectionExists()) this.select(null);
    this.render();
  }

  setIssues(issues) {
    this.issues = new Map();
    for (const issue of issues) {
      if (!issue.node_id) continue;
      const list = this.issues.get(issue.node_id) || [];
      list.push(issue.field ? `${issue.field}: ${issue.message}` : issue.message);
      this.issues.set(issue.node_id, list);
    }
    this.render();
  }

  setStates(states) {
    this.states = states;
    for (const box of this.world.querySelectorAll(".wf-node")) this.applyState(box);
  }

  select(selection) {
    this.selection = selection;
    for (const box of this.world.querySelectorAll(".wf-node")) {
      box.classList.toggle("selected", selection?.kind === "node" && selection.id === box.dataset.nodeId);
    }
    for (const path of this.svg.querySelectorAll(".wf-edge")) {
      path.classList.toggle("selected", selection?.kind === "edge" && selection.id === path.dataset.edge);
    }
    this.hooks.select(selection);
  }

  selectionExists() {
    const s = this.selection;
    if (s.kind === "node") return Boolean(findNode(this.graph, s.id));
    return this.graph.edges.some((e) => edgeKey(e) === s.id);
  }

  // ---- view ------------------------------------------------------------------------------
  applyView() {
    const { x, y, k } = this.view;
    this.world.style.transform = `translate(${x}px, ${y}px) scale(${k})`;
    this.viewport.dataset.zoom = k.toFixed(2);
  }

  zoomBy(factor, cx, cy) {
    const rect = this.viewport.getBoundingClientRect();
    const px = cx ?? rect.width / 2;
    const py = cy ?? rect.height / 2;
    const k = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.view.k * factor));
    this.view.x = px - ((px - this.view.x) * k) / this.view.k;
    this.view.y = py - ((py - this.view.y) * k) / this.view.k;
    this.view.k = k;
    this.applyView();
  }

  fit() {
    const rect = this.viewport.getBoundingClientRect();
    if (!this.graph.nodes.length) {
      this.view = { x: 40, y: 40, k: 1 };
    } else {
      const box = this.bounds();
      const pad = 60;
      const k = Math.min(1.25, Math.max(MIN_ZOOM,
        Math.min((rect.width - pad * 2) / box.w, (rect.height - pad * 2) / box.h)));
      this.view = {
        k,
        x: (rect.width - box.w * k) / 2 - box.x * k,
        y: (rect.height - box.h * k) / 2 - box.y * k,
      };
    }
    this.applyView();
  }

  bounds() {
    const xs = [], ys = [], xe = [], ye = [];
    for (const n of this.graph.nodes) {
      xs.push(n.position.x); ys.push(n.position.y);
      xe.push(n.position.x + NODE_W + 60); ye.push(n.position.y + this.heightOf(n));
    }
    const x = Math.min(...xs), y = Math.min(...ys);
    return { x, y, w: Math.max(...xe) - x, h: Math.max(...ye) - y };
  }

  // The world point at the centre of the visible area (where a clicked palette item lands).
  centre() {
    const rect = this.viewport.getBoundingClientRect();
    return this.toWorld(rect.left + rect.width / 2, rect.top + rect.height / 2);
  }

  toWorld(clientX, clientY) {
    const rect = this.viewport.getBoundingClientRect();
    return {
      x: (clientX - rect.left - this.view.x) / this.view.k,
      y: (clientY - rect.top - this.view.y) / this.view.k,
    };
  }

  // Pans just enough for a node to be fully visible.
  reveal(node) {
    const rect = this.viewport.getBoundingClientRect();
    const { k } = this.view;
    const left = node.position.x * k + this.view.x;
    const top = node.position.y * k + this.view.y;
    const right = left + (NODE_W + 60) * k;
    const bottom = top + this.heightOf(node) * k;
    if (right > rect.width - 20) this.view.x -= right - rect.width + 20;
    if (left < 20) this.view.x += 20 - left;
    if (bottom > rect.height - 20) this.view.y -= bottom - rect.height + 20;
    if (top < 20) this.view.y += 20 - top;
    this.applyView();
  }

  // ---- rendering -------------------------------------------------------------------------
  entry(node) {
    return this.catalog.get(node.type);
  }

  heightOf(node) {
    return nodeHeight(outputHandles(node, this.entry(node)).length);
  }

  render() {
    for (const box of this.world.querySelectorAll(".wf-node")) box.remove();
    for (const node of this.graph.nodes) this.world.append(this.renderNode(node));
    this.renderEdges();
    this.applyView();
  }

  renderNode(node) {
    const entry = this.entry(node);
    const handles = outputHandles(node, entry);
    const height = nodeHeight(handles.length);
    const box = el("div", `wf-node cat-${entry ? entry.category : "unknown"}`);
    box.dataset.nodeId = node.id;
    box.dataset.type = node.type;
    box.style.left = `${node.position.x}px`;
    box.style.top = `${node.position.y}px`;
    box.style.height = `${height}px`;
    box.classList.toggle("selected", this.selection?.kind === "node" && this.selection.id === node.id);
    box.classList.toggle("disabled", Boolean(node.disabled));

    box.append(el("span", "wf-node-icon", iconFor(node.type)));
    const text = el("div", "wf-node-text");
    text.append(el("span", "wf-node-label", node.label || (entry ? entry.label : node.type)));
    text.append(el("span", "wf-node-type", `${node.id} · ${entry ? entry.label : `unknown type ${node.type}`}`));
    box.append(text);

    if (!isTrigger(node)) {
      const input = el("span", "wf-in");
      input.style.top = `${height / 2}px`;
      input.title = "Input";
      box.append(input);
    }
    handles.forEach((handle, i) => {
      const out = el("span", "wf-out");
      out.dataset.handle = handle;
      out.title = `Drag to connect the “${handle}” output`;
      out.style.top = `${(height * (i + 1)) / (handles.length + 1)}px`;
      if (handle !== "main") out.append(el("span", "wf-handle-label", handle));
      box.append(out);
    });

    const issues = this.issues.get(node.id);
    if (issues) {
      box.classList.add("has-error");
      const error = el("div", "wf-node-error", issues.join("\n"));
      error.setAttribute("role", "alert");
      box.append(error);
    }
    this.applyState(box);
    return box;
  }

  applyState(box) {
    for (const c of [...box.classList]) if (c.startsWith("state-")) box.classList.remove(c);
    const state = this.states.get(box.dataset.nodeId);
    if (state) box.classList.add(`state-${state}`);
    box.dataset.state = state || "";
  }

  handlePoint(node, handle) {
    const handles = outputHandles(node, this.entry(node));
    const height = nodeHeight(handles.length);
    const i = Math.max(0, handles.indexOf(handle));
    return { x: node.position.x + NODE_W, y: node.position.y + (height * (i + 1)) / (handles.length + 1) };
  }

  inputPoint(node) {
    return { x: node.position.x, y: node.position.y + this.heightOf(node) / 2 };
  }

  static curve(a, b) {
    const dx = Math.max(40, Math.abs(b.x - a.x) / 2);
    return `M ${a.x} ${a.y} C ${a.x + dx} ${a.y}, ${b.x - dx} ${b.y}, ${b.x} ${b.y}`;
  }

  renderEdges() {
    this.svg.replaceChildren();
    const margin = 2000;
    let box = { x: 0, y: 0, w: 1, h: 1 };
    if (this.graph.nodes.length) box = this.bounds();
    const vx = box.x - margin, vy = box.y - margin, vw = box.w + margin * 2, vh = box.h + margin * 2;
    Object.assign(this.svg.style, { left: `${vx}px`, top: `${vy}px`, width: `${vw}px`, height: `${vh}px` });
    this.svg.setAttribute("viewBox", `${vx} ${vy} ${vw} ${vh}`);

    for (const edge of this.graph.edges) {
      const from = findNode(this.graph, edge.source);
      const to = findNode(this.graph, edge.target);
      if (!from || !to) continue;
      const handle = edge.source_handle || "main";
      const a = this.handlePoint(from, handle);
      const b = this.inputPoint(to);
      const d = Canvas.curve(a, b);
      const key = edgeKey(edge);
      const group = document.createElementNS(SVG, "g");
      const hit = document.createElementNS(SVG, "path");
      hit.setAttribute("d", d);
      hit.classList.add("wf-edge-hit");
      hit.dataset.edge = key;
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.classList.add("wf-edge");
      path.dataset.edge = key;
      path.dataset.source = edge.source;
      path.dataset.target = edge.target;
      path.dataset.handle = handle;
      path.classList.toggle("selected", this.selection?.kind === "edge" && this.selection.id === key);
      group.append(path, hit);
      if (handle !== "main") {
        const label = document.createElementNS(SVG, "text");
        label.classList.add("wf-edge-label");
        label.setAttribute("x", String((a.x + b.x) / 2));
        label.setAttribute("y", String((a.y + b.y) / 2 - 6));
        label.setAttribute("text-anchor", "middle");
        label.textContent = handle;
        group.append(label);
      }
      this.svg.append(group);
    }
  }

  // ---- gestures --------------------------------------------------------------------------
  onDown(event) {
    if (event.button !== 0) return;
    const target = event.target;
    const start = { x: event.clientX, y: event.clientY };
    const out = target.closest?.(".wf-out");
    const box = target.closest?.(".wf-node");
    const hit = target.closest?.(".wf-edge-hit");
    this.viewport.focus({ preventScroll: true });
    if (out && box) {
      const path = document.createElementNS(SVG, "path");
      path.classList.add("wf-edge", "wf-edge-draft");
      this.svg.append(path);
      this.gesture = { kind: "connect", start, source: box.dataset.nodeId, handle: out.dataset.handle, path };
    } else if (box) {
      const node = findNode(this.graph, box.dataset.nodeId);
      this.gesture = { kind: "drag", start, node, box, origin: { ...node.position }, moved: false };
    } else if (hit) {
      this.select({ kind: "edge", id: hit.dataset.edge });
      return;
    } else {
      this.gesture = { kind: "pan", start, origin: { x: this.view.x, y: this.view.y }, moved: false };
      this.viewport.classList.add("panning");
    }
    this.viewport.setPointerCapture(event.pointerId);
    event.preventDefault();
  }

  onMove(event) {
    const g = this.gesture;
    if (!g) return;
    const dx = event.clientX - g.start.x;
    const dy = event.clientY - g.start.y;
    if (g.kind === "pan") {
      g.moved = g.moved || Math.abs(dx) + Math.abs(dy) > 3;
      this.view.x = g.origin.x + dx;
      this.view.y = g.origin.y + dy;
      this.applyView();
    } else if (g.kind === "drag") {
      if (!g.moved && Math.abs(dx) + Math.abs(dy) <= 3) return;
      if (!g.moved) { this.hooks.beforeChange(); g.moved = true; }
      g.node.position = {
        x: Math.round(g.origin.x + dx / this.view.k),
        y: Math.round(g.origin.y + dy / this.view.k),
      };
      g.box.style.left = `${g.node.position.x}px`;
      g.box.style.top = `${g.node.position.y}px`;
      this.renderEdges();
    } else if (g.kind === "connect") {
      const from = findNode(this.graph, g.source);
      const over = document.elementFromPoint(event.clientX, event.clientY)?.closest(".wf-node");
      for (const b of this.world.querySelectorAll(".wf-node.drop-target")) b.classList.remove("drop-target");
      if (over && over.dataset.nodeId !== g.source) over.classList.add("drop-target");
      g.path.setAttribute("d", Canvas.curve(this.handlePoint(from, g.handle), this.toWorld(event.clientX, event.clientY)));
    }
  }

  onUp(event) {
    const g = this.gesture;
    this.gesture = null;
    this.viewport.classList.remove("panning");
    if (!g) return;
    if (g.kind === "pan" && !g.moved) this.select(null);
    if (g.kind === "drag") {
      if (g.moved) this.hooks.changed();
      else this.select({ kind: "node", id: g.node.id });
    }
    if (g.kind === "connect") {
      g.path.remove();
      for (const b of this.world.querySelectorAll(".wf-node.drop-target")) b.classList.remove("drop-target");
      const over = document.elementFromPoint(event.clientX, event.clientY)?.closest(".wf-node");
      if (over) this.hooks.connect(g.source, g.handle, over.dataset.nodeId);
    }
  }

  cancelGesture() {
    if (this.gesture?.kind === "connect") this.gesture.path.remove();
    this.gesture = null;
  }

  onWheel(event) {
    event.preventDefault();
    const rect = this.viewport.getBoundingClientRect();
    this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  }
}
