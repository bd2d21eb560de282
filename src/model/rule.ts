import type { SourceRef } from './snapshot.js';
import type { Match } from '../meta-flow/match.js';
import type { Ofpact } from '../ofp/ofpact.js';

/** Flow-stats attributes that dump-flows prints before the match. */
export interface RuleStats {
  /** As printed (`1629749.533s`); counters may be `?` when unknown. */
  duration?: string;
  nPackets?: string;
  nBytes?: string;
  idleTimeout?: number;
  hardTimeout?: number;
  idleAge?: number;
  hardAge?: number;
  importance?: number;
  /** send_flow_rem, check_overlap, reset_counts, no_packet_counts, no_byte_counts */
  flags: string[];
}

/** One OpenFlow rule as `ovs-ofctl dump-flows` printed it. */
export interface Rule {
  table: number;
  priority: number;
  cookie: bigint;
  match: Match;
  /** Actions and OpenFlow 1.1+ instructions, in order (instructions are ofpacts too). */
  actions: Ofpact[];
  stats: RuleStats;
  source: SourceRef;
}
