// Why a lookup did not pick a rule: the table's highest-priority rules that
// would have won, closest first, each with the first field where the packet
// (as that lookup saw it) and the rule disagree.
import { N_MEMBERS, type Flow } from '../meta-flow/flow.js';
import type { Rule } from '../model/rule.js';
import { memberName, memberValue } from './fields.js';
import { sourceLabel } from './loop.js';
import type { TableVisit } from './visits.js';

export interface NearMiss {
  rule: Rule;
  /** Members (struct flow order) where the packet fails the rule's match. */
  differing: number[];
}

/**
 * The `limit` rules that outrank the one matched (or any, on a miss) and fail on the fewest fields;
 * among equals, those failing on a field in `suspect` (changed behind the rule author's back) first.
 */
export function nearMisses(visit: TableVisit, suspect: (member: number) => boolean = () => false, limit = 3): NearMiss[] {
  const rules = visit.bridge.br.tables.get(visit.table) ?? [];
  const src = visit.node.info?.rule;
  const matched = src && rules.find((r) => r.source.file === src.file && r.source.line === src.line);
  const out: NearMiss[] = [];
  for (const rule of rules) {
    if (matched && rule.priority <= matched.priority) continue;
    const differing = mismatches(rule, visit.entry);
    if (differing.length) out.push({ rule, differing });
  }
  const rank = (n: NearMiss) => n.differing.length * 2 - (n.differing.some(suspect) ? 1 : 0);
  out.sort((a, b) => rank(a) - rank(b) || b.rule.priority - a.rule.priority);
  return out.slice(0, limit);
}

function mismatches(rule: Rule, flow: Flow): number[] {
  const { flow: rf, wc } = rule.match;
  const out: number[] = [];
  for (let m = 0; m < N_MEMBERS; m++) if (wc[m] && (flow[m] & wc[m]) !== (rf[m] & wc[m])) out.push(m);
  return out;
}

/** `reg7: packet 0x0, rule 0x9`, optionally followed by where the packet's value came from. */
export function formatNearMiss(miss: NearMiss, visit: TableVisit, origin?: (member: number) => string | undefined): string {
  const m = miss.differing[0];
  const { flow: rf, wc } = miss.rule.match;
  const more = miss.differing.length > 1 ? ` (+${miss.differing.length - 1} more)` : '';
  const why = origin?.(m);
  return `priority ${miss.rule.priority} (${sourceLabel(miss.rule.source)}): ${memberName(m, visit.entry)}: ` +
    `packet ${memberValue(m, visit.entry[m], undefined, visit.bridge)}, rule ${memberValue(m, rf[m], wc[m], visit.bridge)}${why ? ` ${why}` : ''}${more}`;
}
