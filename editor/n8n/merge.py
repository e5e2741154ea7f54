"""n8n's Merge node (v1-v3, every mode but SQL) as a step whose `result` is n8n's output items.

Append, pass-through and choose-branch are a template transform over the inputs' item lists;
the combining modes (by matching fields, by position, every combination) run n8n's algorithm
as JavaScript in the code sandbox, over the same lists. Each input's list is what the item
flow says reaches it (`Converter.input_list`): a many-item node's list, a loop's results, or
one item. An input whose branch did not run counts as no items, as in n8n.
"""

from __future__ import annotations

import json
from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec

# n8n's merge helpers (Merge/v3/helpers/utils.js), rewritten: lodash's merge/assign with the
# "override empty" customizer, dotted field paths, and fuzzy comparison of matching fields.
MERGE_JS = r"""
const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const empty = (v) => v === undefined || v === null || v === "";
function deep(target, source, skipEmpty) {
  for (const key of Object.keys(source ?? {})) {
    const s = source[key];
    const t = target[key];
    if (s === undefined || (skipEmpty && empty(s) && t !== undefined)) continue;
    if (isObj(s)) target[key] = deep(isObj(t) ? { ...t } : {}, s, skipEmpty);
    else if (Array.isArray(s)) target[key] = deep(Array.isArray(t) ? [...t] : [], s, skipEmpty);
    else target[key] = s;
  }
  return target;
}
function shallow(target, source, skipEmpty) {
  for (const key of Object.keys(source ?? {})) {
    const s = source[key];
    if (skipEmpty && empty(s) && target[key] !== undefined) continue;
    target[key] = s;
  }
  return target;
}
function mergeMethod(clash) {
  const one = clash.mergeMode === "shallowMerge" ? shallow : deep;
  return (...objects) => objects.reduce((out, o) => one(out, o, !!clash.overrideEmpty), {});
}
function suffixed(items, suffix) {
  return items.map((json) =>
    Object.fromEntries(Object.entries(json).map(([k, v]) => [`${k}_${suffix}`, v]))
  );
}
function get(json, path, plain) {
  if (plain) return json?.[path];
  return path.replace(/\[(\w+)\]/g, ".$1").split(".").reduce((v, k) => v?.[k], json);
}
function equal(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => equal(a[k], b[k]));
}
const falsy = (v) => v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)
  || (isObj(v) && !Object.keys(v).length);
function fuzzy(a, b) {
  if (a !== null && b !== null && typeof a === typeof b) return equal(a, b);
  if (falsy(a) && falsy(b)) return true;
  if (typeof a === "number" && typeof b === "string") return String(a) === b;
  if (typeof a === "string" && typeof b === "number") return a === String(b);
  for (const [x, y] of [[a, b], [b, a]]) {
    if (typeof x === "boolean" && typeof y === "string")
      return (x && ["true", "1"].includes(y.toLowerCase())) || (!x && ["false", "0"].includes(y.toLowerCase()));
    if (typeof x === "boolean" && typeof y === "number") return (x && y === 1) || (!x && y === 0);
  }
  return equal(a, b);
}
function findMatches(in1, in2, fields, o) {
  const same = o.fuzzyCompare ? fuzzy : equal;
  const plain = !!o.disableDotNotation;
  const found = { matched: [], matched2: [], unmatched1: [], unmatched2: [] };
  const used = new Set();
  for (const entry of in1) {
    const lookup = fields.map((f) => [f.field2, get(entry, f.field1, plain)]);
    if (lookup.some(([, v]) => v === undefined)) { found.unmatched1.push(entry); continue; }
    const hits = [];
    in2.forEach((e2, i) => {
      if ((o.multipleMatches === "first" && hits.length) || e2 === undefined) return;
      if (lookup.every(([k, v]) => same(v, get(e2, k, plain)))) { hits.push(e2); used.add(i); }
    });
    if (!hits.length) found.unmatched1.push(entry);
    else if (o.outputDataFrom === "both" || o.joinMode.startsWith("enrich"))
      hits.forEach((h) => found.matched.push({ entry, matches: [h] }));
    else found.matched.push({ entry, matches: hits });
  }
  in2.forEach((e, i) => (used.has(i) ? found.matched2 : found.unmatched2).push(e));
  return found;
}
function mergeMatched(matched, clash, joinMode) {
  const into = mergeMethod(clash);
  let resolve = clash.resolveClash;
  if (resolve === undefined) resolve = joinMode === "enrichInput2" ? "preferInput1" : "preferLast";
  return matched.map(({ entry, matches }) => {
    if (resolve === "addSuffix") return into(suffixed([entry], "1")[0], ...suffixed(matches, "2"));
    if (resolve === "preferInput1") return into(...matches, entry);
    return into(entry, ...matches);
  });
}
function byFields(ins, o) {
  let [in1, in2] = ins;
  const fields = o.fields;
  if (!fields.length || fields.some((f) => !f.field1 || !f.field2))
    throw new Error("Merge: define both fields of every pair in 'Fields to Match'");
  if (!in1.length || !in2.length) {
    if (o.joinMode === "keepNonMatches" && o.outputDataFrom === "input1" && !in1.length) return [];
    if (o.joinMode === "keepNonMatches" && o.outputDataFrom === "input2" && !in2.length) return [];
    if (o.joinMode === "keepMatches") return [];
    if (o.joinMode === "enrichInput1" && !in1.length) return [];
    if (o.joinMode === "enrichInput2" && !in2.length) return [];
    return [...in1, ...in2];
  }
  const m = findMatches(in1, in2, fields, o);
  const clash = o.clash;
  if (o.joinMode === "keepNonMatches") {
    if (o.outputDataFrom === "input1") return m.unmatched1;
    if (o.outputDataFrom === "input2") return m.unmatched2;
    return [...m.unmatched1.map((j) => ({ ...j, _source: "input1" })),
            ...m.unmatched2.map((j) => ({ ...j, _source: "input2" }))];
  }
  if (o.joinMode === "keepMatches" || o.joinMode === "keepEverything") {
    let out = o.outputDataFrom === "input1" ? m.matched.map((x) => x.entry)
      : o.outputDataFrom === "input2" ? m.matched2 : mergeMatched(m.matched, clash);
    if (o.joinMode === "keepEverything") {
      const s = clash.resolveClash === "addSuffix";
      out = [...out, ...(s ? suffixed(m.unmatched1, "1") : m.unmatched1),
             ...(s ? suffixed(m.unmatched2, "2") : m.unmatched2)];
    }
    return out;
  }
  const merged = mergeMatched(m.matched, clash, o.joinMode);
  const rest = o.joinMode === "enrichInput1" ? m.unmatched1 : m.unmatched2;
  const suffix = o.joinMode === "enrichInput1" ? "1" : "2";
  return [...merged, ...(clash.resolveClash === "addSuffix" ? suffixed(rest, suffix) : rest)];
}
function byPosition(ins, o) {
  const clash = o.clash;
  if (o.legacy && ins.some((i) => !i.length)) return ins.flat();
  let preferred = ins.length - 1;
  if (clash.resolveClash?.includes("preferInput")) preferred = Number(clash.resolveClash.replace("preferInput", "")) - 1;
  if (clash.resolveClash === "addSuffix") ins = ins.map((i, n) => suffixed(i, String(n + 1)));
  const into = mergeMethod(clash);
  const lengths = ins.map((i) => i.length);
  const count = o.includeUnpaired ? Math.max(...lengths) : Math.min(...lengths);
  const out = [];
  for (let i = 0; i < count; i++) {
    if (o.legacy && o.includeUnpaired && ins.some((input) => i >= input.length)) {
      out.push(ins.find((input) => i < input.length)[i]);
      continue;
    }
    out.push(into(...ins.map((input) => input[i] ?? {}), ins[preferred][i] ?? {}));
  }
  return out;
}
function everyCombination(ins, o) {
  let [in1, in2] = ins;
  const clash = o.clash;
  if (clash.resolveClash === "preferInput1") [in1, in2] = [in2, in1];
  if (clash.resolveClash === "addSuffix") { in1 = suffixed(in1, "1"); in2 = suffixed(in2, "2"); }
  const into = mergeMethod(clash);
  return in1.flatMap((a) => in2.map((b) => into(a, b)));
}
function legacyIndex(ins, o) {
  const [in1, in2] = ins;
  if (!in1.length) return ["inner", "left"].includes(o.join) ? [] : in2;
  if (!in2.length) return ["left", "outer"].includes(o.join) ? in1 : [];
  const count = o.join === "inner" ? Math.min(in1.length, in2.length)
    : o.join === "outer" ? Math.max(in1.length, in2.length) : in1.length;
  const out = [];
  for (let i = 0; i < count; i++) {
    if (i >= in1.length) out.push(in2[i]);
    else if (i >= in2.length) out.push(in1[i]);
    else out.push({ ...in1[i], ...in2[i] });
  }
  return out;
}
function legacyMultiplex(ins) {
  return ins[0].flatMap((a) => ins[1].map((b) => ({ ...a, ...b })));
}
function legacyKey(ins, o) {
  const [in1, in2] = ins;
  const mode = o.mode, p1 = o.propertyName1, p2 = o.propertyName2;
  if (!in2.length || !p1 || !p2) return mode === "keepKeyMatches" ? [] : in1;
  const copy = {};
  for (const e of in2) { const k = get(e, p2, false); if (k) copy[k] = e; }
  const out = [];
  for (let entry of in1) {
    let ref = get(entry, p1, false);
    if (ref === undefined || (ref !== null && !["string", "number"].includes(typeof ref))) {
      if (mode === "removeKeyMatches") out.push(entry);
      continue;
    }
    if (typeof ref === "number") ref = String(ref);
    if (ref !== null && Object.prototype.hasOwnProperty.call(copy, ref)) {
      if (mode === "removeKeyMatches") continue;
      if (mode === "keepKeyMatches") { out.push(entry); continue; }
      entry = JSON.parse(JSON.stringify(entry));
      for (const [key, value] of Object.entries(copy[ref])) {
        if (key === p2) continue;
        if (o.overwrite === "always" || (o.overwrite === "undefined" && !(key in entry))
            || (o.overwrite === "blank" && [null, undefined, ""].includes(entry[key]))) entry[key] = value;
      }
    } else if (mode === "removeKeyMatches") { out.push(entry); continue; }
    if (mode === "mergeByKey") out.push(entry);
  }
  return out;
}
const run = { byFields, byPosition, everyCombination, legacyIndex, legacyMultiplex, legacyKey }[options.how];
return run(inputs.map((i) => JSON.parse(JSON.stringify(i))), options);
"""


