// Tunnel ports (OVS's ofproto/tunnel.c and the tunnel half of
// compose_output_action__): the interface options as netdev-vport parses
// them, the megaflow bits a tunnelled packet always matches, and output to a
// tunnel port, natively (userspace datapath) or through a kernel vport.
import { M, OFPHTN_ETHERTYPE, allOnes, isIpAny, type Flow } from '../meta-flow/flow.js';
import { parseIpMapped, V4_MAPPED } from '../meta-flow/values.js';
import { nativeTunnelOutput } from './native-tunnel.js';
import { TNL_F } from './odp-actions.js';
import { commitOdpTunnelAction } from './odp-commit.js';
import { xreport, type Ctx } from './context.js';
import { commitActions, putOdp } from './xlate.js';
import type { XBridge, XPort } from './world.js';

/** Interface types netdev-vport gives a tunnel config (so ofproto marks them is_tunnel). */
const TUNNEL_TYPES = new Set(['geneve', 'gre', 'vxlan', 'lisp', 'stt', 'erspan', 'ip6erspan', 'ip6gre', 'gtpu', 'bareudp', 'srv6']);

/** Tunnel types that carry L3 packets only (tunnel_supported_layers): their default packet type mode is legacy_l3. */
const L3_ONLY = new Set(['lisp', 'gtpu', 'bareudp']);

/**
 * netdev_get_pt_mode: which packet types a port carries. Ports that are not
 * vports are Ethernet only ('legacy_l2'); a patch port carries anything
 * ('aware'); a tunnel follows options:packet_type, by default what its type
 * carries ('legacy_l3' for an L3-only type).
 */
export function packetTypeMode(xport: XPort): 'aware' | 'legacy_l2' | 'legacy_l3' {
  if (xport.type === 'patch') return 'aware';
  if (!TUNNEL_TYPES.has(xport.type)) return 'legacy_l2';
  const set = xport.iface.options.packet_type;
  if (set === 'legacy_l2' || set === 'legacy_l3') return set;
  if (set === 'ptap') return 'aware';
  return L3_ONLY.has(xport.type) ? 'legacy_l3' : 'legacy_l2';
}

/** Default UDP destination ports (set_tunnel_config). */
const DST_PORTS: Record<string, number> = { geneve: 6081, vxlan: 4789, lisp: 4341, stt: 7471, gtpu: 2152 };

/** The datapath vport a tunnel type shares (netdev_vport_get_dpif_port): `vxlan_sys_4789`, `gre_sys`, ... */
const DPIF_PORTS: Record<string, string> = {
  geneve: 'genev_sys', vxlan: 'vxlan_sys', lisp: 'lisp_sys', stt: 'stt_sys', gtpu: 'gtpu_sys', bareudp: 'bareudp_sys',
  gre: 'gre_sys', erspan: 'erspan_sys', ip6erspan: 'ip6erspan_sys', ip6gre: 'ip6gre_sys', srv6: 'srv6_sys',
};

/** The datapath port name of a tunnel interface, as dpctl/show lists it; undefined for other ports. */
export function tunnelDpifPort(type: string, options: Record<string, string>): string | undefined {
  const base = DPIF_PORTS[type];
  if (!base) return undefined;
  // UDP tunnels have one vport per destination port.
  return type in DST_PORTS || type === 'bareudp' ? `${base}_${options.dst_port ?? DST_PORTS[type]}` : base;
}

const DEFAULT_TTL = 64;
const IP_DSCP_MASK = 0xfcn, IP_ECN_MASK = 0x03n, IP_ECN_ECT_0 = 0x02n, IP_ECN_CE = 0x03n;
/** FLOW_TNL_F_MASK & ~FLOW_TNL_PUB_F_MASK: the flags tnl_port_send recomputes. */
const PRIVATE_FLAGS = BigInt(TNL_F.DONT_FRAGMENT | TNL_F.CSUM | TNL_F.KEY);

