// The NORMAL action: an L2 learning switch with VLAN access/trunk ports
// (xlate_normal and its VLAN helpers). MAC learning state comes from
// `fdb/show`; a trace never learns (it has no side effects).
import { M, allOnes, VLAN_CFI, VLAN_VID_MASK, ETH_TYPE } from '../meta-flow/flow.js';
import { xreport, type Ctx } from './context.js';
import { OFPP_LOCAL } from '../ofp/ports.js';
import { composeOutput } from './output.js';
import { byCreation, type XBridge, type XPort } from './world.js';

type VlanMode = 'access' | 'trunk' | 'native-tagged' | 'native-untagged' | 'dot1q-tunnel';

interface Bundle {
  name: string;
  port: XPort;
  mode: VlanMode;
  /** Access/native VLAN (`tag`), 0 when none. */
  vlan: number;
  trunks?: number[];
}

function bundleOf(p: XPort): Bundle {
  const cfg = p.port;
  const tag = cfg.tag ?? -1;
  const mode = (cfg.vlanMode as VlanMode | undefined) ?? (tag >= 0 ? (cfg.trunks?.length ? 'native-untagged' : 'access') : 'trunk');
  return { name: cfg.name, port: p, mode, vlan: Math.max(tag, 0), trunks: cfg.trunks?.length ? cfg.trunks : undefined };
}

const trunksVlan = (b: Bundle, vlan: number) => b.mode !== 'access' && (!b.trunks || b.trunks.includes(vlan));

/** xbundle_includes_vlan: `inner` is the packet's second VLAN (QinQ), 0 when none. */
function includesVlan(b: Bundle, vid: number, inner: number): boolean {
  return b.mode === 'access' ? vid === b.vlan && inner === 0 : trunksVlan(b, vid);
}

export function xlateNormal(ctx: Ctx): void {
  const flow = ctx.flow, wc = ctx.wc;
  wc[M.dl_src] = allOnes(48);
  wc[M.dl_dst] = allOnes(48);
  wc[M.vlan_tci0] |= VLAN_VID_MASK | VLAN_CFI;
  const inPort = ctx.xbridge.ports.get(Number(flow[M.in_port]));
  if (!inPort) {
    xreport(ctx, 'warn', 'no input bundle, dropping');
    return;
  }
  const inBundle = bundleOf(inPort);
  if ((flow[M.dl_type] === ETH_TYPE.VLAN || flow[M.dl_type] === ETH_TYPE.VLAN_8021AD) && !(flow[M.vlan_tci0] & VLAN_CFI)) {
    xreport(ctx, 'warn', 'partial VLAN tag, dropping');
    return;
  }
  const tagged = (flow[M.vlan_tci0] & VLAN_CFI) !== 0n;
  const inVid = tagged ? Number(flow[M.vlan_tci0] & VLAN_VID_MASK) : 0;
  const pcp = tagged ? Number(flow[M.vlan_tci0] & 0xe000n) : 0;
  if (!inputVidIsValid(ctx, inBundle, inVid)) {
    xreport(ctx, 'warn', 'disallowed VLAN VID for this input port, dropping');
    return;
  }
  // The VLAN the packet belongs to inside the bridge.
  // The inner tag survives input translation except on access ports.
  const innerVid = inBundle.mode !== 'access' && tagged && flow[M.vlan_tci1] & VLAN_CFI ? Number(flow[M.vlan_tci1] & VLAN_VID_MASK) : 0;
  const vlan = inBundle.mode === 'access' || ((inBundle.mode === 'native-tagged' || inBundle.mode === 'native-untagged') && !inVid)
    ? inBundle.vlan : inVid;

  // Only learning uses the answer, and traces never learn, but the fields it
  // reads still land in the megaflow.
  isGratuitousArp(ctx);
  const mcast = (flow[M.dl_dst] >> 40n) & 1n;
  const entry = mcast ? undefined : ctx.xbridge.br.fdb.find((e) => BigInt(parseMacLoose(e.mac)) === flow[M.dl_dst] && e.vlan === vlan);
  if (entry) {
    const out = ctx.xbridge.ports.get(entry.port);
    if (!out) {
      xreport(ctx, 'warn', 'learned port is unknown, dropping');
    } else if (out === inPort) {
      xreport(ctx, 'detail', 'learned port is input port, dropping');
    } else {
      xreport(ctx, 'detail', 'forwarding to learned port');
      outputNormal(ctx, bundleOf(out), vlan, pcp);
    }
    return;
  }
  xreport(ctx, 'detail', 'no learned MAC for destination, flooding');
  for (const p of bundleOrder(ctx)) {
    const b = bundleOf(p);
    if (p === inPort || !includesVlan(b, vlan, innerVid) || p.iface.config?.includes('NO_FLOOD')) continue;
    outputNormal(ctx, b, vlan, pcp);
  }
}

