/**
 * JSON.stringify without its failure modes, for values JSON.stringify rejected: cycles, BigInts,
 * throwing getters or `toJSON`, proxies whose traps throw, nesting deeper than the stack.
 */

/** String that replaces a reference back to an object being serialised. */
export const CIRCULAR_MARKER = '[Circular]';
/** Prefix of the string that replaces a value whose getter or `toJSON` threw. */
export const UNSERIALIZABLE_MARKER = '[Unserializable]';

// Deep enough for real data; stops runaway recursion in the fallback path.
const MAX_DEPTH = 100;

/** Thrown inside the fallback walker when the output passes the budget; never escapes this module. */
class BudgetExceeded {}
const BUDGET_EXCEEDED = new BudgetExceeded();

/**
 * JSON.stringify semantics without its failure modes: cyclic references become "[Circular]",
 * BigInts become strings, a throwing getter or toJSON becomes "[Unserializable] <message>".
 * Stops once the output passes `maxBytes` (then `complete` is false and `text` is a prefix).
 */
export function safeStringify(value: unknown, maxBytes: number): { text: string | undefined; complete: boolean } {
  const parts: string[] = [];
  let length = 0;
  const ancestors = new Set<object>();
  const push = (s: string): void => {
    parts.push(s);
    length += s.length;
    if (length > maxBytes) throw BUDGET_EXCEEDED;
  };

  // Writes a value already passed through resolve(). Returns false (writing nothing) for values
  // JSON omits: undefined, functions, symbols.
  const write = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case 'string':
        push(JSON.stringify(v));
        return true;
      case 'number':
        push(Number.isFinite(v) ? String(v) : 'null');
        return true;
      case 'boolean':
        push(v ? 'true' : 'false');
        return true;
      case 'bigint':
        push(JSON.stringify(v.toString()));
        return true;
      case 'object':
        break;
      default:
        return false;
    }
    if (v === null) {
      push('null');
      return true;
    }
    if (ancestors.has(v)) {
      push(JSON.stringify(CIRCULAR_MARKER));
      return true;
    }
    if (depth >= MAX_DEPTH) {
      push(JSON.stringify(`${UNSERIALIZABLE_MARKER} nested deeper than ${MAX_DEPTH}`));
      return true;
    }
    ancestors.add(v);
    if (Array.isArray(v)) {
      push('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) push(',');
        const key = String(i);
        if (!write(resolve(read(v, key), key), depth + 1)) push('null');
      }
      push(']');
    } else {
      push('{');
      let first = true;
      for (const k of keysOf(v)) {
        const child = resolve(read(v, k), k);
        if (child === undefined || typeof child === 'function' || typeof child === 'symbol') continue;
        push(`${first ? '' : ','}${JSON.stringify(k)}:`);
        first = false;
        write(child, depth + 1);
      }
      push('}');
    }
    ancestors.delete(v);
    return true;
  };

  try {
    const written = write(resolve(value, ''), 0);
    return { text: written ? parts.join('') : undefined, complete: true };
  } catch (err) {
    if (err === BUDGET_EXCEEDED) return { text: parts.join(''), complete: false };
    // Anything else (a stack overflow in an exotic structure) replaces the whole value.
    return { text: JSON.stringify(unserializable(err)), complete: true };
  }
}

/** Applies toJSON once and unwraps boxed primitives, as JSON.stringify does; a throw becomes a marker. */
function resolve(v: unknown, key: string): unknown {
  if (typeof v !== 'object' || v === null) return v;
  try {
    const toJSON = (v as { toJSON?: unknown }).toJSON;
    const out: unknown = typeof toJSON === 'function' ? toJSON.call(v, key) : v;
    if (out instanceof Number || out instanceof String || out instanceof Boolean) return out.valueOf();
    return out;
  } catch (err) {
    return unserializable(err);
  }
}

/** `obj[key]`, or an "[Unserializable] <message>" marker when the read throws (a getter, a Proxy trap). */
export function read(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch (err) {
    return unserializable(err);
  }
}

function keysOf(obj: object): string[] {
  try {
    return Object.keys(obj);
  } catch {
    return []; // a Proxy whose ownKeys trap throws: nothing we can enumerate
  }
}

function unserializable(err: unknown): string {
  let message = '';
  try {
    message = err instanceof Error ? err.message : String(err);
  } catch {
    // even the error is hostile; the bare marker will do
  }
  return message ? `${UNSERIALIZABLE_MARKER} ${message}` : UNSERIALIZABLE_MARKER;
}
