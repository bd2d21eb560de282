// Seeded random scenarios for the live oracle: two bridges joined by patch ports, multi-table
// pipelines, and traces drawn from the same value pools as the flows so most traces hit.
import type { BridgeSpec, PortSpec, Scenario, TraceSpec } from './scenario.js';
import { prng } from '../../tools/prng.js';

class Rng {
  private next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
}

const MACS = ['00:00:00:00:00:01', '00:00:00:00:00:02', '00:00:00:00:00:03', '52:54:00:aa:bb:cc', 'fa:16:3e:11:22:33'];
const IPS = ['10.0.0.1', '10.0.0.2', '10.0.1.5', '192.168.1.10', '172.16.0.7'];
const PREFIXES = ['10.0.0.0/8', '10.0.0.0/24', '10.0.1.0/24', '192.168.0.0/16', '172.16.0.7'];
const TP_PORTS = [22, 53, 80, 443, 8080];
const REG_VALUES = [0, 1, 2, 3];
const VLANS = [10, 20];
const PROTOS = ['ip', 'tcp', 'udp', 'icmp', 'arp', ''] as const;
type Proto = (typeof PROTOS)[number];
const isIp = (p: Proto) => p === 'ip' || p === 'tcp' || p === 'udp' || p === 'icmp';
const PATCH_OFPORT = 10;

interface Ctx {
  rng: Rng;
  of13: boolean;
  ports: number[]; // this bridge's ofports, patch included
  outPorts: number[]; // where flows may output (br1 never outputs back through the patch)
  maxTable: number;
  ct: boolean;
}

function matchFor(c: Ctx, table: number, proto: Proto): string[] {
  const { rng } = c;
  const m: string[] = [];
  if (proto) m.push(proto);
  if (table === 0 && rng.chance(0.6)) m.push(`in_port=${rng.pick(c.ports)}`);
  if (rng.chance(0.3)) m.push(`dl_src=${rng.pick(MACS)}`);
  if (rng.chance(0.3)) m.push(`dl_dst=${rng.pick(MACS)}`);
  if (rng.chance(0.15)) m.push(`dl_vlan=${rng.pick(VLANS)}`);
  if (isIp(proto) && rng.chance(0.4)) m.push(`nw_src=${rng.pick(PREFIXES)}`);
  if (isIp(proto) && rng.chance(0.4)) m.push(`nw_dst=${rng.pick(PREFIXES)}`);
  if (proto === 'arp' && rng.chance(0.4)) m.push(`arp_tpa=${rng.pick(IPS)}`);
  if ((proto === 'tcp' || proto === 'udp') && rng.chance(0.5)) m.push(`${proto}_dst=${rng.pick(TP_PORTS)}`);
  if (table > 0 && rng.chance(0.4)) m.push(`reg${rng.int(0, 3)}=${rng.pick(REG_VALUES)}`);
  if (table > 0 && rng.chance(0.15)) m.push(`metadata=0x${rng.int(1, 3)}`);
  if (c.ct && table > 0 && isIp(proto) && rng.chance(0.3)) m.push(`ct_state=${rng.pick(['+trk', '+trk+new', '+trk+est', '-trk'])}`);
  return m;
}

/** Actions that modify state; prerequisites follow the match's protocol. */
/**
 * At most one VLAN action per flow. OpenFlow 1.3 checks actions against the match:
 * setting or popping a VID needs dl_vlan in the match, pushing needs its absence.
 */
function vlanAction(c: Ctx, v: VlanState): string {
  const { rng } = c;
  v.touched = true;
  if (!c.of13) return rng.chance(0.5) ? `mod_vlan_vid:${rng.pick(VLANS)}` : 'strip_vlan';
  if (!v.matched) return `push_vlan:0x8100,set_field:${0x1000 | rng.pick(VLANS)}->vlan_vid`;
  return rng.chance(0.5) ? `mod_vlan_vid:${rng.pick(VLANS)}` : 'pop_vlan';
}

