// One OpenFlow table's lookup, the way OVS's lib/classifier.c does it, because
// the megaflow (the wildcards a lookup leaves behind) depends on it: rules are
// grouped into subtables by mask and visited by descending max priority; each
// subtable is probed in stages (metadata, L2, L3, L4), with prefix tries on
// nw_dst/nw_src and a ports trie deciding how little needs un-wildcarding.
import { M, N_MEMBERS, allOnes, ETH_TYPE, type Flow } from '../meta-flow/flow.js';
import type { Rule } from '../model/rule.js';
import { resolveSoftMatches, ruleConjunctions, type SoftMatch } from './conjunction.js';

/** Stage boundaries (first member of the next stage): struct flow's dl_dst, nw_src, nd_target. */
const STAGE_ENDS = [M.dl_dst, M.nw_src, M.nd_target];

/** Default prefix-tree fields of an OVS bridge (ofproto.c default_prefix_fields). */
const TRIE_MEMBERS = [M.nw_dst, M.nw_src];

function stageOf(member: number): number {
  let s = 0;
  while (s < STAGE_ENDS.length && member >= STAGE_ENDS[s]) s++;
  return s;
}

function keyOf(flow: Flow, mask: Flow, members: readonly number[]): string {
  let k = '';
  for (const m of members) k += (flow[m] & mask[m]).toString(36) + ',';
  return k;
}

/** Prefix length of a CIDR-style mask on a 32-bit member, 0 when not a prefix. */
function prefixLen(mask: bigint, bits: number): number {
  if (mask === 0n) return 0;
  const inv = allOnes(bits) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return 0;
  return bits - (inv === 0n ? 0 : inv.toString(2).length);
}

/** A binary trie of rule prefixes (uncompressed; lookup results equal OVS's compressed trie). */
class PrefixTrie {
  private root: TrieNode | undefined;

  /** Prefixes are at most 32 bits (IPv4 addresses, the tp_src:tp_dst word), so plain numbers do. */
  insert(value: bigint, plen: number, bits: number): void {
    this.root ??= { n: 0 } as TrieNode;
    let node = this.root;
    const v = Number(value);
    for (let i = 0; i < plen; i++) {
      const bit = Math.floor(v / 2 ** (bits - 1 - i)) & 1;
      node = node[bit] ??= { n: 0 } as TrieNode;
    }
    node.n++;
  }

  /** trie_lookup_value: bits to un-wildcard, and the prefix lengths (bitmap) that match. */
  lookup(value: bigint, bits: number): { maskbits: number; plens: Set<number> } {
    const plens = new Set<number>();
    let node = this.root;
    if (!node) return { maskbits: 0, plens };
    let len = 0;
    if (node.n > 0) plens.add(0);
    for (;;) {
      if (len >= bits) return { maskbits: bits, plens };
      const bit = Number((value >> BigInt(bits - 1 - len)) & 1n);
      const next: TrieNode | undefined = node[bit];
      if (!next) return { maskbits: node[0] || node[1] ? len + 1 : len, plens };
      node = next;
      len++;
      if (node.n > 0) plens.add(len);
    }
  }
}

interface TrieNode {
  n: number;
  [bit: number]: TrieNode | undefined;
}

class Subtable {
  readonly members: number[];
  /** Members per lookup stage; the last entry is the final stage. */
  readonly stages: number[][] = [];
  readonly stageKeys: Set<string>[] = [];
  readonly byKey = new Map<string, Rule[]>();
  readonly triePlen: number[];
  readonly portsMaskLen: number;
  readonly portsTrie = new PrefixTrie();
  maxPriority = -1;

  constructor(readonly mask: Flow) {
    this.members = [];
    for (let m = 0; m < N_MEMBERS; m++) if (mask[m]) this.members.push(m);
    const byStage: number[][] = [[], [], [], []];
    for (const m of this.members) byStage[stageOf(m)].push(m);
    // Index stages only where they add mask bits; the rest is the final stage.
    for (let s = 0; s < 3; s++) if (byStage[s].length) this.stages.push(byStage[s]);
    this.stages.push(byStage[3]);
    if (this.stages.length > 1 && this.stages[this.stages.length - 1].length === 0) this.stages.pop();
    for (let i = 0; i < this.stages.length - 1; i++) this.stageKeys.push(new Set());
    this.triePlen = TRIE_MEMBERS.map((m) => prefixLen(mask[m], 32));
    const ports = (mask[M.tp_src] << 16n) | mask[M.tp_dst];
    this.portsMaskLen = ports ? 32 - ctz32(ports) : 0;
  }

  add(rule: Rule): void {
    const f = rule.match.flow;
    let acc: number[] = [];
    for (let i = 0; i < this.stageKeys.length; i++) {
      acc = acc.concat(this.stages[i]);
      this.stageKeys[i].add(keyOf(f, this.mask, acc));
    }
    const key = keyOf(f, this.mask, this.members);
    const list = this.byKey.get(key);
    if (list) list.push(rule); else this.byKey.set(key, [rule]);
    if (this.portsMaskLen) this.portsTrie.insert((f[M.tp_src] << 16n) | f[M.tp_dst], this.portsMaskLen, 32);
    this.maxPriority = Math.max(this.maxPriority, rule.priority);
  }
}

function ctz32(v: bigint): number {
  let n = 0;
  while (n < 32 && !((v >> BigInt(n)) & 1n)) n++;
  return n;
}

/** Per-lookup lazily computed trie results (struct trie_ctx). */
interface TrieCtx {
  done: boolean;
  maskbits: number;
  plens: Set<number> | 'all';
}

