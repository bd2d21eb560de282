// From dump-flows lines to Rules: stats keys, then the match (via the field
// table), then the actions (via the action table).
import { parseDumpFlows, parseFlowLineAt, isFlowsHeader, type FlowLine } from '../../grammar/dump-flows.js';
import { rejectBinary } from '../../grammar/lines.js';
import { fieldByName, type Field } from '../meta-flow/field.js';
import { parseFieldValue, setMatchField } from '../meta-flow/field-parse.js';
import { addEthernetPrereq, normalizeMatch, OFP_DEFAULT_PRIORITY, setDefaultPacketType, type Match } from '../meta-flow/match.js';
import { M, MEMBERS, allOnes, ETH_TYPE, flowsEqual, IPPROTO, newFlow, type Flow } from '../meta-flow/flow.js';
import { parseInteger } from '../meta-flow/values.js';
import { parseActions } from '../ofp/actions.js';
import type { Ofpact } from '../ofp/ofpact.js';
import { lookupName, type PortNames } from '../ofp/ports.js';
import { InputError, quoteToken } from '../model/errors.js';
import type { Rule, RuleStats } from '../model/rule.js';
import { PROGRESS_EVERY, type ProgressSink } from './progress.js';

/** ofp_protocols: shorthand keys that set dl_type and maybe nw_proto. */
const PROTOCOLS: ReadonlyMap<string, [bigint, bigint?]> = new Map([
  ['ip', [ETH_TYPE.IP]], ['ipv6', [ETH_TYPE.IPV6]],
  ['icmp', [ETH_TYPE.IP, IPPROTO.ICMP]], ['icmp6', [ETH_TYPE.IPV6, IPPROTO.ICMPV6]],
  ['tcp', [ETH_TYPE.IP, IPPROTO.TCP]], ['tcp6', [ETH_TYPE.IPV6, IPPROTO.TCP]],
  ['udp', [ETH_TYPE.IP, IPPROTO.UDP]], ['udp6', [ETH_TYPE.IPV6, IPPROTO.UDP]],
  ['sctp', [ETH_TYPE.IP, IPPROTO.SCTP]], ['sctp6', [ETH_TYPE.IPV6, IPPROTO.SCTP]],
  ['arp', [ETH_TYPE.ARP]], ['rarp', [ETH_TYPE.RARP]],
  ['mpls', [ETH_TYPE.MPLS]], ['mplsm', [ETH_TYPE.MPLS_MCAST]],
]);

export function protocolShorthand(key: string): [bigint, bigint?] | undefined {
  return PROTOCOLS.get(key);
}

/** Set dl_type (and nw_proto) as a protocol keyword does. */
export function setProtocol(match: Match, proto: [bigint, bigint?]): void {
  match.flow[M.dl_type] = proto[0];
  match.wc[M.dl_type] = allOnes(16);
  if (proto[1] !== undefined) {
    match.flow[M.nw_proto] = proto[1];
    match.wc[M.nw_proto] = allOnes(8);
  }
  setDefaultPacketType(match);
}

/** Names match_format prints that mf_from_name does not know: OVS drops the `tun_` of the GTP-U fields. */
const PRINTED_FIELD_NAMES: ReadonlyMap<string, string> = new Map([
  ['gtpu_flags', 'tun_gtpu_flags'], ['gtpu_msgtype', 'tun_gtpu_msgtype'],
]);

/** The field a match key names (`nw_src`, `NXM_NX_REG0`, ...), as dump-flows prints it. */
export function matchField(key: string): Field | undefined {
  return fieldByName(PRINTED_FIELD_NAMES.get(key) ?? key);
}

const FLAG_KEYS = ['send_flow_rem', 'check_overlap', 'reset_counts', 'no_packet_counts', 'no_byte_counts', 'allow_hidden_fields', 'no_readonly_table'];

type StatSetter = (r: Rule, v: string) => boolean;
/** str_to_u16/str_to_uint: base 0, as parseInteger reads it. */
const int = (v: string) => {
  const n = parseInteger(v);
  return n === undefined || n > 0xffffffffn ? undefined : Number(n);
};
const STATS: ReadonlyMap<string, StatSetter> = new Map<string, StatSetter>([
  ['cookie', (r, v) => { if (!/^0x[0-9a-f]+$/i.test(v)) return false; r.cookie = BigInt(v); return true; }],
  ['duration', (r, v) => { r.stats.duration = v; return /^\d+(\.\d+)?s$/.test(v); }],
  ['n_packets', (r, v) => { r.stats.nPackets = v; return /^(\d+|\?)$/.test(v); }],
  ['n_bytes', (r, v) => { r.stats.nBytes = v; return /^(\d+|\?)$/.test(v); }],
  ['idle_timeout', (r, v) => (r.stats.idleTimeout = int(v)) !== undefined],
  ['hard_timeout', (r, v) => (r.stats.hardTimeout = int(v)) !== undefined],
  ['idle_age', (r, v) => (r.stats.idleAge = int(v)) !== undefined],
  ['hard_age', (r, v) => (r.stats.hardAge = int(v)) !== undefined],
  ['importance', (r, v) => (r.stats.importance = int(v)) !== undefined],
  ['priority', (r, v) => int(v) !== undefined && (r.priority = int(v)!) <= 0xffff],
]);

