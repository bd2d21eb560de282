// One OpenFlow table's lookup, the way OVS's lib/classifier.c does it, because
// the megaflow (the wildcards a lookup leaves behind) depends on it: rules are
// grouped into subtables by mask and visited by descending max priority; each
// subtable is probed in stages (metadata, L2, L3, L4), with prefix tries on
// nw_dst/nw_src and a ports trie deciding how little needs un-wildcarding.
// Rules come from RuleGroups (model/rule-groups.ts) and enter a subtable when
// a lookup may need them; the tries, which OVS builds from every rule, take
// only the groups' values and are built when a lookup first consults them.
// A lookup's outcome is remembered by everything it depends on, because a
// batch of traces asks most tables the same question again and again.
import { M, MEMBERS, N_MEMBERS, N_STAGES, STAGE_OF, allOnes, dlTypeOf, foldMask, orMember, newFlow, ETH_TYPE, type Flow } from '../meta-flow/flow.js';
import { maskKey, type Probe, type RuleGroup } from '../model/rule-groups.js';
import type { Rule } from '../model/rule.js';
import { resolveSoftMatches, ruleConjunctions, type SoftMatch } from './conjunction.js';
import { MaskedKeyMap } from './masked-key-map.js';
import { WordLayout, hashWords, type MaskWords } from './flow-words.js';
import { lengthSet, PrefixTrie } from './prefix-trie.js';
import { prefixMask } from '../meta-flow/values.js';

/** Default prefix-tree fields of an OVS bridge (ofproto.c default_prefix_fields). */
const TRIE_MEMBERS = [M.nw_dst, M.nw_src];

/** Prefix length of a CIDR-style mask on a 32-bit member, 0 when not a prefix. */
function prefixLen(mask: bigint, bits: number): number {
  if (mask === 0n) return 0;
  const inv = allOnes(bits) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return 0;
  return bits - (inv === 0n ? 0 : inv.toString(2).length);
}

class Subtable {
  readonly members: number[];
  /** Members per lookup stage; the last entry is the final stage. */
  readonly stages: number[][] = [];
  /** Members of stages 0..i, for each i: what a stage-i key covers. */
  readonly stagesUpTo: number[][] = [];
  /** Whether stage i holds nw_src/nw_dst, where the prefix tries are consulted. */
  readonly trieStage: boolean[] = [];
  /** The lookup stage (STAGE_OF) of stage i's members: what the groups are asked about. */
  private readonly groupStage: number[] = [];
  /** Each stage's mask words, which its hash adds... */
  private readonly stageWords: MaskWords[] = [];
  /** Stage i's keys (cumulative) of the rules brought in; the final stage's are byKey's. */
  readonly stageKeys: MaskedKeyMap<true>[] = [];
  /** The rules brought in, by full key. */
  private readonly byKey: MaskedKeyMap<Rule[]>;
  readonly triePlen: number[];
  readonly portsMaskLen: number;
  private portsTrie: PrefixTrie | undefined;
  readonly groups: RuleGroup[] = [];
  maxPriority = -1;
  /** Whether some group still holds rules. */
  private pending = true;

  /** `ruleWords`: scratch to load a rule's match into, apart from the probe's words. */
  constructor(readonly mask: Flow, private readonly layout: WordLayout, private readonly ruleWords: Int32Array) {
    this.members = [];
    for (let m = 0; m < N_MEMBERS; m++) if (mask[m]) this.members.push(m);
    const byStage: number[][] = Array.from({ length: N_STAGES }, () => []);
    for (const m of this.members) byStage[STAGE_OF[m]].push(m);
    // Index stages only where they add mask bits; the rest is the final stage.
    for (let s = 0; s < N_STAGES - 1; s++) if (byStage[s].length) this.stages.push(byStage[s]);
    this.stages.push(byStage[N_STAGES - 1]);
    if (this.stages.length > 1 && this.stages[this.stages.length - 1].length === 0) this.stages.pop();
    for (const [i, stage] of this.stages.entries()) {
      this.stagesUpTo.push([...(this.stagesUpTo[i - 1] ?? []), ...stage]);
      // Tries are consulted in the stage holding the field's 64-bit word (nw_src and nw_dst share one).
      this.trieStage.push(stage.some((m) => m === M.nw_src || m === M.nw_dst));
      this.groupStage.push(stage.length ? STAGE_OF[stage[0]] : 0);
    }
    const last = this.stagesUpTo.length - 1;
    for (const stage of this.stages) this.stageWords.push(layout.maskWords(mask, stage));
    for (let i = 0; i < last; i++) this.stageKeys.push(new MaskedKeyMap(layout.maskWords(mask, this.stagesUpTo[i])));
    const full = layout.maskWords(mask, this.stagesUpTo[last]);
    this.byKey = new MaskedKeyMap(full);
    this.triePlen = TRIE_MEMBERS.map((m) => prefixLen(mask[m], 32));
    const ports = (mask[M.tp_src] << 16n) | mask[M.tp_dst];
    this.portsMaskLen = ports ? 32 - ctz32(ports) : 0;
  }

