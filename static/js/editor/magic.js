// Magic Input in the settings panel: a sentence in, a proposed config out (POST
// /api/ai/configure), shown as a diff against the node's current config; "Apply" puts it in the
// form (saved with the workflow), thumbs up/down post to /api/ai/feedback. Providers, models
// and whether any key is set up come from the page (json_script "wf-magic-catalog").

export class Magic {
  // host: {node(), current(): Promise<config|null>, apply(nodeId, config), csrf, workflowId, urls}
  constructor(box, host) {
    this.box = box;
    this.host = host;
    this.$ = (selector) => box.querySelector(selector);
    this.catalog = JSON.parse(document.getElementById("wf-magic-catalog").textContent);
    this.proposal = null;
    if (!this.catalog.available) return;
    this.$("#wf-magic-provider").addEventListener("change", () => this.providerChanged());
    this.$("#wf-magic-ask").addEventListener("click", () => this.ask());
    this.$("#wf-magic-apply").addEventListener("click", () => this.applyProposal());
    this.$("#wf-magic-discard").addEventListener("click", () => this.reset({ keepPrompt: true }));
    box.addEventListener("click", (event) => {
      const button = event.target.closest("[data-rating]");
      if (button) this.feedback(button.dataset.rating);
    });
    this.providerChanged();
  }

  provider() {
    const id = this.$("#wf-magic-provider").value;
    return this.catalog.providers.find((p) => p.id === id);
  }

  providerChanged() {
    const provider = this.provider();
    const list = this.$("#wf-magic-models");
    list.replaceChildren(...provider.models.map((m) => new Option(m.note ? `${m.label} — ${m.note}` : m.label, m.id)));
    this.$("#wf-magic-model").value = provider.default_model;
    this.$("#wf-magic-base-url").hidden = provider.id !== "openai_compatible";
    const note = this.$("#wf-magic-note");
    note.textContent = provider.message;
    note.hidden = !provider.message;
  }

  reset({ keepPrompt = false } = {}) {
    this.proposal = null;
    if (!this.catalog.available) return;
    if (!keepPrompt) this.$("#wf-magic-prompt").value = "";
    this.$("#wf-magic-error").textContent = "";
    this.$("#wf-magic-result").hidden = true;
  }

  async ask() {
    const node = this.host.node();
    const prompt = this.$("#wf-magic-prompt").value.trim();
    const error = this.$("#wf-magic-error");
    error.textContent = "";
    if (!node) return;
    if (!prompt) {
      error.textContent = "Describe what the node should do first.";
      return;
    }
    const current = await this.host.current();
    if (current === null) {
      error.textContent = "Fix the marked settings first: the proposal is compared with them.";
      return;
    }
    const body = {
      node_type: node.type,
      prompt,
      provider: this.provider().id,
      model: this.$("#wf-magic-model").value.trim() || null,
      workflow: Number(this.host.workflowId),
      node_id: node.id,
    };
    const credential = this.$("#wf-magic-credential")?.value;
    if (credential) body.credential = Number(credential);
    const baseUrl = this.$("#wf-magic-base-url").value.trim();
    if (body.provider === "openai_compatible" && baseUrl) body.base_url = baseUrl;
    this.busy(true);
    const { ok, payload, status } = await this.post(this.host.urls.configure, body);
    this.busy(false);
    if (node.id !== this.host.node()?.id) return;
    if (!ok) {
      // An earlier proposal answered another request: no Apply for it next to this error.
      this.proposal = null;
      this.$("#wf-magic-result").hidden = true;
      error.textContent = this.failure(payload, status);
      return;
    }
    this.proposal = { nodeId: node.id, nodeType: node.type, prompt, config: payload.config };
    this.show(payload, current);
  }

  failure(payload, status) {
    const message = payload?.message || `The server answered ${status}.`;
    if (payload?.code === "ai_not_configured") {
      return `${message} Add a key of kind “AI provider key” on the Credentials page (/credentials/), or ask the server's operator to set one.`;
    }
    return message;
  }

  busy(on) {
    this.$("#wf-magic-loading").hidden = !on;
    this.$("#wf-magic-ask").disabled = on;
    this.box.setAttribute("aria-busy", String(on));
  }

  show(answer, current) {
    this.$("#wf-magic-confidence").textContent = `${Math.round(answer.confidence * 100)}%`;
    this.$("#wf-magic-reasoning").textContent = answer.reasoning;
    const errors = this.$("#wf-magic-errors");
    errors.replaceChildren(...(answer.valid ? [] : answer.errors.map((e) => {
      const item = document.createElement("li");
      item.textContent = e.field ? `${e.field}: ${e.message}` : e.message;
      return item;
    })));
    errors.hidden = answer.valid;
    this.$("#wf-magic-diff").replaceChildren(...diffRows(current, answer.config));
    for (const button of this.box.querySelectorAll("[data-rating]")) button.disabled = false;
    this.$("#wf-magic-thanks").textContent = "";
    this.$("#wf-magic-apply").disabled = false;
    this.$("#wf-magic-result").hidden = false;
  }

  async applyProposal() {
    if (!this.proposal) return;
    const applied = await this.host.apply(this.proposal.nodeId, this.proposal.config);
    if (applied) {
      this.$("#wf-magic-apply").disabled = true;
      this.$("#wf-magic-thanks").textContent = "Applied to the form: review it, then save the workflow.";
    }
  }

  async feedback(rating) {
    if (!this.proposal) return;
    const { ok, payload, status } = await this.post(this.host.urls.feedback, {
      node_type: this.proposal.nodeType,
      prompt: this.proposal.prompt,
      config: this.proposal.config,
      rating,
      comment: this.$("#wf-magic-comment").value.trim(),
    });
    const thanks = this.$("#wf-magic-thanks");
    if (!ok) {
      thanks.textContent = `Feedback not sent: ${payload?.message || status}`;
      return;
    }
    for (const button of this.box.querySelectorAll("[data-rating]")) button.disabled = true;
    thanks.textContent = "Thanks for the feedback.";
  }

  async post(url, body) {
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": this.host.csrf },
        body: JSON.stringify(body),
      });
      let payload = null;
      try { payload = await response.json(); } catch { payload = null; }
      return { ok: response.ok, status: response.status, payload };
    } catch (error) {
      return { ok: false, status: 0, payload: { message: `The request failed: ${error.message}` } };
    }
  }
}

// One table row per setting the proposal adds, changes or removes.
function diffRows(before, after) {
  const keys = [...new Set([...Object.keys(after || {}), ...Object.keys(before || {})])];
  const rows = [];
  for (const key of keys) {
    const had = Object.hasOwn(before, key);
    const has = Object.hasOwn(after, key);
    if (had && has && JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    const change = !had ? "added" : !has ? "removed" : "changed";
    const row = document.createElement("tr");
    row.className = `diff-${change}`;
    row.dataset.field = key;
    const name = document.createElement("th");
    const tag = document.createElement("span");
    tag.className = "diff-tag";
    tag.textContent = change;
    name.append(key, tag);
    const values = document.createElement("td");
    if (had) values.append(code(before[key], "diff-old"));
    if (had && has) values.append(" → ");
    if (has) values.append(code(after[key], "diff-new"));
    row.append(name, values);
    rows.push(row);
  }
  if (!rows.length) {
    const row = document.createElement("tr");
    row.innerHTML = '<td class="muted">The proposal is the same as the current settings.</td>';
    rows.push(row);
  }
  return rows;
}

function code(value, className) {
  const node = document.createElement("code");
  node.className = className;
  node.textContent = JSON.stringify(value);
  return node;
}
