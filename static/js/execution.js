// The execution page: steps update live; new steps or a finished run refresh the step list.
import { connectLive } from "./live.js";

const steps = document.getElementById("steps");
const executionId = steps.dataset.execution;
const state = document.getElementById("live-state");
let refreshTimer = null;

function refreshSteps() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    const open = [...document.querySelectorAll("details.step[open]")].map((d) => d.dataset.key);
    htmx.ajax("GET", location.pathname, { target: "#steps", swap: "outerHTML" }).then(() => {
      for (const key of open) document.getElementById(`step-${key}`)?.setAttribute("open", "");
    });
  }, 150);
}

function setBadge(container, status) {
  const badge = container?.querySelector("[data-status]");
  if (!badge || badge.textContent === status) return;
  badge.textContent = status;
  badge.className = `badge status-${status}`;
}

function applyStep(message) {
  const row = document.getElementById(`step-${message.key}`);
  if (!row) { refreshSteps(); return; }
  setBadge(row.querySelector(".step-status"), message.status);
  row.querySelector(".bar")?.setAttribute("class", `bar status-${message.status}`);
  if (message.attempt > 1) row.querySelector("[data-attempt]").textContent = `attempt ${message.attempt}`;
  if (message.duration_ms != null) row.querySelector("[data-duration]").textContent = `${message.duration_ms} ms`;
  if (["succeeded", "failed", "waiting"].includes(message.status)) refreshSteps();
}

connectLive(`/ws/executions/${executionId}/`, (message) => {
  if (message.type === "snapshot") {
    for (const step of message.steps) applyStep(step);
    if (message.execution) setBadge(document.getElementById("execution-status"), message.execution.status);
  } else if (message.type === "step") {
    applyStep(message);
  } else if (message.type === "execution") {
    setBadge(document.getElementById("execution-status"), message.status);
    if (["succeeded", "failed", "cancelled"].includes(message.status)) location.reload();
  } else if (message.type === "token") {
    const row = document.querySelector(`details.step[data-key="${message.node_id}"]`);
    const out = row?.querySelector("[data-tokens]");
    if (out) { out.hidden = false; out.textContent += message.text; row.open = true; }
  }
}, (s) => { state.textContent = { live: "Live updates: on", reconnecting: "Live updates: reconnecting…", forbidden: "Live updates: not allowed" }[s]; });
