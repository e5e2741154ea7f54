// A small overview of the whole graph in a corner of the canvas: every node as a dot of its
// category's colour and the visible area as a rectangle; pressing or dragging on it moves the
// view there. It draws on a <canvas> at most once per animation frame, however many changes
// the editor reports in between, so it costs next to nothing while panning a 200-node graph.
import { NODE_W } from "./canvas.js";
import { selectedNodeIds } from "./selection.js";

const COLOURS = { trigger: "#d97706", action: "#4f46e5", logic: "#0891b2", utility: "#64748b" };
const SELECTED = "#111827";
const PAD = 8;

export class Minimap {
  constructor(element, canvas) {
    this.element = element;
    this.canvas = canvas;
    this.surface = element.querySelector("canvas");
    this.queued = false;
    this.frame = null; // world -> minimap mapping used by the last drawing
    this.drag = null;
    canvas.observe(() => this.schedule());
    element.addEventListener("pointerdown", (e) => this.onDown(e));
    element.addEventListener("pointermove", (e) => this.onMove(e));
    element.addEventListener("pointerup", () => this.endDrag());
    element.addEventListener("pointercancel", () => this.endDrag());
    this.schedule();
  }

  schedule() {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.draw();
    });
  }

  // The world area to show: all nodes and the visible area, so the viewport rectangle never
  // leaves the map.
  area() {
    const seen = this.canvas.visibleRect();
    if (!this.canvas.graph.nodes.length) return seen;
    const nodes = this.canvas.bounds();
    const x = Math.min(nodes.x, seen.x);
    const y = Math.min(nodes.y, seen.y);
    return {
      x, y,
      w: Math.max(nodes.x + nodes.w, seen.x + seen.w) - x,
      h: Math.max(nodes.y + nodes.h, seen.y + seen.h) - y,
    };
  }

  draw() {
    const width = this.element.clientWidth;
    const height = this.element.clientHeight;
    if (!width || !height) return;
    const ratio = window.devicePixelRatio || 1;
    if (this.surface.width !== Math.round(width * ratio)) this.surface.width = Math.round(width * ratio);
    if (this.surface.height !== Math.round(height * ratio)) this.surface.height = Math.round(height * ratio);
    const area = this.area();
    const scale = Math.min((width - PAD * 2) / area.w, (height - PAD * 2) / area.h);
    const offset = {
      x: PAD + ((width - PAD * 2) - area.w * scale) / 2 - area.x * scale,
      y: PAD + ((height - PAD * 2) - area.h * scale) / 2 - area.y * scale,
    };
    this.frame = { scale, offset };

    const ctx = this.surface.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const selected = new Set(selectedNodeIds(this.canvas.selection));
    for (const node of this.canvas.graph.nodes) {
      const category = this.canvas.entry(node)?.category;
      ctx.fillStyle = selected.has(node.id) ? SELECTED : COLOURS[category] || "#9ca3af";
      ctx.fillRect(
        offset.x + node.position.x * scale,
        offset.y + node.position.y * scale,
        Math.max(2, NODE_W * scale),
        Math.max(2, this.canvas.heightOf(node) * scale),
      );
    }
    const seen = this.canvas.visibleRect();
    ctx.strokeStyle = "#4f46e5";
    ctx.lineWidth = 1.5;
    ctx.fillStyle = "rgba(79, 70, 229, 0.08)";
    const box = [offset.x + seen.x * scale, offset.y + seen.y * scale, seen.w * scale, seen.h * scale];
    ctx.fillRect(...box);
    ctx.strokeRect(...box);
  }

  // Keeps the mapping of the press for the whole drag: the map rescales as the view moves, and
  // following the new mapping mid-drag would make the view jump.
  onDown(event) {
    if (event.button !== 0 || !this.frame) return;
    event.stopPropagation();
    event.preventDefault();
    this.element.setPointerCapture(event.pointerId);
    this.drag = { ...this.frame };
    this.canvas.viewport.classList.add("panning"); // the same cheap moves as a pan (app.css)
    this.moveTo(event);
  }

  endDrag() {
    this.drag = null;
    this.canvas.viewport.classList.remove("panning");
  }

  onMove(event) {
    if (!this.drag) return;
    event.stopPropagation();
    this.moveTo(event);
  }

  moveTo(event) {
    const rect = this.element.getBoundingClientRect();
    const { scale, offset } = this.drag;
    this.canvas.centreOn({
      x: (event.clientX - rect.left - offset.x) / scale,
      y: (event.clientY - rect.top - offset.y) / scale,
    });
  }
}
