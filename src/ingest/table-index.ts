// One table of a flow dump as the classifier's RuleGroups, building rules
// only when a lookup can need them. One cheap pass over the table's lines
// files each line under its shape: its match keys, with the values left out
// where the field's mask does not depend on them (maskFromMaskText), so the
// lines of one shape share one mask, which parsing the shape's first line
// gives. The same pass reads, as numbers, what lookups need of every line:
// - its values, hashed per classifier stage (metadata, L2, L3, L4, each
//   hash covering the stages before it): a lookup builds only lines whose
//   hashes are the packet's, checking each against the packet, which is all
//   the classifier needs (every rule of the packet's final-stage key, and
//   for each earlier stage whether any rule has the packet's key);
// - its nw_src/nw_dst prefixes and tp_src/tp_dst ports, for the tries.
// A line the pass cannot read (quotes, parentheses, ...) is parsed in full
// and filed under its parsed mask; lines the hashes cannot stand for (an
// IPv6 address, a field that is part of a member, ...) go to any lookup.
import { type Field } from '../meta-flow/field.js';
import { maskFromMaskText, parseFieldValue, setsValueAsIs } from '../meta-flow/field-parse.js';
import { hexDigit, ipv4At } from '../meta-flow/values.js';
import { MEMBERS, N_STAGES, STAGE_OF, type Flow } from '../meta-flow/flow.js';
import { OFP_DEFAULT_PRIORITY } from '../meta-flow/match.js';
import { maskKey, VALUE_MEMBERS, type Probe, type RuleGroup } from '../model/rule-groups.js';
import type { TableSource } from '../model/rule-tables.js';
import type { Rule } from '../model/rule.js';
import { isStatKey, matchField, NextOccurrence, protocolShorthand, ruleAt, type FlowsContext, type FlowsIndex, type TableLines } from './flows.js';
import { M } from '../meta-flow/flow.js';
import { PROGRESS_EVERY } from './progress.js';
import { wordsOf, type WordLayout } from '../xlate/flow-words.js';

interface ItemKind {
  field: Field;
  /** The shape keeps only the `/mask` part of the value. */
  maskFromText: boolean;
  /** The member whose bits take the field's value & mask as they are, or -1. */
  member: number;
  /** Index in VALUE_MEMBERS of that member, or -1. */
  valueMember: number;
  /** How the fast read takes a value of the field's format as a number, if it can... */
  read?: NumberReader;
  /** ... and whether a mask may be a prefix length (`/24`), as IPv4 masks may. */
  prefixMask: boolean;
  /** 2^bits: a value read as this or more is too wide for the field. */
  limit: number;
}

/** What a key of a flow line is: a stat (priority among them), a match field, a keyword, or neither. */
interface KeyInfo {
  key: string;
  /** A small number naming the key in shape tokens. */
  id: number;
  stat: boolean;
  priority: boolean;
  kind?: ItemKind;
  /** Members the key sets as a keyword (`tcp`: dl_type, nw_proto) or as a field. */
  members: number[];
}

/** The hash fileNext computes of a text's characters as it reads them. */
const keyHash = (h: number, c: number) => (Math.imul(h, 31) + c) | 0;

/**
 * Values made once per distinct text (a key's KeyInfo, a kept text's id),
 * found from a span of the dump by the span's keyHash: the read's hot path,
 * so no string is cut out for a text seen before.
 */
class SpanInterner<T> {
  private readonly byHash = new Map<number, Interned<T>[]>();
  /** The last text seen at each slot (hash & SLOTS - 1), checked before the map: most spans are a few texts seen again and again. */
  private readonly slots = new Array<Interned<T> | undefined>(SLOTS).fill(undefined);
  private size = 0;

  constructor(private readonly make: (text: string, id: number) => T) {}

