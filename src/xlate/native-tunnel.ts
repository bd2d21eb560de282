// native_tunnel_output (ofproto-dpif-xlate.c): on the userspace datapath a
// tunnel port's packets get their outer headers from OVS itself. The route
// to the tunnel's destination (ovs/route/show) names the bridge whose port
// the packet leaves by, the neighbor cache (tnl/neigh/show) the next hop's
// MAC; the header is pushed (tnl_push) and the outer packet goes on through
// that bridge, as through a patch port.
import { M, PT_ETH, OFPHTN_ETHERTYPE, ETH_TYPE, IPPROTO, copyFlow, newFlow, type Flow } from '../meta-flow/flow.js';
import { formatIpMapped, formatMac, mappedIpv4, parseMac, prefixMask, V4_MAPPED } from '../meta-flow/values.js';
import type { Route, TlvMapping } from '../model/snapshot.js';
import { xreport, type Ctx } from './context.js';
import { TNL_F, type GeneveOption, type TunnelHeader, type UdpHeader } from './odp-actions.js';
import { patchPortOutput } from './output.js';
import { putOdp } from './xlate.js';
import { tunnelDst, type TunnelConfig } from './tunnel.js';
import type { XPort, World } from './world.js';

/** OVS_VPORT_TYPE_* of the tunnels whose headers oftrace builds (IPv4 or IPv6 underlay). */
const VPORT_TYPES: Record<string, { v4: number; v6: number }> = {
  gre: { v4: 3, v6: 109 }, vxlan: { v4: 4, v6: 4 }, geneve: { v4: 5, v6: 5 },
};
const ETH_TYPE_TEB = 0x6558;
const GRE_CSUM = 0x8000, GRE_KEY = 0x2000;
const VXLAN_FLAGS = 0x08000000;
const IP_DF = 0x4000;
const ETH_HEADER_LEN = 14, IP_HEADER_LEN = 20, IPV6_HEADER_LEN = 40, UDP_HEADER_LEN = 8;

/** ovs_router_lookup: the best route to `dst` for packets with `mark`, after checking a given source is local. */
function routeLookup(routes: readonly Route[], mark: number, dst: bigint, src: bigint): Route | undefined {
  const best = (ip: bigint) => {
    let found: Route | undefined, foundPriority = -1;
    for (const r of routes) {
      const priority = r.plen + (r.local ? 64 : r.user ? 32 : 0);
      if (r.mark === mark && (ip & prefixMask(r.plen, 128)) === r.prefix && priority > foundPriority) [found, foundPriority] = [r, priority];
    }
    return found;
  };
  if (src && !best(src)?.local) return undefined;
  return best(dst);
}

/** tnl_route_lookup_flow's output device: the bridge's own port of that name, else any port so named. */
function outputDevice(world: World, dev: string): XPort | undefined {
  const own = world.bridges.get(dev)?.byName.get(dev);
  if (own) return own;
  for (const br of world.bridges.values()) {
    const port = br.byName.get(dev);
    if (port) return port;
  }
  return undefined;
}

/** tun_metadata_to_geneve_header: the options the packet carries, in tun_metadata order, by the bridge's TLV map. */
function flowGeneveOptions(flow: Flow, tlvMap: readonly TlvMapping[]): GeneveOption[] {
  const out: GeneveOption[] = [];
  for (let i = 0; i < 64; i++) {
    if (!((flow[M.tun_metadata_present] >> BigInt(i)) & 1n)) continue;
    const t = tlvMap.find((e) => e.field === i);
    if (t) out.push({ optClass: t.optClass, type: t.type, len: t.len, data: flow[M.tun_metadata0 + i] });
  }
  return out;
}

