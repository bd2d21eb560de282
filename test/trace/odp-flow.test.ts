// Specifications for the datapath-flow syntax of ofproto/trace: what
// odp_flow_from_string() accepts and odp_flow_key_to_flow() makes of it, with
// OVS 3.1's messages (test/fixtures/family-packets-hex).
import { describe, expect, it } from 'vitest';
import { ETH_TYPE, M } from '../../src/meta-flow/flow.js';
import { formatOdpKey, odpKeyToFlow, parseOdpFlow, ODPP_NONE } from '../../src/trace/odp-flow.js';

const PORTS = new Map([['ovs-dummy', 0], ['p1', 1], ['br0', 100]]);

function keyText(text: string): string {
  const key = parseOdpFlow(text, PORTS);
  return typeof key === 'string' ? key : formatOdpKey(key);
}

function flowOf(text: string) {
  const key = parseOdpFlow(text, PORTS);
  if (typeof key === 'string') throw new Error(key);
  return odpKeyToFlow(key);
}

describe('odp_flow_from_string', () => {
  it('reads attributes separated by commas or white space, fields in any order, a trailing comma allowed', () => {
    expect(keyText('  in_port(1) , eth(dst=00:00:00:00:00:02,src=00:00:00:00:00:01,),eth_type(0x0806)'))
      .toBe('in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0806)');
  });

  it('takes datapath port names for in_port', () => {
    expect(keyText('in_port(p1),in_port(br0)')).toBe('in_port(1),in_port(100)');
  });

  it('reads masks and ignores them', () => {
    const f = flowOf('eth(src=00:00:00:00:00:01/ff:ff:ff:00:00:00),eth_type(0x0800),ipv4(src=10.0.0.0/255.0.0.0,proto=1,frag=later)');
    expect([f[M.nw_src], f[M.nw_frag]]).toEqual([0x0a000000n, 3n]);
  });

  it('keeps integers to their field width, as C does', () => {
    expect(flowOf('eth(),eth_type(0x0800),ipv4(proto=300)')).toMatchObject({ [M.nw_proto]: 44n });
  });

  it('reads flags by name, numerically, or as +/- with each flag once', () => {
    expect(flowOf('ct_state(trk|est)')).toMatchObject({ [M.ct_state]: 0x22n });
    expect(flowOf('ct_state(+trk+est)')).toMatchObject({ [M.ct_state]: 0x22n });
    expect(keyText('ct_state(+trk+trk)')).toBe('syntax error at ct_state(+trk+trk)');
  });

  it('puts each repeated MPLS field into the next label, three labels at most', () => {
    const f = flowOf('eth(),eth_type(0x8847),mpls(label=100,ttl=64,label=200,ttl=63,bos=1)');
    expect([f[M.mpls_lse0], f[M.mpls_lse1]]).toEqual([0x64040n, 0xc813fn]);
    expect(keyText('mpls(label=1,label=2,label=3,label=4)')).toBe('syntax error at mpls(label=1,label=2,label=3,label=4)');
  });

  it('reports a syntax error at the attribute it could not read', () => {
    for (const [text, at] of [
      ['in_port(1),eth(foo=1)', 'eth(foo=1)'], ['in_port(1)x', 'x'], ['in_port(nosuchport)', 'in_port(nosuchport)'],
      ['in_port(1),eth(),eth_type(0x8100),vlan(vid=4096),encap()', 'vlan(vid=4096),encap()'],
      ['in_port(1),eth(),encap(eth_type(0x0800)', 'encap(eth_type(0x0800)'], ['ipv4(src=1.2.3)', 'ipv4(src=1.2.3)'],
      ['in_port=1', 'in_port=1'],
    ]) expect(keyText(text)).toBe(`syntax error at ${at}`);
  });

  it('refuses keys oftrace does not model instead of misreading them', () => {
    expect(() => parseOdpFlow('in_port(1),tunnel(tun_id=0x5,dst=192.168.0.2,ttl=64,vxlan(gbp(id=10,flags=0x1)))', PORTS))
      .toThrow('datapath flow key tunnel(vxlan(...)) is not supported');
    expect(() => parseOdpFlow('in_port(1),nsh(flags=0)', PORTS)).toThrow('datapath flow key nsh(...) is not supported');
  });
});