interface VlanState {
  matched: boolean; // dl_vlan in the match
  touched: boolean;
}

function modifier(c: Ctx, proto: Proto, v: VlanState): string {
  const { rng } = c;
  const pool: (() => string)[] = [
    () => `load:${rng.pick(REG_VALUES)}->NXM_NX_REG${rng.int(0, 3)}[]`,
    () => `set_field:${rng.pick(REG_VALUES)}->reg${rng.int(0, 3)}`,
    () => `move:NXM_NX_REG${rng.int(0, 3)}[]->NXM_NX_REG${rng.int(0, 3)}[]`,
    () => `load:0x${rng.int(1, 3)}->OXM_OF_METADATA[]`,
    () => `mod_dl_src:${rng.pick(MACS)}`,
    () => `mod_dl_dst:${rng.pick(MACS)}`,
  ];
  if (!v.touched) pool.push(() => vlanAction(c, v));
  if (isIp(proto))
    pool.push(
      () => `mod_nw_src:${rng.pick(IPS)}`,
      () => `mod_nw_dst:${rng.pick(IPS)}`,
      () => 'dec_ttl',
    );
  if (proto === 'tcp' || proto === 'udp') pool.push(() => `mod_tp_dst:${rng.pick(TP_PORTS)}`);
  return rng.pick(pool)();
}

/** The action list ends in where the packet goes next. */
function actionsFor(c: Ctx, table: number, proto: Proto, match: string[]): string {
  const { rng } = c;
  const v: VlanState = { matched: match.some((m) => m.startsWith('dl_vlan=')), touched: false };
  const acts: string[] = [];
  for (let i = rng.int(0, 2); i > 0; i--) acts.push(modifier(c, proto, v));
  const later = table < c.maxTable ? rng.int(table + 1, c.maxTable) : undefined;
  if (later !== undefined && rng.chance(0.3)) acts.push(`resubmit(,${later})`, modifier(c, proto, v));
  const ends: string[] = [`output:${rng.pick(c.outPorts)}`, `output:${rng.pick(c.outPorts)}`, 'NORMAL', 'FLOOD'];
  if (later !== undefined) ends.push(`resubmit(,${later})`, c.of13 ? `goto_table:${later}` : `resubmit(,${later})`);
  if (c.ct && isIp(proto) && rng.chance(0.5)) {
    // Conntrack is what makes traces recirculate, so give it a good share when enabled.
    const zone = rng.int(1, 9);
    ends.length = 0;
    ends.push(`ct(commit,zone=${zone}),output:${rng.pick(c.outPorts)}`);
    if (later !== undefined) ends.push(`ct(table=${later},zone=${zone})`, `ct(commit,table=${later},zone=${zone})`);
  }
  if (rng.chance(0.1)) return acts.length ? acts.join(',') : 'drop';
  const end = rng.pick(ends);
  return [...acts, end].join(',');
}

function bridge(c: Ctx, name: string, ports: PortSpec[]): BridgeSpec {
  const { rng } = c;
  const flows: string[] = [];
  for (let t = 0; t <= c.maxTable; t++) {
    for (let i = rng.int(t === 0 ? 3 : 1, 5); i > 0; i--) {
      const proto = rng.pick(PROTOS);
      const match = matchFor(c, t, proto);
      flows.push(`${[`table=${t}`, `priority=${rng.int(10, 200)}`, ...match].join(',')} actions=${actionsFor(c, t, proto, match)}`);
    }
    if (rng.chance(0.8)) flows.push(`table=${t},priority=0 actions=${actionsFor(c, t, '', [])}`);
  }
  return {
    name,
    fail_mode: rng.chance(0.5) ? 'secure' : undefined,
    ofctl_protocol: c.of13 ? 'OpenFlow13' : undefined,
    ports,
    flows,
  };
}