  addGroup(group: RuleGroup): void {
    this.groups.push(group);
    this.maxPriority = Math.max(this.maxPriority, group.maxPriority);
  }

  /** The hash of a loaded flow's key at stage i, from `h`, its key's hash at stage i - 1 (0 before stage 0). */
  stageHash(words: Int32Array, i: number, h: number): number {
    return hashWords(words, this.stageWords[i], h);
  }

  /**
   * Whether a rule has the loaded words' key of stages 0..i (hashing to
   * `hash`): one brought in already, or one a group hands out now.
   */
  hasStageKey(i: number, probe: Probe, hash: number): boolean {
    const keys = this.stageKeys[i];
    if (keys.get(probe.words, hash)) return true;
    return this.pending && this.bringIn(probe, this.groupStage[i], () => keys.get(probe.words, hash) !== undefined);
  }

  /** The rules whose full key is the loaded words' (hashing to `hash`), best first: all the groups hold. */
  rulesFor(probe: Probe, hash: number): readonly Rule[] {
    if (this.pending) this.bringIn(probe, this.groupStage[this.stages.length - 1], () => false);
    return this.byKey.get(probe.words, hash) ?? NO_RULES;
  }

  /** Adds the rules the groups hand out for the probe at a lookup stage (RuleGroup.take), until `enough`. */
  private bringIn(probe: Probe, stage: number, enough: () => boolean): boolean {
    const add = (rule: Rule) => {
      this.add(rule);
      return enough();
    };
    let done = false;
    for (const g of this.groups) if (!g.exhausted && (done = g.take(probe, stage, add))) break;
    this.pending = this.groups.some((g) => !g.exhausted);
    return done;
  }

  /** No match: the stages looked at, 0..i, were significant to the lookup. */
  foldStages(wc: Flow, i: number): undefined {
    if (i >= 0) foldMask(wc, this.mask, this.stagesUpTo[i]);
    return undefined;
  }

  private add(rule: Rule): void {
    const words = this.ruleWords;
    this.layout.load(rule.match.flow, words);
    let fullHash = 0;
    for (let i = 0; i < this.stages.length; i++) {
      fullHash = this.stageHash(words, i, fullHash);
      if (i < this.stageKeys.length) this.stageKeys[i].set(words, fullHash, true);
    }
    const list = this.byKey.get(words, fullHash);
    if (!list) this.byKey.set(words, fullHash, [rule]);
    else {
      // Best first; identical matches differ in priority.
      let i = list.length;
      while (i > 0 && list[i - 1].priority < rule.priority) i--;
      list.splice(i, 0, rule);
    }
  }

  /** The ports trie holds every rule of the subtable, whether built or not. */
  ports(): PrefixTrie {
    if (!this.portsTrie) {
      this.portsTrie = new PrefixTrie();
      for (const g of this.groups) {
        const src = g.values(M.tp_src), dst = g.values(M.tp_dst);
        for (let i = 0; i < src.length; i++) this.portsTrie.insert(((src[i] << 16) | dst[i]) >>> 0, this.portsMaskLen);
      }
    }
    return this.portsTrie;
  }
}

const NO_RULES: readonly Rule[] = [];


/** The 32-bit mask of the first n bits, n = 0..32. */
const PREFIX32: readonly bigint[] = Array.from({ length: 33 }, (_, n) => prefixMask(n, 32));

function ctz32(v: bigint): number {
  let n = 0;
  while (n < 32 && !((v >> BigInt(n)) & 1n)) n++;
  return n;
}

