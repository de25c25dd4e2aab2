/** A path into a TOML document: table keys and array indexes. */
export type TomlPath = readonly (string | number)[];

/** Where something starts in the text, 1-based. */
export interface Location {
  readonly line: number;
  readonly column: number;
}

/** The map key of a path (keys may hold any character, so join with NUL). */
export const pathKey = (path: TomlPath): string => path.join('\u0000');

/**
 * Finds where each key, table header and array item of a TOML document
 * starts. Runs only on text smol-toml has already parsed, so it can be a
 * lenient single pass: on anything unexpected it stops and keeps what it
 * found (locations are hints for messages, never needed for correctness).
 */
export function locateKeys(text: string): Map<string, Location> {
  const found = new Map<string, Location>();
  let pos = 0;
  let line = 1;
  let lineStart = 0;

  const here = (): Location => ({ line, column: pos - lineStart + 1 });
  const record = (path: TomlPath, at: Location): void => {
    const key = pathKey(path);
    if (!found.has(key)) found.set(key, at);
  };
  const advance = (): void => {
    if (text[pos] === '\n') {
      line++;
      lineStart = pos + 1;
    }
    pos++;
  };
  const skipSpace = (newlines: boolean): void => {
    for (;;) {
      const c = text[pos];
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) advance();
      else if (c === '#') while (pos < text.length && text[pos] !== '\n') advance();
      else return;
    }
  };
  const skipString = (): string => {
    const quote = text[pos] as string;
    const triple = text.startsWith(quote.repeat(3), pos);
    const close = triple ? quote.repeat(3) : quote;
    const start = pos + close.length;
    for (let i = 0; i < close.length; i++) advance();
    while (pos < text.length && !text.startsWith(close, pos)) {
      if (quote === '"' && text[pos] === '\\') advance();
      if (!triple && text[pos] === '\n') return '';
      advance();
    }
    const value = text.slice(start, pos);
    for (let i = 0; i < close.length && pos < text.length; i++) advance();
    // A closing triple quote may be followed by up to two more quotes that belong to the string.
    while (triple && text[pos] === quote) advance();
    return quote === '"' ? value.replace(/\\(["\\])/g, '$1') : value;
  };
  const readKey = (): string[] | undefined => {
    const keys: string[] = [];
    for (;;) {
      skipSpace(false);
      const c = text[pos];
      if (c === '"' || c === "'") keys.push(skipString());
      else {
        const start = pos;
        while (pos < text.length && /[A-Za-z0-9_-]/.test(text[pos] as string)) advance();
        if (pos === start) return undefined;
        keys.push(text.slice(start, pos));
      }
      skipSpace(false);
      if (text[pos] !== '.') return keys;
      advance();
    }
  };
  const readValue = (path: TomlPath): boolean => {
    skipSpace(false);
    const c = text[pos];
    if (c === '"' || c === "'") {
      skipString();
      return true;
    }
    if (c === '[') {
      advance();
      for (let index = 0; ; index++) {
        skipSpace(true);
        if (text[pos] === ']') break;
        record([...path, index], here());
        if (!readValue([...path, index])) return false;
        skipSpace(true);
        if (text[pos] === ',') advance();
        else if (text[pos] !== ']') return false;
      }
      advance();
      return true;
    }
    if (c === '{') {
      advance();
      for (;;) {
        skipSpace(false);
        if (text[pos] === '}') break;
        const at = here();
        const keys = readKey();
        if (keys === undefined || text[pos] !== '=') return false;
        record([...path, ...keys], at);
        advance();
        if (!readValue([...path, ...keys])) return false;
        skipSpace(false);
        if (text[pos] === ',') advance();
        else if (text[pos] !== '}') return false;
      }
      advance();
      return true;
    }
    while (pos < text.length && !/[,\]}\n#]/.test(text[pos] as string)) advance();
    return true;
  };

  let table: string[] = [];
  while (pos < text.length) {
    skipSpace(true);
    if (pos >= text.length) break;
    const at = here();
    if (text[pos] === '[') {
      const array = text[pos + 1] === '[';
      advance();
      if (array) advance();
      const keys = readKey();
      if (keys === undefined) break;
      table = keys;
      record(table, at);
      while (pos < text.length && text[pos] !== '\n') advance();
      continue;
    }
    const keys = readKey();
    if (keys === undefined || text[pos] !== '=') break;
    advance();
    const path = [...table, ...keys];
    record(path, at);
    if (!readValue(path)) break;
  }
  return found;
}

/** The location of `path` or of its nearest located ancestor. */
export function locate(locations: Map<string, Location>, path: TomlPath): Location | undefined {
  for (let end = path.length; end > 0; end--) {
    const hit = locations.get(pathKey(path.slice(0, end)));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** `fs.allow_paths[2]`, `tools."odd name".enabled`. */
export function showPath(path: TomlPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else {
      const key = /^[A-Za-z0-9_-]+$/.test(part) ? part : JSON.stringify(part);
      text += text === '' ? key : `.${key}`;
    }
  }
  return text;
}