/** struct netdev_tunnel_config, the parts translation uses. Addresses are IPv6 (IPv4 mapped). */
export interface TunnelConfig {
  type: string;
  ipSrcFlow: boolean;
  ipDstFlow: boolean;
  ipv6Src: bigint;
  ipv6Dst: bigint;
  dstPort: number;
  outKey: bigint;
  outKeyPresent: boolean;
  outKeyFlow: boolean;
  ttl: number;
  ttlInherit: boolean;
  tos: number;
  tosInherit: boolean;
  dontFragment: boolean;
  csum: boolean;
  egressPktMark?: bigint;
}

/** parse_tunnel_ip: `flow`, an IPv4 or an IPv6 address; undefined if bad. */
function parseTunnelIp(s: string): { flow: boolean; ip: bigint } | undefined {
  if (s === 'flow') return { flow: true, ip: 0n };
  const ip = parseIpMapped(s);
  return ip === undefined ? undefined : { flow: false, ip };
}

/** parse_key: `<name>` or else `key`; `flow` means "from the flow's tun_id". */
function parseKey(opts: Record<string, string>, name: string): { present: boolean; flow: boolean; key: bigint } {
  const s = opts[name] ?? opts.key;
  if (s === undefined) return { present: false, flow: false, key: 0n };
  if (s === 'flow') return { present: true, flow: true, key: 0n };
  let key = 0n;
  try {
    key = BigInt(s.trim()) & allOnes(64); // strtoull(s, NULL, 0)
  } catch {
    // strtoull stops at the first bad character; a port this wrong is rare enough to read as 0.
  }
  return { present: true, flow: false, key };
}

/** set_tunnel_config for a tunnel interface, or undefined for any other port or a config OVS rejects. */
export function tunnelConfig(xport: XPort): TunnelConfig | undefined {
  if (!TUNNEL_TYPES.has(xport.type)) return undefined;
  const o = xport.iface.options;
  const hasCsum = /gre|geneve|stt|vxlan/.test(xport.type);
  const remote = o.remote_ip === undefined ? undefined : parseTunnelIp(o.remote_ip);
  const local = o.local_ip === undefined ? undefined : parseTunnelIp(o.local_ip);
  // OVS refuses a tunnel without a remote, or with local_ip=flow but a fixed remote.
  if (!remote || (remote.ip === 0n && !remote.flow) || (local?.flow && !remote.flow)) return undefined;
  const out = parseKey(o, 'out_key');
  const ttl = o.ttl === 'inherit' ? 0 : Number.parseInt(o.ttl ?? '0', 10) || 0;
  const tos = o.tos === undefined || o.tos === 'inherit' ? 0 : Number(o.tos);
  return {
    type: xport.type,
    ipSrcFlow: local?.flow ?? false,
    ipDstFlow: remote.flow,
    ipv6Src: local?.ip ?? 0n,
    ipv6Dst: remote.ip,
    dstPort: o.dst_port !== undefined && xport.type in DST_PORTS ? Number(o.dst_port) : DST_PORTS[xport.type] ?? 0,
    outKey: out.key,
    outKeyPresent: out.present,
    outKeyFlow: out.flow,
    ttl: ttl || DEFAULT_TTL,
    ttlInherit: o.ttl === 'inherit',
    tos: Number.isInteger(tos) && (tos & 0xfc) === tos ? tos : 0,
    tosInherit: o.tos === 'inherit',
    dontFragment: o.df_default !== 'false',
    csum: hasCsum && o.csum === 'true',
    egressPktMark: o.egress_pkt_mark === undefined ? undefined : BigInt(Number.parseInt(o.egress_pkt_mark, 10) >>> 0),
  };
}

/** struct tnl_match: how a tunnel port takes in packets (in terms of packets sent out: ipv6Src is the local address). */
interface TunnelMatch {
  port: XPort;
  inKey: bigint;
  inKeyFlow: boolean;
  ipv6Src: bigint;
  ipSrcFlow: boolean;
  ipv6Dst: bigint;
  ipDstFlow: boolean;
  ptMode: ReturnType<typeof packetTypeMode>;
}

/**
 * tnl_port_receive (tnl_find): the tunnel port a packet with tunnel metadata
 * came in on, among `ports` (a datapath's). OVS files ports by whether the
 * key, the remote and the local address come from the flow or the config,
 * and tries the most specific first; within that, the port must agree
 * exactly: the packet's tunnel source is the port's remote, its destination
 * the port's local address, its tun_id the port's in_key. A legacy port of the
 * packet's kind (L2 or L3) goes before a packet-type-aware one.
 */
