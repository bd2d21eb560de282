// A classifier remembers its lookups (a batch asks most tables the same
// question again and again). What it remembers must be what it would find
// again: the same rule and the same wildcards, whatever the packet's
// wildcards already hold (check_tries skips a prefix trie whose bits an
// earlier table un-wildcarded), and after it has stopped remembering for
// packets that never repeat.
import { describe, expect, it } from 'vitest';
import { parseFlowsDump } from '../../src/ingest/flows.js';
import { M, ETH_TYPE, IPPROTO, newFlow, type Flow } from '../../src/meta-flow/flow.js';
import { groupByMask } from '../../src/model/rule-groups.js';
import { Classifier } from '../../src/xlate/classifier.js';
import { prng } from '../../tools/prng.js';

// Prefixes of several lengths on both trie fields, ports for the ports trie, and metadata.
const TABLE = ['NXST_FLOW reply (xid=0x4):',
  ' priority=300,ip,nw_dst=10.1.2.0/24 actions=drop',
  ' priority=250,ip,nw_dst=10.1.0.0/16,nw_src=10.9.0.0/16 actions=drop',
  ' priority=200,tcp,nw_src=10.9.9.9,tp_dst=80 actions=drop',
  ' priority=150,tcp,metadata=0x1,tp_dst=0x400/0xfc00 actions=drop',
  ' priority=100,ip,nw_dst=10.0.0.0/8 actions=drop',
  ' priority=50,metadata=0x2 actions=drop',
  ' priority=0 actions=drop',
].join('\n');

const rules = () => groupByMask(parseFlowsDump(TABLE, { file: 't' }).rules);

function packet(rand: () => number, distinct: number): Flow {
  const f = newFlow();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  f[M.metadata] = BigInt(pick([0, 1, 2]));
  f[M.dl_type] = pick([ETH_TYPE.IP, ETH_TYPE.IP, ETH_TYPE.ARP]);
  f[M.nw_proto] = pick([IPPROTO.TCP, IPPROTO.UDP]);
  f[M.nw_src] = BigInt(pick([0x0a090909, 0x0a090001, 0x0a000001 + distinct]));
  f[M.nw_dst] = BigInt(pick([0x0a010203, 0x0a010903, 0x0a020304]));
  f[M.tp_dst] = BigInt(pick([80, 1025, 2048]));
  return f;
}

/** Wildcards an earlier table may have left: some trie bits, and other members. */
function earlierWildcards(rand: () => number): Flow {
  const wc = newFlow();
  const prefix = (n: number) => (n === 0 ? 0n : ((1n << BigInt(n)) - 1n) << BigInt(32 - n));
  if (rand() < 0.5) wc[M.nw_dst] = prefix(Math.floor(rand() * 33));
  if (rand() < 0.5) wc[M.nw_src] = prefix(Math.floor(rand() * 33));
  if (rand() < 0.5) wc[M.in_port] = 0xffffffffn;
  return wc;
}

describe('a classifier asked again', () => {
  it('finds what a fresh one finds, with the same wildcards, whatever the wildcards already hold', () => {
    const batch = new Classifier(rules());
    const rand = prng(7);
    // Few distinct packets first (answers remembered), then thousands that never repeat (remembering stops).
    for (let i = 0; i < 6000; i++) {
      const flow = packet(rand, i < 1000 ? 0 : i);
      const wc = earlierWildcards(rand);
      const [wcBatch, wcFresh] = [wc.slice(), wc.slice()];
      const got = batch.lookup(flow.slice(), wcBatch);
      const want = new Classifier(rules()).lookup(flow.slice(), wcFresh);
      expect(got?.source.line, `packet ${i}`).toBe(want?.source.line);
      expect(wcBatch, `packet ${i} wildcards`).toEqual(wcFresh);
    }
    // 6,000 fresh classifiers take 2-3 s, and twice that on a busy machine: not a timing test.
  }, 30_000);
});
