// n8n compatibility for JavaScript run in the code sandbox (code_runner.py loads this file into
// every isolate it prepares, as `__wf_n8n`). It gives n8n expressions and n8n Code nodes the
// names n8n gives them ($json, $input, $('Node'), $node, items, $item(), $now, ...) over data
// WorkFuse passed in, and n8n's extension methods on values in expressions (.toTitleCase(),
// .first(), .round(), ...). Luxon is compiled on first use only: most expressions never touch
// a date. What exists is listed in docs/n8n-import.md ("Expressions", "Code nodes").
//
// The data arrives as the global `__n8n` (set by the runner's prelude from the request):
//   {mode: "expression" | "all" | "each" | "functionItem",
//    json, items: [json...] | null, refs: {name: json}, lists: {name: [json...]},
//    aliases: {"" | name: [[n8nPath, workfusePath]...]},
//    execution: {id, resumeUrl, mode}, workflow: {id, name, active}, itemIndex, tz, prev,
//    binary: {"" | name: {property: n8n binary object}} | absent}
// With `binary`, the input item (and each named node's item) carries those files as n8n's
// `item.binary` (and `$binary`, `$node[name].binary` in expressions), and a Code node's
// result is {items: [json...], binary: [binary | null...]}.
// `__wf_n8n(luxonSource)` installs the globals and returns `wrap(fn)`: the async function the
// runner starts, which runs the user's function once (expression, all items) or once per item
// and returns what n8n would output (for code: the list of the items' json).
(function (luxonSource) {
  "use strict";
  const data = globalThis.__n8n || {};
  delete globalThis.__n8n;
  const mode = data.mode || "expression";
  const define = (target, name, value) =>
    Object.defineProperty(target, name, { value: value, writable: true, configurable: true });
  const getter = (target, name, get) =>
    Object.defineProperty(target, name, { get: get, configurable: true });
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
  const fail = (message) => { throw new Error(message); };

  // --- Luxon, compiled once per isolate when a date is first needed -------------------------
  let lx = null;
  function luxon() {
    if (lx === null) {
      if (typeof luxonSource !== "string") fail("dates (Luxon) are not loaded for this code: name $now, $today or DateTime in it");
      lx = (0, eval)(luxonSource + "\n;luxon");
      lx.Settings.defaultZone = data.tz || "UTC";
      installDateExtensions(lx);
    }
    return lx;
  }

  // --- n8n names are WorkFuse fields under other names (an agent's `output` is `response`) ---
  function aliased(value, pairs) {
    if (!pairs || !pairs.length || !isObject(value)) return value;
    let out = value;
    for (const [n8nPath, ourPath] of pairs) {
      const found = readPath(value, ourPath.split("."));
      if (found === undefined) continue;
      if (out === value) out = Object.assign({}, value);
      out = writePath(out, n8nPath.split("."), found);
    }
    return out;
  }
  function readPath(value, parts) {
    for (const part of parts) {
      if (value === null || typeof value !== "object") return undefined;
      value = value[part];
    }
    return value;
  }
  function writePath(target, parts, value) {
    const [head, ...rest] = parts;
    if (!rest.length) { target[head] = value; return target; }
    const child = isObject(target[head]) ? Object.assign({}, target[head]) : {};
    target[head] = writePath(child, rest, value);
    return target;
  }

  // --- items ----------------------------------------------------------------------------
  const refs = {}, lists = {};
  const aliases = data.aliases || {};
  for (const name of Object.keys(data.refs || {})) refs[name] = aliased(data.refs[name], aliases[name]);
  for (const name of Object.keys(data.lists || {})) {
    const list = data.lists[name];
    lists[name] = Array.isArray(list) ? list.map((j) => aliased(j, aliases[name])) : [];
  }
  const json = aliased(data.json === undefined || data.json === null ? {} : data.json, aliases[""]);
  const inputJson = Array.isArray(data.items) ? data.items.map((j) => aliased(j, aliases[""])) : [json];
  const inputItems = inputJson.map((j, i) => ({ json: isObject(j) ? j : { value: j }, pairedItem: { item: i } }));
  // fileops: files pair with one item only (WorkFuse follows a file with a single item).
  const binaries = isObject(data.binary) ? data.binary : null;
  // binaryexpr: a `fileExtension` WorkFuse cannot give as n8n would (workfuse/lib/n8n_binary.py)
  // arrives as {$unknownExtension: reason}; reading it is an error that gives the reason. The
  // getter is not enumerable, so handing the file on (JSON) does not read it.
  for (const by of Object.values(binaries || {})) {
    for (const file of Object.values(isObject(by) ? by : {})) {
      const ext = isObject(file) ? file.fileExtension : undefined;
      if (isObject(ext) && typeof ext.$unknownExtension === "string") {
        Object.defineProperty(file, "fileExtension", {
          get: () => fail(`fileExtension: ${ext.$unknownExtension}`), enumerable: false, configurable: true,
        });
      }
    }
  }
  const withFiles = (item, name) => {
    if (binaries && isObject(binaries[name]) && item && !item.binary) item.binary = binaries[name];
    return item;
  };
  if (inputItems.length === 1) withFiles(inputItems[0], "");
  let itemIndex = Number.isInteger(data.itemIndex) ? data.itemIndex : 0;
  let current = inputItems[Math.min(itemIndex, inputItems.length - 1)] || { json: json };
  if (mode === "expression") current = withFiles({ json: json, pairedItem: { item: itemIndex } }, "");

  function known(name) {
    if (typeof name !== "string") fail("$() takes the name of an n8n node, e.g. $('HTTP Request')");
    if (!(name in refs) && !(name in lists)) {
      fail(`n8n node '${name}' is not available here: only nodes before this one, named in the expression, can be read`);
    }
  }
  function nodeItems(name) {
    known(name);
    const list = name in lists ? lists[name] : [refs[name]];
    const items = list.map((j, i) => ({ json: j, pairedItem: { item: i } }));
    if (items.length === 1) withFiles(items[0], name);
    return items;
  }
  function nodeItem(name, index) {
    known(name);
    if (name in refs && index === undefined) return withFiles({ json: refs[name] }, name);
    const list = nodeItems(name);
    const at = index === undefined ? itemIndex : index;
    return list[at] || list[0];
  }
  function nodeProxy(name) {
    known(name);
    return {
      get item() { return nodeItem(name); },
      first: () => nodeItems(name)[0],
      last: () => { const all = nodeItems(name); return all[all.length - 1]; },
      all: () => nodeItems(name),
      itemMatching: (index) => nodeItem(name, index),
      pairedItem: (index) => nodeItem(name, index),
      get json() { return nodeItem(name).json; },
      isExecuted: true,
      params: {},
      context: {},
      runIndex: 0,
    };
  }
  const $ = (name) => nodeProxy(name);
  const $node = new Proxy({}, {
    get(target, name) {
      if (typeof name !== "string") return undefined;
      known(name);
      // `.data` is n8n's older name for `.json` on $node[...].
      return { get json() { return nodeItem(name).json; }, get data() { return nodeItem(name).json; }, get binary() { return nodeItem(name).binary; }, parameter: {}, context: {}, runIndex: 0 };
    },
  });
  const $input = {
    get item() { return current; },
    first: () => inputItems[0],
    last: () => inputItems[inputItems.length - 1],
    all: () => inputItems,
    params: {},
    context: { noItemsLeft: false },
  };
  const $item = (index) => {
    const item = inputItems[index] || { json: {} };
    return {
      $json: item.json,
      $binary: item.binary || {},
      $parameter: {},
      $node: new Proxy({}, { get(t, name) { return typeof name === "string" ? { json: nodeItem(name, index).json, data: nodeItem(name, index).json } : undefined; } }),
    };
  };
  const $items = (name) => (name === undefined ? inputItems : nodeItems(name));
  const customData = {};

  const names = {
    $: $,
    $node: $node,
    $input: $input,
    $items: $items,
    $item: $item,
    $parameter: {},
    $runIndex: 0,
    $thisRunIndex: 0,
    $mode: (data.execution && data.execution.mode) || "production",
    $prevNode: { name: data.prev || "", outputIndex: 0, runIndex: 0 },
    $execution: {
      id: data.execution ? data.execution.id : null,
      mode: (data.execution && data.execution.mode) || "production",
      resumeUrl: data.execution ? data.execution.resumeUrl : undefined,
      customData: {
        set: (key, value) => { customData[key] = value; },
        setAll: (values) => { Object.assign(customData, values); },
        get: (key) => customData[key],
        getAll: () => Object.assign({}, customData),
      },
    },
    $workflow: Object.assign({ active: true }, data.workflow || {}),
    // WorkFuse's name for what the importer's Wait family writes in place of $execution.resumeUrl.
    execution: { id: data.execution ? data.execution.id : null, resume_url: data.execution ? data.execution.resumeUrl : undefined },
    $vars: Object.freeze({}),
    $secrets: Object.freeze({}),
    items: inputItems,
  };
  for (const name of Object.keys(names)) define(globalThis, name, names[name]);
  getter(globalThis, "$json", () => current.json);
  getter(globalThis, "$binary", () => current.binary || {});
  getter(globalThis, "$data", () => current.json);
  getter(globalThis, "$itemIndex", () => itemIndex);
  getter(globalThis, "$thisItemIndex", () => itemIndex);
  getter(globalThis, "$position", () => itemIndex);
  getter(globalThis, "$thisItem", () => current);
  getter(globalThis, "$env", () => fail("$env (the n8n server's environment variables) is not available in WorkFuse; keep the value in a credential or in the workflow"));
  for (const name of ["$jmespath", "$jmesPath", "$evaluateExpression", "$fromAI", "$fromai", "$fromAi", "$getPairedItem"]) {
    define(globalThis, name, () => fail(`${name}() is not available in WorkFuse`));
  }
  getter(globalThis, "$now", () => luxon().DateTime.now());
  getter(globalThis, "$today", () => luxon().DateTime.now().startOf("day"));
  getter(globalThis, "DateTime", () => luxon().DateTime);
  getter(globalThis, "Duration", () => luxon().Duration);
  getter(globalThis, "Interval", () => luxon().Interval);

  // --- expressions only: n8n's extension methods and functions ---------------------------
  function installExtensions() {
    const fns = {
      $if: (condition, yes, no) => (condition ? yes : no),
      $ifEmpty: (value, otherwise) => {
        if (value === undefined || value === null || value === "") return otherwise;
        if (typeof value === "object" && Object.keys(value).length === 0) return otherwise;
        return value;
      },
      $min: Math.min, $max: Math.max, min: Math.min, max: Math.max,
      $not: (v) => !v, not: (v) => !v,
      $average: (...args) => average(args), average: (...args) => average(args),
      numberList: (start, end) => {
        const out = [];
        for (let n = start; start < end ? n <= end : n >= end; n += start < end ? 1 : -1) out.push(n);
        return out;
      },
      zip: (keys, values) => {
        if (!Array.isArray(keys) || !Array.isArray(values)) fail("zip(): keys and values must be arrays");
        if (keys.length !== values.length) fail("zip(): keys and values not of equal length");
        const out = {};
        keys.forEach((k, i) => { out[k] = values[i]; });
        return out;
      },
    };
    for (const name of Object.keys(fns)) define(globalThis, name, fns[name]);
    extend(String.prototype, STRING);
    extend(Array.prototype, ARRAY);
    extend(Number.prototype, NUMBER);
    extend(Boolean.prototype, BOOLEAN);
    extend(Object.prototype, OBJECT);
    extend(Date.prototype, { toDateTime: function () { return luxon().DateTime.fromJSDate(this); } });
  }

  // n8n's extensions take precedence over built-in methods of the same name, as there.
  function extend(proto, methods) {
    for (const name of Object.keys(methods)) define(proto, name, methods[name]);
  }

  function numbers(list, name) {
    if (list.some((v) => typeof v !== "number")) fail(`${name}(): all array elements must be numbers`);
    return list;
  }
  function sum(list) { return numbers(list, "sum").reduce((a, b) => a + b, 0); }
  function average(list) { return numbers(list, "average").length ? sum(list) / list.length : 0; }
  function equal(a, b) {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return a !== a && b !== b;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  }
  function unique(list, fields) {
    const key = (item) => (fields.length && item && typeof item === "object"
      ? fields.reduce((acc, f) => { acc[f] = item[f]; return acc; }, {}) : item);
    const out = [];
    for (const item of list) if (!out.some((seen) => equal(key(seen), key(item)))) out.push(item);
    return out;
  }
  function compactObject(value) {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined || v === "nil" || v === "") continue;
      if (typeof v === "object") {
        if (Object.keys(v).length === 0) continue;
        out[k] = compactObject(v);
      } else out[k] = v;
    }
    return out;
  }
  function mergeInto(value, other) {
    const out = Object.assign({}, value);
    for (const [k, v] of Object.entries(other || {})) if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = v;
    return out;
  }
  function toDateTimeFromNumber(value, format) {
    const { DateTime } = luxon();
    switch (format || "ms") {
      case "excel": return DateTime.fromSeconds((value - 25569) * 86400);
      case "s": return DateTime.fromSeconds(value);
      case "us": return DateTime.fromMillis(value / 1000);
      case "ms": return DateTime.fromMillis(value);
      default: return fail(`Unsupported format '${format}'. toDateTime() supports 'ms', 's', 'us' and 'excel'.`);
    }
  }
  function parseDateTime(text) {
    const { DateTime } = luxon();
    const value = String(text).trim();
    for (const parse of ["fromISO", "fromHTTP", "fromRFC2822", "fromSQL"]) {
      const parsed = DateTime[parse](value, { setZone: true });
      if (parsed.isValid) return parsed;
    }
    const parsed = DateTime.fromMillis(Date.parse(value));
    if (parsed.isValid) return parsed;
    return fail("cannot convert to Luxon DateTime");
  }

  // Regular expressions and title case as n8n has them (n8n-workflow string-extensions; the
  // title case of the MIT-licensed `title-case` package by Blake Embrey, which n8n uses).
  const EMAIL = /(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@(?<domain>(\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))/;
  const DOMAIN_EXTRACT = /^(?:(?:https?|ftp):\/\/)?(?:mailto:)?(?:\/\/)?((?:www\.)?(?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$/i;
  const DOMAIN = /^(?:www\.)?((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?]*)?(?:\?[^\s#]*)?(?:#[^\s]*)?$/i;
  const URL_EXACT = /^(?:(?:https?|ftp):\/\/)(?:www\.)?((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?#]*)?(?:\?[^\s#]*)?(?=([^\s]+#.*)?)#?[^\s]*$/i;
  const URL_ANY = /(?:(?:https?|ftp):\/\/)(?:www\.)?((?:(?:[-\w]+\.)+(?:[a-zA-Z]{2,}|xn--[a-zA-Z0-9]+)|localhost|\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}))(?::\d+)?(?:\/[^\s?#]*)?(?:\?[^\s#]*)?(?=([^\s]+#.*)?)#?[^\s]*/i;
  const CURRENCY = /[$€£¥₹₽₩₺₴₦₱₪₫₭₮₲฿]/gu;
  const SMALL_WORDS = /\b(?:an?d?|a[st]|because|but|by|en|for|i[fn]|neither|nor|o[fnr]|only|over|per|so|some|tha[tn]|the|to|up|upon|vs?\.?|versus|via|when|with|without|yet)\b/i;
  function titleCase(input) {
    const tokens = /[^\s:–—-]+|./g;
    let result = "", m;
    while ((m = tokens.exec(input)) !== null) {
      const token = m[0], index = m.index;
      if (!/.(?=[A-Z]|\..)/.test(token)
          && (!SMALL_WORDS.test(token) || index === 0 || index + token.length === input.length)
          && (input.charAt(index + token.length) !== ":" || /\s/.test(input.charAt(index + token.length + 1)))) {
        result += token.replace(/[A-Za-z0-9\u00C0-\u00FF]/, (c) => c.toUpperCase());
        continue;
      }
      result += token;
    }
    return result;
  }
  function isEmail(value) { return EMAIL.test(value) && !value.includes(" "); }
  function base64Bytes(bytes) {
    let text = "";
    for (const b of bytes) text += String.fromCharCode(b);
    return btoaLike(text);
  }
  const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  function btoaLike(binary) {
    let out = "";
    for (let i = 0; i < binary.length; i += 3) {
      const a = binary.charCodeAt(i), b = binary.charCodeAt(i + 1), c = binary.charCodeAt(i + 2);
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63]
        + (i + 1 < binary.length ? B64[(n >> 6) & 63] : "=") + (i + 2 < binary.length ? B64[n & 63] : "=");
    }
    return out;
  }
  function utf8(text) {
    const bytes = [];
    for (const ch of text) {
      let c = ch.codePointAt(0);
      if (c < 0x80) bytes.push(c);
      else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return bytes;
  }
  function fromBase64(text) {
    const clean = String(text).replace(/[^A-Za-z0-9+/_-]/g, "").replace(/-/g, "+").replace(/_/g, "/");
    const bytes = [];
    for (let i = 0; i < clean.length; i += 4) {
      const n = (B64.indexOf(clean[i]) << 18) | (B64.indexOf(clean[i + 1]) << 12)
        | ((i + 2 < clean.length ? B64.indexOf(clean[i + 2]) : 0) << 6) | (i + 3 < clean.length ? B64.indexOf(clean[i + 3]) : 0);
      bytes.push((n >> 16) & 255);
      if (i + 2 < clean.length) bytes.push((n >> 8) & 255);
      if (i + 3 < clean.length) bytes.push(n & 255);
    }
    let out = "";
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i];
      const size = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
      let c = size === 1 ? b : b & (0xff >> (size + 1));
      for (let k = 1; k < size; k++) c = (c << 6) | (bytes[i + k] & 63);
      out += String.fromCodePoint(c);
      i += size;
    }
    return out;
  }

  const STRING = {
    isEmpty: function () { return String(this) === ""; },
    isNotEmpty: function () { return String(this) !== ""; },
    toJsonString: function () { return JSON.stringify(String(this)); },
    toTitleCase: function () { return titleCase(String(this)); },
    toSentenceCase: function () {
      let rest = String(this), out = "";
      while (/\p{L}/u.test(rest)) {
        const at = rest.search(/\p{L}/u);
        rest = rest.slice(0, at) + rest[at].toLocaleUpperCase() + rest.slice(at + 1).toLocaleLowerCase();
        const stop = rest.search(/[!?.]/);
        if (stop === -1) { out += rest; rest = ""; break; }
        out += rest.slice(0, stop + 1);
        rest = rest.slice(stop + 1);
      }
      return out;
    },
    toSnakeCase: function () {
      return String(this).toLocaleLowerCase().replace(/[ \-]/g, "_")
        .replace(/[\u2000-\u206F\u2E00-\u2E7F\\'!"#$%&()*+,.\/:;<=>?@\[\]^`{|}~]/g, "");
    },
    removeTags: function () { return String(this).replace(/<[^>]*>?/gm, ""); },
    urlEncode: function (entire) { return entire ? encodeURI(String(this)) : encodeURIComponent(String(this)); },
    urlDecode: function (entire) { return entire ? decodeURI(String(this)) : decodeURIComponent(String(this)); },
    toNumber: function () {
      const n = Number(String(this).replace(CURRENCY, ""));
      return isNaN(n) ? fail("cannot convert to number") : n;
    },
    toInt: function (radix) {
      const n = parseInt(String(this).replace(CURRENCY, ""), radix);
      return isNaN(n) ? fail("cannot convert to integer") : n;
    },
    toFloat: function () {
      if (String(this).includes(",")) fail("cannot convert to float, expected . as decimal separator");
      const n = parseFloat(String(this).replace(CURRENCY, ""));
      return isNaN(n) ? fail("cannot convert to float") : n;
    },
    toBoolean: function () {
      const v = String(this).toLowerCase();
      return v.length > 0 && !["false", "no", "0"].includes(v);
    },
    isNumeric: function () {
      const v = String(this);
      return !v.includes(" ") && !isNaN(v) && !isNaN(parseFloat(v));
    },
    isEmail: function () { return isEmail(String(this)); },
    isUrl: function () { return URL_EXACT.test(String(this)); },
    isDomain: function () { return DOMAIN.test(String(this)); },
    extractEmail: function () { const m = EMAIL.exec(String(this)); return m ? m[0] : undefined; },
    extractDomain: function () {
      const v = String(this);
      if (isEmail(v)) { const m = EMAIL.exec(v); return m ? m.groups.domain : undefined; }
      const m = v.match(DOMAIN_EXTRACT);
      return m ? m[1] : undefined;
    },
    extractUrl: function () { const m = URL_ANY.exec(String(this)); return m ? m[0] : undefined; },
    extractUrlPath: function () {
      const m = /^[a-z][a-z0-9+.-]*:\/\/[^\/?#]*([^?#]*)/i.exec(String(this));
      return m ? m[1] || "/" : undefined;
    },
    parseJson: function () {
      try { return JSON.parse(String(this)); } catch (e) {
        return fail(String(this).includes("'") ? "Parsing failed. Check you're using double quotes" : "Parsing failed");
      }
    },
    quote: function (mark) {
      const q = mark === undefined ? '"' : mark;
      return q + String(this).replace(/\\/g, "\\\\").split(q).join("\\" + q) + q;
    },
    base64Encode: function () { return base64Bytes(utf8(String(this))); },
    base64Decode: function () { return fromBase64(String(this)); },
    toDateTime: function (format) {
      const v = String(this);
      if (["ms", "s", "us", "excel"].includes(format)) return toDateTimeFromNumber(Number(v), format);
      return format ? luxon().DateTime.fromFormat(v, format) : parseDateTime(v);
    },
    toDate: function () {
      const date = new Date(Date.parse(String(this)));
      if (isNaN(date.getTime())) fail("cannot convert to date");
      if (!/:/.test(String(this))) date.setHours(0, 0, 0);
      return date;
    },
  };
  const ARRAY = {
    first: function () { return this[0]; },
    last: function () { return this[this.length - 1]; },
    isEmpty: function () { return this.length === 0; },
    isNotEmpty: function () { return this.length > 0; },
    sum: function () { return sum(this); },
    min: function () { return Math.min(...numbers(this, "min")); },
    max: function () { return Math.max(...numbers(this, "max")); },
    average: function () { return average(this); },
    unique: function (...fields) { return unique(this, fields); },
    removeDuplicates: function (...fields) { return unique(this, fields); },
    compact: function () {
      return this.filter((v) => !(v && typeof v === "object" && Object.keys(v).length === 0)
        && v !== null && v !== undefined && v !== "nil" && v !== "")
        .map((v) => (typeof v === "object" && v !== null ? compactObject(v) : v));
    },
    pluck: function (...fields) {
      if (!fields.length) return this;
      const out = [];
      for (const item of this) {
        if (!item || typeof item !== "object") continue;
        const picked = Object.keys(item).filter((k) => fields.includes(k)).map((k) => item[k]);
        if (picked.length) out.push(picked.length === 1 ? picked[0] : picked);
      }
      return out;
    },
    chunk: function (size) {
      if (typeof size !== "number" || size === 0) fail("chunk(): expected non-zero numeric arg, e.g. .chunk(5)");
      const out = [];
      for (let i = 0; i < this.length; i += size) out.push(this.slice(i, i + size));
      return out;
    },
    smartJoin: function (keyField, valueField) {
      if (typeof keyField !== "string" || typeof valueField !== "string") {
        fail('smartJoin(): expected two string args, e.g. .smartJoin("name", "value")');
      }
      const out = {};
      for (const v of this) if (isObject(v) && keyField in v && valueField in v) out[v[keyField]] = v[valueField];
      return out;
    },
    renameKeys: function (...pairs) {
      if (!pairs.length || pairs.length % 2) fail("renameKeys(): expected an even amount of args: from1, to1 [, from2, to2, ...]");
      return this.map((v) => {
        if (typeof v !== "object" || v === null) return v;
        const out = Object.assign({}, v);
        for (let i = 0; i < pairs.length; i += 2) {
          if (Object.prototype.hasOwnProperty.call(out, pairs[i])) { out[pairs[i + 1]] = out[pairs[i]]; delete out[pairs[i]]; }
        }
        return out;
      });
    },
    merge: function (others) {
      if (others === undefined) return this.reduce((acc, v) => (isObject(v) ? mergeInto(acc, v) : acc), {});
      if (!Array.isArray(others)) fail("merge(): expected array arg, e.g. .merge([{ id: 1, otherValue: 3 }])");
      const out = {};
      for (let i = 0; i < Math.max(this.length, others.length); i++) {
        if (this[i] !== undefined && typeof this[i] === "object" && typeof others[i] === "object") {
          Object.assign(out, mergeInto(this[i], others[i]));
        }
      }
      return out;
    },
    union: function (others) {
      if (!Array.isArray(others)) fail("union(): expected array arg, e.g. .union([1, 2, 3, 4])");
      return unique(this.concat(others), []);
    },
    difference: function (others) {
      if (!Array.isArray(others)) fail("difference(): expected array arg, e.g. .difference([1, 2, 3, 4])");
      return unique(this.filter((v) => !others.some((w) => equal(v, w))), []);
    },
    intersection: function (others) {
      if (!Array.isArray(others)) fail("intersection(): expected array arg, e.g. .intersection([1, 2, 3, 4])");
      const both = this.filter((v) => others.some((w) => equal(v, w)))
        .concat(others.filter((v) => this.some((w) => equal(v, w))));
      return unique(both, []);
    },
    append: function (...values) { return this.concat(values); },
    randomItem: function () { return this.length ? this[Math.floor(Math.random() * this.length)] : undefined; },
    toJsonString: function () { return JSON.stringify(this); },
  };
  const NUMBER = {
    round: function (places) { return +Number(this).toFixed(places || 0); },
    floor: function () { return Math.floor(this); },
    ceil: function () { return Math.ceil(this); },
    abs: function () { return Math.abs(this); },
    isInteger: function () { return Number.isInteger(Number(this)); },
    isEven: function () {
      if (!Number.isInteger(Number(this))) fail("isEven() is only callable on integers");
      return this % 2 === 0;
    },
    isOdd: function () {
      if (!Number.isInteger(Number(this))) fail("isOdd() is only callable on integers");
      return Math.abs(this) % 2 === 1;
    },
    format: function (locales, options) { return new Intl.NumberFormat(locales || "en-US", options || {}).format(this); },
    toBoolean: function () { return Number(this) !== 0; },
    toInt: function () { return +Number(this).toFixed(0); },
    toFloat: function () { return Number(this); },
    toDateTime: function (format) { return toDateTimeFromNumber(Number(this), format); },
    toJsonString: function () { return JSON.stringify(Number(this)); },
  };
  const BOOLEAN = {
    toInt: function () { return this.valueOf() ? 1 : 0; },
    toNumber: function () { return this.valueOf() ? 1 : 0; },
    toFloat: function () { return this.valueOf() ? 1 : 0; },
    toBoolean: function () { return this.valueOf(); },
    toJsonString: function () { return JSON.stringify(this.valueOf()); },
  };
  const OBJECT = {
    isEmpty: function () { return Object.keys(this).length === 0; },
    isNotEmpty: function () { return Object.keys(this).length > 0; },
    hasField: function (name) { return name in this; },
    removeField: function (name) {
      if (!(name in this)) return this;
      const out = Object.assign({}, this);
      delete out[name];
      return out;
    },
    removeFieldsContaining: function (match) {
      if (typeof match !== "string" || match === "") fail("removeFieldsContaining(): expected non-empty string arg");
      const out = Object.assign({}, this);
      for (const [k, v] of Object.entries(this)) if (typeof v === "string" && v.includes(match)) delete out[k];
      return out;
    },
    keepFieldsContaining: function (match) {
      if (typeof match !== "string" || match === "") fail("argument of keepFieldsContaining must be a non-empty string");
      const out = Object.assign({}, this);
      for (const [k, v] of Object.entries(this)) if (typeof v !== "string" || !v.includes(match)) delete out[k];
      return out;
    },
    compact: function () { return compactObject(this); },
    keys: function () { return Object.keys(this); },
    values: function () { return Object.values(this); },
    urlEncode: function () {
      // As URLSearchParams writes a form: spaces as "+", and !'()~ escaped too.
      const form = (text) => encodeURIComponent(text).replace(/%20/g, "+")
        .replace(/[!'()~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
      return Object.entries(this).map(([k, v]) => form(k) + "=" + form(String(v))).join("&");
    },
    toJsonString: function () { return JSON.stringify(this); },
  };

  function installDateExtensions(lib) {
    const units = { days: "day", months: "month", years: "year", hours: "hour", minutes: "minute",
      seconds: "second", milliseconds: "millisecond", hrs: "hour", hr: "hour", mins: "minute",
      min: "minute", secs: "second", sec: "second", ms: "millisecond" };
    const durations = { day: "days", month: "months", year: "years", week: "weeks", hour: "hours",
      minute: "minutes", second: "seconds", millisecond: "milliseconds", ms: "milliseconds",
      sec: "seconds", secs: "seconds", hr: "hours", hrs: "hours", min: "minutes", mins: "minutes" };
    const proto = lib.DateTime.prototype;
    const nativePlus = proto.plus, nativeMinus = proto.minus;
    const amount = (args) => (args.length === 1 ? args[0]
      : { [durations[args[1] || "minutes"] || args[1] || "minutes"]: args[0] || 0 });
    const asDateTime = (v) => (lib.DateTime.isDateTime(v) ? v : typeof v === "string"
      ? lib.DateTime.fromJSDate(new Date(v)) : v instanceof Date ? lib.DateTime.fromJSDate(v) : undefined);
    extend(proto, {
      plus: function (...args) { return nativePlus.call(this, amount(args)); },
      minus: function (...args) { return nativeMinus.call(this, amount(args)); },
      format: function (fmt, opts) { return this.toFormat(fmt, Object.assign({}, opts)); },
      beginningOf: function (unit) { return this.startOf(units[unit || "week"] || unit || "week"); },
      endOfMonth: function () { return this.endOf("month"); },
      extract: function (part) {
        const p = part || "week";
        if (p === "yearDayNumber") return this.ordinal;
        return this.get(p === "week" ? "weekNumber" : units[p] || p);
      },
      isBetween: function (a, b) {
        const first = asDateTime(a), second = asDateTime(b);
        if (!first || !second) return undefined;
        return first > second ? second < this && this < first : second > this && this > first;
      },
      isDst: function () { return this.isInDST; },
      isWeekend: function () { return [6, 7].includes(this.weekday); },
      isInLast: function (n, unit) {
        const since = lib.DateTime.now().minus({ [durations[unit || "minutes"] || unit || "minutes"]: n || 0 });
        return since <= this && this <= lib.DateTime.now();
      },
      diffTo: function (other, unit) {
        const list = Array.isArray(unit) ? (unit.length ? unit : ["days"]) : [unit || "days"];
        const diff = this.diff(asDateTime(other) || parseDateTime(other), list);
        return list.length > 1 ? diff.toObject() : diff.as(list[0]);
      },
      diffToNow: function (unit) { return this.diffTo(lib.DateTime.now(), unit); },
      toDateTime: function () { return this; },
      toInt: function () { return this.toMillis(); },
      toFloat: function () { return this.toMillis(); },
      isEmpty: function () { return false; },
      isNotEmpty: function () { return true; },
    });
  }

  // --- running the user's function --------------------------------------------------------
  function codeFailure(message) { throw new Error(message); }
  function normalizeAll(result) {
    if (result === null) return [];
    if (typeof result !== "object") {
      codeFailure("Code doesn't return items properly: return an array of objects, one for each item you would like to output");
    }
    if (Array.isArray(result)) {
      if (result.some((item) => !isObject(item))) {
        codeFailure("Code doesn't return items properly: return an array of objects, one for each item you would like to output");
      }
      const wrapped = result.some((item) => Object.keys(item).some((k) => ITEM_KEYS.has(k)));
      if (wrapped) result.forEach(checkItemKeys);
    }
    const items = normalize(result);
    const jsons = items.map((item, index) => itemJson(item, index));
    return binaries ? { items: jsons, binary: items.map(binaryOf) } : jsons;
  }
  function binaryOf(item) {
    return isObject(item.binary) && Object.keys(item.binary).length ? item.binary : null;
  }
  const ITEM_KEYS = new Set(["json", "binary", "pairedItem", "error", "index"]);
  function checkItemKeys(item, index) {
    const unknown = Object.keys(item).filter((k) => !ITEM_KEYS.has(k));
    if (unknown.length) {
      codeFailure(`Unknown top-level item key: ${unknown[0]} (item ${index}); put the item's fields under .json, e.g. { json: { ... } }`);
    }
  }
  // n8n-core's normalizeItems: plain objects become items' json.
  function normalize(result) {
    let list = result;
    if (!Array.isArray(list)) list = list.json ? [list] : [{ json: list }];
    if (list.every((item) => typeof item === "object" && item !== null && "json" in item)) return list;
    if (list.some((item) => typeof item === "object" && item !== null && "json" in item)) codeFailure("Inconsistent item format");
    return list.map((item) => ({ json: item }));
  }
  function itemJson(item, index) {
    if (!isObject(item.json)) codeFailure(`A 'json' property isn't an object (item ${index})`);
    return item.json;
  }
  function eachResult(result, index) {
    if (result === null) return null;
    if (typeof result !== "object") {
      codeFailure(`Code doesn't return an object (item ${index}): return an object representing the output item ('${result}' was returned instead)`);
    }
    if (Array.isArray(result)) {
      codeFailure(`Code doesn't return a single object (item ${index}); to output several items, use the 'Run Once for All Items' mode`);
    }
    const [item] = normalize([result]);
    checkItemKeys(item, index);
    itemJson(item, index);
    return item;
  }
  function resultValue(value) {
    if (typeof value === "function") {
      return fail(value === lx?.DateTime ? "this is a DateTime, please access its methods" : "this is a function, please add ()");
    }
    return value;
  }

  if (mode === "expression") installExtensions();
  return function wrap(fn) {
    if (mode === "expression") return async function () { return resultValue(await fn()); };
    if (mode === "all") return async function () { return normalizeAll(await fn()); };
    const first = itemIndex;  // the loop's index, when WorkFuse runs this per item
    return async function () {
      const out = [], files = [];
      for (let index = 0; index < inputItems.length; index++) {
        itemIndex = first + index;
        current = inputItems[index];
        if (mode === "functionItem") {
          globalThis.item = current.json;
          const result = await fn();
          if (result === undefined) codeFailure("No data got returned. Always an object has to be returned!");
          out.push(result);
          continue;
        }
        globalThis.item = current;
        const item = eachResult(await fn(), index);
        if (item !== null) {
          out.push(item.json);
          files.push(binaryOf(item));
        }
      }
      return binaries && mode === "each" ? { items: out, binary: files } : out;
    };
  };
})