export function receivingTunnelPort(ports: Iterable<XPort>, flow: Flow): XPort | undefined {
  const matches: TunnelMatch[] = [];
  for (const port of ports) {
    const cfg = tunnelConfig(port);
    if (!cfg || port.odpPort === undefined || BigInt(port.odpPort) !== flow[M.in_port]) continue;
    const key = parseKey(port.iface.options, 'in_key');
    matches.push({
      port, inKey: key.key, inKeyFlow: key.flow, ipv6Src: cfg.ipv6Src, ipSrcFlow: cfg.ipSrcFlow,
      ipv6Dst: cfg.ipv6Dst, ipDstFlow: cfg.ipDstFlow, ptMode: packetTypeMode(port),
    });
  }
  const packetSrc = flow[M.tun_ip_src] ? V4_MAPPED | flow[M.tun_ip_src] : flow[M.tun_ipv6_src];
  const legacy = flow[M.packet_type] >> 16n === OFPHTN_ETHERTYPE ? 'legacy_l3' : 'legacy_l2';
  for (const inKeyFlow of [false, true]) {
    for (const ipDstFlow of [false, true]) {
      for (const ipSrc of ['cfg', 'any', 'flow'] as const) {
        const want = {
          inKey: inKeyFlow ? 0n : flow[M.tun_id], inKeyFlow, ipDstFlow, ipSrcFlow: ipSrc === 'flow',
          ipv6Src: ipSrc === 'cfg' ? tunnelDst(flow) : 0n, ipv6Dst: ipDstFlow ? 0n : packetSrc,
        };
        for (const ptMode of [legacy, 'aware']) {
          const found = matches.find((m) => m.ptMode === ptMode && m.inKey === want.inKey && m.inKeyFlow === inKeyFlow &&
            m.ipDstFlow === ipDstFlow && m.ipSrcFlow === want.ipSrcFlow && m.ipv6Src === want.ipv6Src && m.ipv6Dst === want.ipv6Dst);
          if (found) return found.port;
        }
      }
    }
  }
  return undefined;
}

/** ovs_native_tunneling_is_on: only the userspace datapath pushes tunnel headers itself. */
export function nativeTunneling(br: XBridge): boolean {
  return br.datapathType === 'netdev' || br.datapathType === 'dummy';
}

/** flow_tnl_dst: the tunnel destination as an IPv6 address (IPv4 mapped). */
export function tunnelDst(f: Flow): bigint {
  return f[M.tun_ip_dst] ? V4_MAPPED | f[M.tun_ip_dst] : f[M.tun_ipv6_dst];
}

/** tnl_wc_init: a packet that came in on a tunnel matches its tunnel header exactly. */
export function tnlWcInit(flow: Flow, wc: Flow): void {
  if (!flow[M.tun_ip_dst] && !flow[M.tun_ipv6_dst]) return;
  wc[M.tun_id] = allOnes(64);
  if (flow[M.tun_ip_dst]) {
    wc[M.tun_ip_src] = allOnes(32);
    wc[M.tun_ip_dst] = allOnes(32);
  } else {
    wc[M.tun_ipv6_src] = allOnes(128);
    wc[M.tun_ipv6_dst] = allOnes(128);
  }
  wc[M.tun_flags] = PRIVATE_FLAGS;
  wc[M.tun_tos] = 0xffn;
  wc[M.tun_ttl] = 0n;
  wc[M.tun_tp_src] = 0n;
  wc[M.tun_tp_dst] = 0n;
  if (isIpAny(flow) && (flow[M.tun_tos] & IP_ECN_MASK) === IP_ECN_CE) wc[M.nw_tos] |= IP_ECN_MASK;
}

/** tnl_process_ecn: false when a CE-marked tunnel packet carries a non-ECN-capable payload (dropped). */
export function tnlProcessEcn(flow: Flow): boolean {
  if (!flow[M.tun_ip_dst] && !flow[M.tun_ipv6_dst]) return true;
  if (isIpAny(flow) && (flow[M.tun_tos] & IP_ECN_MASK) === IP_ECN_CE) {
    if ((flow[M.nw_tos] & IP_ECN_MASK) === 0n) return false;
    flow[M.nw_tos] |= IP_ECN_CE;
  }
  return true;
}

