// `ovs-appctl dpif/show` and `ovs-appctl dpctl/show [-s]`: how bridge ports map
// to datapath ports.
//
//   dpif/show                               dpctl/show -s
//   dummy@ovs-dummy: hit:0 missed:0         dummy@ovs-dummy:
//     br0:                                    lookups: hit:0 missed:0 lost:0
//       br0 65534/100: (dummy-internal)       flows: 0
//       patch 2/none: (patch: peer=p0)        port 1: p1 (dummy)
//                                               RX packets:0 errors:? ...
//
// Port names are printed raw (spaces, colons, parens), so a name is whatever
// sits between the line's structural tokens. Indentation is not relied upon.
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';
import { contentLines, parseLine, type SourceLine, GRAMMAR_CHECKS, grammarOnce, LINE_LEXER } from './lines.js';

/** `(type: k=v, ...)` running to the end of the line. */
function matchDetails(text: string, offset: number): RegExpExecArray | null {
  if (text[offset] !== '(') return null;
  const end = text.trimEnd().length;
  return text[end - 1] === ')' ? ([text.slice(offset, end)] as unknown as RegExpExecArray) : null;
}

const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const Details = createToken({ name: 'Details', pattern: matchDetails, line_breaks: false, start_chars_hint: ['('] });
const DpName = createToken({ name: 'DpName', pattern: /[^\s@:]+@[^\s:]+:(?!\S)/ });
const PortNums = createToken({ name: 'PortNums', pattern: /\d+\/(?:\d+|none):(?!\S)/ });
const DpctlPort = createToken({ name: 'DpctlPort', pattern: /port[ \t]+\d+:(?!\S)/ });
/** `hit:0`, `packets:0`, `errors:?` */
const Stat = createToken({ name: 'Stat', pattern: /[^\s:]+:[^\s:]+/ });
/** `br0:`, `lookups:` */
const Label = createToken({ name: 'Label', pattern: /[^\s:]+:(?!\S)/ });
const Word = createToken({ name: 'Word', pattern: /\S+/ });

const tokens = [WS, Details, DpName, PortNums, DpctlPort, Stat, Label, Word];
const newLexer = () => new Lexer(tokens, LINE_LEXER);

type Line =
  | { kind: 'datapath'; name: string }
  | { kind: 'dpctlPort'; dpPort: number; name: string; details?: string }
  | { kind: 'dpifPort'; name: string; nums: string; details: string }
  | { kind: 'other'; words: IToken[] };

class DpShowParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  /** The text covered by a run of name tokens, inner spacing kept. */
  private text = '';

  /** The line whose tokens are the input: its `text` is kept for rules that read it raw. */
  lineOf(text: string): Line {
    this.text = text;
    return this.line();
  }

  private line = this.RULE('line', (): Line =>
    this.OR([
      {
        ALT: () => {
          const name = this.CONSUME(DpName).image.slice(0, -1);
          this.MANY(() => this.CONSUME(Stat));
          return { kind: 'datapath', name };
        },
      },
      {
        ALT: () => {
          const tok = this.CONSUME(DpctlPort);
          const dpPort = this.ACTION(() => parseInt(tok.image.slice(4).trim(), 10));
          const name = this.SUBRULE(this.name);
          const details = this.OPTION(() => this.CONSUME(Details).image);
          return { kind: 'dpctlPort', dpPort, name, details };
        },
      },
      {
        ALT: () => {
          const words: IToken[] = [];
          this.AT_LEAST_ONE(() => words.push(this.SUBRULE(this.word)));
          return this.OR2([
            {
              ALT: () => {
                const nums = this.CONSUME(PortNums).image.slice(0, -1);
                const details = this.CONSUME2(Details).image;
                return { kind: 'dpifPort', name: this.ACTION(() => this.span(words)), nums, details };
              },
            },
            { ALT: () => (this.OPTION2(() => words.push(this.CONSUME3(Details))), { kind: 'other', words }) },
          ]);
        },
      },
    ]),
  );

  private name = this.RULE('name', (): string => {
    const words: IToken[] = [];
    this.AT_LEAST_ONE(() => words.push(this.SUBRULE(this.word)));
    return this.ACTION(() => this.span(words));
  });

  private word = this.RULE('word', (): IToken =>
    this.OR([{ ALT: () => this.CONSUME(Label) }, { ALT: () => this.CONSUME(Stat) }, { ALT: () => this.CONSUME(Word) }]),
  );

  private span(words: IToken[]): string {
    const last = words[words.length - 1];
    return this.text.slice(words[0].startOffset, last.startOffset + last.image.length);
  }
}

