// One table of a flow dump as the classifier's RuleGroups, building rules
// only when a lookup can need them. A cheap pass reads each line's items with
// the dump-flows scanner and files the line under its shape: its match keys,
// with the values left out where the field's mask does not depend on them
// (maskFromMaskText), so the lines of one shape share one mask, which parsing
// the shape's first line gives. Within a shape, lines are filed by the text
// of their metadata-stage values (in_port, metadata, registers, ...): a
// lookup builds only the lines whose values equal the packet's, because no
// other line of the shape can pass the classifier's first stage. The prefix
// and ports tries need a value of every line, which is read without building
// the rule.
import { FlowLineScanner } from '../../grammar/dump-flows.js';
import { type Field } from '../meta-flow/field.js';
import { maskFromMaskText, parseFieldValue, setMatchField } from '../meta-flow/field-parse.js';
import { FIRST_L2_MEMBER, maskedKey, newFlow, type Flow } from '../meta-flow/flow.js';
import { OFP_DEFAULT_PRIORITY, type Match } from '../meta-flow/match.js';
import { parseIpv4 } from '../meta-flow/values.js';
import { metadataStageMembers, VALUE_MEMBERS, type RuleGroup } from '../model/rule-groups.js';
import type { TableSource } from '../model/rule-tables.js';
import type { Rule } from '../model/rule.js';
import { isStatKey, LEADING_STAT_KEYS, matchField, ruleAt, type FlowsContext, type TableLines } from './flows.js';
import { PROGRESS_EVERY } from './progress.js';

interface ItemKind {
  field: Field;
  /** The shape keeps only the `/mask` part of the value. */
  maskFromText: boolean;
  /** The field lives in the classifier's first stage: the value files the line. */
  metadataStage: boolean;
  /** Index in VALUE_MEMBERS of the member the field sets, or -1. */
  valueMember: number;
}

/** What a key of a flow line is: a stat (priority among them), a match field, or neither. */
interface KeyInfo {
  key: string;
  /** A small number naming the key in shape tokens. */
  id: number;
  stat: boolean;
  priority: boolean;
  kind?: ItemKind;
}

const keyInfos = new Map<string, KeyInfo>();
/** The same, by first character and length, to find a key in the text without cutting it out. */
const keyInfosAt = new Map<number, KeyInfo[]>();

/** The KeyInfo of the key at text[start, end): the scan's hot path, so no string is made for a known key. */
function keyInfoAt(text: string, start: number, end: number): KeyInfo {
  const hash = text.charCodeAt(start) * 4096 + (end - start);
  const known = keyInfosAt.get(hash);
  if (known) for (const info of known) if (info.key.length === end - start && text.startsWith(info.key, start)) return info;
  const key = text.slice(start, end);
  let info = keyInfos.get(key);
  if (!info) keyInfos.set(key, (info = { key, id: keyInfos.size, stat: isStatKey(key), priority: key === 'priority', kind: itemKind(key) }));
  if (known) known.push(info);
  else keyInfosAt.set(hash, [info]);
  return info;
}

/** A decimal or 0x-hex integer text as a number (52 bits at most), else undefined: filing values and priorities. */
function plainInteger(text: string, start: number, end: number): number | undefined {
  let v = 0;
  if (end - start > 2 && text.charCodeAt(start) === 0x30 && text.charCodeAt(start + 1) === 0x78) { // 0x
    if (end - start > 15) return undefined;
    for (let p = start + 2; p < end; p++) {
      const c = text.charCodeAt(p) | 0x20;
      const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (d < 0) return undefined;
      v = v * 16 + d;
    }
    return v;
  }
  if (end === start || end - start > 15) return undefined;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c < 0x30 || c > 0x39) return undefined;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/**
 * A trie over the items of lines: a path of tokens leads to the shape (or,
 * per shape, the filing) they make. Tokens that are one key are numbers, so
 * the common line builds no strings: `metadata=0x1` is its key's id, `ip`
 * the id negated; a value kept in the shape (`ct_state=+trk`, a `/mask`) makes
 * a string token. In a filing trie, tokens are the values: integers as
 * numbers, anything else as its text.
 */
