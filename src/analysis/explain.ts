// Resubmit is not a function call: OVS runs every resubmit of a rule on the
// same packet, so whatever an earlier branch changed (and did not undo) is
// what the next branch looks up. For each resubmit we list those carried-over
// changes and the table whose rule made them.
import { N_MEMBERS } from '../meta-flow/flow.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import { memberName, memberValue } from './fields.js';
import { childVisits, type TableVisit, type Visits } from './visits.js';

export interface Carried {
  member: number;
  before: bigint;
  after: bigint;
  /** The lookup whose rule wrote the value. */
  setAt: TableVisit;
}

/** Carried-over changes by the resubmit's table node; nodes with none are absent. */
export function carriedChanges(visits: Visits): Map<TraceNode, Carried[]> {
  const out = new Map<TraceNode, Carried[]>();
  for (const parent of visits.values()) {
    const kids = childVisits(parent.node, visits);
    kids.forEach((kid, i) => {
      const carried: Carried[] = [];
      for (let m = 0; m < N_MEMBERS; m++) {
        // The latest earlier sibling branch that changed m, if its value survived until this one.
        const by = kids.slice(0, i).reverse().find((k) => k.exit && k.exit[m] !== k.entry[m]);
        if (by && kid.entry[m] === by.exit![m]) carried.push({ member: m, before: by.entry[m], after: by.exit![m], setAt: setter(by, m, visits) });
      }
      if (carried.length) out.set(kid.node, carried);
    });
  }
  return out;
}

/** The visit inside `v` whose own actions gave member `m` the value it left `v` with. */
function setter(v: TableVisit, m: number, visits: Visits): TableVisit {
  const value = v.exit![m];
  for (const kid of childVisits(v.node, visits).reverse()) {
    if (!kid.exit || kid.exit[m] !== value) return v;
    if (kid.entry[m] !== value) return setter(kid, m, visits);
  }
  return v;
}

/** `metadata 0x2 -> 0x1 (set at table 76)` */
export function formatCarried(c: Carried, at: TableVisit): string {
  const name = memberName(c.member, at.entry);
  return `${name} ${memberValue(c.member, c.before, undefined, c.setAt.bridge)} -> ${memberValue(c.member, c.after, undefined, c.setAt.bridge)} (set at table ${c.setAt.table})`;
}
