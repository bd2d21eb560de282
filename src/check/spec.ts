// The `oftrace check` spec: a YAML file naming a snapshot and the packets to
// trace with what each must (not) do. Every mistake in it is a SpecError
// naming the spec's file and line, so CI logs point at the line to fix.
import { dirname, resolve } from 'node:path';
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Node, type Pair, type YAMLMap } from 'yaml';
import { InputError } from '../model/errors.js';
import { parseCtNext } from '../trace/ct-state.js';

/** What a case expects; each key is optional and checked only when given. */
export interface Expect {
  /** Ports (interface names or OpenFlow port numbers) the packet must leave by. */
  outputs_include?: string[];
  outputs_exclude?: string[];
  max_outputs?: number;
  drop?: boolean;
  /** Exact `Datapath actions:` of the first pass. */
  datapath_actions?: string;
  /** Exact `Megaflow:` of the first pass. */
  megaflow?: string;
  /** `bridge:table` pairs the trace must pass through. */
  visits?: string[];
  loop?: boolean;
}

export type ExpectKey = keyof Expect;

export interface CheckCase {
  name: string;
  bridge: string;
  flow: string;
  /** ct_state per conntrack recirculation, already validated. */
  ctNext: number[];
  /** The ct_next text as written, for `diff` and reports. */
  ctNextText: string[];
  expect: Expect;
  /** Spec line of the case, and of its `bridge` and `flow`, for errors found once the snapshot is loaded. */
  line: number;
  bridgeLine: number;
  flowLine: number;
  /** Spec line of each item of the port and table lists, for names the snapshot does not have. */
  itemLines: Partial<Record<StringListKey, number[]>>;
}

export interface CheckSpec {
  file: string;
  /** The snapshot path, resolved against the spec's folder. */
  snapshot: string;
  snapshotLine: number;
  cases: CheckCase[];
}

export class SpecError extends InputError {}

const STRING_LIST_KEYS = ['outputs_include', 'outputs_exclude', 'visits'] as const;
export type StringListKey = (typeof STRING_LIST_KEYS)[number];
const EXPECT_KEYS: readonly ExpectKey[] = [
  ...STRING_LIST_KEYS, 'max_outputs', 'drop', 'datapath_actions', 'megaflow', 'loop',
];
const CASE_KEYS = ['name', 'bridge', 'flow', 'ct_next', 'expect'];