const grammar = grammarOnce(() => ({ lexer: newLexer(), parser: new DpShowParser() }));

function parseLines(text: string, file: string, what: string, each: (line: Line, src: SourceLine) => void): void {
  const { lexer, parser } = grammar();
  for (const src of contentLines(text, file, what)) each(parseLine(lexer, parser, () => parser.lineOf(src.text), src, file, what), src);
}

/** `(vxlan: key=flow, remote_ip=10.0.0.2)` -> type and options. */
function parseDetails(image: string): { type: string; details: Map<string, string> } {
  const inner = image.slice(1, -1);
  const colon = inner.indexOf(': ');
  const details = new Map<string, string>();
  if (colon < 0) return { type: inner, details };
  for (const item of inner.slice(colon + 2).split(', ')) {
    const eq = item.indexOf('=');
    if (eq < 0) details.set(item, '');
    else details.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return { type: inner.slice(0, colon), details };
}

function unexpected(what: string, tok: IToken, src: SourceLine, file: string): InputError {
  return new InputError(`${what}: unexpected ${quoteToken(tok.image)}`, file, src.line, tok.startColumn);
}

export interface DpifPort {
  name: string;
  ofport: number;
  /** undefined for `none` (patch ports have no datapath port). */
  dpPort?: number;
  type: string;
  details: Map<string, string>;
}

export interface DpifDatapath {
  /** e.g. dummy@ovs-dummy, system@ovs-system */
  name: string;
  /** bridge name -> port name -> port */
  bridges: Map<string, Map<string, DpifPort>>;
}

export function parseDpifShow(text: string, file: string): DpifDatapath[] {
  const WHAT = 'dpif show';
  const out: DpifDatapath[] = [];
  let bridge: Map<string, DpifPort> | undefined;
  parseLines(text, file, WHAT, (line, src) => {
    const dp = out[out.length - 1];
    if (line.kind === 'datapath') {
      out.push({ name: line.name, bridges: new Map() });
      bridge = undefined;
    } else if (line.kind === 'dpifPort' && bridge) {
      const [ofport, dpPort] = line.nums.split('/');
      bridge.set(line.name, {
        name: line.name,
        ofport: Number(ofport),
        dpPort: dpPort === 'none' ? undefined : Number(dpPort),
        ...parseDetails(line.details),
      });
    } else if (line.kind === 'other' && dp && line.words[0].tokenType === Label && line.words.slice(1).every((t) => t.tokenType === Stat)) {
      // `  br0:` (OVS 2.x added `hit:N missed:N`)
      bridge = new Map();
      dp.bridges.set(line.words[0].image.slice(0, -1), bridge);
    } else {
      throw unexpected(WHAT, grammar().parser.input[0], src, file);
    }
  });
  return out;
}

export interface DpctlPort {
  dpPort: number;
  name: string;
  /** dpctl omits the type of plain system devices; they get 'system'. */
  type: string;
  details: Map<string, string>;
}

export interface DpctlDatapath {
  name: string;
  /** datapath port number -> port */
  ports: Map<number, DpctlPort>;
  /** Datapath-level lines as printed: lookups, flows, masks, ... */
  other: Map<string, string>;
}

export function parseDpctlShow(text: string, file: string): DpctlDatapath[] {
  const WHAT = 'dpctl show';
  const out: DpctlDatapath[] = [];
  parseLines(text, file, WHAT, (line, src) => {
    const dp = out[out.length - 1];
    if (line.kind === 'datapath') {
      out.push({ name: line.name, ports: new Map(), other: new Map() });
    } else if (line.kind === 'dpctlPort' && dp) {
      const { type, details } = line.details ? parseDetails(line.details) : { type: 'system', details: new Map() };
      dp.ports.set(line.dpPort, { dpPort: line.dpPort, name: line.name, type, details });
    } else if (line.kind === 'other' && dp && line.words[0].tokenType === Label) {
      const rest = line.words[1];
      dp.other.set(line.words[0].image.slice(0, -1), rest ? src.text.slice(rest.startOffset).trimEnd() : '');
    } else if (line.kind === 'other' && dp && line.words.some((t) => t.tokenType === Stat)) {
      // -s statistics (`RX packets:0 errors:? ...`, `collisions:?`): accepted, not kept.
    } else {
      throw unexpected(WHAT, grammar().parser.input[0], src, file);
    }
  });
  return out;
}