class TokenTrie<T> {
  private readonly byId = new Map<number, TokenTrie<T>>();
  private readonly byText = new Map<string, TokenTrie<T>>();
  leaf: T | undefined;

  next(token: number | string): TokenTrie<T> {
    const map: Map<number | string, TokenTrie<T>> = typeof token === 'number' ? this.byId : this.byText;
    let node = map.get(token);
    if (!node) map.set(token, (node = new TokenTrie<T>()));
    return node;
  }

  /** Every leaf, with the tokens on its path as text. */
  *leaves(path: string[] = []): Generator<[string[], T]> {
    if (this.leaf !== undefined) yield [path, this.leaf];
    for (const [id, child] of this.byId) yield* child.leaves([...path, String(id)]);
    for (const [text, child] of this.byText) yield* child.leaves([...path, text]);
  }
}

function itemKind(key: string): ItemKind | undefined {
  const field = matchField(key);
  return field && {
    field,
    maskFromText: maskFromMaskText(field),
    metadataStage: field.segments.every((s) => s.member < FIRST_L2_MEMBER),
    valueMember: VALUE_MEMBERS.findIndex((m) => field.segments.some((s) => s.member === m)),
  };
}

/** The leading stats, each printed as `key=value, ` (no comma in the value), by first letter. */
const STATS_BY_INITIAL: string[][] = Array.from({ length: 128 }, () => []);
for (const key of LEADING_STAT_KEYS) STATS_BY_INITIAL[key.charCodeAt(0)].push(key + '=');

/**
 * Where a line's match starts: past the leading stats, found with native
 * searches rather than the scanner (they are most of a line, and a shape
 * ignores them). Anything unexpected stops the skip and the scanner reads on.
 */
function skipStats(text: string, p: number, end: number): number {
  while (p < end && (text.charCodeAt(p) === 0x20 || text.charCodeAt(p) === 0x09)) p++;
  for (;;) {
    const keys = STATS_BY_INITIAL[text.charCodeAt(p)];
    let stat = false;
    for (let k = 0; keys && k < keys.length && !stat; k++) stat = text.startsWith(keys[k], p);
    if (!stat) return p;
    const next = text.indexOf(', ', p);
    if (next < 0 || next >= end) return p;
    p = next + 2;
  }
}

interface Shape {
  /** The shape's lines, in dump order; the first one is parsed for the mask. */
  lines: number[];
  mask: Flow;
  maxPriority: number;
  /** Fields whose value texts file the lines, in line order. */
  filingFields: Field[];
  /** Filing value texts, in line order, -> lines. */
  byValues: TokenTrie<number[]>;
  /** Per VALUE_MEMBERS entry, the field that sets it (the same on every line of a shape)... */
  valueFields: (Field | undefined)[];
  /** ... and the offsets of each line's value text: starts at [2j], ends at [2j+1], -1 when none. */
  valueSpans: number[][];
}

export class IndexedTable implements TableSource {
  private readonly built: (Rule | undefined)[];
  private shapes: Shape[] | undefined;
  private readonly scanner = new FlowLineScanner();
  readonly ports: FlowsContext['ports'];

  constructor(private readonly table: number, private readonly lines: TableLines, private readonly ctx: FlowsContext) {
    this.built = new Array(lines.starts.length);
    this.ports = ctx.ports;
  }

  get count(): number {
    return this.lines.starts.length;
  }

  /** Line i's rule, parsed once. */
  rule(i: number): Rule {
    return (this.built[i] ??= ruleAt(this.lines, i, this.ctx));
  }

  rules(): Rule[] {
    return Array.from({ length: this.count }, (_, i) => this.rule(i));
  }

  groups(): RuleGroup[] {
    this.shapes ??= this.scanShapes();
    return this.shapes.map((s) => new LazyGroup(this, s));
  }

