// `ovs-ofctl -O OpenFlow1x dump-groups BR`:
//   OFPST_GROUP_DESC reply (OF1.5) (xid=0x2):
//    group_id=1,type=select,selection_method=hash,fields(ip_src,nw_proto),bucket=bucket_id:0,weight:100,watch_port:1,actions=output:1,bucket=...
// OVS 2.4+ prints `actions=` before each bucket's actions; older releases
// printed them bare after the bucket properties. Both are accepted. Action
// text is handed to the project's action parser.
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';
import type { Bucket, Group } from '../src/model/group.js';
import { parseActions } from '../src/ofp/actions.js';
import { contentLines, parseLine, type SourceLine, GRAMMAR_CHECKS, grammarOnce, LINE_LEXER } from './lines.js';

const WHAT = 'dump-groups';
const NEXT_BUCKET = ',bucket=';

/** A bucket's actions: up to the next top-level `,bucket=` or the end of the line. */
function matchActions(text: string, offset: number): RegExpExecArray | null {
  let depth = 0;
  let i = offset;
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && c === ',' && text.startsWith(NEXT_BUCKET, i)) break;
  }
  const image = text.slice(offset, i).trimEnd();
  return image === '' ? null : ([image] as unknown as RegExpExecArray);
}

const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const BucketKw = createToken({ name: 'BucketKw', pattern: /bucket=/, push_mode: 'bucket' });
const Fields = createToken({ name: 'Fields', pattern: /fields\([^)]*\)/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Colon = createToken({ name: 'Colon', pattern: /:/ });
const LParen = createToken({ name: 'LParen', pattern: /\(/ });
const RParen = createToken({ name: 'RParen', pattern: /\)/ });
const Word = createToken({ name: 'Word', pattern: /[^\s,=():]+/ });
// Bucket mode: properties, then the actions, which end the bucket.
const BucketProp = createToken({ name: 'BucketProp', pattern: /(?:bucket_id|weight|watch_port|watch_group):[^\s,]+/ });
const ActionsKw = createToken({ name: 'ActionsKw', pattern: /actions=/ });
const Actions = createToken({ name: 'Actions', pattern: matchActions, line_breaks: false, pop_mode: true });

const newLexer = () => new Lexer(
  {
    modes: {
      group: [WS, BucketKw, Fields, Equals, Comma, Colon, LParen, RParen, Word],
      bucket: [BucketProp, Comma, ActionsKw, Actions],
    },
    defaultMode: 'group',
  },
  LINE_LEXER,
);
const allTokens = [WS, BucketKw, Fields, Equals, Comma, Colon, LParen, RParen, Word, BucketProp, ActionsKw, Actions];

type Item = { kind: 'prop'; key: IToken; value: IToken } | { kind: 'bucket'; props: IToken[]; actions: IToken };

class GroupParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  /** A group's properties and buckets in order, or undefined for the reply header. */
  line = this.RULE('line', (): Item[] | undefined =>
    this.OR([
      {
        // OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):
        ALT: () => {
          this.CONSUME(Word);
          this.OPTION(() => this.CONSUME2(Word));
          this.AT_LEAST_ONE(() => {
            this.CONSUME(LParen);
            this.MANY(() => this.OR2([{ ALT: () => this.CONSUME3(Word) }, { ALT: () => this.CONSUME(Equals) }]));
            this.CONSUME(RParen);
          });
          this.CONSUME(Colon);
          return undefined;
        },
      },
      {
        ALT: () => {
          const items: Item[] = [this.SUBRULE(this.prop)];
          this.MANY2(() => {
            this.CONSUME(Comma);
            items.push(this.OR3([{ ALT: () => this.SUBRULE2(this.prop) }, { ALT: () => this.SUBRULE(this.bucket) }]));
          });
          return items;
        },
      },
    ]),
  );

  /** `type=select` or `fields(...)` */
  private prop = this.RULE('prop', (): Item =>
    this.OR([
      {
        ALT: () => {
          const key = this.CONSUME(Word);
          this.CONSUME(Equals);
          return { kind: 'prop', key, value: this.CONSUME2(Word) };
        },
      },
      {
        ALT: () => {
          const value = this.CONSUME(Fields);
          return { kind: 'prop', key: value, value };
        },
      },
    ]),
  );

  private bucket = this.RULE('bucket', (): Item => {
    this.CONSUME(BucketKw);
    const props: IToken[] = [];
    this.MANY(() => {
      props.push(this.CONSUME(BucketProp));
      this.CONSUME(Comma);
    });
    this.OPTION(() => this.CONSUME(ActionsKw));
    return { kind: 'bucket', props, actions: this.CONSUME(Actions) };
  });
}

