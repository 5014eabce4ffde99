// JSON read as Go's encoding/json reads it into a struct, for the docker CLI's own files
// (config.json, the context store's meta.json). JSON.parse differs where it matters: it keeps
// one value per exact key, while Go matches a struct field case-insensitively with Unicode
// simple folding (`HOST`, `hoſt`), lets the last matching key win, skips `null`, and merges
// repeated objects into the same map. So objects keep every key, in order.

export type GoJson = string | number | boolean | null | readonly GoJson[] | GoObject;
export interface GoObject {
  readonly entries: readonly (readonly [string, GoJson])[];
}

export function isObject(value: GoJson | undefined): value is GoObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Go's value for a string field `name` (ASCII): the last key folding to it whose value is a
 * string. A null leaves the field alone; another type is a type error that Go skips (the
 * callers either ignore the error as docker does for config.json, or docker fails anyway).
 */
export function goString(object: GoObject, name: string): string | undefined {
  let found: string | undefined;
  for (const [key, value] of object.entries) if (typeof value === 'string' && foldsTo(key, name)) found = value;
  return found;
}

/** Whether Go matches JSON key `key` to the struct field named `name`. */
export function foldsTo(key: string, name: string): boolean {
  return foldKey(key) === name.toLowerCase();
}

/** Go's bytes.EqualFold on an ASCII target: ſ (U+017F) folds to s and K (U+212A) to k as well. */
function foldKey(key: string): string {
  return key.replace(/\u017f/g, 's').replace(/\u212a/g, 'k').toLowerCase();
}

/**
 * The first JSON value of `text`. `wholeText`: anything after it is an error (json.Unmarshal);
 * otherwise it is ignored, as json.Decoder.Decode ignores it (docker's config.json).
 */
export function parseGoJson(text: string, wholeText: boolean): GoJson {
  const reader = new Reader(text);
  const value = reader.value();
  reader.space();
  if (wholeText && reader.at < text.length) throw new SyntaxError(`invalid character after the JSON value at ${reader.at}`);
  return value;
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LITERALS: readonly (readonly [string, GoJson])[] = [['true', true], ['false', false], ['null', null]];

class Reader {
  at = 0;
  constructor(private readonly text: string) {}

  space(): void {
    while (/[ \t\r\n]/.test(this.text[this.at] ?? '')) this.at++;
  }

  value(): GoJson {
    this.space();
    const char = this.text[this.at];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    for (const [word, value] of LITERALS) if (this.text.startsWith(word, this.at)) return (this.at += word.length), value;
    NUMBER.lastIndex = this.at;
    const number = NUMBER.exec(this.text);
    if (number === null) throw new SyntaxError(`invalid JSON at ${this.at}`);
    this.at += number[0].length;
    return Number(number[0]);
  }

  private object(): GoObject {
    const entries: [string, GoJson][] = [];
    this.at++;
    this.space();
    if (this.eat('}')) return { entries };
    do {
      this.space();
      if (this.text[this.at] !== '"') throw new SyntaxError(`expected a key at ${this.at}`);
      const key = this.string();
      this.space();
      this.expect(':');
      entries.push([key, this.value()]);
      this.space();
    } while (this.eat(','));
    this.expect('}');
    return { entries };
  }

  private array(): GoJson[] {
    const items: GoJson[] = [];
    this.at++;
    this.space();
    if (this.eat(']')) return items;
    do items.push(this.value());
    while ((this.space(), this.eat(',')));
    this.expect(']');
    return items;
  }

  /** A JSON string token, checked by JSON.parse itself (escapes, control characters). */
  private string(): string {
    const token = /"(?:[^"\\\u0000-\u001f]|\\.)*"/y;
    token.lastIndex = this.at;
    const match = token.exec(this.text);
    if (match === null) throw new SyntaxError(`invalid string at ${this.at}`);
    this.at += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private eat(char: string): boolean {
    if (this.text[this.at] !== char) return false;
    this.at++;
    return true;
  }

  private expect(char: string): void {
    if (!this.eat(char)) throw new SyntaxError(`expected '${char}' at ${this.at}`);
  }
}
