// Specifications for a packet given in hex after the trace flow: eth_from_hex()
// reads it, flow_extract() finds the headers, and only the metadata comes from
// the flow argument. Expectations are what OVS 3.1 printed for the same packets
// (test/fixtures/family-packets-hex).
import { describe, expect, it } from 'vitest';
import { ETH_TYPE, IPPROTO, M, newFlow, type Flow } from '../../src/meta-flow/flow.js';
import { formatFlow } from '../../src/trace/flow-format.js';
import { flowExtract, parseHexPacket } from '../../src/trace/packet-extract.js';

const ETH = '000000000002' + '000000000001'; // dst, src
const ipv4 = (proto: string, payload: string, opts: { frag?: string; totalLen?: number } = {}) => {
  const len = (opts.totalLen ?? 20 + payload.length / 2).toString(16).padStart(4, '0');
  return `4500${len}0001${opts.frag ?? '0000'}40${proto}0000` + '0a000001' + '0a000002' + payload;
};
const UDP_53 = '14e90035000c0000' + '61626364';
const TCP_SYN_80 = '04d20050' + '00000001' + '00000000' + '5002' + '2000' + '00000000';
const IPV6_ADDRS = 'fe800000000000000000000000000001' + 'fe800000000000000000000000000002';
const ipv6 = (next: string, payload: string) => `60000000${(payload.length / 2).toString(16).padStart(4, '0')}${next}40${IPV6_ADDRS}${payload}`;

/** The flow OVS traces for `hex` received on port 1 with the flow's other fields. */
function extract(hex: string, md: Partial<Record<string, bigint>> = {}): Flow {
  const packet = parseHexPacket(hex);
  if (typeof packet === 'string') throw new Error(packet);
  const flow = newFlow();
  flow[M.in_port] = 1n;
  for (const [k, v] of Object.entries(md)) flow[M[k]] = v!;
  return flowExtract(packet, flow);
}

describe('hex packet syntax (eth_from_hex)', () => {
  it('reads pairs of hex digits, in either case, with white space between the bytes', () => {
    expect(parseHexPacket(' 00 01 02 03 04 05 06 07 08 09 0A 0b 0c 0d ')).toEqual(Uint8Array.from({ length: 14 }, (_, i) => i));
  });

  it('refuses anything else, and packets shorter than an Ethernet header', () => {
    expect(parseHexPacket('xyz')).toBe('Trailing garbage in packet data');
    expect(parseHexPacket('000102030405060708090a0b0c0d0')).toBe('Trailing garbage in packet data');
    expect(parseHexPacket('0011')).toBe('Packet data too short for Ethernet');
    expect(parseHexPacket('')).toBe('Packet data too short for Ethernet');
  });
});