# --- httpfiles ---
def _merge(node: N8nNode, cx: Converter) -> Converted:
    converted = _merge_items(node, cx)
    inputs = files_through(node)
    if inputs:
        converted.spec["binary_inputs"] = inputs
    return converted


def files_through(node: N8nNode) -> tuple[int, ...]:
    """The inputs whose files the merged items carry, least preferred first, as n8n's Merge
    does (MergeV1 mergeByIndex, MergeV2 mergeByPosition, MergeV3 combineByPosition merge the
    paired items' binaries, and MergeV2 multiplex and MergeV3 combineAll those of every
    combination of items, the preferred input's winning; choosing a branch or passing one
    through keeps that input's items whole). Other modes: none (append mixes items with and
    without files; matching by fields pairs items the import cannot follow)."""
    p = node.params
    mode = p.get("mode") or "append"
    count = int(p.get("numberInputs") or 2) if node.version >= 3 else 2
    if mode == "passThrough":
        return (1 if p.get("output", "input1") == "input2" else 0,)
    if mode == "chooseBranch":
        if node.version >= 3:
            empty = p.get("output", "specifiedInput") == "empty"
            return () if empty else (int(p.get("useDataOfInput", 1) or 1) - 1,)
        legacy = p.get("output", "input1")
        return () if legacy == "empty" else (1 if legacy == "input2" else 0,)
    how = p.get("combineBy") if node.version >= 3 else p.get("combinationMode")
    # files2: every combination too (MergeV2 multiplex, MergeV3 combineAll; not MergeV1's)
    if mode in ("mergeByIndex", "combineByPosition", "combineAll") or (
        mode == "combine" and how in (*_BY_POSITION, "multiplex", "combineAll")
    ):
        clash = (((p.get("options") or {}).get("clashHandling") or {}).get("values")) or {}
        resolve = str(clash.get("resolveClash") or "")
        order = list(range(count))
        if resolve.startswith("preferInput") and resolve[11:].isdigit():
            preferred = int(resolve[11:]) - 1
            order = [i for i in order if i != preferred] + [preferred]
        return tuple(order)
    return ()


