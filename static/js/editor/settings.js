// The node settings panel: the selected node's form, rendered by the server from its type's
// schema (editor/node_form.py, POST <data-form-url>), the same config as JSON ("Edit as JSON"),
// template variables to insert, the node's last run, live AI tokens, and Magic Input.
// main.js owns the graph; this module changes it only through host.change().
import { findNode } from "./graph.js";
import { Magic } from "./magic.js";

const FINISHED = new Set(["succeeded", "failed", "skipped", "cancelled"]);
const INDENT = "  ";

export class SettingsPanel {
  // host: {graph(), change(mutate), say(message, kind), byType: Map, csrf, workflowId, root}
  constructor(panel, host) {
    this.panel = panel;
    this.host = host;
    this.$ = (selector) => panel.querySelector(selector);
    this.body = this.$("#wf-panel-body");
    this.error = this.$("#wf-panel-error");
    this.label = this.$("#wf-panel-label");
    this.jsonToggle = this.$("#wf-panel-json-toggle");
    this.nodeId = null;
    this.json = false; // "Edit as JSON" is on; kept from node to node
    this.dirty = false; // the form or the JSON was edited since it was rendered
    this.applying = null; // the apply on its way, which the next apply and flush wait for
    this.tickets = 0; // only the answer to the newest request is shown
    this.target = null; // the template field variables are inserted into
    this.addedTools = 0; // names the keys of tool cards added in the browser
    this.stream = { execution: null };
    this.magic = new Magic(this.$("#wf-magic"), {
      node: () => this.node(),
      current: async () => ((await this.flush()) ? this.node()?.config || {} : null),
      apply: (nodeId, config) => this.applyConfig(nodeId, config),
      csrf: host.csrf,
      workflowId: host.workflowId,
      urls: { configure: panel.dataset.configureUrl, feedback: panel.dataset.feedbackUrl },
    });
    this.wire();
  }

  node() {
    return this.nodeId ? findNode(this.host.graph(), this.nodeId) : null;
  }

  // Shows the panel for a selection; pending edits of the previous node are applied first.
  // `reload` renders again even for the same node (after undo/redo replaced the graph).
  async show(selection, { reload = false } = {}) {
    const id = selection?.kind === "node" ? selection.id : null;
    if (id === this.nodeId && !reload) return;
    if (this.nodeId && this.nodeId !== id) await this.flush();
    const node = id && findNode(this.host.graph(), id);
    this.panel.hidden = !node;
    this.host.root.classList.toggle("panel-open", Boolean(node));
    if (!node) {
      this.nodeId = null;
      this.tickets += 1;
      return;
    }
    if (this.nodeId !== id) this.opened(node);
    this.nodeId = id;
    await this.load(node);
  }

  opened(node) {
    const entry = this.host.byType.get(node.type);
    this.$("#wf-panel-title").textContent = entry ? entry.label : node.type;
    this.$("#wf-panel-id").textContent = node.id;
    this.$("#wf-panel-help").textContent = entry ? entry.description : "";
    this.label.value = node.label || "";
    this.error.textContent = "";
    this.body.replaceChildren();
    this.showStream(false);
    this.magic.reset();
    // A node not configured yet opens with Magic Input; a configured one with its form.
    this.$("#wf-magic").open = Object.keys(node.config || {}).length === 0;
  }

  // Applies pending edits to the node; false when they cannot be (unreadable JSON or number).
  async flush() {
    this.applyLabel();
    if (this.applying) await this.applying.catch(() => false);
    if (!this.dirty || !this.node()) return true;
    return this.apply();
  }

  applyLabel() {
    const node = this.node();
    const label = this.label.value.trim();
    if (!node || label === (node.label || "")) return;
    this.host.change(() => { findNode(this.host.graph(), node.id).label = label; });
  }

  // One apply at a time: Save pressed while Apply's answer is on its way waits for it, so the
  // two answers cannot land out of order (Apply's "Settings applied." after "Saved as v2.").
  apply(options = {}) {
    const next = () => this.applyForm(options);
    const run = (this.applying || Promise.resolve()).then(next, next);
    this.applying = run;
    run.catch(() => false).finally(() => { if (this.applying === run) this.applying = null; });
    return run;
  }

  // `quiet`: only re-render the form for what was chosen (an app node's operation), unchecked.
  async applyForm({ quiet = false } = {}) {
    const node = this.node();
    if (!node) return true;
    this.applyLabel();
    this.error.textContent = "";
    if (this.json) return this.applyJson(node);
    const params = this.params(node, "apply");
    if (quiet) params.set("quiet", "1");
    for (const [name, value] of new FormData(this.$("#wf-node-form"))) params.append(name, value);
    const html = await this.post(params, node.id);
    if (html === null) return false;
    const result = this.render(html);
    this.dirty = !result.applicable; // still to apply: saving must not skip these edits
    if (!result.applicable) {
      this.error.textContent = "Not applied: fix the marked settings.";
      return false;
    }
    this.write(node.id, result.config);
    return true;
  }

