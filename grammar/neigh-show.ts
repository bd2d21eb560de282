// `ovs-appctl tnl/neigh/show` (or its older name tnl/arp/show): the neighbor
// cache native tunnels take their next hop's MAC from
// (lib/tnl-neigh-cache.c tnl_neigh_cache_show).
//   IP                                            MAC                 Bridge
//   ==========================================================================
//   1.1.2.92                                      aa:55:aa:55:00:01   br0
//   2001:db8::92                                  aa:55:aa:55:00:02   br0 STALE
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';
import type { Neighbor } from '../src/model/snapshot.js';
import { parseIpMapped, parseMac } from '../src/meta-flow/values.js';
import { contentLines, parseLine, GRAMMAR_CHECKS, grammarOnce, LINE_LEXER } from './lines.js';

const WHAT = 'tnl/neigh/show';


const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const Header = createToken({ name: 'Header', pattern: /IP\s+MAC\s+Bridge(?!\S)/ });
const Rule = createToken({ name: 'Rule', pattern: /=+(?!\S)/ });
const Mac = createToken({ name: 'Mac', pattern: /[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?!\S)/ });
const Stale = createToken({ name: 'Stale', pattern: /STALE(?!\S)/ });
/** An address, a bridge name, or anything else for the parser to reject whole. */
const Word = createToken({ name: 'Word', pattern: /\S+/ });

const tokens = [WS, Header, Rule, Mac, Stale, Word];

class NeighParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  /** An entry, or undefined for the header lines. */
  line = this.RULE('line', (): { ip: IToken; mac: bigint; bridge: string; stale: boolean } | undefined =>
    this.OR([
      { ALT: () => void this.CONSUME(Header) },
      { ALT: () => void this.CONSUME(Rule) },
      {
        ALT: () => {
          const ip = this.CONSUME(Word);
          const mac = parseMac(this.CONSUME(Mac).image)!;
          const bridge = this.CONSUME2(Word).image;
          const stale = this.OPTION(() => this.CONSUME(Stale)) !== undefined;
          return { ip, mac, bridge, stale };
        },
      },
    ]),
  );
}

const grammar = grammarOnce(() => ({ lexer: new Lexer(tokens, LINE_LEXER), parser: new NeighParser() }));


export function parseNeighShow(text: string, file: string): Neighbor[] {
  const { lexer, parser } = grammar();
  return contentLines(text, file, WHAT).flatMap((src) => {
    const row = parseLine(lexer, parser, () => parser.line(), src, file, WHAT);
    if (!row) return [];
    const ip = parseIpMapped(row.ip.image);
    if (ip === undefined) throw new InputError(`${WHAT}: not an IP address: ${quoteToken(row.ip.image)}`, file, src.line, row.ip.startColumn);
    return [{ ip, mac: row.mac, bridge: row.bridge, stale: row.stale }];
  });
}
