// `ovs-vsctl show`: a tree of Manager/Bridge/Controller/Port/Interface entities
// with `key: value` lines. Keywords give the structure, so the grammar also
// reads dumps whose indentation was lost (pasted from web pages).
import { createToken, EmbeddedActionsParser, Lexer, type IToken } from 'chevrotain';
import { InputError, quoteToken } from '../src/model/errors.js';
import type { Interface, Port, SourceRef } from '../src/model/snapshot.js';
import { contentLines, parseLine, type SourceLine, GRAMMAR_CHECKS, grammarOnce, LINE_LEXER } from './lines.js';

const WHAT = 'vsctl show';

const WS = createToken({ name: 'WS', pattern: /\s+/, group: Lexer.SKIPPED });
const Uuid = createToken({ name: 'Uuid', pattern: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/ });
const Quoted = createToken({ name: 'Quoted', pattern: /"(?:[^"\\]|\\.)*"/ });
const Key = createToken({ name: 'Key', pattern: /[A-Za-z_][\w.-]*:(?!\S)/ });
const Entity = createToken({ name: 'Entity', pattern: /(?:Bridge|Port|Interface|Controller|Manager)(?=\s)/ });
const LBrack = createToken({ name: 'LBrack', pattern: /\[/ });
const RBrack = createToken({ name: 'RBrack', pattern: /]/ });
const LBrace = createToken({ name: 'LBrace', pattern: /{/ });
const RBrace = createToken({ name: 'RBrace', pattern: /}/ });
const Comma = createToken({ name: 'Comma', pattern: /,/ });
const Equals = createToken({ name: 'Equals', pattern: /=/ });
/** An unquoted OVSDB string or number; also catches garbage for the parser to reject. */
const Bare = createToken({ name: 'Bare', pattern: /[^\s"{}[\],=]+/ });

const tokens = [WS, Uuid, Quoted, Key, Entity, LBrack, RBrack, LBrace, RBrace, Comma, Equals, Bare];
const newLexer = () => new Lexer(tokens, LINE_LEXER);

type Value =
  | { kind: 'scalar'; text: string; token: IToken }
  | { kind: 'set'; items: string[]; token: IToken }
  | { kind: 'map'; entries: [string, string][]; token: IToken };

type Line =
  | { kind: 'uuid'; uuid: string }
  | { kind: 'entity'; keyword: string; name: string }
  | { kind: 'key'; key: string; value: Value };

/** OVSDB quotes strings JSON-style. */
function unquote(tok: IToken): string {
  return tok.tokenType === Quoted ? (JSON.parse(tok.image) as string) : tok.image;
}

class VsctlParser extends EmbeddedActionsParser {
  constructor() {
    super(tokens, GRAMMAR_CHECKS);
    this.performSelfAnalysis();
  }

  line = this.RULE('line', (): Line =>
    this.OR([
      { ALT: () => ({ kind: 'uuid', uuid: this.CONSUME(Uuid).image }) },
      {
        ALT: () => {
          const keyword = this.CONSUME(Entity).image;
          return { kind: 'entity', keyword, name: this.SUBRULE(this.scalar) };
        },
      },
      {
        ALT: () => {
          const key = this.CONSUME(Key).image.slice(0, -1);
          return { kind: 'key', key, value: this.SUBRULE(this.value) };
        },
      },
    ]),
  );

  private value = this.RULE('value', (): Value =>
    this.OR([
      {
        ALT: () => {
          const token = this.LA(1);
          return { kind: 'scalar', text: this.SUBRULE(this.scalar), token };
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(LBrack);
          const items: string[] = [];
          this.MANY_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE2(this.scalar)) });
          this.CONSUME(RBrack);
          return { kind: 'set', items, token };
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(LBrace);
          const entries: [string, string][] = [];
          this.MANY_SEP2({
            SEP: Comma,
            DEF: () => {
              const k = this.SUBRULE3(this.scalar);
              this.CONSUME(Equals);
              entries.push([k, this.SUBRULE4(this.scalar)]);
            },
          });
          this.CONSUME(RBrace);
          return { kind: 'map', entries, token };
        },
      },
    ]),
  );

  private scalar = this.RULE('scalar', (): string =>
    this.OR([
      { ALT: () => unquote(this.CONSUME(Quoted)) },
      { ALT: () => this.CONSUME(Bare).image },
      { ALT: () => this.CONSUME(Uuid).image },
    ]),
  );
}

const grammar = grammarOnce(() => ({ lexer: newLexer(), parser: new VsctlParser() }));

export interface Target {
  target: string;
  isConnected: boolean;
  other: Record<string, string>;
}

export interface VsctlInterface extends Interface {
  /** vsctl `error:`, e.g. could not open network device */
  error?: string;
  other: Record<string, string>;
}

export interface VsctlPort extends Port {
  interfaces: VsctlInterface[];
}

export interface VsctlBridge {
  name: string;
  failMode?: string;
  datapathType?: string;
  controllers: Target[];
  ports: VsctlPort[];
  other: Record<string, string>;
}

export interface VsctlShow {
  uuid?: string;
  ovsVersion?: string;
  managers: Target[];
  bridges: VsctlBridge[];
  other: Record<string, string>;
}

type Node =
  | { kind: 'root'; obj: VsctlShow }
  | { kind: 'Manager' | 'Controller'; obj: Target }
  | { kind: 'Bridge'; obj: VsctlBridge }
  | { kind: 'Port'; obj: VsctlPort }
  | { kind: 'Interface'; obj: VsctlInterface };
