// `ovs-appctl fdb/show BR`: the MAC learning table.
//    port  VLAN  MAC                Age
//       1     0  50:54:00:00:00:01    0
//   LOCAL     0  50:54:00:00:00:44    0
//       1     0  50:54:00:00:00:99  static
// Column spacing is irrelevant (web pastes collapse it to single spaces).
import { createToken, EmbeddedActionsParser, Lexer } from 'chevrotain';
import type { FdbEntry } from '../src/model/snapshot.js';
import { contentLines, parseLine, GRAMMAR_CHECKS, grammarOnce, LINE_LEXER } from './lines.js';
import { OFPP_LOCAL } from './ofctl-show.js';

const WHAT = 'fdb show';

const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const Mac = createToken({ name: 'Mac', pattern: /[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?!\S)/ });
const Int = createToken({ name: 'Int', pattern: /\d+(?!\S)/ });
const Local = createToken({ name: 'Local', pattern: /LOCAL(?!\S)/ });
const Static = createToken({ name: 'Static', pattern: /static(?!\S)/ });
const Header = createToken({ name: 'Header', pattern: /port\s+VLAN\s+MAC\s+Age(?!\S)/ });
/** Anything else, for the parser to reject with the whole word. */
const Other = createToken({ name: 'Other', pattern: /\S+/ });

const tokens = [WS, Mac, Int, Local, Static, Header, Other];
const newLexer = () => new Lexer(tokens, LINE_LEXER);

class FdbParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  /** A row, or undefined for the header line. */
  line = this.RULE('line', (): FdbRow | undefined =>
    this.OR([
      { ALT: () => void this.CONSUME(Header) },
      {
        ALT: () => {
          const port = this.OR2([
            { ALT: () => Number(this.CONSUME(Int).image) },
            { ALT: () => (this.CONSUME(Local), OFPP_LOCAL) },
          ]);
          const vlan = Number(this.CONSUME2(Int).image);
          const mac = this.CONSUME(Mac).image.toLowerCase();
          return this.OR3([
            { ALT: () => ({ port, vlan, mac, age: Number(this.CONSUME3(Int).image), static: false }) },
            { ALT: () => (this.CONSUME(Static), { port, vlan, mac, age: 0, static: true }) },
          ]);
        },
      },
    ]),
  );
}

const grammar = grammarOnce(() => ({ lexer: newLexer(), parser: new FdbParser() }));

export interface FdbRow extends FdbEntry {
  /** Age printed as `static` (fdb/add); age is then 0. */
  static: boolean;
}

/** Rows in dump order; LOCAL becomes OFPP_LOCAL (65534). */
export function parseFdbShow(text: string, file: string): FdbRow[] {
  const { lexer, parser } = grammar();
  return contentLines(text, file, WHAT).flatMap((src) => parseLine(lexer, parser, () => parser.line(), src, file, WHAT) ?? []);
}