/**
 * The order NORMAL floods in: OVS's bridge bundle list, which follows port
 * creation. Dumps don't record creation order, so assume ports were created
 * by increasing OpenFlow number after the bridge's own port, that bridges were
 * created in the order of their own ports' datapath numbers, and that a patch
 * port was (re)configured once its peer, on a later bridge, appeared.
 */
function bundleOrder(ctx: Ctx): XPort[] {
  const created = (b: XBridge) => b.ports.get(OFPP_LOCAL)?.odpPort ?? Infinity;
  const bridges = [...ctx.xin.world.bridges.values()].sort((a, b) => created(a) - created(b));
  const here = bridges.indexOf(ctx.xbridge);
  const late = (p: XPort) => (p.peer ? bridges.indexOf(p.peer.bridge) > here : false);
  const ports = [...ctx.xbridge.ports.values()].sort(byCreation);
  const moved = ports.filter(late).sort((a, b) => bridges.indexOf(a.peer!.bridge) - bridges.indexOf(b.peer!.bridge) || a.peer!.ofport - b.peer!.ofport);
  return [...ports.filter((p) => !late(p)), ...moved];
}

function inputVidIsValid(ctx: Ctx, b: Bundle, vid: number): boolean {
  if (b.mode === 'access') {
    if (!vid) return true;
    xreport(ctx, 'error', `dropping VLAN ${vid} tagged packet received on port ${b.name} configured as VLAN ${b.vlan} access port`);
    return false;
  }
  if ((b.mode === 'native-tagged' || b.mode === 'native-untagged') && !vid) return true;
  if (trunksVlan(b, vid)) return true;
  xreport(ctx, 'error', `dropping VLAN ${vid} packet received on port ${b.name} not configured for trunking VLAN ${vid}`);
  return false;
}

/** is_gratuitous_arp reads these fields, so they land in the megaflow. */
function isGratuitousArp(ctx: Ctx): boolean {
  const f = ctx.flow, wc = ctx.wc;
  if (f[M.dl_type] !== ETH_TYPE.ARP) return false;
  wc[M.dl_dst] = allOnes(48);
  if (f[M.dl_dst] !== allOnes(48)) return false;
  wc[M.nw_proto] = 0xffn;
  if (f[M.nw_proto] === 2n) return true;
  if (f[M.nw_proto] === 1n) {
    wc[M.nw_src] = allOnes(32);
    wc[M.nw_dst] = allOnes(32);
    return f[M.nw_src] === f[M.nw_dst];
  }
  return false;
}

function parseMacLoose(mac: string): bigint {
  return BigInt('0x' + mac.split(':').map((b) => b.padStart(2, '0')).join(''));
}

/** output_normal: the packet leaves with the VLAN header its port expects. */
function outputNormal(ctx: Ctx, out: Bundle, vlan: number, pcp: number): void {
  const outVid = out.mode === 'access' || (out.mode === 'native-untagged' && vlan === out.vlan) ? 0 : vlan;
  const flow = ctx.flow;
  const old = [flow[M.vlan_tci0], flow[M.vlan_tci1]];
  const keepPcp = out.mode === 'access' || (out.mode === 'native-untagged' && vlan === out.vlan) ? 0 : pcp;
  const tci = BigInt(outVid | keepPcp);
  flow[M.vlan_tci0] = tci ? tci | VLAN_CFI : 0n;
  composeOutput(ctx, out.port.ofport, false, false);
  flow[M.vlan_tci0] = old[0];
  flow[M.vlan_tci1] = old[1];
}