/** tnl_port_build_header: the outer headers for a packet leaving by `cfg`'s port, or why OVS would not build them. */
function buildHeader(ctx: Ctx, xport: XPort, cfg: TunnelConfig, src: bigint, dmac: bigint, smac: bigint): TunnelHeader | string {
  const flow = ctx.flow;
  const types = VPORT_TYPES[cfg.type];
  const portOptions = xport.iface.options;
  if (!types) return `oftrace does not build ${cfg.type} tunnel headers yet`;
  if (portOptions.exts?.split(',').includes('gpe')) return 'oftrace does not build VXLAN-GPE headers yet';
  if (cfg.type === 'gre' && portOptions.seq === 'true') return 'oftrace does not build GRE headers with sequence numbers yet';
  const v6 = mappedIpv4(src) === undefined;
  const isGre = cfg.type === 'gre';
  const proto = Number(isGre ? IPPROTO.GRE : IPPROTO.UDP);
  const tos = Number(flow[M.tun_tos]), ttl = Number(flow[M.tun_ttl]);
  const flags = Number(flow[M.tun_flags]);
  const ip: TunnelHeader['ip'] = v6
    ? { v6: true, src, dst: flow[M.tun_ipv6_dst], proto, tclass: tos, hlimit: ttl }
    : { v6: false, src: mappedIpv4(src)!, dst: flow[M.tun_ip_dst], proto, tos, ttl, frag: flags & TNL_F.DONT_FRAGMENT ? IP_DF : 0 };
  let size = ETH_HEADER_LEN + (v6 ? IPV6_HEADER_LEN : IP_HEADER_LEN);
  const vni = Number(flow[M.tun_id] & 0xffffffn);
  const udp = (): UdpHeader => {
    size += UDP_HEADER_LEN;
    return { src: 0, dst: cfg.dstPort, csum: v6 || flags & TNL_F.CSUM ? 0xffff : 0 };
  };
  let tunnel: TunnelHeader['tunnel'];
  if (cfg.type === 'vxlan') {
    tunnel = { type: 'vxlan', udp: udp(), flags: VXLAN_FLAGS, vni };
    size += 8;
  } else if (cfg.type === 'geneve') {
    const options = flowGeneveOptions(flow, ctx.xbridge.br.tlvMap);
    tunnel = { type: 'geneve', udp: udp(), oam: Boolean(flags & TNL_F.OAM), crit: options.some((o) => o.type & 0x80), vni, options };
    size += 8 + options.reduce((n, o) => n + 4 + o.len, 0);
  } else {
    let greProto: number;
    if (flow[M.packet_type] === PT_ETH) greProto = ETH_TYPE_TEB;
    else if (flow[M.packet_type] >> 16n === OFPHTN_ETHERTYPE) greProto = Number(flow[M.packet_type] & 0xffffn);
    else return 'native tunnel header build failed';
    const gre: TunnelHeader['tunnel'] & { type: 'gre' } = { type: 'gre', flags: 0, proto: greProto };
    size += 4;
    if (flags & TNL_F.CSUM) {
      gre.flags |= GRE_CSUM;
      gre.csum = 0;
      size += 4;
    }
    if (cfg.outKeyPresent) {
      gre.flags |= GRE_KEY;
      gre.key = Number(flow[M.tun_id] & 0xffffffffn);
      size += 4;
    }
    tunnel = gre;
  }
  return { size, vportType: v6 ? types.v6 : types.v4, eth: { dst: dmac, src: smac, type: Number(v6 ? ETH_TYPE.IPV6 : ETH_TYPE.IP) }, ip, tunnel };
}

/** propagate_tunnel_data_to_flow__: the flow becomes the outer packet the tunnel header makes. */
function toOuterPacket(dst: Flow, tunnel: Flow, dmac: bigint, smac: bigint, src: bigint, proto: bigint): void {
  dst[M.dl_dst] = dmac;
  dst[M.dl_src] = smac;
  dst[M.vlan_tci0] = dst[M.vlan_tci1] = 0n;
  dst[M.packet_type] = PT_ETH;
  dst[M.nw_dst] = tunnel[M.tun_ip_dst];
  dst[M.nw_src] = tunnel[M.tun_ip_src];
  dst[M.ipv6_dst] = tunnel[M.tun_ipv6_dst];
  dst[M.ipv6_src] = tunnel[M.tun_ipv6_src];
  dst[M.nw_frag] = 0n;
  dst[M.nw_tos] = tunnel[M.tun_tos];
  dst[M.nw_ttl] = tunnel[M.tun_ttl];
  dst[M.tp_dst] = tunnel[M.tun_tp_dst];
  dst[M.tp_src] = tunnel[M.tun_tp_src];
  const v4 = mappedIpv4(src);
  if (v4 === undefined) {
    dst[M.dl_type] = ETH_TYPE.IPV6;
    if (dst[M.ipv6_src] === 0n) dst[M.ipv6_src] = src;
  } else {
    dst[M.dl_type] = ETH_TYPE.IP;
    if (dst[M.nw_src] === 0n && v4) dst[M.nw_src] = v4;
  }
  dst[M.nw_proto] = proto;
}

