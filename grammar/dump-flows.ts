// Grammar for `ovs-ofctl dump-flows` output: header lines and one flow per
// line, ` key=value, key=value, match actions=...`. The key/value structure is
// parsed here; what each key means (stats, match fields, actions) is decided
// by src/ingest/flows.ts from the field and action tables.
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { lexLine, parseError, splitLines, startCharsExcept, type SourceLine } from './lines.js';

const Actions = createToken({ name: 'Actions', pattern: /actions=.*/ });
const Space = createToken({ name: 'Space', pattern: /[ \t]+/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const Quoted = createToken({ name: 'Quoted', pattern: /"(?:[^"\\]|\\.)*"/ });
// `packet_type=(1,0x800)`: a parenthesized value holds commas that do not end the item.
const Parens = createToken({ name: 'Parens', pattern: /\([^()\n]*\)/ });
const Word = createToken({ name: 'Word', pattern: /[^\s,="]+/, start_chars_hint: startCharsExcept(',="') });

const ALL = [Actions, Space, Comma, Equals, Quoted, Parens, Word];
const lexer = new Lexer(ALL, { positionTracking: 'onlyOffset', ensureOptimizations: true });

class FlowLineParser extends EmbeddedActionsParser {
  constructor() {
    super(ALL);
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

const parser = new FlowLineParser();

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

export function parseFlowLine(src: SourceLine, file: string): FlowLine {
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
