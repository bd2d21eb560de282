// OpenFlow groups (ofproto-dpif-xlate.c xlate_group_action and friends, and
// the selection method a select group gets in ofproto-dpif.c
// group_set_selection_method): all/indirect run every bucket, select picks
// one by hash, fast_failover the first live one.  Each bucket runs on a copy
// of the packet, like a clone.
import { M, allOnes, copyFlow } from '../meta-flow/flow.js';
import { fieldByName, getFieldValue, unwildcardField, FIELDS, type Field } from '../meta-flow/field.js';
import { prereqsOk } from '../meta-flow/prereqs.js';
import { parseFieldValue } from '../ofp/field-value.js';
import { OFPP_CONTROLLER, OFPP_NONE, formatPort, parsePort } from '../ofp/ports.js';
import type { Bucket, Group } from '../model/group.js';
import { nested, xreport, type Ctx } from './context.js';
import { actionSetToList, doXlateActions, finishFreezing, resourceCheck } from './xlate.js';
import { flowHashSymmetricL4, flowMaskHashFields, hashBytes, hashUint64 } from './hash.js';
import { hashInt } from './hmap-order.js';

/** Liveness checks follow watch_group chains at most this deep (MAX_LIVENESS_RECURSION). */
const MAX_LIVENESS_RECURSION = 128;
/** group_setup_dp_hash_table never uses more hash values than this. */
const MAX_SELECT_GROUP_HASH_VALUES = 256;
/** OVS_HASH_ALG_* as the datapath hash() action prints them. */
const HASH_ALGS = ['l4', 'sym_l4'] as const;

/** How a select group picks its bucket (group_dpif's selection_method and dp_hash table). */
type Selection =
  | { method: 'default' }
  | { method: 'hash' }
  | { method: 'dp_hash'; alg: number; basis: number; hashMap: Bucket[] };

const SELECTIONS = new WeakMap<Group, Selection>();

/** xlate_group_action: true when the group does not exist (the action list stops). */
export function xlateGroupAction(ctx: Ctx, groupId: number, isLast: boolean): boolean {
  if (!resourceCheck(ctx)) return false;
  const group = ctx.xbridge.br.groups.get(groupId);
  if (!group) {
    xreport(ctx, 'warn', `output to nonexistent group ${groupId}`);
    return true;
  }
  if (group.type === 'all' || group.type === 'indirect') {
    group.buckets.forEach((b, i) => xlateGroupBucket(ctx, group, b, isLast && i === group.buckets.length - 1));
    return false;
  }
  const bucket = group.type === 'select' ? pickSelectGroup(ctx, group) : firstLiveBucket(ctx, group, 0);
  if (bucket) {
    xreport(ctx, 'detail', `using bucket ${bucketId(group, bucket)}`);
    xlateGroupBucket(ctx, group, bucket, isLast);
  } else {
    xreport(ctx, 'detail', 'no live bucket');
  }
  return false;
}

/** OpenFlow 1.1-1.4 buckets have no ids: OVS numbers them from 0. */
function bucketId(group: Group, bucket: Bucket): number {
  return bucket.bucketId ?? group.buckets.indexOf(bucket);
}

/** Select groups default to weight 1, other groups ignore weights (0). */
function weight(group: Group, bucket: Bucket): number {
  return bucket.weight ?? (group.type === 'select' ? 1 : 0);
}

/** xlate_group_bucket: the bucket's actions (an action set) on a copy of the packet. */
function xlateGroupBucket(ctx: Ctx, group: Group, bucket: Bucket, isLast: boolean): void {
  const node = xreport(ctx, 'bucket', `bucket ${bucketId(group, bucket)}`);
  const oldFlow = copyFlow(ctx.flow), oldWasMpls = ctx.wasMpls;
  nested(ctx, node, () => {
    ctx.depth++;
    doXlateActions(ctx, actionSetToList(bucket.actions), isLast, true);
    ctx.depth--;
    if (ctx.freezing) finishFreezing(ctx);
  });
  ctx.flow.splice(0, ctx.flow.length, ...oldFlow);
  ctx.wasMpls = oldWasMpls;
  // Whatever ended the bucket's translation does not end the caller's.
  ctx.exit = false;
  if (ctx.error === 'Too many MPLS labels' || ctx.error === 'Unsupported packet type') ctx.error = 'OK';
}

