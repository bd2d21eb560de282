// Conjunctive matches (lib/classifier.c classifier_lookup__'s soft match
// loop): a rule whose actions are conjunction(id,k/n) only matches "softly";
// once every clause 1..n of some id has a soft match at one priority, the
// classifier looks up again with conj_id=id, and a rule matching that is the
// result.
import type { Rule } from '../model/rule.js';

export interface Conjunction {
  id: number;
  /** 0-based. */
  clause: number;
  nClauses: number;
}

/** A soft match: the matching rule list of one subtable (identical matches, by descending priority) and the current entry. */
export interface SoftMatch {
  rules: readonly Rule[];
  index: number;
}

const CONJUNCTIONS = new WeakMap<Rule, Conjunction[] | null>();

/** get_conjunctions: the rule's conjunction actions; null unless it has some (notes may accompany them). */
export function ruleConjunctions(rule: Rule): Conjunction[] | null {
  let conjs = CONJUNCTIONS.get(rule);
  if (conjs === undefined) {
    const list: Conjunction[] = [];
    for (const a of rule.actions) if (a.type === 'conjunction') list.push({ id: a.id, clause: a.clause, nClauses: a.nClauses });
    conjs = list.length ? list : null;
    CONJUNCTIONS.set(rule, conjs);
  }
  return conjs;
}

const softRule = (s: SoftMatch) => s.rules[s.index];

/**
 * The soft match loop: from the highest soft priority down, the first
 * conjunction completed by soft matches of that priority whose conj_id
 * lookup (`relookup`) finds a rule wins; else the best hard match.
 */
export function resolveSoftMatches(
  soft: (SoftMatch | null)[], hard: Rule | undefined, relookup: (conjId: number) => Rule | undefined,
): Rule | undefined {
  let hardPri = hard ? hard.priority : -Infinity;
  for (;;) {
    // Drop exhausted soft matches and those no better than the hard match (swap-remove, as OVS does).
    for (let i = 0; i < soft.length;) {
      const s = soft[i];
      if (s && softRule(s).priority > hardPri) {
        i++;
        continue;
      }
      const last = soft.pop()!;
      if (i < soft.length) soft[i] = last;
    }
    if (soft.length === 0) return hard;

    let softPri = -Infinity, nSoftPri = 0;
    for (const s of soft as SoftMatch[]) {
      const p = softRule(s).priority;
      if (p > softPri) {
        softPri = p;
        nSoftPri = 1;
      } else if (p === softPri) nSoftPri++;
    }

    const clauses = new Map<number, bigint>();
    for (const s of soft as SoftMatch[]) {
      if (softRule(s).priority !== softPri) continue;
      const id = findConjunctiveMatch(ruleConjunctions(softRule(s))!, nSoftPri, clauses);
      if (id === undefined) continue;
      const rule = relookup(id);
      if (rule) return rule;
    }

    // No conjunction completed at this priority: fall back to each soft
    // match's next lower-priority rule with the identical match.
    for (let i = 0; i < soft.length; i++) {
      const s = soft[i]!;
      if (softRule(s).priority !== softPri) continue;
      if (s.index + 1 >= s.rules.length) {
        soft[i] = null;
        continue;
      }
      const next = { rules: s.rules, index: s.index + 1 };
      const r = softRule(next);
      if (ruleConjunctions(r)) {
        soft[i] = next;
      } else {
        soft[i] = null;
        if (r.priority > hardPri) {
          hard = r;
          hardPri = r.priority;
        }
      }
    }
  }
}

const ALL_CLAUSES = (1n << 64n) - 1n;

/** find_conjunctive_match: record this soft match's clauses; the id whose clauses are now all present, if any. */
function findConjunctiveMatch(conjs: Conjunction[], maxClauses: number, matches: Map<number, bigint>): number | undefined {
  if (maxClauses < Math.min(...conjs.map((c) => c.nClauses))) return undefined;
  for (const c of conjs) {
    if (c.nClauses > maxClauses) continue;
    const seen = matches.get(c.id) ?? ((ALL_CLAUSES << BigInt(c.nClauses & 63)) & ALL_CLAUSES);
    const now = seen | (1n << BigInt(c.clause));
    matches.set(c.id, now);
    if (now === ALL_CLAUSES) return c.id;
  }
  return undefined;
}