/** A lookup's outcome: the rule, and the members it un-wildcarded with their bits. */
interface Remembered {
  rule: Rule | undefined;
  members: number[];
  masks: bigint[];
}

/** Outcomes a classifier keeps; past this many it forgets them all and starts again. */
const MAX_REMEMBERED = 1 << 15;
/**
 * A classifier whose packets rarely repeat (an ACL table keyed on addresses
 * and ports) stops remembering: fewer than 1 in MIN_HIT_RATE of a window of
 * lookups found an outcome, and keying each one costs more than it saves.
 */
const HIT_WINDOW = 4096, MIN_HIT_RATE = 8;

/** Per-lookup lazily computed trie results (struct trie_ctx). */
interface TrieCtx {
  done: boolean;
  maskbits: number;
  /** The lengths that match (lengthSet): all of them when the packet is not IPv4. */
  plens: number;
}

export class Classifier {
  private readonly subtables: Subtable[] = [];
  private readonly tries: (PrefixTrie | undefined)[] = [];
  /** The members any subtable matches on, as words... */
  private readonly layout: WordLayout;
  private readonly members: number[];
  /**
   * ... of the flow being looked up (a lookup loads them once), then the
   * wildcards already set on TRIE_MEMBERS: check_tries reads them. These
   * words are all a lookup depends on, the key of what it found before.
   */
  private readonly words: Int32Array;
  /** The flow being looked up with those words, as the groups are asked about it. */
  private readonly probe: Probe;
  private readonly allWords: MaskWords;
  private remembered: MaskedKeyMap<Remembered> | undefined;
  private windowLookups = 0;
  private windowHits = 0;
  /** The wildcards a lookup being remembered un-wildcards, zero outside the lookup. */
  private readonly scratchWc = newFlow();

  constructor(groups: readonly RuleGroup[]) {
    // The tries consult get_dl_type (packet_type, dl_type): a rule with a prefix has both, as nw_src's and nw_dst's prerequisites.
    const members = new Set<number>();
    for (const group of groups) for (let m = 0; m < N_MEMBERS; m++) if (group.mask[m]) members.add(m);
    this.members = [...members].sort((a, b) => a - b);
    this.layout = new WordLayout(this.members, MEMBERS.map((m) => m.bits));
    const size = this.layout.size + TRIE_MEMBERS.length;
    this.words = new Int32Array(size);
    this.probe = { flow: newFlow(), words: this.words, layout: this.layout };
    this.allWords = { at: Int32Array.from({ length: size }, (_, i) => i), bits: new Int32Array(size).fill(-1) };
    this.remembered = new MaskedKeyMap(this.allWords);
    const ruleWords = new Int32Array(this.layout.size);
    const byMask = new Map<string, Subtable>();
    for (const group of groups) {
      const key = maskKey(group.mask);
      let st = byMask.get(key);
      if (!st) {
        st = new Subtable(group.mask, this.layout, ruleWords);
        byMask.set(key, st);
        this.subtables.push(st);
      }
      st.addGroup(group);
    }
    // Stable: subtables with equal max priority keep first-seen order.
    this.subtables.sort((a, b) => b.maxPriority - a.maxPriority);
  }

  /** The prefix trie of TRIE_MEMBERS[j] (nw_dst, nw_src), over every rule with a prefix there, built when first consulted. */
  private prefixTrie(j: number): PrefixTrie {
    let trie = this.tries[j];
    if (!trie) {
      trie = this.tries[j] = new PrefixTrie();
      for (const st of this.subtables) {
        const plen = st.triePlen[j];
        if (plen) for (const g of st.groups) for (const v of g.values(TRIE_MEMBERS[j])) trie.insert(v, plen);
      }
    }
    return trie;
  }