function watchPort(ctx: Ctx, bucket: Bucket): number {
  const p = bucket.watchPort;
  if (p === undefined) return OFPP_NONE;
  return typeof p === 'number' ? p : parsePort(p, ctx.xbridge.names) ?? OFPP_NONE;
}

/**
 * odp_port_is_alive, also the bundle action's member_enabled_cb: the port
 * exists and may be enabled, i.e. has carrier (LACP, BFD and CFM, which can
 * also disable a port, leave no trace in the dumps).
 */
export function portIsAlive(ctx: Ctx, ofport: number): boolean {
  const xport = ctx.xbridge.ports.get(ofport);
  return xport !== undefined && !xport.iface.state?.includes('LINK_DOWN');
}

function bucketIsAlive(ctx: Ctx, group: Group, bucket: Bucket, depth: number): boolean {
  if (depth >= MAX_LIVENESS_RECURSION) {
    xreport(ctx, 'error', `bucket chaining exceeded ${MAX_LIVENESS_RECURSION} links`);
    return false;
  }
  if (group.type === 'select' && weight(group, bucket) === 0) return false;
  const port = watchPort(ctx, bucket), watchGroup = bucket.watchGroup;
  if (port === OFPP_NONE && watchGroup === undefined) return true;
  // An offline snapshot has no controller connection, so CONTROLLER is never live.
  if (port !== OFPP_NONE && port !== OFPP_CONTROLLER && portIsAlive(ctx, port)) return true;
  if (watchGroup === undefined) return false;
  const watched = ctx.xbridge.br.groups.get(watchGroup);
  return watched !== undefined && firstLiveBucket(ctx, watched, depth + 1) !== undefined;
}

/** xlate_report_bucket_not_live (a watched group is reported as a "port"). */
function reportNotLive(ctx: Ctx, group: Group, bucket: Bucket): void {
  const why: string[] = [];
  const port = watchPort(ctx, bucket);
  if (port !== OFPP_NONE) why.push(`port ${formatPort(port)}`);
  if (bucket.watchGroup !== undefined) why.push(`port ${bucket.watchGroup}`);
  xreport(ctx, 'detail', `bucket ${bucketId(group, bucket)}: not live due to ${why.join(' and ')}`);
}

/** group_first_live_bucket (fast_failover). */
function firstLiveBucket(ctx: Ctx, group: Group, depth: number): Bucket | undefined {
  for (const b of group.buckets) {
    if (bucketIsAlive(ctx, group, b, depth)) return b;
    reportNotLive(ctx, group, b);
  }
  return undefined;
}

/** group_best_live_bucket: highest hash-of-bucket-id score times weight; ties go to the later bucket. */
function bestLiveBucket(ctx: Ctx, group: Group, basis: number): Bucket | undefined {
  let best: Bucket | undefined;
  let bestScore = 0;
  for (const b of group.buckets) {
    if (!bucketIsAlive(ctx, group, b, 0)) {
      reportNotLive(ctx, group, b);
      continue;
    }
    const score = (hashInt(bucketId(group, b), basis) & 0xffff) * weight(group, b);
    if (score >= bestScore) {
      best = b;
      bestScore = score;
    }
    xreport(ctx, 'detail', `bucket ${bucketId(group, b)}: score ${score}`);
  }
  return best;
}

function pickSelectGroup(ctx: Ctx, group: Group): Bucket | undefined {
  // Select groups may look beyond L2: after an MPLS pop that needs a recirculation.
  if (ctx.wasMpls) {
    ctx.exit = true;
    ctx.freezing = true;
    return undefined;
  }
  const sel = selection(group);
  switch (sel.method) {
    case 'default': {
      flowMaskHashFields(ctx.flow, ctx.wc, 'symmetric_l4');
      return bestLiveBucket(ctx, group, flowHashSymmetricL4(ctx.flow, 0));
    }
    case 'hash':
      return bestLiveBucket(ctx, group, hashFieldsBasis(ctx, group));
    case 'dp_hash':
      return pickDpHash(ctx, group, sel);
  }
}