_BY_POSITION = ("mergeByPosition", "combineByPosition")


def _merge_items(node: N8nNode, cx: Converter) -> Converted:
    # --- end httpfiles ---
    p = node.params
    mode = p.get("mode") or "append"
    count = int(p.get("numberInputs") or 2) if node.version >= 3 else 2
    if mode == "append":
        appended = _template(" + ".join(_inputs(node, cx, count)))
        appended.spec["appends"] = True  # files: an Aggregate after it finds its first item
        return appended
    if mode in ("passThrough", "chooseBranch"):
        return _choose(node, cx, mode)
    if mode == "wait":
        return _template("[{}]")
    if node.version < 2 and mode != "combine":
        return _legacy(node, cx, mode)
    if mode == "combineBySql":
        raise Refusal("combines its inputs with an SQL query, which WorkFuse does not run.")
    how = p.get("combineBy") if node.version >= 3 else p.get("combinationMode", "mergeByFields")
    if mode == "combine" and node.version < 3:
        how = {"mergeByFields": "combineByFields", "mergeByPosition": "combineByPosition"}.get(
            how or "", "combineAll" if how == "multiplex" else how
        )
    if mode in ("combineByFields", "combineByPosition", "combineAll"):
        how = mode
    return _combine(node, cx, str(how or "combineByFields"), count)