export function parseSpec(text: string, file: string): CheckSpec {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = lc.linePos(e.pos[0]);
    // The parser recurses once per level of nesting, and reports running out of stack as an error of the text.
    const message = e.message.includes('Maximum call stack') ? 'nested too deeply' : e.message.split('\n')[0];
    throw new SpecError(message, file, at.line);
  }
  const lineOf = (n: Node | Pair | null | undefined): number => {
    const range = n && 'range' in n ? n.range : n && 'key' in n ? (n.key as Node | null)?.range : undefined;
    return range ? lc.linePos(range[0]).line : 1;
  };
  const fail = (msg: string, at: Node | Pair | null | undefined): never => {
    throw new SpecError(msg, file, lineOf(at));
  };

  const keyed = (map: unknown, what: string, allowed: readonly string[]): Map<string, Pair> => {
    if (!isMap(map)) return fail(`${what} must be a mapping`, map as Node);
    const out = new Map<string, Pair>();
    for (const pair of (map as YAMLMap).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) fail(`${what}: unknown key ${JSON.stringify(key)} (expected one of ${allowed.join(', ')})`, pair);
      if (out.has(key)) fail(`${what}: duplicate key ${JSON.stringify(key)}`, pair);
      out.set(key, pair);
    }
    return out;
  };
  const scalar = (pair: Pair, what: string, type: 'string' | 'number' | 'boolean'): string | number | boolean => {
    const v = pair.value;
    if (!isScalar(v) || typeof v.value !== type || (type === 'string' && v.value === '')) {
      return fail(`${what} must be ${type === 'boolean' ? 'true or false' : type === 'number' ? 'a number' : 'a non-empty string'}`, isNode(v) ? v : pair);
    }
    return v.value as string | number | boolean;
  };
  /** A list of strings; numbers (ofports) are kept as written. A lone scalar is a one-item list. */
  const stringList = (pair: Pair, what: string): { text: string; node: Node }[] => {
    const v = pair.value;
    const items = isSeq(v) ? v.items : [v];
    return items.map((item) => {
      if (!isScalar(item) || !['string', 'number'].includes(typeof item.value) || item.value === '') {
        return fail(`${what}: each item must be a string or number`, (item as Node | null) ?? pair);
      }
      return { text: String(item.value), node: item };
    });
  };

  const top = keyed(doc.contents, 'spec', ['snapshot', 'cases']);
  const snapPair = top.get('snapshot') ?? fail('spec: missing "snapshot" (a --dumps folder or sosreport, relative to the spec)', doc.contents);
  const casesPair = top.get('cases') ?? fail('spec: missing "cases"', doc.contents);
  if (!isSeq(casesPair.value) || casesPair.value.items.length === 0) fail('cases must be a non-empty list', casesPair);

  const names = new Set<string>();
  const cases = (casesPair.value as { items: unknown[] }).items.map((item, i): CheckCase => {
    const fields = keyed(item, `case ${i + 1}`, CASE_KEYS);
    const need = (k: string) => fields.get(k) ?? fail(`case ${i + 1}: missing "${k}"`, item as Node);
    const name = scalar(need('name'), `case ${i + 1}: name`, 'string') as string;
    if (names.has(name)) fail(`duplicate case name ${JSON.stringify(name)}`, need('name'));
    names.add(name);
    const where = `case ${JSON.stringify(name)}`;

    const ctNext: number[] = [];
    const ctNextText: string[] = [];
    const ctPair = fields.get('ct_next');
    let items = ctPair ? stringList(ctPair, `${where}: ct_next`) : [];
    // Each item is one recirculation's ct_state ("trk,est"), but a list of
    // bare flags such as `[trk,est]` that is only valid as a whole is read as
    // one state, the way the flags are usually meant.
    const joined = items.map((x) => x.text).join(',');
    if (items.length > 1 && items.some((x) => typeof parseCtNext(x.text) === 'string') && typeof parseCtNext(joined) === 'number') {
      items = [{ text: joined, node: items[0].node }];
    }
    for (const { text, node } of items) {
      const st = parseCtNext(text);
      if (typeof st === 'string') fail(`${where}: ct_next: ${st.split('\n')[0]} (each item is one recirculation's ct_state, e.g. "trk,est")`, node);
      ctNext.push(st as number);
      ctNextText.push(text);
    }

    const expectPair = need('expect');
    const exp = keyed(expectPair.value, `${where}: expect`, EXPECT_KEYS);
    if (exp.size === 0) fail(`${where}: expect has no expectations`, expectPair);
    const expect: Expect = {};
    const itemLines: CheckCase['itemLines'] = {};
    for (const k of STRING_LIST_KEYS) {
      const p = exp.get(k);
      if (!p) continue;
      const list = stringList(p, `${where}: ${k}`);
      if (k === 'visits') {
        for (const v of list) if (!/^[^:\s]+:\d+$/.test(v.text)) fail(`${where}: visits: ${JSON.stringify(v.text)} is not BRIDGE:TABLE`, v.node);
      }
      expect[k] = list.map((v) => v.text);
      itemLines[k] = list.map((v) => lineOf(v.node));
    }
    const n = exp.get('max_outputs');
    if (n) {
      const v = scalar(n, `${where}: max_outputs`, 'number') as number;
      if (!Number.isInteger(v) || v < 0) fail(`${where}: max_outputs must be a whole number`, n.value as Node);
      expect.max_outputs = v;
    }
    for (const k of ['drop', 'loop'] as const) {
      const p = exp.get(k);
      if (p) expect[k] = scalar(p, `${where}: ${k}`, 'boolean') as boolean;
    }
    for (const k of ['datapath_actions', 'megaflow'] as const) {
      const p = exp.get(k);
      if (p) expect[k] = scalar(p, `${where}: ${k}`, 'string') as string;
    }

    return {
      name,
      bridge: scalar(need('bridge'), `${where}: bridge`, 'string') as string,
      flow: scalar(need('flow'), `${where}: flow`, 'string') as string,
      ctNext, ctNextText, expect,
      line: lineOf(item as Node), bridgeLine: lineOf(need('bridge')), flowLine: lineOf(need('flow')), itemLines,
    };
  });

  const snapshot = scalar(snapPair, 'snapshot', 'string') as string;
  return { file, snapshot: resolve(dirname(file), snapshot), snapshotLine: lineOf(snapPair), cases };
}
