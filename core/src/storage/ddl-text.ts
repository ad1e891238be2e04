/** Reading ClickHouse DDL text: comments, quoted text, parentheses and top-level lists. Pure. */

/** Removes `--` and block comments outside string literals and quoted identifiers. */
export function stripComments(sql: string): string {
  let out = '';
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(sql, i);
      out += sql.slice(i, end + 1);
      i = end;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new Error('cluster DDL: unterminated /* comment');
      out += ' ';
      i = end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** Index of the quote closing the literal that starts at `start` (backslash escapes and doubled quotes). */
export function quoteEnd(sql: string, start: number): number {
  const q = sql[start];
  for (let i = start + 1; i < sql.length; i++) {
    if (sql[i] === '\\') i++;
    else if (sql[i] === q) {
      if (sql[i + 1] === q) i++;
      else return i;
    }
  }
  throw new Error(`cluster DDL: unterminated quoted text: ${preview(sql.slice(start))}`);
}

/** Parenthesis depth at each character; -1 inside quoted text, so nothing there is taken for syntax. */
export function depthMap(sql: string): number[] {
  const depths = new Array<number>(sql.length);
  let depth = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(sql, i);
      for (let j = i; j <= end; j++) depths[j] = -1;
      i = end;
      continue;
    }
    if (c === '(') depths[i] = depth++;
    else if (c === ')') depths[i] = --depth;
    else depths[i] = depth;
    if (depth < 0) throw new Error(`cluster DDL: unbalanced ")": ${preview(sql)}`);
  }
  if (depth !== 0) throw new Error(`cluster DDL: unbalanced "(": ${preview(sql)}`);
  return depths;
}

export function matchingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') i = quoteEnd(sql, i);
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new Error(`cluster DDL: unbalanced "(": ${preview(sql.slice(open))}`);
}

/** Splits at `separator` outside parentheses and quotes. */
export function splitTopLevel(text: string, separator: string): string[] {
  const depths = depthMap(text);
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === separator && depths[i] === 0) {
      parts.push(text.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(text.slice(from));
  return parts;
}

export function normalise(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

export function preview(text: string): string {
  const flat = normalise(text);
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}...` : flat);
}
