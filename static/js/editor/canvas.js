// The canvas: nodes are real HTML boxes, edges an SVG layer, both inside one transformed
// "world" element, so pan and zoom are a single CSS transform. It owns no graph rules: every
// change goes through the hooks, and graph.js decides what is allowed. Drawing is incremental
// where it matters for big graphs: dragging moves only the dragged boxes and redraws only the
// edges that touch them (see docs/performance.md, "Editor").
import { edgeKey, isTrigger, outputHandles } from "./graph.js";
import { idsInRect, nodesSelection, selectedNodeIds, toggled } from "./selection.js";

const SVG = "http://www.w3.org/2000/svg";
export const NODE_W = 200;
const HANDLE_GAP = 24;
const MIN_ZOOM = 0.25;
const MAX_ZOOM = 2;
// How far the edge layer reaches past the nodes, so a drag rarely has to resize it.
const EDGE_MARGIN = 600;

const ICONS = {
  "trigger.manual": "▶", "trigger.webhook": "⚓", "trigger.schedule": "◷",
  "action.http": "⇌", "action.ai": "✦", "action.code": "{}",
  "logic.condition": "⋔", "logic.switch": "⇶", "logic.loop": "↻",
  "utility.transform": "⇄", "utility.delay": "◔", "utility.merge": "⋈",
  // data nodes, batch 2 part b
  "utility.dedupe": "≡", "utility.aggregate": "Σ", "utility.datetime": "⧖",
  "utility.crypto": "#", "utility.parse": "⟨⟩",
  // batch 2, data nodes (a)
  "utility.set": "✎", "utility.filter": "▽", "utility.sort": "⇅", "utility.limit": "⇥",
  // respond
  "logic.respond": "↩",
  // end respond
  // --- subflows ---
  "trigger.workflow": "⤷", "action.workflow": "⤴",
  // --- end subflows ---
  // --- errorflows ---
  "trigger.error": "⚠", "logic.stop": "■",
  // --- end errorflows ---
  // wait
  "utility.wait": "⏸",
  // end wait
  // repeat
  "logic.repeat": "⟳",
  // --- devtools ---
  "trigger.poll": "⟲",
  // --- end devtools ---
  // end repeat
};