  /** The value of text[start, end), whose keyHash is h (computed here when not given). */
  at(text: string, start: number, end: number, h = spanHash(text, start, end)): T {
    const recent = this.slots[h & (SLOTS - 1)];
    if (recent !== undefined && recent.hash === h && recent.text.length === end - start && text.startsWith(recent.text, start)) return recent.value;
    let known = this.byHash.get(h);
    let found = known?.find((e) => e.text.length === end - start && text.startsWith(e.text, start));
    if (!found) {
      const entry: Interned<T> = { hash: h, text: text.slice(start, end), value: undefined as T };
      entry.value = this.make(entry.text, ++this.size);
      if (!known) this.byHash.set(h, (known = []));
      known.push((found = entry));
    }
    this.slots[h & (SLOTS - 1)] = found;
    return found.value;
  }
}

interface Interned<T> {
  hash: number;
  text: string;
  value: T;
}
const SLOTS = 1024;

function spanHash(text: string, start: number, end: number): number {
  let h = 0;
  for (let p = start; p < end; p++) h = keyHash(h, text.charCodeAt(p));
  return h;
}

/** Every key read so far. */
const keyInfos = new SpanInterner<KeyInfo>((key, id) => {
  const kind = itemKind(key);
  const proto = protocolShorthand(key);
  return {
    key, id, stat: isStatKey(key), priority: key === 'priority', kind,
    members: kind ? kind.field.segments.map((s) => s.member) : proto ? [M.dl_type, ...(proto[1] === undefined ? [] : [M.nw_proto])] : [],
  };
});

function itemKind(key: string): ItemKind | undefined {
  const field = matchField(key);
  if (!field) return undefined;
  const s = field.segments;
  const member = s.length === 1 && s[0].fieldLsb === 0 && s[0].memberLsb === 0 && setsValueAsIs(field) ? s[0].member : -1;
  return {
    field, maskFromText: maskFromMaskText(field), member, valueMember: member < 0 ? -1 : VALUE_MEMBERS.indexOf(member),
    read: NUMBER_READERS[field.format], prefixMask: field.format === 'IPv4', limit: 2 ** field.bits,
  };
}

/** Largest value read as a number: every integer up to here is exact in a double, and Number(bigint) agrees. */
const MAX_EXACT = 2 ** 52;

/** A decimal or 0x-hex integer text as a number, else NaN (also when MAX_EXACT or more). */
function integerAt(text: string, start: number, end: number): number {
  let v = 0;
  if (end - start > 2 && text.charCodeAt(start) === 0x30 && (text.charCodeAt(start + 1) | 0x20) === 0x78) { // 0x
    for (let p = start + 2; p < end; p++) {
      const d = hexDigit(text.charCodeAt(p));
      if (Number.isNaN(d) || v >= MAX_EXACT / 16) return NaN;
      v = v * 16 + d;
    }
    return v;
  }
  // strtoull reads a leading 0 as octal: the field's parser does that.
  return end - start > 1 && text.charCodeAt(start) === 0x30 ? NaN : decimalAt(text, start, end);
}

/** A decimal integer text as a number, else NaN (also when MAX_EXACT or more). */
function decimalAt(text: string, start: number, end: number): number {
  if (end === start || end - start > 15) return NaN;
  let v = 0;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c < 0x30 || c > 0x39) return NaN;
    v = v * 10 + (c - 0x30);
  }
  return v < MAX_EXACT ? v : NaN;
}

/**
 * A port number as parsePort reads one: decimal only; a 32-bit OpenFlow 1.1
 * number (4294967294 for LOCAL) is NaN here, so the field's parser maps it.
 */
function portAt(text: string, start: number, end: number): number {
  const v = decimalAt(text, start, end);
  return v <= 0xffff ? v : NaN;
}

/** An Ethernet address written as six hex pairs as a number, else NaN. */
function macAt(text: string, start: number, end: number): number {
  if (end - start !== 17) return NaN;
  let v = 0;
  for (let p = start; p < end; p += 3) {
    if (p + 2 < end && text.charCodeAt(p + 2) !== 0x3a) return NaN;
    v = v * 256 + hexDigit(text.charCodeAt(p)) * 16 + hexDigit(text.charCodeAt(p + 1));
  }
  return v;
}

