// Pure operations on the DESIGN §3 graph: no DOM, so every rule the canvas enforces lives here.

export function clone(graph) {
  return JSON.parse(JSON.stringify(graph));
}

export function normalise(graph) {
  const g = graph && typeof graph === "object" ? clone(graph) : {};
  g.nodes = Array.isArray(g.nodes) ? g.nodes : [];
  g.edges = Array.isArray(g.edges) ? g.edges : [];
  g.nodes.forEach((n, i) => {
    if (!n.position) n.position = { x: 40 + 240 * i, y: 80 };
    if (!n.config || typeof n.config !== "object") n.config = {};
  });
  return g;
}

export function findNode(graph, id) {
  return graph.nodes.find((n) => n.id === id);
}

export function isTrigger(node) {
  return Boolean(node && String(node.type).startsWith("trigger."));
}

// Output handles of a node: the catalog's, a switch's from its config, plus `error` when the
// node routes its errors (on_error: route).
export function outputHandles(node, entry) {
  let handles = entry ? [...entry.handles] : ["main"];
  if (entry && entry.dynamic_handles) {
    const cases = Array.isArray(node.config?.cases) ? node.config.cases : [];
    handles = cases.map((c) => c && c.handle).filter(Boolean);
    handles.push(node.config?.default_handle || "default");
  }
  if (node.on_error === "route") handles.push("error");
  return handles;
}

// A short slug unique in the graph, from the type's last part: action.http -> http, http_2 ...
export function newNodeId(graph, type) {
  const base = String(type).split(".").pop().replace(/[^a-z0-9_]/g, "_").replace(/^[^a-z]+/, "") || "node";
  const taken = new Set(graph.nodes.map((n) => n.id));
  if (!taken.has(base)) return base;
  let i = 2;
  while (taken.has(`${base}_${i}`)) i += 1;
  return `${base}_${i}`;
}

export function addNode(graph, node) {
  graph.nodes.push(node);
  return node;
}

// Removes the nodes and every edge touching them.
export function removeNodes(graph, ids) {
  const gone = new Set(ids);
  graph.nodes = graph.nodes.filter((n) => !gone.has(n.id));
  graph.edges = graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target));
}

export function edgeKey(edge) {
  return `${edge.source}:${edge.source_handle || "main"}->${edge.target}`;
}

export function removeEdge(graph, key) {
  graph.edges = graph.edges.filter((e) => edgeKey(e) !== key);
}

// The path target ... source if one exists (so that source -> target would close a cycle).
export function pathBetween(graph, from, to) {
  const next = new Map();
  for (const e of graph.edges) {
    if (!next.has(e.source)) next.set(e.source, []);
    next.get(e.source).push(e.target);
  }
  const parent = new Map([[from, null]]);
  const queue = [from];
  while (queue.length) {
    const id = queue.shift();
    if (id === to) {
      const path = [];
      for (let at = to; at !== null; at = parent.get(at)) path.unshift(at);
      return path;
    }
    for (const n of next.get(id) || []) {
      if (!parent.has(n)) { parent.set(n, id); queue.push(n); }
    }
  }
  return null;
}

// Whether source.handle -> target may be added; `reason` says why not, for the user.
export function checkConnection(graph, source, handle, target) {
  const to = findNode(graph, target);
  if (!findNode(graph, source) || !to) return { ok: false, reason: "Connect two existing nodes." };
  if (source === target) return { ok: false, reason: "A node cannot connect to itself." };
  if (isTrigger(to)) return { ok: false, reason: `“${to.label || to.id}” is a trigger: nothing can lead into it.` };
  const duplicate = graph.edges.some(
    (e) => e.source === source && (e.source_handle || "main") === handle && e.target === target,
  );
  if (duplicate) return { ok: false, reason: "These nodes are already connected that way." };
  const back = pathBetween(graph, target, source);
  if (back) {
    return {
      ok: false,
      reason: `That would make a cycle: ${[...back, target].join(" → ")}. To run steps again until something holds, put them after a Repeat node's “body” output.`,
    };
  }
  return { ok: true, reason: "" };
}

export function connect(graph, source, handle, target) {
  const edge = { source, target };
  if (handle && handle !== "main") edge.source_handle = handle;
  graph.edges.push(edge);
  return edge;
}