function setTunnelAddr(flow: Flow, v4: number, v6: number, ip: bigint): void {
  const mapped = ip >> 32n === 0xffffn;
  flow[v4] = mapped ? ip & allOnes(32) : 0n;
  flow[v6] = mapped && flow[v4] ? 0n : ip;
}

/** tnl_port_send: fill in the flow's tunnel header from the port's config. */
export function tnlPortSend(cfg: TunnelConfig, flow: Flow, wc: Flow): void {
  if (!cfg.ipSrcFlow) setTunnelAddr(flow, M.tun_ip_src, M.tun_ipv6_src, cfg.ipv6Src);
  if (!cfg.ipDstFlow) setTunnelAddr(flow, M.tun_ip_dst, M.tun_ipv6_dst, cfg.ipv6Dst);
  flow[M.tun_tp_dst] = BigInt(cfg.dstPort);
  if (!cfg.outKeyFlow) flow[M.tun_id] = cfg.outKey;
  const ip = isIpAny(flow);
  if (cfg.ttlInherit && ip) {
    wc[M.nw_ttl] = 0xffn;
    flow[M.tun_ttl] = flow[M.nw_ttl];
  } else {
    flow[M.tun_ttl] = BigInt(cfg.ttl);
  }
  if (cfg.tosInherit && ip) {
    wc[M.nw_tos] |= IP_DSCP_MASK;
    flow[M.tun_tos] = flow[M.nw_tos] & IP_DSCP_MASK;
  } else {
    flow[M.tun_tos] = BigInt(cfg.tos);
  }
  // ECN is always inherited.
  if (ip) {
    wc[M.nw_tos] |= IP_ECN_MASK;
    const ecn = flow[M.nw_tos] & IP_ECN_MASK;
    flow[M.tun_tos] |= ecn === IP_ECN_CE ? IP_ECN_ECT_0 : ecn;
  }
  flow[M.tun_flags] = (flow[M.tun_flags] & ~PRIVATE_FLAGS)
    | (cfg.dontFragment ? BigInt(TNL_F.DONT_FRAGMENT) : 0n)
    | (cfg.csum ? BigInt(TNL_F.CSUM) : 0n)
    | (cfg.outKeyPresent ? BigInt(TNL_F.KEY) : 0n);
  if (cfg.egressPktMark !== undefined) {
    flow[M.pkt_mark] = cfg.egressPktMark;
    wc[M.pkt_mark] = allOnes(32);
  }
}

/**
 * The tunnel branch of compose_output_action__: the packet leaves with the
 * port's tunnel header; the flow's own tunnel metadata is put back afterwards
 * so later matches do not see what the port added.
 */
export function composeTunnelOutput(ctx: Ctx, xport: XPort, cfg: TunnelConfig, isLast: boolean, truncate: boolean): void {
  const flow = ctx.flow;
  const savedTunnel = flow.slice(M.tun_ip_dst, M.metadata);
  const restoreTunnel = () => savedTunnel.forEach((v, i) => { flow[M.tun_ip_dst + i] = v; });
  tnlPortSend(cfg, flow, ctx.wc);
  if (tunnelDst(flow) === ctx.origTunnelDst) {
    // OVS leaves the port's tunnel header in the flow here.
    xreport(ctx, 'warn', 'Not tunneling to our own address');
    return;
  }
  if (xport.odpPort === undefined) return;
  if (nativeTunneling(ctx.xbridge)) {
    xreport(ctx, 'detail', 'output to native tunnel');
    commitActions(ctx);
    nativeTunnelOutput(ctx, xport, cfg, isLast, truncate);
  } else {
    xreport(ctx, 'detail', 'output to kernel tunnel');
    commitOdpTunnelAction(flow, ctx.baseFlow, ctx.odp, cfg.type);
    restoreTunnel();
    commitActions(ctx);
    putOdp(ctx, { type: 'output', port: xport.odpPort });
  }
  restoreTunnel();
}