/** Keys of a flow line that are not part of its match (priority is, but has its own key). */
export function isStatKey(key: string): boolean {
  return key === 'table' || STATS.has(key);
}

export interface FlowsContext {
  file: string;
  ports?: PortNames;
  /** Table names, which `--names` dumps print instead of ids. */
  tables?: PortNames;
  progress?: ProgressSink;
  /** Where a line's warning goes (a hand-written match that ovs-ofctl would normalize). */
  warn?: (message: string) => void;
}

function lineError(ctx: FlowsContext, line: FlowLine, column: number, msg: string): InputError {
  return new InputError(msg, ctx.file, line.src.line, column);
}

/** Build a Rule from one parsed dump-flows line. */
export function ruleFromLine(line: FlowLine, ctx: FlowsContext): Rule {
  const stats: RuleStats = { flags: [] };
  const shared = sharedPartsOf(ctx);
  // The scratch wildcards are zero: the last rule's mask() or error left them so.
  const rule: Rule = {
    table: 0, priority: OFP_DEFAULT_PRIORITY, cookie: 0n, match: { flow: newFlow(), wc: shared.scratchWc }, actions: [], stats,
    source: { file: ctx.file, line: line.src.line },
  };
  try {
    parseItems(rule, line, ctx);
  } catch (e) {
    shared.scratchWc.fill(0n);
    throw e;
  }
  const dropped = normalizeMatch(rule.match);
  if (dropped.length) {
    const names = dropped.map((m) => MEMBERS[m].name).join(', ');
    ctx.warn?.(`warning: ${ctx.file}:${line.src.line}: ${names} dropped from the match, which lacks ${dropped.length > 1 ? 'their' : 'its'} prerequisites, as ovs-ofctl add-flow drops ${dropped.length > 1 ? 'them' : 'it'}`);
  }
  rule.match.wc = shared.mask();
  rule.actions = shared.actionsOf(line, ctx);
  return rule;
}

/** The line's stats and match into `rule`. */
function parseItems(rule: Rule, line: FlowLine, ctx: FlowsContext): void {
  const { stats } = rule;
  for (const item of line.items) {
    const { key, value, column } = item;
    if (value === undefined) {
      const proto = PROTOCOLS.get(key);
      if (proto) setProtocol(rule.match, proto);
      else if (FLAG_KEYS.includes(key)) stats.flags.push(key);
      else throw lineError(ctx, line, column, `unknown keyword ${quoteToken(key)}`);
      continue;
    }
    if (key === 'table') {
      const n = int(value);
      const id = n ?? (ctx.tables && lookupName(value, ctx.tables));
      if (id === undefined) throw lineError(ctx, line, column + 'table='.length, `unknown table ${quoteToken(value)} (a --names dump prints table names, whose ids oftrace does not know)`);
      if (id > 254) throw lineError(ctx, line, column + 'table='.length, `bad table id ${quoteToken(value)}`);
      rule.table = id;
      continue;
    }
    const stat = STATS.get(key);
    if (stat) {
      if (!stat(rule, value)) throw lineError(ctx, line, column, `bad value ${quoteToken(value)} for ${key}`);
      continue;
    }
    const field = matchField(key);
    if (!field) throw lineError(ctx, line, column, `unknown field ${quoteToken(key)}`);
    const fv = parseFieldValue(field, value, ctx.ports);
    if (typeof fv === 'string') throw lineError(ctx, line, column + key.length + 1, `bad value for ${key}: ${fv}`);
    setMatchField(rule.match, field, fv);
    addEthernetPrereq(rule.match, field);
  }
}

/**
 * What the rules of one dump share (per FlowsContext: parsing depends on its
 * port and table names and nothing else). An OVN table repeats a few masks
 * and action lists over thousands of rules: rules share one array of each,
 * which nothing changes after parsing.
 */
class SharedParts {
  /** Parsed actions by their text; cleared when it holds ACTIONS_KEPT, so a dump whose actions all differ keeps no more than its rules do. */
  private actions = new Map<string, Ofpact[]>();
  /** Masks seen, by a hash of the members each covers. */
  private readonly masks = new Map<number, Flow[]>();
  /** The wildcards a rule being parsed sets, which mask() copies when they are new. */
  readonly scratchWc = newFlow();

