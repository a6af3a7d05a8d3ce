import { err, ok, throwIllegalValue, type Result } from '../result';

/** A JSON value with the offsets where it starts and ends in the text, so errors can name lines. */
export type JsonNode =
  | { kind: 'object'; start: number; end: number; entries: JsonEntry[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string'; start: number; end: number; value: string }
  | { kind: 'number'; start: number; end: number; value: number }
  | { kind: 'boolean'; start: number; end: number; value: boolean }
  | { kind: 'null'; start: number; end: number; value: null };

export type JsonEntry = { key: string; keyStart: number; value: JsonNode };

/** A JSON syntax error at a character offset, with advice. */
export type JsonSyntaxError = { offset: number; message: string; fix: string };

/** Deeper nesting than this is refused (it is never needed, and it would exhaust the stack). */
export const MAX_JSON_DEPTH = 256;

class SyntaxFailure {
  constructor(readonly error: JsonSyntaxError) {}
}

/**
 * A strict JSON (RFC 8259) parser that keeps the position of every value. It accepts exactly what
 * `JSON.parse` accepts (up to MAX_JSON_DEPTH of nesting) and explains errors with an offset and a fix.
 */
export function parseJsonNodes(text: string): Result<JsonNode, JsonSyntaxError> {
  const p = new Parser(text);
  try {
    p.ws();
    const node = p.value(0);
    p.ws();
    if (p.i < text.length)
      p.fail(p.i, `unexpected ${p.describe(p.i)} after the end of the JSON value`, 'remove everything after the final closing bracket, or check that the brackets match');
    return ok(node);
  } catch (e) {
    if (e instanceof SyntaxFailure) return err(e.error);
    throw e;
  }
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(offset: number, message: string, fix: string): never {
    throw new SyntaxFailure({ offset, message, fix });
  }

  describe(at: number): string {
    if (at >= this.s.length) return 'end of the file';
    const c = this.s.codePointAt(at) ?? 0;
    if (c < 0x20) return `control character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    return `character ${JSON.stringify(String.fromCodePoint(c))}`;
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.i++;
      else break;
    }
  }

  /** Explains an unexpected character where a value should start. */
  badValue(at: number): never {
    const s = this.s;
    const c = s[at];
    if (at >= s.length) this.fail(at, 'the file ends where a value was expected', 'check for a missing value, or a missing closing } or ]');
    if (c === "'") this.fail(at, 'strings must be in double quotes, not single quotes', "replace ' with \"");
    if (c === '/' && (s[at + 1] === '/' || s[at + 1] === '*')) this.fail(at, 'JSON does not allow comments', 'remove the comment');
    if (c === ']' || c === '}') this.fail(at, `a value was expected before ${JSON.stringify(c)}`, 'remove the comma before it (JSON allows no trailing commas), or add the missing value');
    if (c === ',') this.fail(at, 'a value is missing before this comma', 'remove the extra comma or add the value');
    const word = /^[A-Za-z_$][\w$]*/.exec(s.slice(at, at + 40))?.[0];
    if (word) {
      if (word === 'True' || word === 'False' || word === 'TRUE' || word === 'FALSE') this.fail(at, `${JSON.stringify(word)} is not a JSON value`, `write ${word.toLowerCase()} in lower case`);
      if (word === 'NaN' || word === 'Infinity' || word === 'undefined' || word === 'None' || word === 'NULL' || word === 'Null')
        this.fail(at, `${JSON.stringify(word)} is not a JSON value`, 'use a number, or null');
      this.fail(at, `unexpected word ${JSON.stringify(word)} where a value was expected`, 'put text in double quotes');
    }
    this.fail(at, `unexpected ${this.describe(at)} where a value was expected`, 'write a value: "text", a number, true, false, null, an object {…} or a list […]');
  }

  value(depth: number): JsonNode {
    const s = this.s;
    const start = this.i;
    const c = s.charCodeAt(start);
    if (c === 123 /* { */) return this.object(depth);
    if (c === 91 /* [ */) return this.array(depth);
    if (c === 34 /* " */) {
      const value = this.string();
      return { kind: 'string', start, end: this.i, value };
    }
    if (c === 45 /* - */ || (c >= 48 && c <= 57)) return this.number();
    if (s.startsWith('true', start)) {
      this.i += 4;
      return { kind: 'boolean', start, end: this.i, value: true };
    }
    if (s.startsWith('false', start)) {
      this.i += 5;
      return { kind: 'boolean', start, end: this.i, value: false };
    }
    if (s.startsWith('null', start)) {
      this.i += 4;
      return { kind: 'null', start, end: this.i, value: null };
    }
    return this.badValue(start);
  }

  enter(depth: number, at: number): void {
    if (depth >= MAX_JSON_DEPTH) this.fail(at, `the data is nested more than ${MAX_JSON_DEPTH} levels deep`, 'flatten the structure; item files need only a few levels');
  }

  object(depth: number): JsonNode {
    const s = this.s;
    const start = this.i;
    this.enter(depth, start);
    this.i++;
    const entries: JsonEntry[] = [];
    this.ws();
    if (s[this.i] === '}') {
      this.i++;
      return { kind: 'object', start, end: this.i, entries };
    }
    for (;;) {
      this.ws();
      const keyStart = this.i;
      const k = s[keyStart];
      if (k !== '"') {
        if (k === '}') this.fail(keyStart, 'a comma comes right before "}"', 'remove the last comma (JSON allows no trailing commas)');
        if (k === "'") this.fail(keyStart, 'names must be in double quotes, not single quotes', "replace ' with \"");
        if (k === '/' && (s[keyStart + 1] === '/' || s[keyStart + 1] === '*')) this.fail(keyStart, 'JSON does not allow comments', 'remove the comment');
        if (keyStart >= s.length) this.fail(keyStart, 'the file ends inside an object', 'add the missing closing }');
        if (k !== undefined && /[A-Za-z_$]/.test(k)) this.fail(keyStart, 'a name is not in double quotes', 'write the name in double quotes, like "name": value');
        this.fail(keyStart, `unexpected ${this.describe(keyStart)} where a "name" was expected`, 'write each entry as "name": value, separated by commas');
      }
      const key = this.string();
      this.ws();
      if (s[this.i] !== ':') {
        if (this.i >= s.length) this.fail(this.i, 'the file ends inside an object', 'add the missing value and closing }');
        this.fail(this.i, `":" is missing after the name ${JSON.stringify(key)}`, 'write a colon between the name and its value');
      }
      this.i++;
      this.ws();
      const value = this.value(depth + 1);
      entries.push({ key, keyStart, value });
      this.ws();
      const d = s[this.i];
      if (d === ',') {
        this.i++;
        continue;
      }
      if (d === '}') {
        this.i++;
        return { kind: 'object', start, end: this.i, entries };
      }
      if (this.i >= s.length) this.fail(this.i, 'the file ends inside an object', 'add the missing closing }');
      if (d === '"') this.fail(this.i, 'a comma is missing between two entries', 'add a comma after the previous value');
      this.fail(this.i, `unexpected ${this.describe(this.i)} after a value in an object`, 'separate entries with commas and close the object with }');
    }
  }

  array(depth: number): JsonNode {
    const s = this.s;
    const start = this.i;
    this.enter(depth, start);
    this.i++;
    const items: JsonNode[] = [];
    this.ws();
    if (s[this.i] === ']') {
      this.i++;
      return { kind: 'array', start, end: this.i, items };
    }
    for (;;) {
      this.ws();
      items.push(this.value(depth + 1));
      this.ws();
      const d = s[this.i];
      if (d === ',') {
        this.i++;
        continue;
      }
      if (d === ']') {
        this.i++;
        return { kind: 'array', start, end: this.i, items };
      }
      if (this.i >= s.length) this.fail(this.i, 'the file ends inside a list', 'add the missing closing ]');
      if (d === '{' || d === '[' || d === '"') this.fail(this.i, 'a comma is missing between two elements of a list', 'add a comma after the previous element');
      this.fail(this.i, `unexpected ${this.describe(this.i)} after an element of a list`, 'separate elements with commas and close the list with ]');
    }
  }

  string(): string {
    const s = this.s;
    const start = this.i;
    this.i++;
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail(start, 'a string starts here but its closing " is missing', 'add the closing " (write a " inside a string as \\")');
      const c = s.charCodeAt(this.i);
      if (c === 34) {
        out += s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) {
        if (c === 10 || c === 13) this.fail(this.i, 'a line break inside a string (or a missing closing ")', 'close the string with ", or write a line break inside a string as \\n');
        this.fail(this.i, `a raw ${this.describe(this.i)} inside a string`, 'write it as an escape such as \\t or \\u0009');
      }
      if (c === 92 /* \ */) {
        out += s.slice(run, this.i);
        const e = s[this.i + 1];
        switch (e) {
          case '"':
            out += '"';
            break;
          case '\\':
            out += '\\';
            break;
          case '/':
            out += '/';
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            const hex = s.slice(this.i + 2, this.i + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail(this.i, '\\u must be followed by four hex digits', 'write \\u and four hex digits, like \\u00e9');
            out += String.fromCharCode(parseInt(hex, 16));
            this.i += 4;
            break;
          }
          default:
            this.fail(this.i, `${JSON.stringify('\\' + (e ?? ''))} is not a valid escape`, 'write a backslash as \\\\; the escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
        }
        this.i += 2;
        run = this.i;
        continue;
      }
      this.i++;
    }
  }

  number(): JsonNode {
    const s = this.s;
    const start = this.i;
    const m = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    m.lastIndex = start;
    const match = m.exec(s);
    if (!match || match[0] === '-') this.fail(start, `a number is not written correctly`, 'write numbers like 3, -2 or 0.5');
    const text = match[0];
    const next = s[start + text.length];
    if (next !== undefined && /[0-9.eE+\-xXA-Za-z_]/.test(next))
      this.fail(start, `the number ${JSON.stringify(s.slice(start, start + text.length + 1))}… is not written correctly`, 'write numbers like 3, -2 or 0.5: no leading zeros, a digit on both sides of the point, no quotes inside');
    this.i = start + text.length;
    return { kind: 'number', start, end: this.i, value: Number(text) };
  }
}

/** The plain value of a node (like `JSON.parse`: for a repeated name the last one wins). */
export function jsonValue(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const e of node.entries)
        Object.defineProperty(o, e.key, { value: jsonValue(e.value), enumerable: true, writable: true, configurable: true });
      return o;
    }
    case 'array':
      return node.items.map(jsonValue);
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return node.value;
    default:
      return throwIllegalValue(node, 'JSON node');
  }
}

/** The entry of an object node with this name (the last one, as `JSON.parse` keeps). */
export function entryOf(node: JsonNode, key: string): JsonEntry | undefined {
  if (node.kind !== 'object') return undefined;
  for (let k = node.entries.length - 1; k >= 0; k--) if (node.entries[k]?.key === key) return node.entries[k];
  return undefined;
}

/** Names that occur more than once in the same object, anywhere in the tree, with their path. */
export function repeatedNames(node: JsonNode, path: (string | number)[] = []): { path: (string | number)[]; keyStart: number }[] {
  const out: { path: (string | number)[]; keyStart: number }[] = [];
  const walk = (n: JsonNode, p: (string | number)[]) => {
    if (n.kind === 'object') {
      const seen = new Set<string>();
      for (const e of n.entries) {
        if (seen.has(e.key)) out.push({ path: [...p, e.key], keyStart: e.keyStart });
        seen.add(e.key);
        walk(e.value, [...p, e.key]);
      }
    } else if (n.kind === 'array') n.items.forEach((item, i) => walk(item, [...p, i]));
  };
  walk(node, path);
  return out;
}

/** A path as people read it: items[3].options[0].key */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const name = String(p);
      out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? (out ? `.${name}` : name) : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}
