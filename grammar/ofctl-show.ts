// `ovs-ofctl show BR` and `ovs-ofctl dump-ports-desc BR` (any -O version):
// OpenFlow message header lines, then one block per port:
//    1(p1): addr:aa:55:aa:55:00:01
//        config:     PORT_DOWN
//        state:      LINK_DOWN
//        speed: 0 Mbps now, 0 Mbps max
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';
import { contentLines, parseLine, type SourceLine, GRAMMAR_CHECKS, grammarOnce, LINE_LEXER } from './lines.js';

const WHAT = 'ofctl show';
/** OFPP_LOCAL as OVS numbers it internally, whatever the OpenFlow version. */
export const OFPP_LOCAL = 65534;

const PORT_HEAD_START = /(?:\d+|LOCAL)\(/y;
const ADDR = '): addr:';

/**
 * `N(name): addr:` at the start of a line. The name is printed raw and may hold
 * anything, even `): addr:`, so it runs to the last `): addr:` on the line.
 */
function matchPortHead(text: string, offset: number, tokens: IToken[]): RegExpExecArray | null {
  if (tokens.length > 0) return null;
  PORT_HEAD_START.lastIndex = offset;
  if (!PORT_HEAD_START.test(text)) return null;
  const end = text.lastIndexOf(ADDR);
  if (end < PORT_HEAD_START.lastIndex - 1) return null;
  return [text.slice(offset, end + ADDR.length)] as unknown as RegExpExecArray;
}

const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const PortHead = createToken({ name: 'PortHead', pattern: matchPortHead, line_breaks: false, start_chars_hint: [...'0123456789L'] });
const Mac = createToken({ name: 'Mac', pattern: /[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}/ });
const Colon = createToken({ name: 'Colon', pattern: /:/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const LParen = createToken({ name: 'LParen', pattern: /\(/ });
const RParen = createToken({ name: 'RParen', pattern: /\)/ });
const Word = createToken({ name: 'Word', pattern: /[^\s:,=()]+/ });

const tokens = [WS, PortHead, Mac, Colon, Comma, Equals, LParen, RParen, Word];
const newLexer = () => new Lexer(tokens, LINE_LEXER);

type Line =
  | { kind: 'port'; head: IToken; mac: string }
  | { kind: 'key'; key: string; rest: IToken[] }
  | { kind: 'message'; rest: IToken[] };

class OfctlShowParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  line = this.RULE('line', (): Line =>
    this.OR([
      {
        ALT: () => {
          const head = this.CONSUME(PortHead);
          return { kind: 'port', head, mac: this.CONSUME(Mac).image };
        },
      },
      {
        // `config: 0`, `n_tables:254, n_buffers:0`, `speed: 0 Mbps now, ...`
        ALT: () => {
          const key = this.CONSUME(Word).image;
          this.CONSUME(Colon);
          return { kind: 'key', key, rest: this.SUBRULE(this.rest) };
        },
      },
      {
        // `OFPST_PORT_DESC reply (OF1.3) (xid=0x3):`, `OFPT_FEATURES_REPLY (xid=0x2): dpid:...`
        ALT: () => {
          this.CONSUME2(Word);
          this.OPTION(() => this.CONSUME3(Word));
          this.AT_LEAST_ONE(() => {
            this.CONSUME(LParen);
            this.MANY(() => this.OR2([{ ALT: () => this.CONSUME4(Word) }, { ALT: () => this.CONSUME(Equals) }]));
            this.CONSUME(RParen);
          });
          this.CONSUME2(Colon);
          return { kind: 'message', rest: this.SUBRULE2(this.rest) };
        },
      },
    ]),
  );

  private rest = this.RULE('rest', (): IToken[] => {
    const out: IToken[] = [];
    this.MANY(() =>
      out.push(
        this.OR(
          [Word, Colon, Comma, Equals, Mac, LParen, RParen].map((t) => ({ ALT: () => this.CONSUME(t) })),
        ),
      ),
    );
    return out;
  });
}

const grammar = grammarOnce(() => ({ lexer: newLexer(), parser: new OfctlShowParser() }));

export interface OfctlPort {
  /** LOCAL is OFPP_LOCAL (65534). */
  ofport: number;
  name: string;
  mac: string;
  /** Empty when ofctl printed `0`. */
  config: string[];
  state: string[];
  /** Other per-port lines as printed: current, advertised, speed, ... */
  other: Record<string, string>;
}

export interface OfctlShow {
  dpid?: string;
  ports: OfctlPort[];
}

export function parseOfctlShow(text: string, file: string): OfctlShow {
  const { lexer, parser } = grammar();
  const result: OfctlShow = { ports: [] };
  let port: OfctlPort | undefined;

  for (const src of contentLines(text, file, WHAT)) {
    const line = parseLine(lexer, parser, () => parser.line(), src, file, WHAT);

    if (line.kind === 'port') {
      const head = line.head.image;
      const open = head.indexOf('(');
      const num = head.slice(0, open);
      port = {
        ofport: num === 'LOCAL' ? OFPP_LOCAL : Number(num),
        name: head.slice(open + 1, -ADDR.length),
        mac: line.mac,
        config: [],
        state: [],
        other: Object.create(null) as Record<string, string>,
      };
      result.ports.push(port);
    } else if (line.kind === 'message') {
      port = undefined;
      const i = line.rest.findIndex((t) => t.image === 'dpid');
      if (i >= 0 && line.rest[i + 1]?.tokenType === Colon && line.rest[i + 2]) result.dpid = line.rest[i + 2].image;
    } else if (port) {
      if (line.key === 'config' || line.key === 'state') port[line.key] = flags(line.rest, src, file);
      else port.other[line.key] = restText(line.rest, src);
    }
    // Key lines before the first port (n_tables, capabilities, actions) carry nothing we use.
  }
  return result;
}

/** `0` or a list of flag words such as PORT_DOWN LINK_DOWN. */
function flags(rest: IToken[], src: SourceLine, file: string): string[] {
  const bad = rest.find((t) => t.tokenType !== Word);
  if (bad) throw new InputError(`${WHAT}: unexpected ${quoteToken(bad.image)}`, file, src.line, bad.startColumn);
  const words = rest.map((t) => t.image);
  return words.length === 1 && words[0] === '0' ? [] : words;
}

function restText(rest: IToken[], src: SourceLine): string {
  return rest.length === 0 ? '' : src.text.slice(rest[0].startOffset).trimEnd();
}