/** a & b for numbers below MAX_EXACT (bitwise operators only take 32 bits). */
function and52(a: number, b: number): number {
  const HI = 2 ** 32;
  return (Math.floor(a / HI) & Math.floor(b / HI)) * HI + ((a & b) >>> 0);
}


type NumberReader = (text: string, start: number, end: number) => number;

/** How the fast read takes a value of each field format as a number. */
const NUMBER_READERS: Record<string, NumberReader> = {
  IPv4: ipv4At, Ethernet: macAt, decimal: integerAt, hexadecimal: integerAt,
  'OpenFlow 1.0 port': portAt, 'OpenFlow 1.1+ port': portAt,
};

/**
 * `value[/mask]` at text[start, end) as the member bits it matches
 * (value & mask), a number; NaN when the fast read cannot tell.
 */
function maskedNumberAt(kind: ItemKind, text: string, start: number, end: number, slash: number): number {
  const { read } = kind;
  if (!read) return NaN;
  if (slash < 0) return read(text, start, end);
  const value = read(text, start, slash);
  let mask = read(text, slash + 1, end);
  if (kind.prefixMask && Number.isNaN(mask)) {
    const len = integerAt(text, slash + 1, end);
    mask = len >= 0 && len <= 32 ? (len === 0 ? 0 : (~0 << (32 - len)) >>> 0) : NaN;
  }
  return Number.isNaN(value) || Number.isNaN(mask) ? NaN : and52(value, mask);
}

/** One value into a stage's hash. Lines and packets mix the same numbers the same way. */
function mix(h: number, v: number): number {
  h = Math.imul(h ^ (v >>> 0), 0x9e3779b1);
  return Math.imul(h ^ Math.floor(v / 2 ** 32), 0x85ebca77) | 0;
}

/** Printable characters that end a fast read: the full parse decides what they mean. */
const STOP = new Uint8Array(128);
for (const c of ' \t"()[]{}=') STOP[c.charCodeAt(0)] = 1;

/**
 * A table as a filing worker sends it: numbers in typed arrays (copied, not
 * serialized, between threads); a shape's mask is its first line's, and the
 * tokens matter only while filing.
 */
export interface FiledTable {
  shapes: Omit<ShapeOf<Int32Array>, 'mask' | 'tokens'>[];
  hashes: Float64Array;
  values: Float64Array;
}

/** A shape while its lines are filed... */
type Shape = ShapeOf<number[]>;
/** ... and as lookups read it, filed here or adopted. */
type FiledOrAdopted = ShapeOf<ArrayLike<number>>;

interface ShapeOf<Lines> {
  /** The shape's lines (their index in the table), in dump order; the first one is parsed for the mask. */
  lines: Lines;
  mask: Flow;
  maxPriority: number;
  /** The lines' items as numbers: each key, with the `/mask` or value text the shape keeps. */
  tokens: Int32Array;
  /** The member each value-carrying item of the lines sets, in line order (-1: one the hashes cannot stand for). */
  varying: number[];
  /** Whether lookups may go by the hashes: every varying item is a whole member that no other item sets. */
  hashed: boolean;
  /** The VALUE_MEMBERS entries the shape matches, whose values IndexedTable.values holds for its lines. */
  valueIndexes: number[];
}

/** Members that hold a match only on ND packets (normalizeMatch). */
const ND_MEMBERS: ReadonlySet<number> = new Set([M.nd_target, M.arp_sha, M.arp_tha]);

/** Whether the line fileNext read has a key that sets one of ND_MEMBERS. */
function hasNdKey(ln: typeof line): boolean {
  for (let k = 0; k < ln.nKeys; k++) if (ln.keys[k].members.some((m) => ND_MEMBERS.has(m))) return true;
  return false;
}

