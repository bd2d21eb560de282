// `ovs-appctl ovs/route/show`: the routing table native tunnels are sent by
// (lib/ovs-router.c ovs_router_show), in lookup order.
//   Route Table:
//   Cached: 10.0.0.0/24 dev br-phy SRC 10.0.0.1
//   Cached: 10.0.0.1/32 dev br-phy SRC 10.0.0.1 local
//   User: 1.1.2.0/24 MARK 7 dev br0 GW 1.1.2.1 SRC 1.1.2.88
// Addresses are IPv6 inside, an IPv4 one mapped (::ffff:a.b.c.d), as OVS keeps them.
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';
import type { Route } from '../src/model/snapshot.js';
import { parseIpMapped, parseIpv4 } from '../src/meta-flow/values.js';
import { contentLines, parseLine, GRAMMAR_CHECKS, grammarOnce, type SourceLine, LINE_LEXER } from './lines.js';

const WHAT = 'ovs/route/show';


const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const Title = createToken({ name: 'Title', pattern: /Route Table:/ });
const Origin = createToken({ name: 'Origin', pattern: /(?:Cached|User):/ });
const Dev = createToken({ name: 'Dev', pattern: /dev(?!\S)/ });
const Mark = createToken({ name: 'Mark', pattern: /MARK(?!\S)/ });
const Gw = createToken({ name: 'Gw', pattern: /GW(?!\S)/ });
const Src = createToken({ name: 'Src', pattern: /SRC(?!\S)/ });
const Local = createToken({ name: 'Local', pattern: /local(?!\S)/ });
const Prefix = createToken({ name: 'Prefix', pattern: /[0-9A-Fa-f.:]+\/\d+(?!\S)/ });
const Int = createToken({ name: 'Int', pattern: /\d+(?!\S)/ });
/** A device name, an address, or anything else for the parser to reject whole. */
const Word = createToken({ name: 'Word', pattern: /\S+/ });

const tokens = [WS, Title, Origin, Dev, Mark, Gw, Src, Local, Prefix, Int, Word];

interface Row {
  origin: IToken;
  prefix: IToken;
  mark?: IToken;
  dev: IToken;
  gw?: IToken;
  src: IToken;
  local: boolean;
}

class RouteParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  /** A route, or undefined for the title. */
  line = this.RULE('line', (): Row | undefined =>
    this.OR([
      { ALT: () => void this.CONSUME(Title) },
      {
        ALT: () => {
          const origin = this.CONSUME(Origin);
          const prefix = this.CONSUME(Prefix);
          const mark = this.OPTION(() => (this.CONSUME(Mark), this.CONSUME(Int)));
          this.CONSUME(Dev);
          const dev = this.OR2([{ ALT: () => this.CONSUME(Word) }, { ALT: () => this.CONSUME2(Int) }]);
          const gw = this.OPTION2(() => (this.CONSUME(Gw), this.CONSUME2(Word)));
          this.CONSUME(Src);
          const src = this.CONSUME3(Word);
          const local = this.OPTION3(() => this.CONSUME(Local)) !== undefined;
          return { origin, prefix, mark, dev, gw, src, local };
        },
      },
    ]),
  );
}

const grammar = grammarOnce(() => ({ lexer: new Lexer(tokens, LINE_LEXER), parser: new RouteParser() }));


/** An address as ipv6_format_mapped prints it: IPv4 for a mapped one. */
function address(tok: IToken, src: SourceLine, file: string): bigint {
  const ip = parseIpMapped(tok.image);
  if (ip === undefined) throw new InputError(`${WHAT}: not an IP address: ${quoteToken(tok.image)}`, file, src.line, tok.startColumn);
  return ip;
}

/** The routes, in the order the dump lists them (ovs_router's lookup order). */
export function parseRouteShow(text: string, file: string): Route[] {
  const { lexer, parser } = grammar();
  return contentLines(text, file, WHAT).flatMap((src) => {
    const row = parseLine(lexer, parser, () => parser.line(), src, file, WHAT);
    if (!row) return [];
    const slash = row.prefix.image.lastIndexOf('/');
    const addr = { ...row.prefix, image: row.prefix.image.slice(0, slash) };
    const v4 = parseIpv4(addr.image) !== undefined;
    const plen = Number(row.prefix.image.slice(slash + 1)) + (v4 ? 96 : 0);
    if (plen > 128) throw new InputError(`${WHAT}: prefix length out of range: ${quoteToken(row.prefix.image)}`, file, src.line, row.prefix.startColumn);
    return [{
      prefix: address(addr, src, file),
      plen,
      mark: row.mark ? Number(row.mark.image) : 0,
      dev: row.dev.image,
      gw: row.gw && address(row.gw, src, file),
      src: address(row.src, src, file),
      local: row.local,
      user: row.origin.image === 'User:',
    }];
  });
}
