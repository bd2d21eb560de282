// `ovs-ofctl -O OpenFlow13 dump-tlv-map BR`: which Geneve option (class,
// type, length) each tun_metadataN field stands for.
//   NXT_TLV_TABLE_REPLY (OF1.3) (xid=0x2):
//    max option space=256 max fields=64
//    allocated option space=4
//
//    mapping table:
//     class  type  length  match field
//    ------  ----  ------  --------------
//     0x102  0x80       4  tun_metadata0
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';
import type { TlvMapping } from '../src/model/snapshot.js';
import { contentLines, parseLine, GRAMMAR_CHECKS, grammarOnce, LINE_LEXER } from './lines.js';

const WHAT = 'dump-tlv-map';

const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const Reply = createToken({ name: 'Reply', pattern: /NXT_TLV_TABLE_REPLY(?: \(OF1\.\d\))? \(xid=0x[0-9a-f]+\):/ });
const Capacity = createToken({ name: 'Capacity', pattern: /(?:max option space|max fields|allocated option space)=\d+/ });
const TableTitle = createToken({ name: 'TableTitle', pattern: /mapping table:/ });
const ColumnTitles = createToken({ name: 'ColumnTitles', pattern: /class\s+type\s+length\s+match field(?!\S)/ });
const Rule = createToken({ name: 'Rule', pattern: /-+(?:\s+-+){3}(?!\S)/ });
const Hex = createToken({ name: 'Hex', pattern: /0x[0-9a-fA-F]+(?!\S)/ });
const Int = createToken({ name: 'Int', pattern: /\d+(?!\S)/ });
const Field = createToken({ name: 'Field', pattern: /tun_metadata\d+(?!\S)/ });
/** Anything else, for the parser to reject with the whole word. */
const Other = createToken({ name: 'Other', pattern: /\S+/ });

const tokens = [WS, Reply, Capacity, TableTitle, ColumnTitles, Rule, Hex, Int, Field, Other];

class TlvMapParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  /** A mapping row, or undefined for the header lines. */
  /** A number print_tlv_table wrote with %#x: 0x-hex, or a bare 0. */
  private number = this.RULE('number', (): number => Number(this.OR([{ ALT: () => this.CONSUME(Hex) }, { ALT: () => this.CONSUME(Int) }]).image));

  line = this.RULE('line', (): Row | undefined =>
    this.OR([
      { ALT: () => void this.CONSUME(Reply) },
      { ALT: () => void this.AT_LEAST_ONE(() => this.CONSUME(Capacity)) },
      { ALT: () => void this.CONSUME(TableTitle) },
      { ALT: () => void this.CONSUME(ColumnTitles) },
      { ALT: () => void this.CONSUME(Rule) },
      {
        ALT: () => {
          const optClass = this.SUBRULE(this.number);
          const type = this.SUBRULE2(this.number);
          const lenTok = this.CONSUME(Int);
          const fieldTok = this.CONSUME(Field);
          return { optClass, type, len: Number(lenTok.image), field: Number(fieldTok.image.slice('tun_metadata'.length)), lenTok, fieldTok };
        },
      },
    ]),
  );
}

interface Row extends TlvMapping {
  lenTok: IToken;
  fieldTok: IToken;
}

const grammar = grammarOnce(() => ({ lexer: new Lexer(tokens, LINE_LEXER), parser: new TlvMapParser() }));

/** Option lengths go in 4-byte words, up to 124 bytes; there are 64 tun_metadata fields. */
const MAX_LEN = 124, N_FIELDS = 64;

/** The mappings, in dump order. */
export function parseTlvMap(text: string, file: string): TlvMapping[] {
  const lines = contentLines(text, file, WHAT);
  const { lexer, parser } = grammar();
  return lines.flatMap((src) => {
    const row = parseLine(lexer, parser, () => parser.line(), src, file, WHAT);
    if (!row) return [];
    const { lenTok, fieldTok, ...mapping } = row;
    const bad = (tok: IToken, what: string) => new InputError(`${WHAT}: ${what} ${quoteToken(tok.image)}`, file, src.line, tok.startColumn);
    if (mapping.len % 4 || mapping.len > MAX_LEN) throw bad(lenTok, 'option length is not a multiple of 4 up to 124:');
    if (mapping.field >= N_FIELDS) throw bad(fieldTok, 'no such field:');
    return [mapping];
  });
}