  actionsOf(line: FlowLine, ctx: FlowsContext): Ofpact[] {
    let actions = this.actions.get(line.actions);
    if (!actions) {
      actions = parseActions(line.actions, { file: ctx.file, line: line.src.line, column: line.actionsColumn }, ctx.ports, ctx.tables);
      if (this.actions.size >= ACTIONS_KEPT) this.actions = new Map();
      this.actions.set(line.actions, actions);
    }
    return actions;
  }

  /** The shared mask equal to scratchWc, which it leaves zeroed. */
  mask(): Flow {
    const wc = this.scratchWc;
    let h = 0;
    for (let m = 0; m < wc.length; m++) if (wc[m]) h = (Math.imul(h, 31) + m) | 0;
    let same = this.masks.get(h);
    if (!same) this.masks.set(h, (same = []));
    let mask = same.find((known) => flowsEqual(known, wc));
    if (!mask) same.push((mask = wc.slice()));
    wc.fill(0n);
    return mask;
  }
}

const ACTIONS_KEPT = 1 << 16;
const sharedParts = new WeakMap<FlowsContext, SharedParts>();

function sharedPartsOf(ctx: FlowsContext): SharedParts {
  let parts = sharedParts.get(ctx);
  if (!parts) sharedParts.set(ctx, (parts = new SharedParts()));
  return parts;
}

/**
 * A dump-flows file split into its flow lines by table, without parsing the
 * flows: finding `table=N` is a cheap scan, parsing a flow is not, and a
 * trace only needs the tables it reaches.
 */
export interface FlowsIndex {
  byTable: Map<number, TableLines>;
  /** Each flow line's table, in file order. */
  lineTables: number[];
}

/**
 * One table's flow lines: offsets into the dump's text, so a line costs no
 * string until it is read. Arrays while indexing; a filing worker receives
 * them as Int32Arrays (filing-worker.ts).
 */
export interface TableLines<Offsets extends ArrayLike<number> = ArrayLike<number>> {
  text: string;
  starts: Offsets;
  ends: Offsets;
  /** Where each line's `actions=` is (its end when it has none): the match ends before it. */
  heads: Offsets;
  lineNos: Offsets;
}

/** Parse line i of a table into a Rule. */
export function ruleAt(lines: TableLines, i: number, ctx: FlowsContext): Rule {
  return ruleFromLine(parseFlowLineAt(lines.text, lines.starts[i], lines.ends[i], lines.lineNos[i], ctx.file), ctx);
}

/** Next occurrence of `what` at or after a position, remembered so a scan line by line stays linear. */
export class NextOccurrence {
  private at = -1;
  constructor(private readonly text: string, private readonly what: string) {}

  from(pos: number): number {
    if (this.at !== -2 && this.at < pos) {
      this.at = this.text.indexOf(this.what, pos);
      if (this.at < 0) this.at = -2;
    }
    return this.at === -2 ? Infinity : this.at;
  }
}

/** Space, tab, or another character `\s` matches in a line. */
function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d || c === 0xa0;
}

/** A decimal `table=` value at p ended by a separator, read in place (a line each in a million-line dump). */
function tableNumberAt(text: string, p: number, end: number): number | undefined {
  let id = 0, q = p;
  for (; q < end && q - p < 4; q++) {
    const c = text.charCodeAt(q);
    if (c < 0x30 || c > 0x39) break;
    id = id * 10 + (c - 0x30);
  }
  const next = q < end ? text.charCodeAt(q) : 0x2c;
  return q > p && (next === 0x2c || next === 0x20 || next === 0x09) ? id : undefined;
}

/** A flow line: where it starts and ends (before any CR) in the dump's text, and its line number. */
interface FlowLineSpan {
  start: number;
  end: number;
  lineNo: number;
}

/**
 * Calls `each` for every flow line of a dump (not its reply headers, nor
 * blank lines), in file order, with one span object it reuses: both scans
 * of a dump go through here, so they agree on what a flow line is.
 */
function forEachFlowLine(text: string, ctx: FlowsContext, each: (line: FlowLineSpan) => void): void {
  const line: FlowLineSpan = { start: 0, end: 0, lineNo: 0 };
  for (let pos = 0; pos < text.length;) {
    const nl = text.indexOf('\n', pos);
    const start = pos;
    let end = nl < 0 ? text.length : nl;
    pos = end + 1;
    if (++line.lineNo % PROGRESS_EVERY === 0) ctx.progress?.(`reading ${ctx.file}`, pos, text.length);
    if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
    let first = start;
    while (first < end && isBlank(text.charCodeAt(first))) first++;
    if (first === end) continue;
    const c = text.charCodeAt(first);
    if ((c === 0x4e || c === 0x4f) && isFlowsHeader(text.slice(start, end))) continue; // N(XST), O(FPST)
    line.start = start;
    line.end = end;
    each(line);
  }
}