/** What IndexedTable.values holds per line: a value of each VALUE_MEMBERS entry. */
const N_VALUES = VALUE_MEMBERS.length;

/** Most items a line may have for fileNext; a longer line goes to the full parse. */
const MAX_ITEMS = 64;

/** What fileNext gathers of the line it reads (one at a time: a parse never reads a line). */
const line = {
  /** The items as numbers: each key, with the `/mask` or value text the shape keeps. */
  tokens: new Int32Array(2 * MAX_ITEMS),
  nTokens: 0,
  /** The member each value-carrying item sets (-1: none the hashes can stand for). */
  varying: new Int32Array(MAX_ITEMS),
  nVarying: 0,
  keys: new Array<KeyInfo>(MAX_ITEMS),
  nKeys: 0,
  /** Per stage, the hash of the values read so far. */
  hashes: new Int32Array(N_STAGES),
  /** VALUE_MEMBERS values read, and which (bit j for values[j]). */
  values: new Float64Array(VALUE_MEMBERS.length),
  valuesRead: 0,
};

/** Texts a shape keeps (`/24`, `+est+trk`) as small numbers (from 1), for shape tokens. */
const keptTexts = new SpanInterner<number>((_, id) => id);

export class IndexedTable implements TableSource {
  private readonly built: (Rule | undefined)[];
  /**
   * N_STAGES numbers per line: its values of stages 0..s hashed, for each s;
   * NaN for a line the read could not hash. One array per table rather than
   * per shape: a shape's lines are not known before they are read.
   */
  hashes: Float64Array;
  /** N_VALUES numbers per line: its value of each VALUE_MEMBERS entry its shape matches (NaN: parse the line). */
  values: Float64Array;
  /** Shapes in the order their first lines come... */
  private readonly shapes: FiledOrAdopted[] = [];
  /** ... by the hash of their tokens... */
  private readonly byTokens = new Map<number, Shape[]>();
  /** ... and, for lines only the full parse reads, by mask. */
  private readonly byMask = new Map<string, Shape>();
  /** Lines filed so far: indexFlowShapes files a dump's lines in file order, table by table as they come. */
  private filed = 0;
  private readonly priorityAt: NextOccurrence;
  readonly ports: FlowsContext['ports'];

