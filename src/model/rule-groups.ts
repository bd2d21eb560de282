// A table's rules as the classifier consumes them: grouped by match mask (one
// group per OVS subtable, or several with the same mask), each group handing
// out its rules when a lookup could need them. A dump's tables arrive as
// lazy groups (src/ingest/table-index.ts) that build only the rules a
// packet's lookup can need; rules already in memory are one RuleList per mask.
import { M, type Flow } from '../meta-flow/flow.js';
import type { Rule } from './rule.js';

export interface RuleGroup {
  /** The wildcards every rule of the group has. */
  readonly mask: Flow;
  readonly maxPriority: number;
  /**
   * Rules not handed out yet that a classifier lookup of `flow` may need:
   * every rule whose masked values equal the flow's, and, for each earlier
   * lookup stage (metadata, L2, L3), a rule that equals the flow up to that
   * stage if there is one (the lookup asks only whether one exists).
   */
  take(flow: Flow): Rule[];
  /** Every rule handed out. */
  readonly exhausted: boolean;
  /** Every rule's value of `member`, one of VALUE_MEMBERS (all 32 bits or less), in the group's rule order. */
  values(member: number): number[];
}

/** Members whose values the classifier's tries read from every rule: nw_dst/nw_src prefixes, tp_src:tp_dst. */
export const VALUE_MEMBERS: readonly number[] = [M.nw_dst, M.nw_src, M.tp_src, M.tp_dst];

/** Rules already built, with one mask: handed out all at once. */
export class RuleList implements RuleGroup {
  readonly maxPriority: number;
  private taken = false;

  constructor(readonly mask: Flow, private readonly rules: Rule[]) {
    this.maxPriority = rules.reduce((max, r) => Math.max(max, r.priority), -1);
  }

  take(): Rule[] {
    if (this.taken) return [];
    this.taken = true;
    return this.rules;
  }

  get exhausted(): boolean {
    return this.taken;
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