def _inputs(node: N8nNode, cx: Converter, count: int) -> list[str]:
    return [cx.input_list(node, i).jinja(guard=True) for i in range(count)]


def _template(expression: str, notes: list[str] | None = None) -> Converted:
    config = {"language": "template", "expression": "{{ " + expression + " }}"}
    return Converted("utility.transform", config, notes=notes or [])


def _choose(node: N8nNode, cx: Converter, mode: str) -> Converted:
    p = node.params
    if mode == "passThrough":  # v1/v2
        which = 1 if p.get("output", "input1") == "input2" else 0
        return _template(_inputs(node, cx, 2)[which])
    if node.version >= 3:
        output = p.get("output", "specifiedInput")
        which = int(p.get("useDataOfInput", 1) or 1) - 1
    else:
        legacy = p.get("output", "input1")
        output = "empty" if legacy == "empty" else "specifiedInput"
        which = 1 if legacy == "input2" else 0
    if output == "empty":
        return _template("[{}]")
    return _template(_inputs(node, cx, max(2, which + 1))[which])


def _combine(node: N8nNode, cx: Converter, how: str, count: int) -> Converted:
    p = node.params
    options = p.get("options") or {}
    clash = ((options.get("clashHandling") or {}).get("values")) or {}
    settings: dict[str, Any] = {"clash": clash, "legacy": node.version < 3}
    if how == "combineByFields":
        settings["how"] = "byFields"
        if node.version >= 3 and not p.get("advanced"):
            names = str(p.get("fieldsToMatchString") or "").split(",")
            settings["fields"] = [{"field1": n.strip(), "field2": n.strip()} for n in names]
        else:
            rows = ((p.get("mergeByFields") or {}).get("values")) or []
            settings["fields"] = [
                {"field1": r.get("field1", ""), "field2": r.get("field2", "")} for r in rows
            ]
        if any(
            isinstance(f[k], str) and f[k].startswith("=") for f in settings["fields"] for k in f
        ):
            raise Refusal("matches on field names given by expressions; name the fields in n8n.")
        settings["joinMode"] = p.get("joinMode", "keepMatches")
        settings["outputDataFrom"] = p.get("outputDataFrom", "both")
        for key in ("fuzzyCompare", "disableDotNotation", "multipleMatches"):
            if key in options:
                settings[key] = options[key]
        count = 2
    elif how == "combineByPosition":
        settings["how"] = "byPosition"
        settings["includeUnpaired"] = bool(options.get("includeUnpaired", False))
    elif how == "combineAll":
        settings["how"] = "everyCombination"
        count = 2
    else:
        raise Refusal(f"combines its inputs by '{how}', which the import does not know.")
    return _code(node, cx, settings, count)


def _legacy(node: N8nNode, cx: Converter, mode: str) -> Converted:
    """Merge v1's modes (MergeV1.node.js): append/pass-through/wait are above; these combine,
    copying fields shallowly (the second input's win)."""
    p = node.params
    settings: dict[str, Any]
    if mode == "multiplex":
        settings = {"how": "legacyMultiplex"}
    elif mode == "mergeByIndex":
        settings = {"how": "legacyIndex", "join": p.get("join", "left")}
    elif mode in ("mergeByKey", "keepKeyMatches", "removeKeyMatches"):
        names = (p.get("propertyName1", ""), p.get("propertyName2", ""))
        if any(isinstance(n, str) and n.startswith("=") for n in names):
            raise Refusal("matches on field names given by expressions; name the fields in n8n.")
        settings = {
            "how": "legacyKey",
            "mode": mode,
            "propertyName1": names[0],
            "propertyName2": names[1],
            "overwrite": p.get("overwrite", "always"),
        }
    else:
        raise Refusal(
            f"is Merge version 1 in '{mode}' mode, which the import does not know; replace it "
            "with a new Merge node in n8n and export again."
        )
    return _code(node, cx, settings, 2)


def _code(node: N8nNode, cx: Converter, settings: dict[str, Any], count: int) -> Converted:
    inputs = ", ".join(cx.input_list(node, i).js() for i in range(count))
    code = (
        f"const inputs = [{inputs}];\n"
        f"const options = {json.dumps(settings, ensure_ascii=False)};\n" + MERGE_JS.strip()
    )
    return Converted("action.code", {"code": code, "timeout_ms": 10000})


SPECS: dict[str, Spec] = {f"{BASE}merge": Spec(_merge, "result", items="result")}