const grammar = grammarOnce(() => ({ lexer: newLexer(), parser: new GroupParser() }));

export function parseDumpGroups(text: string, file: string): Group[] {
  const { lexer, parser } = grammar();
  return contentLines(text, file, WHAT).flatMap((src) => {
    const items = parseLine(lexer, parser, () => parser.line(), src, file, WHAT);
    return items ? [buildGroup(items, src, file)] : [];
  });
}

function buildGroup(items: Item[], src: SourceLine, file: string): Group {
  const first = grammar().parser.input[0];
  const group: Partial<Group> & { buckets: Bucket[] } = {
    buckets: [],
    source: { file, line: src.line, column: first.startColumn },
  };
  for (const item of items) {
    if (item.kind === 'bucket') {
      group.buckets.push(buildBucket(item, src, file));
      continue;
    }
    const v = item.value;
    switch (item.key.image) {
      case 'group_id':
        group.groupId = uint(v, src, file);
        break;
      case 'type':
        group.type = v.image;
        break;
      case 'selection_method':
        group.selectionMethod = v.image;
        break;
      case 'selection_method_param':
        group.selectionMethodParam = BigInt(uintText(v, src, file));
        break;
      default:
        // fields(ip_src,eth_dst=ff:ff:ff:ff:ff:00); other properties are accepted and ignored.
        if (v.tokenType === Fields) group.fields = v.image.slice('fields('.length, -1).split(',').filter(Boolean);
    }
  }
  if (group.groupId === undefined || group.type === undefined) {
    throw new InputError(`${WHAT}: group without group_id and type`, file, src.line, first.startColumn);
  }
  return group as Group;
}

function buildBucket(item: Extract<Item, { kind: 'bucket' }>, src: SourceLine, file: string): Bucket {
  const bucket: Bucket = { actions: [] };
  for (const prop of item.props) {
    const colon = prop.image.indexOf(':');
    const value = { ...prop, image: prop.image.slice(colon + 1), startColumn: (prop.startColumn ?? 1) + colon + 1 };
    switch (prop.image.slice(0, colon)) {
      case 'bucket_id':
        bucket.bucketId = uint(value, src, file);
        break;
      case 'weight':
        bucket.weight = uint(value, src, file);
        break;
      case 'watch_group':
        bucket.watchGroup = uint(value, src, file);
        break;
      default:
        bucket.watchPort = /^\d+$/.test(value.image) ? Number(value.image) : value.image;
    }
  }
  const a = item.actions;
  bucket.actions = parseActions(a.image, { file, line: src.line, column: a.startColumn ?? 1 });
  return bucket;
}

function uintText(tok: IToken, src: SourceLine, file: string): string {
  if (!/^(?:\d+|0x[0-9a-fA-F]+)$/.test(tok.image)) {
    throw new InputError(`${WHAT}: expected a number, got ${quoteToken(tok.image)}`, file, src.line, tok.startColumn);
  }
  return tok.image;
}

function uint(tok: IToken, src: SourceLine, file: string): number {
  return Number(uintText(tok, src, file));
}