type Open = Node & { indent: number };

/** Which entity each keyword nests in. */
const PARENT: Record<string, Node['kind']> = {
  Manager: 'root',
  Bridge: 'root',
  Controller: 'Bridge',
  Port: 'Bridge',
  Interface: 'Port',
};

const dict = (): Record<string, string> => Object.create(null) as Record<string, string>;

export function parseVsctlShow(text: string, file: string): VsctlShow {
  const { lexer, parser } = grammar();
  const lines = contentLines(text, file, WHAT);
  const root: VsctlShow = { managers: [], bridges: [], other: dict() };
  const stack: Open[] = [{ kind: 'root', obj: root, indent: -1 }];
  // Flattened dumps carry no indentation; then keys belong to the latest entity.
  const flat = lines.every((l) => !/^\s/.test(l.text));

  for (const src of lines) {
    const line = parseLine(lexer, parser, () => parser.line(), src, file, WHAT);
    const indent = src.text.length - src.text.trimStart().length;

    if (line.kind === 'uuid') {
      if (stack.length > 1 || root.uuid !== undefined) throw unexpected(parser.input[0], src, file);
      root.uuid = line.uuid;
    } else if (line.kind === 'entity') {
      const parentKind = PARENT[line.keyword];
      while (stack.length > 1 && stack[stack.length - 1].kind !== parentKind) stack.pop();
      const parent = stack[stack.length - 1];
      if (parent.kind !== parentKind) throw unexpected(parser.input[0], src, file);
      stack.push({ ...openEntity(parent, line.keyword, line.name, { file, line: src.line }), indent });
    } else {
      if (flat) {
        if (line.key === 'ovs_version') stack.length = 1;
        else if (isTarget(stack[stack.length - 1]) && line.key !== 'is_connected') stack.pop();
      } else {
        while (stack[stack.length - 1].indent >= indent) stack.pop();
      }
      setKey(stack[stack.length - 1], line.key, line.value, src, file);
    }
  }
  return root;
}

function isTarget(n: Node): boolean {
  return n.kind === 'Manager' || n.kind === 'Controller';
}

/** Create the entity and link it into its parent. */
function openEntity(parent: Node, keyword: string, name: string, source: SourceRef): Node {
  switch (keyword) {
    case 'Manager':
    case 'Controller': {
      const obj: Target = { target: name, isConnected: false, other: dict() };
      if (parent.kind === 'root') parent.obj.managers.push(obj);
      else if (parent.kind === 'Bridge') parent.obj.controllers.push(obj);
      return { kind: keyword, obj };
    }
    case 'Bridge': {
      const obj: VsctlBridge = { name, controllers: [], ports: [], other: dict() };
      (parent.obj as VsctlShow).bridges.push(obj);
      return { kind: 'Bridge', obj };
    }
    case 'Port': {
      const obj: VsctlPort = { name, interfaces: [], other: dict() };
      (parent.obj as VsctlBridge).ports.push(obj);
      return { kind: 'Port', obj };
    }
    default: {
      const obj: VsctlInterface = { name, type: '', options: dict(), other: dict(), source };
      (parent.obj as VsctlPort).interfaces.push(obj);
      return { kind: 'Interface', obj };
    }
  }
}

function setKey(node: Node, key: string, value: Value, src: SourceLine, file: string): void {
  const scalar = (): string => {
    if (value.kind !== 'scalar') throw unexpected(value.token, src, file);
    return value.text;
  };
  const int = (s: string): number => {
    if (!/^\d+$/.test(s)) throw unexpected(value.token, src, file);
    return Number(s);
  };
  // Unknown keys keep the value as printed (minus quotes for a plain string).
  const raw = value.kind === 'scalar' ? value.text : src.text.slice(value.token.startOffset).trimEnd();
  switch (node.kind) {
    case 'root':
      if (key === 'ovs_version') node.obj.ovsVersion = scalar();
      else node.obj.other[key] = raw;
      return;
    case 'Manager':
    case 'Controller':
      if (key === 'is_connected') node.obj.isConnected = scalar() === 'true';
      else node.obj.other[key] = raw;
      return;
    case 'Bridge':
      if (key === 'fail_mode') node.obj.failMode = scalar();
      else if (key === 'datapath_type') node.obj.datapathType = scalar();
      else node.obj.other[key] = raw;
      return;
    case 'Port':
      if (key === 'tag') node.obj.tag = int(scalar());
      else if (key === 'trunks') {
        if (value.kind !== 'set') throw unexpected(value.token, src, file);
        node.obj.trunks = value.items.map(int);
      } else if (key === 'vlan_mode') node.obj.vlanMode = scalar();
      else node.obj.other[key] = raw;
      return;
    case 'Interface':
      if (key === 'type') node.obj.type = scalar();
      else if (key === 'error') node.obj.error = scalar();
      else if (key === 'options') {
        if (value.kind !== 'map') throw unexpected(value.token, src, file);
        for (const [k, v] of value.entries) node.obj.options[k] = v;
      } else node.obj.other[key] = raw;
  }
}

function unexpected(tok: IToken, src: SourceLine, file: string): InputError {
  return new InputError(`${WHAT}: unexpected ${quoteToken(tok.image)}`, file, src.line, tok.startColumn);
}