// `entry` is the type's catalog entry: node types defined outside the editor (integrations)
// bring their icon in it.
export function iconFor(type, entry) {
  return ICONS[type] || entry?.icon || "◆";
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
    this.selection = null; // null | {kind: "node"|"edge", id} | {kind: "nodes", ids} (selection.js)
    this.issues = new Map();
    this.states = new Map();
    this.gesture = null;
    this.nodes = new Map(); // id -> node of this.graph
    this.boxes = new Map(); // id -> its .wf-node element
    this.edges = new Map(); // edge key -> {edge, path, hit, label}
    this.edgesAt = new Map(); // node id -> keys of the edges touching it
    this.edgeBox = null; // world rectangle the edge layer covers
    this.observers = [];

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
    this.nodes = new Map(graph.nodes.map((n) => [n.id, n]));
    if (this.selection) this.dropMissingFromSelection();
    this.render();
  }

  // Called after each change of the view or of where nodes are (the minimap listens).
  observe(callback) {
    this.observers.push(callback);
  }

  notify() {
    for (const callback of this.observers) callback();
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
    for (const box of this.boxes.values()) this.applyState(box);
  }

  select(selection) {
    this.selection = selection?.kind === "nodes" ? nodesSelection(selection.ids) : selection;
    const chosen = new Set(selectedNodeIds(this.selection));
    for (const [id, box] of this.boxes) box.classList.toggle("selected", chosen.has(id));
    const edge = this.selection?.kind === "edge" ? this.selection.id : null;
    for (const [key, drawn] of this.edges) drawn.path.classList.toggle("selected", key === edge);
    this.notify();
    this.hooks.select(this.selection);
  }

  selectAll() {
    this.select(nodesSelection(this.graph.nodes.map((n) => n.id)));
  }

  selectedNodeIds() {
    return selectedNodeIds(this.selection);
  }

  dropMissingFromSelection() {
    const s = this.selection;
    if (s.kind === "edge") {
      if (!this.graph.edges.some((e) => edgeKey(e) === s.id)) this.select(null);
      return;
    }
    const ids = selectedNodeIds(s);
    const kept = ids.filter((id) => this.nodes.has(id));
    if (kept.length !== ids.length) this.select(nodesSelection(kept));
  }

  // ---- view ------------------------------------------------------------------------------
  applyView() {
    const { x, y, k } = this.view;
    this.world.style.transform = `translate(${x}px, ${y}px) scale(${k})`;
    const zoom = k.toFixed(2);
    if (this.viewport.dataset.zoom !== zoom) this.viewport.dataset.zoom = zoom;
    this.notify();
  }

  // Moves the view so that the world point `at` is in the middle of the visible area.
  centreOn(at) {
    const rect = this.viewport.getBoundingClientRect();
    this.view.x = rect.width / 2 - at.x * this.view.k;
    this.view.y = rect.height / 2 - at.y * this.view.k;
    this.applyView();
  }

  // The visible area in world coordinates.
  visibleRect() {
    const rect = this.viewport.getBoundingClientRect();
    const { x, y, k } = this.view;
    return { x: -x / k, y: -y / k, w: rect.width / k, h: rect.height / k };
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
    let x = Infinity, y = Infinity, right = -Infinity, bottom = -Infinity;
    for (const n of this.graph.nodes) {
      x = Math.min(x, n.position.x);
      y = Math.min(y, n.position.y);
      right = Math.max(right, n.position.x + NODE_W + 60);
      bottom = Math.max(bottom, n.position.y + this.heightOf(n));
    }
    return { x, y, w: right - x, h: bottom - y };
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
    for (const box of this.boxes.values()) box.remove();
    this.boxes = new Map();
    const fragment = document.createDocumentFragment();
    for (const node of this.graph.nodes) {
      const box = this.renderNode(node);
      this.boxes.set(node.id, box);
      fragment.append(box);
    }
    this.world.append(fragment);
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
    box.classList.toggle("selected", selectedNodeIds(this.selection).includes(node.id));
    box.classList.toggle("disabled", Boolean(node.disabled));

    box.append(el("span", "wf-node-icon", iconFor(node.type, this.catalog.get(node.type))));
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
    this.edges = new Map();
    this.edgesAt = new Map();
    this.edgeBox = null;
    this.fitEdgeLayer();
    const selected = this.selection?.kind === "edge" ? this.selection.id : null;
    for (const edge of this.graph.edges) {
      if (!this.nodes.has(edge.source) || !this.nodes.has(edge.target)) continue;
      const key = edgeKey(edge);
      const handle = edge.source_handle || "main";
      const group = document.createElementNS(SVG, "g");
      const hit = document.createElementNS(SVG, "path");
      hit.classList.add("wf-edge-hit");
      hit.dataset.edge = key;
      const path = document.createElementNS(SVG, "path");
      path.classList.add("wf-edge");
      Object.assign(path.dataset, { edge: key, source: edge.source, target: edge.target, handle });
      path.classList.toggle("selected", key === selected);
      group.append(path, hit);
      let label = null;
      if (handle !== "main") {
        label = document.createElementNS(SVG, "text");
        label.classList.add("wf-edge-label");
        label.setAttribute("text-anchor", "middle");
        label.textContent = handle;
        group.append(label);
      }
      const drawn = { edge, path, hit, label };
      this.edges.set(key, drawn);
      for (const id of [edge.source, edge.target]) {
        if (!this.edgesAt.has(id)) this.edgesAt.set(id, []);
        this.edgesAt.get(id).push(drawn);
      }
      this.drawEdge(drawn);
      this.svg.append(group);
    }
  }

  drawEdge({ edge, path, hit, label }) {
    const a = this.handlePoint(this.nodes.get(edge.source), edge.source_handle || "main");
    const b = this.inputPoint(this.nodes.get(edge.target));
    const d = Canvas.curve(a, b);
    path.setAttribute("d", d);
    hit.setAttribute("d", d);
    if (label) {
      label.setAttribute("x", String((a.x + b.x) / 2));
      label.setAttribute("y", String((a.y + b.y) / 2 - 6));
    }
  }

  // The SVG layer must cover every edge; it is resized only when nodes get near its border.
  fitEdgeLayer() {
    const box = this.graph.nodes.length ? this.bounds() : { x: 0, y: 0, w: 1, h: 1 };
    const e = this.edgeBox;
    const inside = e && box.x - 100 > e.x && box.y - 100 > e.y
      && box.x + box.w + 100 < e.x + e.w && box.y + box.h + 100 < e.y + e.h;
    if (inside) return;
    this.edgeBox = {
      x: box.x - EDGE_MARGIN, y: box.y - EDGE_MARGIN, w: box.w + EDGE_MARGIN * 2, h: box.h + EDGE_MARGIN * 2,
    };
    const { x, y, w, h } = this.edgeBox;
    Object.assign(this.svg.style, { left: `${x}px`, top: `${y}px`, width: `${w}px`, height: `${h}px` });
    this.svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
  }

  // Moves nodes already drawn: their boxes and the edges touching them, nothing else.
  moveNodes(moves) {
    const touched = new Set();
    for (const { node, box, x, y } of moves) {
      node.position = { x, y };
      box.style.left = `${x}px`;
      box.style.top = `${y}px`;
      for (const drawn of this.edgesAt.get(node.id) || []) touched.add(drawn);
    }
    for (const drawn of touched) this.drawEdge(drawn);
    this.fitEdgeLayer();
    this.notify();
  }

  // ---- gestures --------------------------------------------------------------------------
  onDown(event) {
    if (event.button !== 0) return;
    const target = event.target;
    const start = { x: event.clientX, y: event.clientY };
    const out = target.closest?.(".wf-out");
    const box = target.closest?.(".wf-node");
    const hit = target.closest?.(".wf-edge-hit");
    const toggle = event.shiftKey || event.ctrlKey || event.metaKey;
    this.viewport.focus({ preventScroll: true });
    if (out && box) {
      const path = document.createElementNS(SVG, "path");
      path.classList.add("wf-edge", "wf-edge-draft");
      this.svg.append(path);
      this.gesture = { kind: "connect", start, source: box.dataset.nodeId, handle: out.dataset.handle, path };
    } else if (box) {
      const id = box.dataset.nodeId;
      const selected = this.selectedNodeIds();
      // Dragging a node of the selection moves the whole selection; any other node moves alone.
      const ids = selected.includes(id) ? selected : [id];
      const moving = ids.map((nid) => {
        const node = this.nodes.get(nid);
        return { node, box: this.boxes.get(nid), origin: { ...node.position } };
      });
      this.gesture = { kind: "drag", start, id, moving, toggle, moved: false };
    } else if (hit) {
      this.select({ kind: "edge", id: hit.dataset.edge });
      return;
    } else if (event.shiftKey) {
      const marquee = el("div", "wf-marquee");
      this.viewport.append(marquee);
      this.gesture = { kind: "marquee", start, marquee, moved: false };
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
      const k = this.view.k;
      this.moveNodes(g.moving.map(({ node, box, origin }) => ({
        node, box, x: Math.round(origin.x + dx / k), y: Math.round(origin.y + dy / k),
      })));
    } else if (g.kind === "marquee") {
      g.moved = g.moved || Math.abs(dx) + Math.abs(dy) > 3;
      const rect = this.viewport.getBoundingClientRect();
      Object.assign(g.marquee.style, {
        left: `${Math.min(event.clientX, g.start.x) - rect.left}px`,
        top: `${Math.min(event.clientY, g.start.y) - rect.top}px`,
        width: `${Math.abs(dx)}px`,
        height: `${Math.abs(dy)}px`,
      });
      g.end = { x: event.clientX, y: event.clientY };
    } else if (g.kind === "connect") {
      const from = this.nodes.get(g.source);
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
      else if (g.toggle) this.select(toggled(this.selection, g.id));
      else this.select({ kind: "node", id: g.id });
    }
    if (g.kind === "marquee") {
      g.marquee.remove();
      if (g.moved) this.select(nodesSelection(this.idsBetween(g.start, g.end)));
    }
    if (g.kind === "connect") {
      g.path.remove();
      for (const b of this.world.querySelectorAll(".wf-node.drop-target")) b.classList.remove("drop-target");
      const over = document.elementFromPoint(event.clientX, event.clientY)?.closest(".wf-node");
      if (over) this.hooks.connect(g.source, g.handle, over.dataset.nodeId);
    }
  }

  // Nodes overlapping the rectangle between two client points.
  idsBetween(a, b) {
    const p = this.toWorld(Math.min(a.x, b.x), Math.min(a.y, b.y));
    const q = this.toWorld(Math.max(a.x, b.x), Math.max(a.y, b.y));
    const rect = { x: p.x, y: p.y, w: q.x - p.x, h: q.y - p.y };
    return idsInRect(this.graph.nodes, rect, (node) => ({ w: NODE_W, h: this.heightOf(node) }));
  }

  cancelGesture() {
    if (this.gesture?.kind === "connect") this.gesture.path.remove();
    if (this.gesture?.kind === "marquee") this.gesture.marquee.remove();
    this.gesture = null;
    this.viewport.classList.remove("panning");
  }

  onWheel(event) {
    event.preventDefault();
    const rect = this.viewport.getBoundingClientRect();
    this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  }
}