function traceFlow(rng: Rng, bridge: string, ports: number[], ct: boolean): TraceSpec {
  const proto = rng.pick(PROTOS);
  const f: string[] = [];
  if (proto) f.push(proto);
  f.push(`in_port=${rng.pick(ports)}`, `dl_src=${rng.pick(MACS)}`, `dl_dst=${rng.pick(rng.chance(0.2) ? ['ff:ff:ff:ff:ff:ff'] : MACS)}`);
  if (rng.chance(0.2)) f.push(`dl_vlan=${rng.pick(VLANS)}`);
  if (isIp(proto)) f.push(`nw_src=${rng.pick(IPS)}`, `nw_dst=${rng.pick(IPS)}`, `nw_ttl=${rng.pick([1, 64])}`);
  if (proto === 'tcp' || proto === 'udp')
    f.push(`${proto}_src=${rng.pick(TP_PORTS)}`, `${proto}_dst=${rng.pick(TP_PORTS)}`);
  if (proto === 'icmp') f.push('icmp_type=8');
  if (proto === 'arp') f.push(`arp_spa=${rng.pick(IPS)}`, `arp_tpa=${rng.pick(IPS)}`, 'arp_op=1');
  if (rng.chance(0.2)) f.push(`reg0=${rng.pick(REG_VALUES)}`);
  const opts = ct && isIp(proto) && rng.chance(0.5) ? ['--ct-next', rng.pick(['trk,est', 'trk,new'])] : undefined;
  return { bridge, flow: f.join(','), ...(opts && { opts }) };
}

const GENEVE_OFPORT = 20;
const GENEVE_REMOTES = ['192.168.1.5', '192.168.1.6'];
const GENEVE_TLV_MAP = '{class=0x102,type=0x80,len=4}->tun_metadata0';
const TUN_IDS = [5, 6];
const OPTIONS = [0x10002, 0x10003, 0x20001];

/** A bridge with a Geneve port and two others, and its TLV map. */
function geneveBridge(rng: Rng, seed: number): BridgeSpec {
  const ports: PortSpec[] = [
    { name: `s${seed}c1`, ofport: 1 }, { name: `s${seed}c2`, ofport: 2 },
    { name: `s${seed}-gnv`, ofport: GENEVE_OFPORT, type: 'geneve', options: { remote_ip: GENEVE_REMOTES[0], key: 'flow' } },
  ];
  // Egress, OVN-style: the datapath into tun_id, the ports into a tun_metadata0 option; a copy to port 1 after.
  const egress = [
    `table=0,priority=200,in_port=1,ip actions=set_field:0x5->tun_id,set_field:0x10002->tun_metadata0,output:${GENEVE_OFPORT}`,
    `table=0,priority=200,in_port=2,ip actions=set_field:0x6->tun_id,output:${GENEVE_OFPORT},output:1`,
  ];
  return { name: 'br2', fail_mode: 'secure', ports, tlv_map: GENEVE_TLV_MAP, flows: [...geneveFlows(rng, [1, 2]), ...egress] };
}

/**
 * The userspace datapath's tunnel underlay for br2's Geneve port: br3 holds
 * the local address (the tunnels' 192.168.1.1), the route to the remote and
 * its MAC; the outer packet leaves by br3's one port.
 */
function underlay(seed: number): { bridge: BridgeSpec; commands: string[][] } {
  return {
    bridge: { name: 'br3', fail_mode: 'secure', ports: [{ name: `s${seed}u1`, ofport: 1 }], flows: ['table=0,priority=0 actions=output:1'] },
    commands: [
      ['netdev-dummy/ip4addr', 'br3', '192.168.1.1/24'],
      ['ovs/route/add', `${GENEVE_REMOTES[0]}/24`, 'br3'],
      ['tnl/neigh/set', 'br3', GENEVE_REMOTES[0], 'aa:55:aa:55:00:05'],
    ],
  };
}

/** A packet into br2 from a local port, leaving by the Geneve tunnel. */
function traceGeneveEgress(rng: Rng): TraceSpec {
  return { bridge: 'br2', flow: `${rng.pick(['ip', 'tcp', 'udp'])},in_port=${rng.pick([1, 2])},dl_src=${rng.pick(MACS)},dl_dst=${rng.pick(MACS)},nw_src=${rng.pick(IPS)},nw_dst=${rng.pick(IPS)},nw_tos=${rng.pick([0, 1, 3])}` };
}