  constructor(private readonly lines: TableLines, private readonly ctx: FlowsContext) {
    this.built = new Array(lines.starts.length);
    this.hashes = new Float64Array(lines.starts.length * N_STAGES);
    this.values = new Float64Array(lines.starts.length * N_VALUES);
    this.ports = ctx.ports;
    this.priorityAt = new NextOccurrence(lines.text, 'priority=');
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

  rulesOnce(): Rule[] {
    return Array.from({ length: this.count }, (_, i) => this.built[i] ?? ruleAt(this.lines, i, this.ctx));
  }

  groups(): RuleGroup[] {
    this.fileAll();
    return this.shapes.map((s) => new LazyGroup(this, s));
  }

  fileAll(): void {
    while (this.filed < this.count) this.fileNext();
  }

  /** The table, once every line is filed, for another thread to adopt. */
  filedTable(): FiledTable {
    const shapes = this.shapes.map(({ mask: _, tokens: __, lines, ...rest }) => ({ ...rest, lines: Int32Array.from(lines) }));
    return { shapes, hashes: this.hashes, values: this.values };
  }

  /** Takes the shapes another thread filed this table's lines into (filedTable()). */
  adopt(filed: FiledTable): void {
    for (const s of filed.shapes) this.shapes.push({ ...s, mask: this.rule(s.lines[0]).match.wc, tokens: new Int32Array(0) });
    this.hashes = filed.hashes;
    this.values = filed.values;
    this.filed = this.count;
  }

  /** File the next line under its shape, with its hashes and values. */
  fileNext(): void {
    const i = this.filed++;
    const { text, starts, heads } = this.lines;
    // The match: up to the blanks before `actions=`, from `priority=` where
    // ovs-ofctl starts it (after the stats), else after the last `, `.
    const start = starts[i];
    let end = heads[i];
    while (end > start && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
    if (end === heads[i]) return this.fileParsed(i);
    const priority = this.priorityAt.from(start);
    let p = priority;
    if (p >= end || (p > start && text.charCodeAt(p - 1) !== 0x20)) {
      p = end;
      while (p > start && !(text.charCodeAt(p - 1) === 0x20 && text.charCodeAt(p - 2) === 0x2c)) p--;
      while (p < end && text.charCodeAt(p) === 0x20) p++;
      // A priority among the skipped stats would be lost: let the parse read that line.
      if (priority < p) return this.fileParsed(i);
    }
    const ln = line;
    let prio = OFP_DEFAULT_PRIORITY, hashed = true;
    ln.nTokens = ln.nVarying = ln.nKeys = ln.valuesRead = 0;
    ln.hashes.fill(0);
    while (p < end) {
      if (ln.nKeys === MAX_ITEMS) return this.fileParsed(i);
      const ks = p;
      let c = 0, h = 0;
      for (; p < end; p++) {
        c = text.charCodeAt(p);
        if (c === 0x2c || c === 0x3d) break;
        if (c < 128 && STOP[c]) return this.fileParsed(i);
        h = keyHash(h, c);
      }
      if (p === ks) return this.fileParsed(i); // an empty key
      const info = keyInfos.at(text, ks, p, h);
      if (p === end || c === 0x2c) { // a keyword: `ip`, `tcp`, ...
        if (info.kind || info.stat) return this.fileParsed(i);
        ln.tokens[ln.nTokens++] = info.id * 4 + 1;
        ln.keys[ln.nKeys++] = info;
        p++;
        continue;
      }
      const vs = ++p;
      let slash = -1;
      for (; p < end; p++) {
        c = text.charCodeAt(p);
        if (c === 0x2c) break;
        if (c === 0x2f) slash = p;
        else if (c < 128 && STOP[c]) return this.fileParsed(i);
      }
      const ve = p++;
      const kind = info.kind;
      if (info.stat) {
        if (info.priority) prio = integerAt(text, vs, ve);
        if (prio > 0xffff || Number.isNaN(prio)) return this.fileParsed(i);
        continue;
      }
      if (!kind) return this.fileParsed(i); // unknown: the parse reports it
      ln.keys[ln.nKeys++] = info;
      ln.tokens[ln.nTokens++] = info.id * 4 + (kind.maskFromText ? 3 : 2);
      if (!kind.maskFromText) {
        ln.tokens[ln.nTokens++] = keptTexts.at(text, vs, ve);
        continue;
      }
      ln.tokens[ln.nTokens++] = slash < 0 ? 0 : keptTexts.at(text, slash, ve);
      ln.varying[ln.nVarying++] = kind.member;
      // Every value is read, so a bad one is reported now and the first bad line is the one reported;
      // a number the fast read takes and that fits the field is good, the rest go to the field's parser.
      let v = maskedNumberAt(kind, text, vs, ve, slash);
      if (v >= kind.limit) v = NaN;
      if (Number.isNaN(v)) {
        const fv = parseFieldValue(kind.field, text.slice(vs, ve), this.ports);
        if (typeof fv === 'string') return this.fileParsed(i);
        if (kind.field.bits < 52 && fv.value < MAX_EXACT) v = Number(fv.value & fv.mask);
      }
      if (kind.member < 0 || !hashed) continue;
      if (Number.isNaN(v)) hashed = false;
      else ln.hashes[STAGE_OF[kind.member]] = mix(ln.hashes[STAGE_OF[kind.member]], v);
      if (kind.valueMember >= 0) {
        ln.values[kind.valueMember] = v;
        ln.valuesRead |= 1 << kind.valueMember;
      }
    }
    // ovs-ofctl normalizes a match by its Ethertype and IP protocol (and ICMPv6 type, for ND
    // fields; normalizeMatch): lines of one shape that give these as values may normalize
    // differently, which only their parse tells.
    for (let k = 0; k < ln.nVarying; k++) {
      const m = ln.varying[k];
      if (m === M.dl_type || m === M.nw_proto) return this.fileParsed(i);
      if (m === M.tp_src && hasNdKey(ln)) return this.fileParsed(i);
    }
    const shape = this.shapeFor(i);
    // Each stage's hash covers the stages before it.
    for (let s = 1; s < N_STAGES; s++) ln.hashes[s] = mix(ln.hashes[s - 1], ln.hashes[s]);
    shape.lines.push(i);
    if (prio > shape.maxPriority) shape.maxPriority = prio;
    const { hashes, values } = this;
    for (let s = 0, k = i * N_STAGES; s < N_STAGES; s++) hashes[k + s] = hashed ? ln.hashes[s] : NaN;
    for (const j of shape.valueIndexes) values[i * N_VALUES + j] = ln.valuesRead & (1 << j) ? ln.values[j] : NaN;
  }

  /** A line only the full parse reads: filed under its parsed mask, not hashed. */
  private fileParsed(i: number): void {
    const rule = this.rule(i);
    const mask = maskKey(rule.match.wc);
    let shape = this.byMask.get(mask);
    if (!shape) {
      this.byMask.set(mask, (shape = this.newShape(i, new Int32Array(0), [-1], [])));
      this.shapes.push(shape);
    }
    shape.lines.push(i);
    if (rule.priority > shape.maxPriority) shape.maxPriority = rule.priority;
    this.hashes.fill(NaN, i * N_STAGES, (i + 1) * N_STAGES);
    for (const j of shape.valueIndexes) this.values[i * N_VALUES + j] = Number(rule.match.flow[VALUE_MEMBERS[j]]);
  }

  /** The shape of the line fileNext read (line i), which starts it if there is none. */
  private shapeFor(i: number): Shape {
    const { tokens, nTokens } = line;
    let h = 0;
    for (let k = 0; k < nTokens; k++) h = mix(h, tokens[k]);
    let same = this.byTokens.get(h);
    if (!same) this.byTokens.set(h, (same = []));
    for (const shape of same) {
      if (shape.tokens.length !== nTokens) continue;
      let k = 0;
      while (k < nTokens && shape.tokens[k] === tokens[k]) k++;
      if (k === nTokens) return shape;
    }
    const shape = this.newShape(i, tokens.slice(0, nTokens), Array.from(line.varying.subarray(0, line.nVarying)), line.keys.slice(0, line.nKeys));
    same.push(shape);
    this.shapes.push(shape);
    return shape;
  }

  /** A shape, from its first line and the keys the lines give (the same on every line). */
  private newShape(first: number, tokens: Int32Array, varying: number[], keys: readonly KeyInfo[]): Shape {
    const mask = this.rule(first).match.wc;
    const touched = keys.flatMap((k) => k.members);
    return {
      lines: [], mask, maxPriority: -1, tokens, varying,
      // A member normalizeMatch dropped from the shape's mask is read on its lines all the same.
      hashed: varying.every((m) => m >= 0 && mask[m] !== 0n) && new Set(touched).size === touched.length,
      valueIndexes: VALUE_MEMBERS.flatMap((m, j) => (mask[m] ? [j] : [])),
    };
  }
}

/** A probed packet's value of one varying member, as the lines' values are read: where its words are and their mask. */
interface VaryingWords {
  stage: number;
  at: number;
  mask: Int32Array;
}

/** A fixed member's words: where they are, their mask, and the shape's value. */
interface FixedWord {
  stage: number;
  at: number;
  mask: number;
  value: number;
}

/** A member's value under `mask` as the words `at`.. hold it, as a number; -1 when MAX_EXACT or more (no line is filed so). */
function wordsNumber(words: Int32Array, at: number, mask: Int32Array): number {
  const lo = (words[at] & mask[0]) >>> 0;
  if (mask.length === 1) return lo;
  const hi = (words[at + 1] & mask[1]) >>> 0;
  for (let k = 2; k < mask.length; k++) if (words[at + k] & mask[k]) return -1;
  return hi < MAX_EXACT / 2 ** 32 ? hi * 2 ** 32 + lo : -1;
}

/** A mask's words, least significant first. */
function maskWordsOf(mask: bigint, n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, k) => Number(BigInt.asIntN(32, mask >> BigInt(32 * k))));
}