  /**
   * classifier_lookup: the best rule for `flow`, OR-ing what was examined
   * into `wc`; what an earlier lookup found when it depended on the same words.
   */
  lookup(flow: Flow, wc: Flow): Rule | undefined {
    if (this.remembered && ++this.windowLookups === HIT_WINDOW) {
      if (this.windowHits * MIN_HIT_RATE < HIT_WINDOW) this.remembered = undefined;
      this.windowLookups = this.windowHits = 0;
    }
    const words = this.words, n = this.layout.size;
    this.layout.load(flow, words);
    if (!this.remembered) return this.search(flow, wc, true);
    for (let j = 0; j < TRIE_MEMBERS.length; j++) words[n + j] = Number(wc[TRIE_MEMBERS[j]]) | 0;
    const hash = hashWords(words, this.allWords, 0);
    let r = this.remembered.get(words, hash);
    if (r) this.windowHits++;
    else {
      const key = words.slice();
      // The lookup un-wildcards into scratch, which starts with wc's trie bits (check_tries reads them).
      const scratch = this.scratchWc;
      for (const m of TRIE_MEMBERS) scratch[m] = wc[m];
      const rule = this.search(flow, scratch, true);
      r = { rule, members: [], masks: [] };
      for (const m of this.members) {
        if (scratch[m] === 0n) continue;
        r.members.push(m);
        r.masks.push(scratch[m]);
        scratch[m] = 0n;
      }
      for (const m of TRIE_MEMBERS) scratch[m] = 0n;
      if (this.remembered.size >= MAX_REMEMBERED) this.remembered = new MaskedKeyMap(this.allWords);
      this.remembered.set(key, hash, r);
    }
    const { members, masks } = r;
    for (let i = 0; i < members.length; i++) orMember(wc, members[i], masks[i]);
    return r.rule;
  }

  /**
   * classifier_lookup__: the best rule for `flow` (loaded into this.words),
   * OR-ing what was examined into `wc`.  Rules made of conjunction actions
   * are soft matches, resolved by looking up again with conj_id set
   * (conjunction.ts).
   */
  private search(flow: Flow, wc: Flow, allowConjunctive: boolean): Rule | undefined {
    const tctx: TrieCtx[] = TRIE_MEMBERS.map(() => ({ done: false, maskbits: 0, plens: lengthSet.NONE }));
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
      this.layout.load(flow, this.words);
      const rule = this.search(flow, wc, false);
      flow[M.conj_id] = saved;
      return rule;
    });
  }

  /** check_tries for stage i: true when a trie proves no rule of the subtable can match. */
  private checkTries(st: Subtable, i: number, flow: Flow, wc: Flow, tctx: TrieCtx[]): boolean {
    if (!st.trieStage[i]) return false;
    for (let j = 0; j < TRIE_MEMBERS.length; j++) {
      const plen = st.triePlen[j];
      const m = TRIE_MEMBERS[j];
      if (!plen) continue;
      const ctx = tctx[j];
      if (!ctx.done) {
        ctx.done = true;
        if (dlTypeOf(flow) === ETH_TYPE.IP) {
          const r = this.prefixTrie(j).lookup(Number(flow[m]));
          ctx.maskbits = r.maskbits;
          ctx.plens = r.plens;
        } else ctx.plens = lengthSet.ALL;
      }
      if (lengthSet.has(ctx.plens, plen)) continue;
      const prefix = PREFIX32[ctx.maskbits];
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
    const last = st.stages.length - 1;
    const probe = this.probe;
    probe.flow = flow;
    // Each stage's key is hashed when the stages before it let the packet through.
    let h = 0;
    for (let i = 0; i < last; i++) {
      if (this.checkTries(st, i, flow, wc, tctx)) return st.foldStages(wc, i - 1);
      h = st.stageHash(probe.words, i, h);
      if (!st.hasStageKey(i, probe, h)) return st.foldStages(wc, i);
    }
    if (this.checkTries(st, last, flow, wc, tctx)) return st.foldStages(wc, last - 1);
    const rules = st.rulesFor(probe, st.stageHash(probe.words, last, h));
    if (!rules.length && st.portsMaskLen) {
      const pmask = (st.mask[M.tp_src] << 16n) | st.mask[M.tp_dst];
      const value = ((flow[M.tp_src] << 16n) | flow[M.tp_dst]) & pmask;
      const mbits = st.ports().lookup(Number(value)).maskbits;
      const bits = pmask & PREFIX32[mbits];
      // The final stage was looked at too: fold all of it (nd_target, arp_sha, ...)
      // except the ports, of which only the trie's prefix counts.
      const tpSrc = wc[M.tp_src] | (bits >> 16n), tpDst = wc[M.tp_dst] | (bits & 0xffffn);
      foldMask(wc, st.mask, st.members);
      wc[M.tp_src] = tpSrc;
      wc[M.tp_dst] = tpDst;
      return undefined;
    }
    foldMask(wc, st.mask, st.members);
    return rules.length ? rules : undefined;
  }
}