/** pick_hash_fields_select_group's basis: the group's fields (in field-id order), masked. */
function hashFieldsBasis(ctx: Ctx, group: Group): number {
  let basis = hashUint64(group.selectionMethodParam ?? 0n);
  for (const { field, mask } of hashFields(group)) {
    if (!prereqsOk(field, ctx.flow, ctx.wc)) continue;
    const value = getFieldValue(ctx.flow, field) & mask;
    const bytes = new Uint8Array(field.bytes);
    for (let i = field.bytes - 1, v = value; i >= 0; i--, v >>= 8n) bytes[i] = Number(v & 0xffn);
    basis = hashBytes(bytes, basis);
    unwildcardField(ctx.wc, field, mask);
  }
  return basis;
}

function hashFields(group: Group): { field: Field; mask: bigint }[] {
  const out: { field: Field; mask: bigint }[] = [];
  for (const spec of group.fields ?? []) {
    const [name, maskText] = spec.split('=');
    const field = fieldByName(name);
    if (!field) continue;
    const parsed = maskText === undefined ? undefined : parseFieldValue(field, maskText);
    const mask = parsed === undefined || typeof parsed === 'string' ? allOnes(field.bits) : parsed.value;
    out.push({ field, mask });
  }
  return out.sort((a, b) => FIELDS.indexOf(a.field) - FIELDS.indexOf(b.field));
}

/** pick_dp_hash_select_group: without a datapath hash yet, recirculate to get one. */
function pickDpHash(ctx: Ctx, group: Group, sel: Extract<Selection, { method: 'dp_hash' }>): Bucket | undefined {
  const dpHash = Number(ctx.flow[M.dp_hash]);
  if (!dpHash) {
    ctx.exit = true;
    ctx.freezing = true;
    ctx.recircHash = { alg: HASH_ALGS[sel.alg] ?? sel.alg, basis: sel.basis };
    return undefined;
  }
  const mask = sel.hashMap.length - 1;
  ctx.wc[M.dp_hash] |= BigInt(mask);
  for (let i = 0; i <= mask; i++) {
    const b = sel.hashMap[(dpHash + i) & mask];
    if (bucketIsAlive(ctx, group, b, 0)) return b;
  }
  return undefined;
}

/** group_set_selection_method: dp_hash when the weights fit a small hash table. */
function selection(group: Group): Selection {
  let sel = SELECTIONS.get(group);
  if (sel) return sel;
  const param = group.selectionMethodParam ?? 0n;
  if (!group.selectionMethod) {
    const hashMap = dpHashTable(group, MAX_SELECT_GROUP_HASH_VALUES);
    sel = hashMap ? { method: 'dp_hash', alg: 1, basis: 0, hashMap } : { method: 'default' };
  } else if (group.selectionMethod === 'dp_hash') {
    const hashMap = dpHashTable(group, 0);
    const alg = Number(param >> 32n);
    sel = hashMap ? { method: 'dp_hash', alg: alg < HASH_ALGS.length ? alg : 0, basis: Number(param & 0xffffffffn), hashMap } : { method: 'default' };
  } else {
    sel = group.fields?.length ? { method: 'hash' } : { method: 'default' };
  }
  SELECTIONS.set(group, sel);
  return sel;
}

/** group_setup_dp_hash_table: spread 2^n hash values over the buckets by weight (Webster's method). */
function dpHashTable(group: Group, maxHash: number): Bucket[] | undefined {
  const weights = group.buckets.map((b) => weight(group, b));
  const total = weights.reduce((a, b) => a + b, 0);
  if (group.buckets.length === 0 || total === 0) return undefined;
  const minWeight = Math.min(...weights.filter((w) => w > 0));
  const minSlots = Math.ceil(total / minWeight);
  const nHash = Math.max(16, 2 ** Math.ceil(Math.log2(minSlots)));
  if (nHash > MAX_SELECT_GROUP_HASH_VALUES || (maxHash && nHash > maxHash)) return undefined;
  const webster = group.buckets.map((bucket, i) => ({ bucket, weight: weights[i], divisor: 1, value: weights[i] }));
  const map: Bucket[] = [];
  for (let hash = 0; hash < nHash; hash++) {
    let winner = webster[0];
    for (const w of webster.slice(1)) if (w.value > winner.value) winner = w;
    winner.divisor += 2;
    winner.value = winner.weight / winner.divisor;
    map.push(winner.bucket);
  }
  return map;
}