/** OVN's ingress from a tunnel: the datapath from tun_id, ports from tun_metadata0, then by value. */
function geneveFlows(rng: Rng, outPorts: number[]): string[] {
  const flows = [
    `table=0,priority=300,in_port=${GENEVE_OFPORT} actions=move:NXM_NX_TUN_ID[0..23]->OXM_OF_METADATA[0..23],` +
      'move:NXM_NX_TUN_METADATA0[16..30]->NXM_NX_REG14[0..14],move:NXM_NX_TUN_METADATA0[0..15]->NXM_NX_REG15[0..15],resubmit(,40)',
    `table=40,priority=0 actions=drop`,
  ];
  for (const v of OPTIONS) if (rng.chance(0.7)) flows.push(`table=40,priority=100,metadata=${rng.pick(TUN_IDS)},reg15=${v & 0xffff} actions=output:${rng.pick(outPorts)}`);
  if (rng.chance(0.5)) flows.push(`table=40,priority=50,tun_metadata0=${rng.pick(OPTIONS)} actions=output:${rng.pick(outPorts)}`);
  if (rng.chance(0.5)) flows.push(`table=40,priority=60,tun_src=${rng.pick(GENEVE_REMOTES)} actions=output:${rng.pick(outPorts)}`);
  return flows;
}

/** A packet from the Geneve port: a datapath flow with its tunnel key, or an OpenFlow one. */
function traceGeneve(rng: Rng): TraceSpec {
  const src = rng.pick(GENEVE_REMOTES), id = rng.pick(TUN_IDS), opt = rng.pick(OPTIONS);
  const option = rng.chance(0.8) ? `geneve({class=0x102,type=0x80,len=4,0x${opt.toString(16)}}),` : '';
  if (rng.chance(0.5)) {
    return { bridge: 'ovs-dummy', flow: `in_port(genev_sys_6081),tunnel(tun_id=0x${id.toString(16)},src=${src},dst=192.168.1.1,ttl=64,${option}flags(df|key)),` +
      `eth(src=${rng.pick(MACS)},dst=${rng.pick(MACS)}),eth_type(0x0800),ipv4(src=${rng.pick(IPS)},dst=${rng.pick(IPS)},proto=17,tos=0,ttl=64,frag=no),udp(src=1,dst=2)` };
  }
  return { bridge: 'br2', flow: `udp,in_port=${GENEVE_OFPORT},tun_id=0x${id.toString(16)},tun_src=${src},tun_dst=192.168.1.1${option ? `,tun_metadata0=0x${opt.toString(16)}` : ''},dl_src=${rng.pick(MACS)},dl_dst=${rng.pick(MACS)}` };
}

/**
 * The same kind of packet in the datapath-flow syntax (`ofproto/trace
 * ovs-dummy ODP_FLOW`), on a port named as the datapath names it; now and
 * then without eth(), an L3 packet that only metadata matches can take.
 */
