/**
 * Where each resource block sits in a `cdk.tf.json` text, found without parsing the text: the
 * spans of the top-level members and of every `resource.<type>.<logical id>` value. A read of a
 * new synth compares its blocks with the earlier synth's text by these spans (./read.ts: a block
 * whose text is unchanged keeps what reading it gave before).
 *
 * Written here rather than taken from a JSON library because it must cost a fraction of
 * `JSON.parse` over megabytes: strings are skipped with indexOf, nothing is built but the spans.
 * It follows only plain structure: it gives undefined for a top level that is not an object, a
 * repeated key (JSON.parse keeps the last), a key JavaScript orders as an array index (an
 * object's entries list it first) or `__proto__`, and for anything malformed — and the reader
 * then parses the whole text as before, which also reports the error. It checks the skeleton
 * (keys, colons, commas, braces); the values inside spans are checked by whoever parses them.
 */

/** [start, end) of a value in the text. */
export type Span = readonly [number, number];

export interface BlockSpans {
  /** Top-level members other than `resource`, in text order. */
  top: Map<string, Span>;
  /** Resource type → logical id → the block's value, in text order. */
  resources: Map<string, Map<string, Span>>;
}

export function blockSpans(text: string): BlockSpans | undefined {
  try {
    return new Scanner(text).document();
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw e;
  }
}

const NOT_PLAIN = Symbol('not plain JSON structure');
const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

class Scanner {
  private i = 0;

  constructor(private readonly text: string) {}

  document(): BlockSpans {
    const top = new Map<string, Span>();
    const resources = new Map<string, Map<string, Span>>();
    let sawResources = false;
    this.members((key) => {
      if (key === 'resource') {
        if (sawResources) throw NOT_PLAIN;
        sawResources = true;
        this.members((tfType) => {
          if (resources.has(tfType)) throw NOT_PLAIN;
          const blocks = new Map<string, Span>();
          resources.set(tfType, blocks);
          this.members((logicalId) => {
            if (blocks.has(logicalId)) throw NOT_PLAIN;
            blocks.set(logicalId, this.value());
          });
        });
      } else {
        if (top.has(key)) throw NOT_PLAIN;
        top.set(key, this.value());
      }
    });
    this.space();
    if (this.i !== this.text.length) throw NOT_PLAIN;
    return { top, resources };
  }

  /** An object's members: `each` reads the value of each key (the cursor at it). */
  private members(each: (key: string) => void): void {
    this.expect(OPEN_BRACE);
    this.space();
    if (this.text.charCodeAt(this.i) === CLOSE_BRACE) {
      this.i++;
      return;
    }
    for (;;) {
      this.space();
      if (this.text.charCodeAt(this.i) !== QUOTE) throw NOT_PLAIN;
      const key = this.key();
      this.expect(COLON);
      this.space();
      each(key);
      this.space();
      const c = this.text.charCodeAt(this.i++);
      if (c === COMMA) continue;
      if (c === CLOSE_BRACE) return;
      throw NOT_PLAIN;
    }
  }

  private key(): string {
    const start = this.i;
    this.skipString();
    const raw = this.text.slice(start, this.i);
    let key: string;
    try {
      key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    } catch {
      throw NOT_PLAIN;
    }
    if (ARRAY_INDEX.test(key) || key === '__proto__') throw NOT_PLAIN;
    return key;
  }

  /** Skips one value; its span. */
  private value(): Span {
    this.space();
    const start = this.i;
    const c = this.text.charCodeAt(start);
    if (c === QUOTE) this.skipString();
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.skipNested();
    else {
      // a number or a literal: up to the next delimiter
      while (this.i < this.text.length) {
        const d = this.text.charCodeAt(this.i);
        if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
        this.i++;
      }
      if (this.i === start) throw NOT_PLAIN;
    }
    return [start, this.i];
  }

  /** An object or array, by depth (strings skipped whole). */
  private skipNested(): void {
    let depth = 0;
    const text = this.text;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c === QUOTE) {
        this.skipString();
        continue;
      }
      this.i++;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (--depth === 0) return;
      }
    }
    throw NOT_PLAIN;
  }

  /** From an opening quote to just past its closing one. */
  private skipString(): void {
    const text = this.text;
    let from = this.i + 1;
    for (;;) {
      const q = text.indexOf('"', from);
      if (q < 0) throw NOT_PLAIN;
      let backslashes = 0;
      for (let b = q - 1; text.charCodeAt(b) === BACKSLASH; b--) backslashes++;
      from = q + 1;
      if (backslashes % 2 === 0) break;
    }
    this.i = from;
  }

  private expect(c: number): void {
    this.space();
    if (this.text.charCodeAt(this.i) !== c) throw NOT_PLAIN;
    this.i++;
  }

  private space(): void {
    while (this.i < this.text.length && isSpace(this.text.charCodeAt(this.i))) this.i++;
  }
}
