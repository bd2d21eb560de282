// Grammar for `ovs-ofctl dump-flows` output: header lines and one flow per
// line, ` key=value, key=value, match actions=...`. The key/value structure is
// parsed here; what each key means (stats, match fields, actions) is decided
// by src/ingest/flows.ts from the field and action tables.
//
// The Chevrotain lexer and parser below define the syntax and report errors.
// A dump holds up to millions of lines, so well-formed lines are first read by
// FlowLineScanner, a hand-written pass over the same tokens that only
// accepts what the grammar accepts (test/grammar/dump-flows-scanner.test.ts
// checks the two agree); anything else goes to the grammar for its verdict.
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { lexLine, parseError, splitLines, startCharsExcept, type SourceLine, GRAMMAR_CHECKS, grammarOnce } from './lines.js';

const Actions = createToken({ name: 'Actions', pattern: /actions=.*/ });
const Space = createToken({ name: 'Space', pattern: /[ \t]+/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const Quoted = createToken({ name: 'Quoted', pattern: /"(?:[^"\\]|\\.)*"/ });
// `packet_type=(1,0x800)`: a parenthesized value holds commas that do not end the item.
const Parens = createToken({ name: 'Parens', pattern: /\([^()\n]*\)/ });
const Word = createToken({ name: 'Word', pattern: /[^\s,="]+/, start_chars_hint: startCharsExcept(',="') });

const ALL = [Actions, Space, Comma, Equals, Quoted, Parens, Word];

class FlowLineParser extends EmbeddedActionsParser {
  constructor() {
    super(ALL, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  // Bodies and alternatives are built once, not per call: this runs for every
  // flow line, and fresh closures per line were most of the parse time.
  private readonly leadingSpace = () => { this.CONSUME(Space); };
  private readonly spaceAfterComma = () => { this.CONSUME2(Space); };
  private readonly separator = [
    { ALT: () => { this.CONSUME(Comma); this.OPTION2(this.spaceAfterComma); } },
    { ALT: () => { this.CONSUME3(Space); } },
  ];
  private readonly itemThenSeparator = () => { this.SUBRULE(this.item); this.OR(this.separator); };
  private readonly valuePart = [
    { ALT: () => { this.CONSUME2(Word); } },
    { ALT: () => { this.CONSUME(Quoted); } },
    { ALT: () => { this.CONSUME(Parens); } },
    { ALT: () => { this.CONSUME2(Equals); } },
  ];
  private readonly oneValuePart = () => { this.OR2(this.valuePart); };
  private readonly value = () => { this.CONSUME(Equals); this.AT_LEAST_ONE(this.oneValuePart); };

  line = this.RULE('line', () => {
    this.OPTION(this.leadingSpace);
    this.MANY(this.itemThenSeparator);
    this.CONSUME(Actions);
  });

  item = this.RULE('item', () => {
    this.CONSUME(Word);
    this.OPTION(this.value);
  });
}

// With the scanner reading well-formed lines, most runs never need them.
const grammar = grammarOnce(() => ({
  lexer: new Lexer(ALL, { ...GRAMMAR_CHECKS, positionTracking: 'onlyOffset', ensureOptimizations: true }),
  parser: new FlowLineParser(),
}));

/** One `key[=value]` of a flow line, with its 1-based column. */
export interface FlowItem {
  key: string;
  value?: string;
  column: number;
}

export interface FlowLine {
  src: SourceLine;
  items: FlowItem[];
  /** The text after `actions=` and its 1-based column. */
  actions: string;
  actionsColumn: number;
}

export interface DumpFlowsResult {
  /** `NXST_FLOW reply (xid=0x4):` / `OFPST_FLOW reply (OF1.3) (xid=0x2):` */
  headers: SourceLine[];
  /** OpenFlow version from the header, when it names one. */
  ofVersion?: string;
  flows: FlowLine[];
}

const HEADER = /^(?:NXST|OFPST)_FLOW reply(?: \((OF1\.\d)\))? \(xid=0x[0-9a-f]+\):(?: flags=\[more\])?$/;

/** Tokens of one flow line, grouped into items, without building a CST. */
function toFlowLine(src: SourceLine, tokens: IToken[]): FlowLine {
  const items: FlowItem[] = [];
  let cur: FlowItem | undefined;
  let inValue = false;
  let actions = '', actionsColumn = 0;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === Actions) {
      actions = t.image.slice('actions='.length);
      actionsColumn = t.startOffset + 1 + 'actions='.length;
    } else if (type === Space || type === Comma) {
      cur = undefined;
      inValue = false;
    } else if (!cur) {
      cur = { key: t.image, column: t.startOffset + 1 };
      items.push(cur);
    } else if (!inValue && type === Equals) {
      inValue = true;
      cur.value = '';
    } else {
      cur.value += t.image;
    }
  }
  return { src, items, actions, actionsColumn };
}

/**
 * The lexer and the `line` rule above, by hand, over one line up to its
 * `actions=`: the items' key and value offsets into reusable arrays, no token
 * or item objects. `scan` returns false where the grammar must decide (a
 * syntax error, or a line this fast path does not handle), never true for a
 * line the grammar rejects (parseFlowLine checks the actions text too).
 */
export class FlowLineScanner {
  /** Items found: key [keyStart[i], keyEnd[i]), value [valueStart[i], valueEnd[i]) or valueStart[i] = -1. */
  count = 0;
  keyStart = new Int32Array(64);
  keyEnd = new Int32Array(64);
  valueStart = new Int32Array(64);
  valueEnd = new Int32Array(64);
  /** Offset of the text after `actions=`. */
  actionsStart = 0;

  scan(t: string, from = 0, to = t.length): boolean {
    this.count = 0;
    let p = from;
    while (p < to && isBlank(t.charCodeAt(p))) p++;
    for (;;) {
      if (p >= to) return false;
      if (startsActions(t, p)) {
        this.actionsStart = p + 'actions='.length;
        return true;
      }
      // An item: a Word key (where Parens would lex first, the grammar
      // decides), then optionally `=` and one or more value tokens.
      const keyEnd = wordEnd(t, p, to);
      if (keyEnd === p || parensEnd(t, p, to) >= 0) return false;
      let valueStart = -1, q = keyEnd;
      if (q < to && t.charCodeAt(q) === EQUALS) {
        valueStart = ++q;
        for (;;) {
          if (q >= to || startsActions(t, q)) break;
          const end = valueTokenEnd(t, q, to);
          if (end < 0) return false;
          if (end === q) break;
          q = end;
        }
        if (q === valueStart) return false;
      }
      if (this.count === this.keyStart.length) this.grow();
      const i = this.count++;
      this.keyStart[i] = p;
      this.keyEnd[i] = keyEnd;
      this.valueStart[i] = valueStart;
      this.valueEnd[i] = q;
      // The separator: `,` with optional blanks, or blanks.
      p = q;
      if (p < to && t.charCodeAt(p) === COMMA) p++;
      else if (p >= to || !isBlank(t.charCodeAt(p))) return false;
      while (p < to && isBlank(t.charCodeAt(p))) p++;
    }
  }

  /** The FlowLine the grammar would build from the scanned line, text[start, end) being line `line`. */
  flowLine(t: string, start: number, end: number, line: number): FlowLine {
    const items: FlowItem[] = [];
    for (let i = 0; i < this.count; i++) {
      const item: FlowItem = { key: t.slice(this.keyStart[i], this.keyEnd[i]), column: this.keyStart[i] - start + 1 };
      if (this.valueStart[i] >= 0) item.value = t.slice(this.valueStart[i], this.valueEnd[i]);
      items.push(item);
    }
    return { src: { text: t.slice(start, end), line }, items, actions: t.slice(this.actionsStart, end), actionsColumn: this.actionsStart - start + 1 };
  }

  private grow(): void {
    for (const k of ['keyStart', 'keyEnd', 'valueStart', 'valueEnd'] as const) {
      const a = new Int32Array(this[k].length * 2);
      a.set(this[k]);
      this[k] = a;
    }
  }
}

const COMMA = 0x2c, EQUALS = 0x3d, QUOTE = 0x22, BACKSLASH = 0x5c, LPAREN = 0x28, RPAREN = 0x29;
const isBlank = (c: number) => c === 0x20 || c === 0x09;
const startsActions = (t: string, p: number) => t.charCodeAt(p) === 0x61 && t.startsWith('actions=', p); // 'a'
const isLineTerminator = (c: number) => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;
/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** End of a Word token (`[^\s,="]+`) starting at p; p itself when there is none. */
function wordEnd(t: string, p: number, to: number): number {
  while (p < to) {
    const c = t.charCodeAt(p);
    // Everything from '>' to '~' is a word character: the common case first.
    if ((c > EQUALS && c < 0x7f) || (c > QUOTE && c < EQUALS && c !== COMMA)) p++;
    else if (c === COMMA || c === EQUALS || c === QUOTE || isSpace(c)) break;
    else p++;
  }
  return p;
}

/**
 * End of the value token (Word, Quoted, Parens or Equals, tried in the
 * lexer's order) at p; p at a separator; -1 where the lexer would fail.
 */
function valueTokenEnd(t: string, p: number, to: number): number {
  const c = t.charCodeAt(p);
  if (c === COMMA || isBlank(c)) return p;
  if (c === EQUALS) return p + 1;
  if (c === QUOTE) {
    for (let q = p + 1; q < to; q++) {
      const d = t.charCodeAt(q);
      if (d === QUOTE) return q + 1;
      if (d === BACKSLASH) {
        if (q + 1 >= to || isLineTerminator(t.charCodeAt(q + 1))) return -1;
        q++;
      }
    }
    return -1;
  }
  const parens = parensEnd(t, p, to);
  if (parens >= 0) return parens;
  const end = wordEnd(t, p, to);
  return end === p ? -1 : end;
}

/** End of a Parens token (`\([^()\n]*\)`) at p, or -1. */
function parensEnd(t: string, p: number, to: number): number {
  if (t.charCodeAt(p) !== LPAREN) return -1;
  for (let q = p + 1; q < to; q++) {
    const d = t.charCodeAt(q);
    if (d === RPAREN) return q + 1;
    if (d === LPAREN || d === 0x0a) return -1;
  }
  return -1;
}

const scanner = new FlowLineScanner();

export function parseFlowLine(src: SourceLine, file: string): FlowLine {
  return parseFlowLineAt(src.text, 0, src.text.length, src.line, file);
}

/**
 * The flow line at text[start, end), line `line` of its file, scanned where
 * it lies in the dump: a line cut out of a dump is a slice of it, which
 * V8 reads character by character at a fraction of the speed.
 */
export function parseFlowLineAt(text: string, start: number, end: number, line: number, file: string): FlowLine {
  return scanner.scan(text, start, end) && actionsEndLine(text, scanner.actionsStart, end)
    ? scanner.flowLine(text, start, end, line)
    : parseFlowLineWithGrammar({ text: text.slice(start, end), line }, file);
}

/** The Actions token (`actions=.*`) takes the rest of the line unless a line terminator stops it. */
function actionsEndLine(t: string, from: number, to: number): boolean {
  for (let q = from; q < to; q++) if (isLineTerminator(t.charCodeAt(q))) return false;
  return true;
}

/** The grammar's reading of a line: the reference the scanner agrees with, and the error on a bad line. */
export function parseFlowLineWithGrammar(src: SourceLine, file: string): FlowLine {
  const { lexer, parser } = grammar();
  const tokens = lexLine(lexer, src, file);
  parser.input = tokens;
  parser.line();
  if (parser.errors.length > 0) throw parseError(parser.errors, src, file, 'dump-flows', '"key=value" or "actions=..."');
  return toFlowLine(src, tokens);
}

export function isFlowsHeader(text: string): boolean {
  return HEADER.test(text.trim());
}

/**
 * Parse a whole dump. `onError` (lenient mode) receives bad lines instead of
 * the parse stopping at the first one.
 */
export function parseDumpFlows(text: string, file: string, onError?: (e: Error) => void): DumpFlowsResult {
  const result: DumpFlowsResult = { headers: [], flows: [] };
  for (const src of splitLines(text, file)) {
    const trimmed = src.text.trim();
    if (trimmed === '') continue;
    const h = HEADER.exec(trimmed);
    if (h) {
      result.headers.push(src);
      result.ofVersion ??= h[1];
      continue;
    }
    try {
      result.flows.push(parseFlowLine(src, file));
    } catch (e) {
      if (!onError) throw e;
      onError(e as Error);
    }
  }
  return result;
}