function traceOdpFlow(rng: Rng, port: string): TraceSpec {
  const proto = rng.pick(PROTOS);
  const l3 = isIp(proto) && rng.chance(0.2);
  const key = [`in_port(${port})`];
  if (!l3) key.push(`eth(src=${rng.pick(MACS)},dst=${rng.pick(rng.chance(0.2) ? ['ff:ff:ff:ff:ff:ff'] : MACS)})`);
  const inner: string[] = [];
  const nwProto = { tcp: 6, udp: 17, icmp: 1, ip: rng.pick([2, 47]) } as Record<string, number>;
  if (isIp(proto)) {
    inner.push('eth_type(0x0800)', `ipv4(src=${rng.pick(IPS)},dst=${rng.pick(IPS)},proto=${nwProto[proto]},tos=0,ttl=${rng.pick([1, 64])},frag=no)`);
    if (proto === 'tcp' || proto === 'udp') inner.push(`${proto}(src=${rng.pick(TP_PORTS)},dst=${rng.pick(TP_PORTS)})`);
    if (proto === 'icmp') inner.push('icmp(type=8,code=0)');
  } else if (proto === 'arp') {
    inner.push('eth_type(0x0806)', `arp(sip=${rng.pick(IPS)},tip=${rng.pick(IPS)},op=1,sha=${rng.pick(MACS)},tha=00:00:00:00:00:00)`);
  } else {
    inner.push('eth_type(0x1234)');
  }
  if (!l3 && rng.chance(0.2)) key.push('eth_type(0x8100)', `vlan(vid=${rng.pick(VLANS)},pcp=0)`, `encap(${inner.join(',')})`);
  else key.push(...inner);
  return { bridge: 'ovs-dummy', flow: key.join(',') };
}

export function generateScenario(seed: number): Scenario {
  const rng = new Rng(seed);
  const of13 = rng.chance(0.5);
  const ct = rng.chance(0.5);
  const accessPorts = (prefix: string, n: number): PortSpec[] =>
    Array.from({ length: n }, (_, i) => ({
      name: `${prefix}${i + 1}`,
      ofport: i + 1,
      ...(rng.chance(0.25) && { tag: rng.pick(VLANS) }),
    }));
  const b0Ports: PortSpec[] = [...accessPorts('s' + seed + 'a', rng.int(2, 4)), { name: `s${seed}-patch0`, ofport: PATCH_OFPORT, type: 'patch', peer: `s${seed}-patch1` }];
  const b1Ports = [...accessPorts('s' + seed + 'b', rng.int(2, 3)), { name: `s${seed}-patch1`, ofport: PATCH_OFPORT, type: 'patch', peer: `s${seed}-patch0` }];
  const nums = (ps: PortSpec[]) => ps.map((p) => p.ofport);
  const br0 = bridge({ rng, of13, ct, ports: nums(b0Ports), outPorts: nums(b0Ports), maxTable: rng.int(1, 6) }, 'br0', b0Ports);
  const b1Access = nums(b1Ports).filter((p) => p !== PATCH_OFPORT);
  const br1 = bridge({ rng, of13, ct, ports: nums(b1Ports), outPorts: b1Access, maxTable: rng.int(0, 3) }, 'br1', b1Ports);
  // Teach NORMAL a couple of MACs so it forwards as well as floods.
  const prime = [b0Ports[0], b1Ports[0]].map((p, i) => ({
    port: p.name,
    packet: `eth(src=${MACS[i]},dst=ff:ff:ff:ff:ff:ff),eth_type(0x0806),arp(sip=${IPS[i]},tip=${IPS[2]},op=1,sha=${MACS[i]},tha=00:00:00:00:00:00)`,
  }));
  // Half the scenarios take Geneve traffic in on a bridge of its own (NORMAL elsewhere floods in an
  // order the dumps do not show), OVN-style: tun_id and a tun_metadata0 option into registers.
  const br2 = rng.chance(0.5) ? geneveBridge(rng, seed) : undefined;
  const inPorts = [...b0Ports, ...b1Ports].filter((p) => p.type === undefined).map((p) => p.name);
  const traces = Array.from({ length: 8 }, () =>
    br2 && rng.chance(0.25) ? (rng.chance(0.6) ? traceGeneve(rng) : traceGeneveEgress(rng))
      : rng.chance(0.25) ? traceOdpFlow(rng, rng.pick(inPorts))
        : rng.chance(0.75) ? traceFlow(rng, 'br0', nums(b0Ports), ct) : traceFlow(rng, 'br1', b1Access, ct),
  );
  const u = br2 && underlay(seed);
  return {
    name: `gen-${seed}`,
    description: `generated from seed ${seed}`,
    bridges: u ? [br0, br1, br2!, u.bridge] : [br0, br1],
    prime,
    ...(u && { underlay: u.commands }),
    traces,
  };
}