  async applyJson(node) {
    let config;
    try {
      config = JSON.parse(this.$("#wf-panel-config").value || "{}");
      if (!config || typeof config !== "object" || Array.isArray(config)) throw new Error("Settings must be a JSON object.");
    } catch (error) {
      this.error.textContent = `Not applied: ${error.message}`;
      return false;
    }
    this.write(node.id, config);
    await this.load(this.node(), { validate: true });
    return true;
  }

  async applyConfig(nodeId, config) {
    if (nodeId !== this.nodeId) return false;
    this.write(nodeId, config);
    return this.load(this.node(), { validate: true });
  }

  write(nodeId, config) {
    const node = findNode(this.host.graph(), nodeId);
    if (!node || JSON.stringify(node.config || {}) === JSON.stringify(config)) return;
    this.host.change(() => { findNode(this.host.graph(), nodeId).config = config; });
  }

  async load(node, { validate = false } = {}) {
    const params = this.params(node, "render");
    if (validate) params.set("validate", "1");
    const html = await this.post(params, node.id);
    if (html !== null) this.render(html);
    return html !== null;
  }

  params(node, action) {
    return new URLSearchParams({
      action,
      node_id: node.id,
      node_type: node.type,
      config: JSON.stringify(node.config || {}),
      graph: JSON.stringify(this.host.graph()),
    });
  }