/** Rejects a flows dump that is clearly no dump: empty (a failed capture), or binary. */
function checkFlowsText(text: string, ctx: FlowsContext): void {
  if (text.trim() === '') throw new InputError('empty file, expected `ovs-ofctl dump-flows` output', ctx.file);
  rejectBinary(text, ctx.file);
}

/**
 * Whether more than half of a dump's flows print `reset_counts` (before
 * `actions=`), what choosing among a bridge's dumps asks (chooseFlows in
 * load.ts). Found from the occurrences, and lines counted only when there
 * are some: a sosreport holds a dump per OpenFlow version, and only one is used.
 */
export function mostFlowsResetCounts(text: string, ctx: FlowsContext): boolean {
  checkFlowsText(text, ctx);
  let resetCounts = 0;
  for (let at = text.indexOf('reset_counts'); at >= 0;) {
    const lineEnd = text.indexOf('\n', at);
    const actions = text.indexOf('actions=', text.lastIndexOf('\n', at) + 1);
    if (actions < 0 || actions > at) resetCounts++;
    at = lineEnd < 0 ? -1 : text.indexOf('reset_counts', lineEnd);
  }
  if (resetCounts === 0) return false;
  let flows = 0;
  forEachFlowLine(text, ctx, () => flows++);
  return resetCounts * 2 > flows;
}

export function indexFlowsDump(text: string, ctx: FlowsContext): FlowsIndex {
  const index: FlowsIndex = { byTable: new Map(), lineTables: [] };
  const byTable = new Map<number, TableLines<number[]>>();
  const actions = new NextOccurrence(text, 'actions=');
  const tableKey = new NextOccurrence(text, 'table=');
  checkFlowsText(text, ctx);
  forEachFlowLine(text, ctx, ({ start, end, lineNo }) => {
    const headEnd = Math.min(end, actions.from(start));
    let table = 0;
    // `table=` as a key: at the start of the line or after a separator.
    for (let at = tableKey.from(start); at < headEnd; at = text.indexOf('table=', at + 1)) {
      if (at < 0) break;
      if (at > start && !isBlank(text.charCodeAt(at - 1)) && text.charCodeAt(at - 1) !== 0x2c) continue;
      const valueAt = at + 'table='.length;
      let id = tableNumberAt(text, valueAt, headEnd);
      if (id === undefined) {
        const value = /^("(?:[^"\\]|\\.)*"|[^\s,]+)/.exec(text.slice(valueAt, headEnd))?.[1] ?? '';
        id = ctx.tables && lookupName(value, ctx.tables);
      }
      // Let the full parse report it, with its column.
      table = id === undefined || id > 254 ? -1 : id;
      break;
    }
    let lines = byTable.get(table);
    if (!lines) {
      byTable.set(table, (lines = { text, starts: [], ends: [], heads: [], lineNos: [] }));
      index.byTable.set(table, lines);
    }
    lines.starts.push(start);
    lines.ends.push(end);
    lines.heads.push(headEnd);
    lines.lineNos.push(lineNo);
    index.lineTables.push(table);
  });
  // A bad table id is an error now, not when some trace reaches it.
  const bad = index.byTable.get(-1);
  if (bad) ruleAt(bad, 0, ctx);
  return index;
}

export interface ParsedFlows {
  rules: Rule[];
  ofVersion?: string;
}

export function parseFlowsDump(text: string, ctx: FlowsContext, onError?: (e: Error) => void): ParsedFlows {
  // ovs-ofctl always prints a reply header, so an empty file is a failed or wrong capture.
  if (text.trim() === '') {
    const e = new InputError('empty file, expected `ovs-ofctl dump-flows` output', ctx.file);
    if (!onError) throw e;
    onError(e);
    return { rules: [] };
  }
  // Syntax errors surface in the grammar pass, the others here; report all in line order.
  const skipped: InputError[] = [];
  const dump = parseDumpFlows(text, ctx.file, onError && ((e) => skipped.push(e as InputError)));
  const rules: Rule[] = [];
  for (const line of dump.flows) {
    try {
      rules.push(ruleFromLine(line, ctx));
    } catch (e) {
      if (!onError || !(e instanceof InputError)) throw e;
      skipped.push(e);
    }
  }
  for (const e of skipped.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))) onError!(e);
  return { rules, ofVersion: dump.ofVersion };
}