export class Classifier {
  private readonly subtables: Subtable[] = [];
  private readonly tries = TRIE_MEMBERS.map(() => new PrefixTrie());

  constructor(rules: readonly Rule[]) {
    const byMask = new Map<string, Subtable>();
    for (const rule of rules) {
      const wc = rule.match.wc;
      let key = '';
      for (let m = 0; m < wc.length; m++) if (wc[m]) key += m + ':' + wc[m].toString(36) + ',';
      let st = byMask.get(key);
      if (!st) {
        st = new Subtable(wc);
        byMask.set(key, st);
        this.subtables.push(st);
      }
      st.add(rule);
      TRIE_MEMBERS.forEach((m, j) => {
        const plen = prefixLen(wc[m], 32);
        if (plen) this.tries[j].insert(rule.match.flow[m], plen, 32);
      });
    }
    for (const st of this.subtables) {
      for (const list of st.byKey.values()) list.sort((a, b) => b.priority - a.priority);
    }
    // Stable: subtables with equal max priority keep first-seen order.
    this.subtables.sort((a, b) => b.maxPriority - a.maxPriority);
  }

  /**
   * classifier_lookup__: the best rule for `flow`, OR-ing what was examined
   * into `wc`.  Rules made of conjunction actions are soft matches, resolved
   * by looking up again with conj_id set (conjunction.ts).
   */
  lookup(flow: Flow, wc: Flow, allowConjunctive = true): Rule | undefined {
    const tctx: TrieCtx[] = TRIE_MEMBERS.map(() => ({ done: false, maskbits: 0, plens: new Set<number>() }));
    let hard: Rule | undefined;
    let hardPri = -Infinity;
    const soft: SoftMatch[] = [];
    let softPri = -Infinity;
    for (const st of this.subtables) {
      if (st.maxPriority < hardPri + 1) break;
      const rules = this.findMatchWc(st, flow, wc, tctx);
      const match = rules?.[0];
      if (!match || match.priority <= hardPri) continue;
      if (!ruleConjunctions(match)) {
        hard = match;
        hardPri = match.priority;
      } else if (allowConjunctive) {
        soft.push({ rules: rules!, index: 0 });
        softPri = Math.max(softPri, match.priority);
      }
    }
    if (hardPri >= softPri) return hard;
    return resolveSoftMatches(soft, hard, (conjId) => {
      const saved = flow[M.conj_id];
      flow[M.conj_id] = BigInt(conjId);
      const rule = this.lookup(flow, wc, false);
      flow[M.conj_id] = saved;
      return rule;
    });
  }

  private checkTries(st: Subtable, stage: number[], flow: Flow, wc: Flow, tctx: TrieCtx[]): boolean {
    for (let j = 0; j < TRIE_MEMBERS.length; j++) {
      const plen = st.triePlen[j];
      const m = TRIE_MEMBERS[j];
      // Tries are consulted in the stage holding the field's 64-bit word (nw_src and nw_dst share one).
      if (!plen || !stage.some((s) => s === M.nw_src || s === M.nw_dst)) continue;
      const ctx = tctx[j];
      if (!ctx.done) {
        ctx.done = true;
        if (flow[M.dl_type] === ETH_TYPE.IP) {
          const r = this.tries[j].lookup(flow[m], 32);
          ctx.maskbits = r.maskbits;
          ctx.plens = r.plens;
        } else ctx.plens = 'all';
      }
      if (ctx.plens === 'all' || ctx.plens.has(plen)) continue;
      const prefix = ctx.maskbits ? allOnes(ctx.maskbits) << BigInt(32 - ctx.maskbits) : 0n;
      if (ctx.maskbits <= plen) {
        wc[m] |= prefix;
        return true;
      }
      if ((wc[m] & prefix) === prefix) return true;
    }
    return false;
  }

  /** find_match_wc: the subtable's rules matching `flow` (identical matches, best first). */
  private findMatchWc(st: Subtable, flow: Flow, wc: Flow, tctx: TrieCtx[]): readonly Rule[] | undefined {
    const used: number[] = [];
    const noMatch = () => {
      for (const m of used) wc[m] |= st.mask[m];
      return undefined;
    };
    const last = st.stages.length - 1;
    for (let i = 0; i < last; i++) {
      if (this.checkTries(st, st.stages[i], flow, wc, tctx)) return noMatch();
      used.push(...st.stages[i]);
      if (!st.stageKeys[i].has(keyOf(flow, st.mask, used))) return noMatch();
    }
    if (this.checkTries(st, st.stages[last], flow, wc, tctx)) return noMatch();
    const rules = st.byKey.get(keyOf(flow, st.mask, st.members));
    if (!rules && st.portsMaskLen) {
      const pmask = (st.mask[M.tp_src] << 16n) | st.mask[M.tp_dst];
      const value = ((flow[M.tp_src] << 16n) | flow[M.tp_dst]) & pmask;
      const mbits = st.portsTrie.lookup(value, 32).maskbits;
      const bits = pmask & (mbits ? allOnes(mbits) << BigInt(32 - mbits) : 0n);
      // The final stage was looked at too: fold all of it (nd_target, arp_sha, ...)
      // except the ports, of which only the trie's prefix counts.
      const tpSrc = wc[M.tp_src] | (bits >> 16n), tpDst = wc[M.tp_dst] | (bits & 0xffffn);
      for (const m of st.members) wc[m] |= st.mask[m];
      wc[M.tp_src] = tpSrc;
      wc[M.tp_dst] = tpDst;
      return undefined;
    }
    for (const m of st.members) wc[m] |= st.mask[m];
    return rules;
  }
}