  // POSTs to the form view; the answer's text, or null when it is stale or refused.
  async post(params, nodeId) {
    const ticket = ++this.tickets;
    this.body.inert = true;
    this.body.classList.add("loading");
    try {
      const response = await fetch(this.panel.dataset.formUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": this.host.csrf },
        body: params,
      });
      const text = await response.text();
      if (ticket !== this.tickets || nodeId !== this.nodeId) return null;
      if (!response.ok) {
        const plain = (response.headers.get("Content-Type") || "").startsWith("text/plain");
        this.error.textContent = plain ? text : `The settings could not be loaded (${response.status}).`;
        return null;
      }
      return text;
    } catch (error) {
      if (ticket === this.tickets) this.error.textContent = `The settings could not be loaded: ${error.message}`;
      return null;
    } finally {
      if (ticket === this.tickets) {
        this.body.inert = false;
        this.body.classList.remove("loading");
      }
    }
  }

  render(html) {
    this.body.innerHTML = html;
    this.dirty = false;
    this.target = null;
    this.showMode();
    return JSON.parse(this.$("#wf-form-result").textContent);
  }

  showMode() {
    const form = this.$("#wf-node-form");
    if (form) form.hidden = this.json;
    const json = this.$("#wf-panel-json");
    if (json) json.hidden = !this.json;
  }

  async toggleJson() {
    const wanted = this.jsonToggle.checked;
    if (this.dirty && !(await this.apply())) {
      this.jsonToggle.checked = this.json;
      return;
    }
    this.json = wanted;
    this.jsonToggle.checked = wanted;
    this.showMode();
  }

  // ---- live: the node's last run, and tokens of a streaming AI node -------------------------
  onLive(message) {
    if (!this.nodeId || message.node_id !== this.nodeId) return;
    const isAI = this.node()?.type === "action.ai";
    if (message.type === "token" && isAI) {
      if (message.execution_id !== this.stream.execution) this.resetStream(message.execution_id);
      this.$("#wf-panel-stream-text").textContent += message.text;
      this.showStream(true);
    } else if (message.type === "step") {
      if (message.status === "running" && isAI) this.resetStream(message.execution_id);
      if (FINISHED.has(message.status)) this.refreshLastRun();
    }
  }

  resetStream(execution) {
    this.stream.execution = execution;
    this.$("#wf-panel-stream-text").textContent = "";
  }

  showStream(shown) {
    this.$("#wf-panel-stream").hidden = !shown;
    if (!shown) this.resetStream(null);
  }

  async refreshLastRun() {
    const nodeId = this.nodeId;
    const params = new URLSearchParams({ action: "last_run", node_id: nodeId });
    const response = await fetch(this.panel.dataset.formUrl, {
      method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": this.host.csrf }, body: params,
    });
    const section = this.$("#wf-last-run");
    if (response.ok && section && nodeId === this.nodeId) section.outerHTML = await response.text();
  }

  // ---- the form's widgets -------------------------------------------------------------------
  wire() {
    const panel = this.panel;
    this.label.addEventListener("change", () => this.applyLabel());
    this.jsonToggle.addEventListener("change", () => this.toggleJson());
    this.$("#wf-panel-close").addEventListener("click", () => this.host.deselect());
    panel.addEventListener("click", (event) => this.onClick(event));
    this.body.addEventListener("input", (event) => {
      if (event.target.matches("[data-vars-filter]")) this.filterVariables(event.target.value);
      else this.dirty = true;
    });
    this.body.addEventListener("change", (event) => {
      if (!event.target.matches("[data-vars-filter]")) this.dirty = true;
      // A choice the rest of the form depends on (the called workflow and its inputs).
      if (event.target.matches("[data-apply-on-change]")) this.apply();
      // A field that decides which fields show (an app node's operation, a tool's type)
      // re-renders the form.
      if (event.target.matches("[data-rerender]")) this.apply({ quiet: true });
      if (event.target.matches("[data-group-toggle]")) {
        event.target.closest(".wf-field").querySelector(":scope > .wf-group").hidden = !event.target.checked;
      }
    });
    this.body.addEventListener("submit", (event) => event.preventDefault());
    this.body.addEventListener("focusin", (event) => this.onFocus(event.target));
    // Keep the caret in the template field while a variable is clicked.
    this.body.addEventListener("mousedown", (event) => {
      if (event.target.closest(".wf-var")) event.preventDefault();
    });
    this.body.addEventListener("keydown", (event) => {
      if (event.key === "Tab" && !event.shiftKey && !event.ctrlKey && !event.altKey && event.target.matches("[data-code]")) {
        event.preventDefault();
        event.target.setRangeText(INDENT, event.target.selectionStart, event.target.selectionEnd, "end");
        this.dirty = true;
      }
      if (event.key === "Enter" && event.target.matches("#wf-node-form input")) {
        event.preventDefault();
        this.apply().then((ok) => { if (ok) this.host.say("Settings applied."); });
      }
    });
  }

  onClick(event) {
    const target = event.target;
    if (target.closest("#wf-panel-apply")) {
      this.apply().then((ok) => { if (ok) this.host.say("Settings applied."); });
    } else if (target.closest("[data-tool-add]")) {
      this.addTool(target.closest(".wf-field"));
    } else if (target.closest("[data-tool-remove]")) {
      this.keepVariables(target.closest("[data-tool]")).remove();
      this.dirty = true;
    } else if (target.closest("[data-kv-add]")) {
      const field = target.closest(".wf-field");
      const row = field.querySelector("template[data-kv-row]").content.cloneNode(true);
      const list = field.querySelector("[data-kv]");
      list.append(row);
      list.lastElementChild.querySelector("input").focus();
      this.dirty = true;
    } else if (target.closest("[data-kv-remove]")) {
      target.closest(".wf-kv-row").remove();
      this.dirty = true;
    } else if (target.closest("[data-tree-add]")) {
      this.addToTree(target.closest("[data-tree-add]"));
    } else if (target.closest("[data-tree-remove]")) {
      this.keepVariables(target.closest("[data-tree-item]")).remove();
      this.dirty = true;
    } else if (target.closest(".wf-var")) {
      this.insertVariable(target.closest(".wf-var").dataset.var);
    }
  }

  // A rule tree (node_form.py, "rule trees") is posted in document order, so a new rule or
  // group is its server-rendered <template> inserted at the end of the group it is added to.
  addToTree(button) {
    const tree = button.closest("[data-tree]");
    const template = tree.querySelector(`:scope > template[data-tree-template="${button.dataset.treeAdd}"]`);
    const list = button.closest("[data-tree-group]").querySelector(":scope > [data-tree-list]");
    list.append(template.content.cloneNode(true));
    list.lastElementChild.querySelector("input[type=text]")?.focus();
    this.dirty = true;
  }

  // A tool card is posted under a key of its own, in document order (node_form.py, "nested
  // fields"): a new one is the server-rendered blank card of the chosen type under a new key.
  addTool(field) {
    const type = field.querySelector("[data-tool-type]").value;
    const template = field.querySelector(`:scope > template[data-tool-template="${type}"]`);
    const key = `added${++this.addedTools}`;
    const list = field.querySelector("[data-tools]");
    list.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__key__", key));
    list.lastElementChild.querySelector('[data-sub="name"] input')?.focus();
    this.dirty = true;
  }

  // The variables box may sit inside a part of the form about to be removed: keep it.
  keepVariables(part) {
    const box = this.$("#wf-vars");
    if (box && part.contains(box)) {
      box.hidden = true;
      this.$("#wf-node-form").append(box);
    }
    return part;
  }

  onFocus(field) {
    const box = this.$("#wf-vars");
    if (!box || box.contains(field)) return;
    if (!field.matches(".wf-template")) {
      if (field.matches("input, textarea, select")) box.hidden = true;
      return;
    }
    this.target = field;
    // `item` and `index` only where templates are rendered once per item.
    box.classList.toggle("per-item", Boolean(field.closest("[data-per-item]")));
    (field.closest(".wf-kv, .wf-tree-rule") || field).after(box);
    box.hidden = false;
  }

  insertVariable(path) {
    const field = this.target;
    if (!field || !field.isConnected) return;
    const start = field.selectionStart ?? field.value.length;
    const end = field.selectionEnd ?? start;
    field.setRangeText(`{{ ${path} }}`, start, end, "end");
    field.focus();
    this.dirty = true;
  }

  filterVariables(text) {
    const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
    for (const item of this.$("#wf-vars").querySelectorAll("li")) {
      const path = item.querySelector(".wf-var").dataset.var.toLowerCase();
      item.hidden = !words.every((w) => path.includes(w));
    }
  }
}