/**
 * native_tunnel_output: the packet, its tunnel metadata filled in by the
 * port (tnl_port_send), leaves with pushed headers through the bridge the
 * route names; the flow is the inner packet again afterwards.
 */
export function nativeTunnelOutput(ctx: Ctx, xport: XPort, cfg: TunnelConfig, isLast: boolean, truncate: boolean): void {
  const world = ctx.xin.world;
  const flow = ctx.flow;
  if (!world.snapshot.routes) world.warnOnce('no route table (ovs-appctl ovs/route/show): native tunnel output is traced as if no route matched');
  const routes = world.snapshot.routes ?? [];
  // Only an IPv4 source is given to the route lookup, as in OVS.
  let src = flow[M.tun_ip_src] ? V4_MAPPED | flow[M.tun_ip_src] : 0n;
  const dst = tunnelDst(flow);
  const route = routeLookup(routes, Number(flow[M.pkt_mark]), dst, src);
  const outDev = route && outputDevice(world, route.dev);
  if (!route || !outDev) {
    xreport(ctx, 'warn', 'native tunnel routing failed');
    return;
  }
  const gw4 = route.gw === undefined ? undefined : mappedIpv4(route.gw);
  const nextHop = route.gw !== undefined && route.gw !== 0n && gw4 !== 0n ? route.gw : dst;
  if (!src) src = route.src;
  xreport(ctx, 'detail', `tunneling to ${formatIpMapped(nextHop)} via ${outDev.name}`);
  const smac = outDev.iface.mac === undefined ? undefined : parseMac(outDev.iface.mac);
  if (smac === undefined) {
    xreport(ctx, 'warn', 'tunnel output device lacks Ethernet address');
    return;
  }
  const neighbor = world.snapshot.neighbors.find((n) => n.ip === nextHop && n.bridge === outDev.bridge.name && !n.stale);
  if (!neighbor) {
    xreport(ctx, 'detail', `neighbor cache miss for ${formatIpMapped(nextHop)} on bridge ${outDev.bridge.name}, sending ${mappedIpv4(nextHop) !== undefined ? 'ARP' : 'ND'} request`);
    return;
  }
  xreport(ctx, 'detail', `tunneling from ${formatMac(smac)} ${formatIpMapped(src)} to ${formatMac(neighbor.mac)} ${formatIpMapped(nextHop)}`);
  const header = buildHeader(ctx, xport, cfg, src, neighbor.mac, smac);
  if (typeof header === 'string') {
    xreport(ctx, 'warn', header);
    return;
  }
  if (outDev.odpPort === undefined || xport.odpPort === undefined) return;
  const oldFlow = copyFlow(flow), oldBase = copyFlow(ctx.baseFlow);
  toOuterPacket(ctx.baseFlow, flow, neighbor.mac, smac, src, BigInt(header.ip.proto));
  toOuterPacket(flow, flow, neighbor.mac, smac, src, BigInt(header.ip.proto));
  // The outer packet's journey through the bridge is not part of the megaflow, and has no side effects.
  const outer = ctx.odp, oldWc = ctx.wc, oldSideEffects = ctx.xin.allowSideEffects;
  ctx.odp = [];
  putOdp(ctx, { type: 'tnl_push', tnlPort: xport.odpPort, header, outPort: outDev.odpPort });
  if (truncate) {
    putOdp(ctx, { type: 'recirc', id: 0 });
  } else {
    ctx.wc = newFlow();
    ctx.xin.allowSideEffects = false;
    patchPortOutput(ctx, xport, outDev, isLast);
    ctx.wc = oldWc;
    ctx.xin.allowSideEffects = oldSideEffects;
  }
  const pushed = ctx.odp;
  ctx.odp = outer;
  if (pushed.length > 1 || truncate) {
    if (isLast) ctx.odp.push(...pushed);
    else ctx.odp.push({ type: 'clone', actions: pushed });
  }
  flow.splice(0, flow.length, ...oldFlow);
  ctx.baseFlow.splice(0, ctx.baseFlow.length, ...oldBase);
}