/** Lookups of one stage after which a group indexes its lines by that stage's hash, rather than reading them all. */
const SCANS_BEFORE_INDEX = 4;

/**
 * A shape of an IndexedTable, for one classifier. A lookup asks, stage by
 * stage, for lines whose values up to that stage equal the packet's, found
 * by their stage hashes; only those lines are built. Lines filed without
 * hashes are handed out with the first question.
 */
class LazyGroup implements RuleGroup {
  readonly mask: Flow;
  readonly maxPriority: number;
  /** Per line of the shape: handed out yet? */
  private readonly out: Uint8Array;
  /** Lines not handed out yet: once none, take() has nothing to look up. */
  private remaining: number;
  private first = true;
  /** The last stage with members in the mask: the hashes of a full key. */
  private readonly lastStage: number;
  /** Per stage, lines by hash, built once the stage is asked about SCANS_BEFORE_INDEX times. */
  private readonly byHash: (Map<number, number[]> | undefined)[] = new Array(N_STAGES).fill(undefined);
  private readonly asks = new Int32Array(N_STAGES);
  /** Where the probe's words are, for the classifier's layout (set on the first question). */
  private layout: WordLayout | undefined;
  private varyingWords: VaryingWords[] = [];
  private fixedWords: FixedWord[] = [];
  /** The probed packet's stage hashes (scratch). */
  private readonly h = new Array<number>(N_STAGES).fill(0);

