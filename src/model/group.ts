import type { SourceRef } from './snapshot.js';
import type { Ofpact } from '../ofp/ofpact.js';

export interface Bucket {
  bucketId?: number;
  weight?: number;
  watchPort?: number | string;
  watchGroup?: number;
  actions: Ofpact[];
}

/** One group from `ovs-ofctl -O OpenFlow13 dump-groups`. */
export interface Group {
  groupId: number;
  /** all, select, indirect, ff (fast_failover) */
  type: string;
  /** selection_method=hash|dp_hash, selection_method_param, fields(...) */
  selectionMethod?: string;
  selectionMethodParam?: bigint;
  fields?: string[];
  buckets: Bucket[];
  source: SourceRef;
}
