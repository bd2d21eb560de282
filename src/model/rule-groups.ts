// A table's rules as the classifier consumes them: grouped by match mask (one
// group per OVS subtable, or several with the same mask), each group handing
// out its rules when a lookup could need them. A dump's tables arrive as
// lazy groups (src/ingest/table-index.ts) that build only the rules a
// packet's lookup can need; rules already in memory are one RuleList per mask.
import { M, type Flow } from '../meta-flow/flow.js';
import type { WordLayout } from '../xlate/flow-words.js';
import type { Rule } from './rule.js';

/** The packet a lookup asks a group about: its members, and the same loaded as a classifier's words. */
export interface Probe {
  flow: Flow;
  words: Int32Array;
  layout: WordLayout;
}

export interface RuleGroup {
  /** The wildcards every rule of the group has. */
  readonly mask: Flow;
  readonly maxPriority: number;
  /**
   * Hands `add`, one at a time, rules not handed out yet whose values of
   * lookup stages 0..stage (STAGE_OF) may be the probed packet's, until
   * `add` returns true (for an earlier stage the lookup asks only whether
   * one exists; for the last, it takes them all); whether `add` did. A
   * group may hand out more rules than asked for, never fewer.
   */
  take(probe: Probe, stage: number, add: (rule: Rule) => boolean): boolean;
  /** Every rule handed out. */
  readonly exhausted: boolean;
  /** Every rule's value of `member`, one of VALUE_MEMBERS (all 32 bits or less), in the group's rule order. */
  values(member: number): number[];
}

/** Members whose values the classifier's tries read from every rule: nw_dst/nw_src prefixes, tp_src:tp_dst. */
export const VALUE_MEMBERS: readonly number[] = [M.nw_dst, M.nw_src, M.tp_src, M.tp_dst];

/** Rules already built, with one mask: handed out in order, whatever the packet. */
export class RuleList implements RuleGroup {
  readonly maxPriority: number;
  private next = 0;

  constructor(readonly mask: Flow, private readonly rules: Rule[]) {
    this.maxPriority = rules.reduce((max, r) => Math.max(max, r.priority), -1);
  }

  take(_probe: Probe, _stage: number, add: (rule: Rule) => boolean): boolean {
    while (this.next < this.rules.length) if (add(this.rules[this.next++])) return true;
    return false;
  }

  get exhausted(): boolean {
    return this.next === this.rules.length;
  }

  values(member: number): number[] {
    return this.rules.map((r) => Number(r.match.flow[member]));
  }
}

/** Group rules by mask, masks in order of first appearance. */
export function groupByMask(rules: readonly Rule[]): RuleGroup[] {
  const byMask = new Map<string, Rule[]>();
  for (const rule of rules) {
    const key = maskKey(rule.match.wc);
    const list = byMask.get(key);
    if (list) list.push(rule);
    else byMask.set(key, [rule]);
  }
  return [...byMask.values()].map((list) => new RuleList(list[0].match.wc, list));
}

/** A mask as a string key: equal masks, equal keys. */
export function maskKey(wc: Flow): string {
  let key = '';
  for (let m = 0; m < wc.length; m++) if (wc[m]) key += m + ':' + wc[m].toString(36) + ',';
  return key;
}