  constructor(private readonly table: IndexedTable, private readonly shape: FiledOrAdopted) {
    this.mask = shape.mask;
    this.maxPriority = shape.maxPriority;
    this.out = new Uint8Array(shape.lines.length);
    this.remaining = shape.lines.length;
    let last = 0;
    for (let m = 0; m < shape.mask.length; m++) if (shape.mask[m]) last = Math.max(last, STAGE_OF[m]);
    this.lastStage = last;
  }

  get exhausted(): boolean {
    return this.remaining === 0;
  }

  take(probe: Probe, stage: number, add: (rule: Rule) => boolean): boolean {
    if (this.remaining === 0) return false;
    const { lines, hashed } = this.shape;
    let enough = false;
    if (this.first) {
      this.first = false;
      const { hashes } = this.table;
      for (let n = 0; n < lines.length; n++) if (!hashed || Number.isNaN(hashes[lines[n] * N_STAGES])) enough = this.handOut(n, add) || enough;
      if (!hashed || enough) return enough;
    }
    if (probe.layout !== this.layout) this.locate(probe.layout);
    const s = Math.min(stage, this.lastStage);
    if (!this.probeAgrees(probe.words, s)) return false;
    for (const n of this.candidates(s, this.h[s])) if (this.handOut(n, add)) return true;
    return false;
  }

  /** Where the varying and fixed members' words are in the classifier's layout. */
  private locate(layout: WordLayout): void {
    this.layout = layout;
    const { mask, varying } = this.shape;
    const firstRule = this.table.rule(this.shape.lines[0]).match.flow;
    this.varyingWords = varying.map((m) => ({ stage: STAGE_OF[m], at: layout.first[m], mask: maskWordsOf(mask[m], wordsOf(MEMBERS[m].bits)) }));
    this.fixedWords = [];
    for (let m = 0; m < mask.length; m++) {
      if (!mask[m] || varying.includes(m)) continue;
      const n = wordsOf(MEMBERS[m].bits);
      const masks = maskWordsOf(mask[m], n), values = maskWordsOf(firstRule[m] & mask[m], n);
      for (let k = 0; k < n; k++) if (masks[k]) this.fixedWords.push({ stage: STAGE_OF[m], at: layout.first[m] + k, mask: masks[k], value: values[k] });
    }
  }