describe('flow_extract', () => {
  it('takes the headers from the packet, however the flow argument set them', () => {
    const f = extract(ETH + '0800' + ipv4('11', UDP_53), { dl_type: ETH_TYPE.IP, nw_proto: IPPROTO.TCP, nw_src: 0x09090909n, tp_dst: 22n });
    expect(formatFlow(f)).toBe('udp,in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,' +
      'nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=5353,tp_dst=53');
  });

  it('keeps in_port, pkt_mark and skb_priority, and drops registers and metadata', () => {
    const f = extract(ETH + '0800' + ipv4('11', UDP_53), { pkt_mark: 7n, skb_priority: 3n, reg0: 5n, metadata: 9n });
    expect([f[M.in_port], f[M.pkt_mark], f[M.skb_priority], f[M.reg0], f[M.metadata]]).toEqual([1n, 7n, 3n, 0n, 0n]);
  });

  it('keeps the tunnel only when it has a destination', () => {
    expect(extract(ETH + '0806', { tun_id: 0x42n })[M.tun_id]).toBe(0n);
    expect(extract(ETH + '0806', { tun_id: 0x42n, tun_ip_dst: 0xc0a80009n })[M.tun_id]).toBe(0x42n);
  });

  it('keeps conntrack zone and mark only with a conntrack state', () => {
    expect(extract(ETH + '0806', { ct_zone: 5n, ct_mark: 3n })[M.ct_zone]).toBe(0n);
    const f = extract(ETH + '0806', { ct_state: 0x22n, ct_zone: 5n, ct_mark: 3n });
    expect([f[M.ct_state], f[M.ct_zone], f[M.ct_mark]]).toEqual([0x22n, 5n, 3n]);
  });

  it('keeps the conntrack original tuple for a packet of the same IP version; ports only from a complete L4 header', () => {
    const tuple = { ct_state: 0x21n, dl_type: ETH_TYPE.IP, ct_nw_proto: 17n, ct_nw_src: 0x0a000009n, ct_tp_src: 7n, ct_tp_dst: 8n };
    const udp = extract(ETH + '0800' + ipv4('11', UDP_53), tuple);
    expect([udp[M.ct_nw_proto], udp[M.ct_nw_src], udp[M.ct_tp_src], udp[M.ct_tp_dst]]).toEqual([17n, 0x0a000009n, 7n, 8n]);
    const shortTcp = extract(ETH + '0800' + ipv4('06', TCP_SYN_80.slice(0, 24)), tuple);
    expect([shortTcp[M.ct_nw_proto], shortTcp[M.ct_tp_src]]).toEqual([17n, 0n]);
    expect(extract(ETH + '86dd' + ipv6('11', UDP_53), tuple)[M.ct_nw_proto]).toBe(0n);
  });

  it('parses one VLAN tag (vlan-limit 1): an inner tag stays the Ethertype', () => {
    const f = extract(ETH + '88a80064' + '8100000a' + '0800' + ipv4('11', UDP_53));
    expect([f[M.vlan_tci0], f[M.vlan_tci1], f[M.dl_type]]).toEqual([0x1064n, 0n, ETH_TYPE.VLAN]);
    expect(extract(ETH + '810000')[M.dl_type]).toBe(ETH_TYPE.VLAN); // a tag cut short is no tag
  });

  it('reads 802.3 frames: a SNAP Ethertype, else 0x05ff', () => {
    expect(extract(ETH + '0032' + 'aaaa03000000' + '0800' + ipv4('11', UDP_53))[M.tp_dst]).toBe(53n);
    expect(extract(ETH + '0014' + '424203' + '00'.repeat(17))[M.dl_type]).toBe(0x05ffn);
  });

  it('keeps the first three MPLS labels and nothing above them', () => {
    const lses = ['00001040', '00002040', '00003040', '00004140'];
    const f = extract(ETH + '8847' + lses.join('') + ipv4('01', '0800000000000000'));
    expect([f[M.mpls_lse0], f[M.mpls_lse1], f[M.mpls_lse2], f[M.nw_proto]]).toEqual([0x1040n, 0x2040n, 0x3040n, 0n]);
  });

  it('leaves out the L3 header when it is inconsistent, and the L4 header when it is cut short', () => {
    expect(extract(ETH + '0800' + ipv4('06', TCP_SYN_80, { totalLen: 200 }))[M.nw_src]).toBe(0n);
    const short = extract(ETH + '0800' + ipv4('06', TCP_SYN_80.slice(0, 24)));
    expect([short[M.nw_proto], short[M.tp_dst]]).toEqual([6n, 0n]);
  });

  it('ignores Ethernet padding after the IPv4 total length', () => {
    expect(extract(ETH + '0800' + ipv4('11', UDP_53) + 'ff'.repeat(18))[M.tp_dst]).toBe(53n);
  });

  it('marks IPv4 fragments; later fragments have no L4 header', () => {
    expect(extract(ETH + '0800' + ipv4('11', UDP_53, { frag: '2000' }))[M.nw_frag]).toBe(1n);
    const later = extract(ETH + '0800' + ipv4('11', UDP_53, { frag: '0010' }));
    expect([later[M.nw_frag], later[M.tp_dst]]).toEqual([3n, 0n]);
  });

  it('walks IPv6 extension headers; one cut short keeps only the addresses', () => {
    const hopByHop = '0600' + '010400000000';
    expect(extract(ETH + '86dd' + ipv6('00', hopByHop + TCP_SYN_80))[M.nw_proto]).toBe(6n);
    const cut = extract(ETH + '86dd' + ipv6('00', '060000'));
    expect([cut[M.ipv6_dst] !== 0n, cut[M.nw_proto], cut[M.nw_ttl]]).toEqual([true, 0n, 0n]);
    const later = extract(ETH + '86dd' + ipv6('2c', '11000100' + '00000007' + '00'.repeat(8)));
    expect([later[M.nw_frag], later[M.nw_proto]]).toEqual([3n, 44n]);
  });

  it('reads neighbor discovery: target, link-layer options, and the first option type', () => {
    const ns = '87000000' + '00000000' + IPV6_ADDRS.slice(32) + '0101' + '000000000001';
    const f = extract(ETH + '86dd' + ipv6('3a', ns));
    expect([f[M.tp_src], f[M.nd_target] !== 0n, f[M.arp_sha], f[M.tcp_flags]]).toEqual([135n, true, 1n, 1n]);
    // A repeated option makes the message invalid: no target, no addresses.
    const dup = extract(ETH + '86dd' + ipv6('3a', ns + '0101' + '000000000002'));
    expect([dup[M.nd_target], dup[M.arp_sha], dup[M.tcp_flags]]).toEqual([0n, 0n, 1n]);
  });

  it('reads ARP only for Ethernet/IPv4, and the opcode only when it fits nw_proto', () => {
    const arp = (hrd: string, op: string) => ETH + '0806' + hrd + '0800' + '0604' + op + '000000000001' + '0a000001' + '000000000000' + '0a000002';
    expect(extract(arp('0001', '0001'))[M.nw_proto]).toBe(1n);
    expect(extract(arp('0006', '0001'))[M.nw_src]).toBe(0n);
    const big = extract(arp('0001', '0101'));
    expect([big[M.nw_src], big[M.nw_proto]]).toEqual([0x0a000001n, 0n]);
  });
});