describe('odp_flow_key_to_flow', () => {
  it('implies the Ethertype from the L3 attribute, 0x05ff when there is none, and ODPP_NONE without in_port', () => {
    expect(flowOf('eth(),ipv4(proto=17)')[M.dl_type]).toBe(ETH_TYPE.IP);
    const f = flowOf('eth()');
    expect([f[M.dl_type], f[M.in_port]]).toEqual([0x05ffn, ODPP_NONE]);
  });

  it('uses only the L4 attribute the protocol calls for', () => {
    const f = flowOf('eth(),eth_type(0x0800),ipv4(proto=17),tcp(dst=80),udp(dst=53),tcp_flags(syn)');
    expect([f[M.tp_dst], f[M.tcp_flags]]).toEqual([53n, 0n]);
  });

  it('reads the VLAN and its encap(); a VLAN Ethertype alone leaves an empty Ethertype', () => {
    const f = flowOf('eth(),eth_type(0x8100),vlan(vid=10,pcp=1),encap(eth_type(0x0800),ipv4(proto=17),udp(dst=53))');
    expect([f[M.vlan_tci0], f[M.dl_type], f[M.tp_dst]]).toEqual([0x300an, ETH_TYPE.IP, 53n]);
    expect(flowOf('eth(),eth_type(0x8100)')[M.dl_type]).toBe(0n);
  });

  it('without eth(), the packet is an L3 packet of the Ethertype', () => {
    expect(flowOf('eth_type(0x0800),ipv4(proto=1)')[M.packet_type]).toBe(0x10800n);
  });

  it('reads the conntrack original tuple', () => {
    const f = flowOf('ct_state(new|trk),ct_tuple4(src=10.0.0.1,dst=10.0.0.2,proto=6,tp_src=1,tp_dst=80)');
    expect([f[M.ct_nw_src], f[M.ct_nw_proto], f[M.ct_tp_dst]]).toEqual([0x0a000001n, 6n, 80n]);
  });

  it('reports OVS errors with the key in error, printed in full', () => {
    expect(flowOf('in_port(1),in_port(2)')).toBe('duplicate in_port attribute in flow key; the flow key in error is: in_port(1),in_port(2)');
    expect(flowOf('in_port(1),eth_type(0x0005)')).toBe('invalid Ethertype 5 in flow key; the flow key in error is: in_port(1),eth_type(0x0005)');
    expect(flowOf('in_port(1),eth(),eth_type(0x8100),vlan(vid=5,cfi=0),encap()')).toBe(
      'OVS_KEY_ATTR_VLAN 0x0005 is nonzero but CFI bit is not set; the flow key in error is: ' +
      'in_port(1),eth(src=00:00:00:00:00:00,dst=00:00:00:00:00:00),eth_type(0x8100),vlan(vid=5,pcp=0,cfi=0),encap()');
    expect(flowOf('in_port(1),eth(),eth_type(0x0806),arp(op=256)')).toBe(
      'unsupported ARP opcode 256 in flow key; the flow key in error is: in_port(1),eth(src=00:00:00:00:00:00,dst=00:00:00:00:00:00),' +
      'eth_type(0x0806),arp(sip=0.0.0.0,tip=0.0.0.0,op=256,sha=00:00:00:00:00:00,tha=00:00:00:00:00:00)');
    expect(flowOf('eth(),eth_type(0x8847),mpls(label=1,bos=1,label=2,bos=1)')).toBe(
      'MPLS BOS set in non-innermost label; the flow key in error is: eth(src=00:00:00:00:00:00,dst=00:00:00:00:00:00),' +
      'eth_type(0x8847),mpls(label=1,tc=0,ttl=0,bos=1,label=2,tc=0,ttl=0,bos=1)');
  });
});