  private scanShapes(): Shape[] {
    const { text, starts, ends } = this.lines;
    const sc = this.scanner;
    const shapes: Shape[] = [];
    const root = new TokenTrie<Shape>();
    const spans = new Int32Array(2 * VALUE_MEMBERS.length);
    const filingSpans: number[] = [];
    for (let i = 0; i < starts.length; i++) {
      if (i % PROGRESS_EVERY === 0 && i) this.ctx.progress?.(`indexing table ${this.table}`, i, starts.length);
      let node = root, priority = OFP_DEFAULT_PRIORITY;
      spans.fill(-1);
      filingSpans.length = 0;
      if (!sc.scan(text, skipStats(text, starts[i], ends[i]), ends[i])) {
        // The grammar's verdict: an error, or a line only it reads, which gets a shape of its own.
        priority = this.rule(i).priority;
        node = new TokenTrie<Shape>();
        sc.count = 0;
      }
      for (let k = 0; k < sc.count; k++) {
        const info = keyInfoAt(text, sc.keyStart[k], sc.keyEnd[k]);
        const vs = sc.valueStart[k], ve = sc.valueEnd[k];
        if (vs < 0) {
          node = node.next(-1 - info.id);
          continue;
        }
        if (info.stat) {
          if (info.priority) {
            priority = plainInteger(text, vs, ve) ?? this.rule(i).priority;
          }
          continue;
        }
        const kind = info.kind;
        if (kind?.maskFromText) {
          const slash = text.indexOf('/', vs);
          node = node.next(slash >= 0 && slash < ve ? info.id + text.slice(slash, ve) : info.id);
          if (kind.metadataStage) filingSpans.push(vs, ve);
          if (kind.valueMember >= 0) {
            spans[2 * kind.valueMember] = vs;
            spans[2 * kind.valueMember + 1] = ve;
          }
        } else {
          node = node.next(info.id + '=' + text.slice(vs, ve));
        }
      }
      let shape = node.leaf;
      if (!shape) shapes.push((shape = node.leaf = this.newShape(i)));
      shape.lines.push(i);
      for (let j = 0; j < VALUE_MEMBERS.length; j++) {
        if (!shape.valueFields[j]) continue;
        shape.valueSpans[2 * j].push(spans[2 * j]);
        shape.valueSpans[2 * j + 1].push(spans[2 * j + 1]);
      }
      if (priority > shape.maxPriority) shape.maxPriority = priority;
      let filing = shape.byValues;
      // Numbers where the text is one (same number, same value), else the text.
      for (let j = 0; j < filingSpans.length; j += 2) {
        const a = filingSpans[j], b = filingSpans[j + 1];
        filing = filing.next(plainInteger(text, a, b) ?? text.slice(a, b));
      }
      if (filing.leaf) filing.leaf.push(i);
      else filing.leaf = [i];
    }
    this.ctx.progress?.(`indexing table ${this.table}`, starts.length, starts.length);
    return shapes;
  }

  private newShape(first: number): Shape {
    const mask = this.rule(first).match.wc;
    // The scanner still holds the first line's items.
    const sc = this.scanner, text = this.lines.text;
    const filingFields: Field[] = [];
    const valueFields: (Field | undefined)[] = VALUE_MEMBERS.map(() => undefined);
    for (let k = 0; k < sc.count; k++) {
      const kind = sc.valueStart[k] >= 0 ? keyInfoAt(text, sc.keyStart[k], sc.keyEnd[k]).kind : undefined;
      if (!kind?.maskFromText) continue;
      if (kind.metadataStage) filingFields.push(kind.field);
      if (kind.valueMember >= 0) valueFields[kind.valueMember] = kind.field;
    }
    return {
      lines: [], mask, maxPriority: -1, filingFields, byValues: new TokenTrie(),
      valueFields, valueSpans: VALUE_MEMBERS.flatMap(() => [[], []]),
    };
  }

  /** The value text of member VALUE_MEMBERS[j] on the shape's n-th line, if the scan saw one. */
  valueText(shape: Shape, j: number, n: number): string | undefined {
    const start = shape.valueSpans[2 * j][n];
    return start < 0 ? undefined : this.lines.text.slice(start, shape.valueSpans[2 * j + 1][n]);
  }
}

