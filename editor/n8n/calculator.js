// The n8n Calculator tool (LangChain's Calculator, which evaluates with expr-eval) as a WorkFuse
// code tool: `input.input` is the model's expression; the answer is the number as text, or
// "I don't know how to do that." as LangChain answers what it cannot evaluate. Read by a small
// parser (no eval): numbers, + - * / % ^ (right-associative, above unary minus), postfix !,
// parentheses, PI and E, and expr-eval's functions; expr-eval's comparisons, conditionals,
// strings, arrays and variables are not read.
const text = String(input.input ?? "");
const UNARY = {
  abs: Math.abs, acos: Math.acos, acosh: Math.acosh, asin: Math.asin, asinh: Math.asinh,
  atan: Math.atan, atanh: Math.atanh, cbrt: Math.cbrt, ceil: Math.ceil, cos: Math.cos,
  cosh: Math.cosh, exp: Math.exp, expm1: Math.expm1, floor: Math.floor, ln: Math.log,
  log: Math.log, log10: Math.log10, lg: Math.log10, log2: Math.log2, log1p: Math.log1p,
  round: Math.round, sign: Math.sign, sin: Math.sin, sinh: Math.sinh, sqrt: Math.sqrt,
  tan: Math.tan, tanh: Math.tanh, trunc: Math.trunc,
};
const CALLS = {
  min: (...a) => Math.min(...a), max: (...a) => Math.max(...a), pow: (a, b) => Math.pow(a, b),
  atan2: (a, b) => Math.atan2(a, b), hypot: (...a) => Math.hypot(...a),
  fac: (a) => factorial(a), roundTo: (a, n) => Number(a.toFixed(n)),
};
const CONSTANTS = { PI: Math.PI, E: Math.E };

function factorial(n) {
  if (!Number.isInteger(n) || n < 0) throw new Error("factorial of " + n);
  if (n > 170) return Infinity;
  let out = 1;
  for (let i = 2; i <= n; i++) out *= i;
  return out;
}

function tokens(source) {
  if (source.length > 10000) throw new Error("too long");
  const out = [];
  const pattern = /\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\S))/y;
  let match;
  while (pattern.lastIndex < source.length && (match = pattern.exec(source))) {
    if (match[1] !== undefined) out.push({ kind: "number", value: Number(match[1]) });
    else if (match[2] !== undefined) out.push({ kind: "name", value: match[2] });
    else out.push({ kind: "op", value: match[3] });
  }
  if (/\S/.test(source.slice(pattern.lastIndex))) throw new Error("unreadable");
  return out;
}

function evaluate(source) {
  const list = tokens(source);
  let at = 0;
  const peek = () => list[at];
  const isOp = (value) => peek() && peek().kind === "op" && peek().value === value;
  const expect = (value) => {
    if (!isOp(value)) throw new Error("expected " + value);
    at++;
  };

  function additive() {
    let left = multiplicative();
    while (isOp("+") || isOp("-")) {
      const op = list[at++].value;
      const right = multiplicative();
      left = op === "+" ? left + right : left - right;
    }
    return left;
  }
  function multiplicative() {
    let left = unary();
    while (isOp("*") || isOp("/") || isOp("%")) {
      const op = list[at++].value;
      const right = unary();
      left = op === "*" ? left * right : op === "/" ? left / right : left % right;
    }
    return left;
  }
  function unary() {
    if (isOp("-")) { at++; return -unary(); }
    if (isOp("+")) { at++; return +unary(); }
    return power();
  }
  function power() {
    const base = postfix();
    if (isOp("^")) { at++; return Math.pow(base, unary()); }
    return base;
  }
  function postfix() {
    let value = primary();
    while (isOp("!")) { at++; value = factorial(value); }
    return value;
  }
  function primary() {
    const token = list[at++];
    if (!token) throw new Error("unexpected end");
    if (token.kind === "number") return token.value;
    if (token.kind === "op" && token.value === "(") {
      const value = additive();
      expect(")");
      return value;
    }
    if (token.kind === "name") {
      if (Object.hasOwn(CONSTANTS, token.value)) return CONSTANTS[token.value];
      if (Object.hasOwn(CALLS, token.value)) return CALLS[token.value](...callArguments());
      // As in expr-eval, a function name is a prefix operator: `log(2)^2` is log(4).
      if (Object.hasOwn(UNARY, token.value)) return UNARY[token.value](unary());
    }
    throw new Error("cannot read " + token.value);
  }
  function callArguments() {
    expect("(");
    const args = [additive()];
    while (isOp(",")) { at++; args.push(additive()); }
    expect(")");
    return args;
  }

  const value = additive();
  if (at !== list.length) throw new Error("unexpected " + list[at].value);
  return value;
}

try {
  return evaluate(text).toString();
} catch (error) {
  return "I don't know how to do that.";
}
