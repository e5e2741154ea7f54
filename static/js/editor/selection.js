// What the canvas has selected, as plain values (no DOM): nothing, one edge, one node, or several
// nodes. One node stays {kind: "node", id} so single-node code (the settings panel, placing a
// new node next to the selection) keeps working; several nodes are {kind: "nodes", ids}.

export function selectedNodeIds(selection) {
  if (selection?.kind === "node") return [selection.id];
  if (selection?.kind === "nodes") return [...selection.ids];
  return [];
}

export function nodesSelection(ids) {
  const unique = [...new Set(ids)];
  if (!unique.length) return null;
  if (unique.length === 1) return { kind: "node", id: unique[0] };
  return { kind: "nodes", ids: unique };
}

// Shift/Ctrl/Cmd+click: the node joins the selected nodes, or leaves them if it was in.
export function toggled(selection, id) {
  const ids = selectedNodeIds(selection);
  return nodesSelection(ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]);
}

// Ids of the nodes whose box overlaps `rect` ({x, y, w, h} in world coordinates).
export function idsInRect(nodes, rect, sizeOf) {
  return nodes.filter((node) => {
    const { w, h } = sizeOf(node);
    const { x, y } = node.position;
    return x < rect.x + rect.w && x + w > rect.x && y < rect.y + rect.h && y + h > rect.y;
  }).map((node) => node.id);
}