  /**
   * Whether the probed words agree with the shape's fixed members of stages
   * 0..s, their stage hashes (as the lines' are made) into this.h.
   */
  private probeAgrees(words: Int32Array, s: number): boolean {
    for (const f of this.fixedWords) if (f.stage <= s && (words[f.at] & f.mask) !== f.value) return false;
    const h = this.h;
    h.fill(0);
    for (const v of this.varyingWords) h[v.stage] = mix(h[v.stage], wordsNumber(words, v.at, v.mask));
    for (let t = 1; t <= s; t++) h[t] = mix(h[t - 1], h[t]);
    return true;
  }

  /** Lines whose stage-s hash is h. */
  private candidates(s: number, h: number): readonly number[] {
    const { lines } = this.shape, { hashes } = this.table;
    if (++this.asks[s] >= SCANS_BEFORE_INDEX) {
      let index = this.byHash[s];
      if (!index) {
        this.byHash[s] = index = new Map();
        for (let n = 0; n < lines.length; n++) {
          const k = hashes[lines[n] * N_STAGES + s];
          if (Number.isNaN(k)) continue; // handed out with the first question
          const list = index.get(k);
          if (list) list.push(n);
          else index.set(k, [n]);
        }
      }
      return index.get(h) ?? [];
    }
    const found: number[] = [];
    for (let n = 0; n < lines.length; n++) if (hashes[lines[n] * N_STAGES + s] === h) found.push(n);
    return found;
  }

  /** Hands line n's rule to `add` unless handed out before; what `add` returns. */
  private handOut(n: number, add: (rule: Rule) => boolean): boolean {
    if (this.out[n]) return false;
    this.out[n] = 1;
    this.remaining--;
    return add(this.table.rule(this.shape.lines[n]));
  }

  values(member: number): number[] {
    const j = VALUE_MEMBERS.indexOf(member);
    if (j < 0) throw new Error(`values() of member ${member}, not one of VALUE_MEMBERS`);
    const { lines, valueIndexes } = this.shape, { values } = this.table;
    const out = new Array<number>(lines.length).fill(0);
    if (!valueIndexes.includes(j)) return out;
    for (let n = 0; n < out.length; n++) {
      const v = values[lines[n] * N_VALUES + j];
      out[n] = Number.isNaN(v) ? Number(this.table.rule(lines[n]).match.flow[member]) : v;
    }
    return out;
  }
}

/** A dump's tables, not filed yet. */
export function tablesOf(index: FlowsIndex, ctx: FlowsContext): Map<number, IndexedTable> {
  const tables = new Map<number, IndexedTable>();
  for (const [id, lines] of index.byTable) tables.set(id, new IndexedTable(lines, ctx));
  return tables;
}

/**
 * A dump's tables, their lines filed in file order: lines of one table lie
 * scattered through a dump, and reading the text front to back is what
 * keeps a million-line dump in the memory caches.
 */
export function indexedTables(index: FlowsIndex, ctx: FlowsContext): Map<number, IndexedTable> {
  const tables = tablesOf(index, ctx);
  const { lineTables } = index;
  let current = -1, table: IndexedTable | undefined;
  for (let k = 0; k < lineTables.length; k++) {
    if (k % PROGRESS_EVERY === 0 && k) ctx.progress?.(`indexing ${ctx.file}`, k, lineTables.length);
    if (lineTables[k] !== current) table = tables.get((current = lineTables[k]));
    table!.fileNext();
  }
  ctx.progress?.(`indexing ${ctx.file}`, lineTables.length, lineTables.length);
  return tables;
}