/** A shape of an IndexedTable, for one classifier: which filings it has handed out. */
class LazyGroup implements RuleGroup {
  readonly mask: Flow;
  readonly maxPriority: number;
  private readonly stageMembers: number[];
  private byKey: Map<string, number[]> | undefined;
  private readonly taken = new Set<string>();
  /** Lines not handed out yet: once none, take() has nothing to look up. */
  private remaining: number;

  constructor(private readonly table: IndexedTable, private readonly shape: Shape) {
    this.mask = shape.mask;
    this.maxPriority = shape.maxPriority;
    this.stageMembers = metadataStageMembers(shape.mask);
    this.remaining = shape.lines.length;
  }

  take(key: string): Rule[] {
    if (this.remaining === 0 || this.taken.has(key)) return [];
    this.taken.add(key);
    this.byKey ??= this.keyIndex();
    const lines = this.byKey.get(key);
    if (!lines) return [];
    this.remaining -= lines.length;
    return lines.map((i) => this.table.rule(i));
  }

  /** Filings by the classifier's first-stage key: each filing's values parsed once, onto its first line's match. */
  private keyIndex(): Map<string, number[]> {
    const byKey = new Map<string, number[]>();
    const first = this.table.rule(this.shape.lines[0]).match;
    const scratch: Match = { flow: first.flow.slice(), wc: first.wc.slice() };
    for (const [texts, lines] of this.shape.byValues.leaves()) {
      const ok = this.shape.filingFields.every((field, j) => {
        const fv = parseFieldValue(field, texts[j], this.table.ports);
        if (typeof fv === 'string') return false;
        setMatchField(scratch, field, fv);
        return true;
      });
      // A bad value: parsing the line reports it where it is.
      const key = ok ? maskedKey(scratch.flow, this.mask, this.stageMembers) : maskedKey(this.table.rule(lines[0]).match.flow, this.mask, this.stageMembers);
      const list = byKey.get(key);
      if (list) list.push(...lines);
      else byKey.set(key, lines);
    }
    for (const list of byKey.values()) list.sort((a, b) => a - b);
    return byKey;
  }

  values(member: number): number[] {
    if (!this.mask[member]) return this.shape.lines.map(() => 0);
    const j = VALUE_MEMBERS.indexOf(member);
    if (j < 0) throw new Error(`values() of member ${member}, not one of VALUE_MEMBERS`);
    const field = this.shape.valueFields[j];
    const plain = field?.segments.length === 1 && field.segments[0].memberLsb === 0 && field.segments[0].fieldLsb === 0;
    const scratch: Match = { flow: newFlow(), wc: newFlow() };
    return this.shape.lines.map((i, n) => {
      const text = this.table.valueText(this.shape, j, n);
      if (text === undefined || !field) return Number(this.table.rule(i).match.flow[member]);
      const fast = plain ? plainValue(field, text) : undefined;
      if (fast !== undefined) return fast;
      const fv = parseFieldValue(field, text, this.table.ports);
      if (typeof fv === 'string') return Number(this.table.rule(i).match.flow[member]); // the parse reports it
      scratch.flow[member] = 0n;
      setMatchField(scratch, field, fv);
      return Number(scratch.flow[member]);
    });
  }
}

/**
 * The common value texts of the tries' fields without bigints: a dotted quad
 * with an optional prefix length, or a decimal port. Anything else, undefined.
 */
function plainValue(field: Field, text: string): number | undefined {
  if (field.format === 'IPv4') {
    const slash = text.indexOf('/');
    const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
    if (addr === undefined) return undefined;
    if (slash < 0) return Number(addr);
    const len = /^\d{1,2}$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : -1;
    if (len < 0 || len > 32) return undefined;
    return len === 0 ? 0 : (Number(addr) & (~0 << (32 - len))) >>> 0;
  }
  if (field.format === 'decimal' && /^\d{1,5}$/.test(text)) {
    const v = Number(text);
    return v < 2 ** field.bits ? v : undefined;
  }
  return undefined;
}
