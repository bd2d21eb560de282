// Specifications for printing datapath actions. Every expected string is what
// OVS 3.1 printed: either after "Datapath actions: " in a recorded
// ofproto/trace (test/fixtures, or our own recordings on the userspace
// datapath), or in OVS's tests/odp.at "valid forms" list, which
// format_odp_actions() reproduces byte for byte.
import { describe, expect, it } from 'vitest';
import { formatOdpActions, TNL_F, type OdpAction, type TunnelKey } from '../../src/xlate/odp-actions.js';
import { parseIpv4, parseIpv6, parseMac } from '../../src/meta-flow/values.js';

const mac = (s: string) => parseMac(s)!;
const ip = (s: string) => parseIpv4(s)!;
const ip6 = (s: string) => parseIpv6(s)!;
const out = (...ports: number[]): OdpAction[] => ports.map((port) => ({ type: 'output', port }));
const lse = (label: number, tc: number, ttl: number, bos: number) => ((label << 12) | (tc << 9) | (bos << 8) | ttl) >>> 0;
const controller = (reason: number, recircId: number, maxLen = 65535, controllerId = 0): OdpAction => ({
  type: 'userspace', pid: 0,
  cookie: { type: 'controller', reason, dontSend: true, continuation: false, recircId, ruleCookie: 0n, controllerId, maxLen },
});
const tunnel = (t: Partial<TunnelKey>): TunnelKey => ({
  tunId: 0n, ipSrc: 0n, ipDst: 0n, ipv6Src: 0n, ipv6Dst: 0n, tos: 0, ttl: 0, tpSrc: 0, tpDst: 0, flags: 0,
  gbpId: 0, gbpFlags: 0, erspanVer: 0, erspanIdx: 0, erspanDir: 0, erspanHwid: 0, gtpuFlags: 0, gtpuMsgtype: 0, ...t,
});

const cases: [string, OdpAction[]][] = [
  // Plain lists.
  ['drop', []],
  ['4,5', out(4, 5)],
  ['745905', out(745905)],
  ['drop', [{ type: 'drop' }]],
  // VLAN and MPLS.
  ['push_vlan(vid=2,pcp=0),2,pop_vlan,1', [{ type: 'push_vlan', tpid: 0x8100, tci: 0x1002 }, ...out(2), { type: 'pop_vlan' }, ...out(1)]],
  ['push_vlan(vid=0,pcp=2),4', [{ type: 'push_vlan', tpid: 0x8100, tci: 0x5000 }, ...out(4)]],
  ['push_vlan(tpid=0x88a8,vid=3000,pcp=0),7', [{ type: 'push_vlan', tpid: 0x88a8, tci: 0x1000 | 3000 }, ...out(7)]],
  ['push_vlan(vid=13,pcp=5,cfi=0)', [{ type: 'push_vlan', tpid: 0x8100, tci: (5 << 13) | 13 }]],
  ['push_vlan(tpid=0x9100,vid=13,pcp=5,cfi=0)', [{ type: 'push_vlan', tpid: 0x9100, tci: (5 << 13) | 13 }]],
  ['push_mpls(label=1000,tc=3,ttl=32,bos=1,eth_type=0x8847),3', [{ type: 'push_mpls', lse: lse(1000, 3, 32, 1), ethType: 0x8847 }, ...out(3)]],
  ['pop_mpls(eth_type=0x800),5', [{ type: 'pop_mpls', ethType: 0x800 }, ...out(5)]],
  ['add_mpls(label=200,tc=7,ttl=64,bos=1,eth_type=0x8847)', [{ type: 'add_mpls', lse: lse(200, 7, 64, 1), ethType: 0x8847 }]],
  ['set(mpls(label=0,tc=0,ttl=5,bos=0)),2', [{ type: 'set', attr: 'mpls', key: { '': BigInt(lse(0, 0, 5, 0)) } }, ...out(2)]],
  // Unmasked sets print every field; masked sets only the masked ones.
  ['set(eth(src=fa:16:3e:58:eb:ba,dst=fa:16:3e:5c:bd:e0))',
    [{ type: 'set', attr: 'eth', key: { src: mac('fa:16:3e:58:eb:ba'), dst: mac('fa:16:3e:5c:bd:e0') } }]],
  ['set(eth(dst=00:00:00:00:aa:bb/00:00:00:00:ff:ff)),3',
    [{ type: 'set', attr: 'eth', key: { src: 0n, dst: mac('00:00:00:00:aa:bb') }, mask: { src: 0n, dst: 0xffffn } }, ...out(3)]],
  ['set(eth(src=00:01:02:03:04:05,dst=10:11:12:13:14:15/ff:ff:ff:00:00:00))',
    [{ type: 'set', attr: 'eth', key: { src: mac('00:01:02:03:04:05'), dst: mac('10:11:12:13:14:15') }, mask: { src: mac('ff:ff:ff:ff:ff:ff'), dst: mac('ff:ff:ff:00:00:00') } }]],
  ['set(ipv4(src=35.8.2.41,dst=172.16.0.20,proto=5,tos=0x80,ttl=128,frag=no))',
    [{ type: 'set', attr: 'ipv4', key: { src: ip('35.8.2.41'), dst: ip('172.16.0.20'), proto: 5n, tos: 0x80n, ttl: 128n, frag: 0n } }]],
  ['set(ipv4(src=35.8.2.41/255.255.255.0,tos=0x80,ttl=128,frag=no))',
    [{ type: 'set', attr: 'ipv4', key: { src: ip('35.8.2.41'), tos: 0x80n, ttl: 128n, frag: 0n }, mask: { src: ip('255.255.255.0'), tos: 0xffn, ttl: 0xffn, frag: 0xffn } }]],
  ['set(ipv4(tos=0/0x3))', [{ type: 'set', attr: 'ipv4', key: { tos: 0n }, mask: { tos: 3n } }]],
  ['set(ipv4(dst=10.0.0.6,ttl=63))', [{ type: 'set', attr: 'ipv4', key: { dst: ip('10.0.0.6'), ttl: 63n }, mask: { dst: 0xffffffffn, ttl: 0xffn } }]],
  ['set(ipv4(src=192.168.1.1,dst=192.168.2.2,tos=0x28/0xfc))',
    [{ type: 'set', attr: 'ipv4', key: { src: ip('192.168.1.1'), dst: ip('192.168.2.2'), tos: 0x28n }, mask: { src: 0xffffffffn, dst: 0xffffffffn, tos: 0xfcn } }]],
  ['set(tcp(src=80/0xff00,dst=8080))', [{ type: 'set', attr: 'tcp', key: { src: 80n, dst: 8080n }, mask: { src: 0xff00n, dst: 0xffffn } }]],
  ['set(udp(dst=53))', [{ type: 'set', attr: 'udp', key: { dst: 53n }, mask: { dst: 0xffffn } }]],
  ['set(sctp(src=82,dst=6633))', [{ type: 'set', attr: 'sctp', key: { src: 82n, dst: 6633n } }]],
  ['set(icmp(type=1,code=2))', [{ type: 'set', attr: 'icmp', key: { type: 1n, code: 2n } }]],
  ['set(icmpv6(type=1,code=1)),2', [{ type: 'set', attr: 'icmpv6', key: { type: 1n, code: 1n } }, ...out(2)]],
  ['set(ipv6(src=::1,dst=::2,label=0,proto=10,tclass=0x70,hlimit=128,frag=no))',
    [{ type: 'set', attr: 'ipv6', key: { src: 1n, dst: 2n, label: 0n, proto: 10n, tclass: 0x70n, hlimit: 128n, frag: 0n } }]],
  ['set(ipv6(label=0/0xfff,proto=10,tclass=0x70/0x70))',
    [{ type: 'set', attr: 'ipv6', key: { label: 0n, proto: 10n, tclass: 0x70n }, mask: { label: 0xfffn, proto: 0xffn, tclass: 0x70n } }]],
  ['set(ipv6(label=0x12345,tclass=0x20/0xfc)),2',
    [{ type: 'set', attr: 'ipv6', key: { label: 0x12345n, tclass: 0x20n }, mask: { label: 0xfffffn, tclass: 0xfcn } }, ...out(2)]],
  ['set(ipv6(src=2001:db8::5,hlimit=63)),2',
    [{ type: 'set', attr: 'ipv6', key: { src: ip6('2001:db8::5'), hlimit: 63n }, mask: { src: (1n << 128n) - 1n, hlimit: 0xffn } }, ...out(2)]],
  ['set(arp(op=2)),2', [{ type: 'set', attr: 'arp', key: { op: 2n }, mask: { op: 0xffffn } }, ...out(2)]],
  ['set(arp(sip=10.0.0.254,tip=10.0.0.1,op=2,sha=00:00:00:00:fe:fe,tha=00:00:00:00:00:01)),1',
    [{ type: 'set', attr: 'arp', key: { sip: ip('10.0.0.254'), tip: ip('10.0.0.1'), op: 2n, sha: mac('00:00:00:00:fe:fe'), tha: mac('00:00:00:00:00:01') } }, ...out(1)]],
  ['set(nd(target=fe80::99)),2', [{ type: 'set', attr: 'nd', key: { target: ip6('fe80::99') }, mask: { target: (1n << 128n) - 1n } }, ...out(2)]],
  ['set(skb_priority(0x5)),2', [{ type: 'set', attr: 'skb_priority', key: { '': 5n } }, ...out(2)]],
  ['set(skb_mark(0x42)),2', [{ type: 'set', attr: 'skb_mark', key: { '': 0x42n } }, ...out(2)]],
  ['set(skb_mark(0x5/0xff)),2', [{ type: 'set', attr: 'skb_mark', key: { '': 5n }, mask: { '': 0xffn } }, ...out(2)]],
  // Tunnels.
  ['set(tunnel(tun_id=0xabcdef1234567890,src=1.1.1.1,dst=2.2.2.2,ttl=64,flags(df|csum|key)))',
    [{ type: 'set_tunnel', tunnel: tunnel({ tunId: 0xabcdef1234567890n, ipSrc: ip('1.1.1.1'), ipDst: ip('2.2.2.2'), ttl: 64, flags: TNL_F.DONT_FRAGMENT | TNL_F.CSUM | TNL_F.KEY }) }]],
  ['set(tunnel(tun_id=0x41,dst=192.168.1.2,ttl=64,tp_dst=4789,flags(df|key)))',
    [{ type: 'set_tunnel', tunnel: tunnel({ tunId: 0x41n, ipDst: ip('192.168.1.2'), ttl: 64, tpDst: 4789, flags: TNL_F.DONT_FRAGMENT | TNL_F.KEY }) }]],
  ['set(tunnel(tun_id=0x1,dst=1.1.1.1,ttl=64,erspan(ver=2,dir=1,hwid=0x1),flags(df|key)))',
    [{ type: 'set_tunnel', tnlType: 'erspan', tunnel: tunnel({ tunId: 1n, ipDst: ip('1.1.1.1'), ttl: 64, erspanVer: 2, erspanDir: 1, erspanHwid: 1, flags: TNL_F.DONT_FRAGMENT | TNL_F.KEY }) }]],
  ['set(tunnel(dst=1.1.1.1,ttl=64,flags(0)))', [{ type: 'set_tunnel', tunnel: tunnel({ ipDst: ip('1.1.1.1'), ttl: 64 }) }]],
  ['tnl_pop(4)', [{ type: 'tnl_pop', port: 4 }]],
  // Conntrack.
  ['ct', [{ type: 'ct' }]],
  ['ct(zone=16,nat)', [{ type: 'ct', zone: 16, nat: {} }]],
  ['ct(commit,zone=5,mark=0x1/0xffffffff,label=0xab),2',
    [{ type: 'ct', commit: true, zone: 5, mark: { value: 1, mask: 0xffffffff }, label: { value: 0xabn, mask: (1n << 128n) - 1n } }, ...out(2)]],
  ['ct(commit,zone=3,mark=0x5/0xffffffff,label=0x1/0xff),2',
    [{ type: 'ct', commit: true, zone: 3, mark: { value: 5, mask: 0xffffffff }, label: { value: 1n, mask: 0xffn } }, ...out(2)]],
  ['ct(commit,mark=0xa0a0a0a0/0xfefefefe)', [{ type: 'ct', commit: true, mark: { value: 0xa0a0a0a0, mask: 0xfefefefe } }]],
  ['ct(commit,zone=42,nat(src=192.168.0.1-192.168.0.10:1000-2000)),1',
    [{ type: 'ct', commit: true, zone: 42, nat: { kind: 'src', family: 4, ipMin: ip('192.168.0.1'), ipMax: ip('192.168.0.10'), protoMin: 1000, protoMax: 2000 } }, ...out(1)]],
  ['ct(commit,zone=9,nat(dst=[fd00::53]:5353)),2',
    [{ type: 'ct', commit: true, zone: 9, nat: { kind: 'dst', family: 6, ipMin: ip6('fd00::53'), protoMin: 5353 } }, ...out(2)]],
  ['ct(commit,nat(src=fd00::1-fd00::5)),2',
    [{ type: 'ct', commit: true, nat: { kind: 'src', family: 6, ipMin: ip6('fd00::1'), ipMax: ip6('fd00::5') } }, ...out(2)]],
  ['ct(commit,nat(src=[fe80::20c:29ff:fe88:1]-[fe80::20c:29ff:fe88:a18b]:255-4096,random))',
    [{ type: 'ct', commit: true, nat: { kind: 'src', family: 6, ipMin: ip6('fe80::20c:29ff:fe88:1'), ipMax: ip6('fe80::20c:29ff:fe88:a18b'), protoMin: 255, protoMax: 4096, random: true } }]],
  ['ct(commit,nat(dst=10.0.0.128-10.0.0.254,hash))',
    [{ type: 'ct', commit: true, nat: { kind: 'dst', family: 4, ipMin: ip('10.0.0.128'), ipMax: ip('10.0.0.254'), hash: true } }]],
  ['ct(commit,nat(src))', [{ type: 'ct', commit: true, nat: { kind: 'src' } }]],
  ['ct(force_commit,helper=ftp,nat(src=10.0.0.1,persistent,random)),2',
    [{ type: 'ct', forceCommit: true, helper: 'ftp', nat: { kind: 'src', family: 4, ipMin: ip('10.0.0.1'), persistent: true, random: true } }, ...out(2)]],
  ['ct(commit,timeout=ovs_tp_1_tcp4,nat(dst))', [{ type: 'ct', commit: true, timeout: 'ovs_tp_1_tcp4', nat: { kind: 'dst' } }]],
  ['ct_clear,1', [{ type: 'ct_clear' }, ...out(1)]],
  // Recirculation, nesting.
  ['ct(zone=2),recirc(0x1)', [{ type: 'ct', zone: 2 }, { type: 'recirc', id: 1 }]],
  ['hash(sym_l4(0)),recirc(0x6)', [{ type: 'hash', alg: 'sym_l4', basis: 0 }, { type: 'recirc', id: 6 }]],
  ['5,clone(ct(zone=16,nat),recirc(0x4)),6',
    [...out(5), { type: 'clone', actions: [{ type: 'ct', zone: 16, nat: {} }, { type: 'recirc', id: 4 }] }, ...out(6)]],
  ['clone(clone(push_vlan(vid=12,pcp=0),2),1)',
    [{ type: 'clone', actions: [{ type: 'clone', actions: [{ type: 'push_vlan', tpid: 0x8100, tci: 0x1000 | 12 }, ...out(2)] }, ...out(1)] }]],
  ['check_pkt_len(size=200,gt(2),le(3))', [{ type: 'check_pkt_len', size: 200, gt: out(2), le: out(3) }]],
  ['check_pkt_len(size=200,gt(ct(nat)),le(drop))', [{ type: 'check_pkt_len', size: 200, gt: [{ type: 'ct', nat: {} }], le: [] }]],
  ['sample(sample=9.7%,actions(1,2,3,push_vlan(vid=1,pcp=2)))',
    [{ type: 'sample', probability: Math.round(0.097 * 0xffffffff), actions: [...out(1, 2, 3), { type: 'push_vlan', tpid: 0x8100, tci: 0x1000 | (2 << 13) | 1 }] }]],
  ['sample(sample=100.0%,actions(drop))', [{ type: 'sample', probability: 0xffffffff, actions: [] }]],
  ['trunc(100),2', [{ type: 'trunc', maxLen: 100 }, ...out(2)]],
  ['meter(3),lb_output(1)', [{ type: 'meter', id: 3 }, { type: 'lb_output', bondId: 1 }]],
  ['push_eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),pop_eth',
    [{ type: 'push_eth', src: 1n, dst: 2n }, { type: 'pop_eth' }]],
  ['push_nsh(flags=0,ttl=63,mdtype=1,np=3,spi=0x100,si=255,c1=0x1,c2=0x0,c3=0x0,c4=0x0),pop_nsh()',
    [{ type: 'push_nsh', flags: 0, ttl: 63, mdtype: 1, np: 3, spi: 0x100, si: 255, context: [1, 0, 0, 0] }, { type: 'pop_nsh' }]],
  // Userspace.
  ['userspace(pid=0,controller(reason=1,dont_send=1,continuation=0,recirc_id=3,rule_cookie=0,controller_id=0,max_len=64)),2',
    [controller(1, 3, 64), ...out(2)]],
  ['userspace(pid=0,controller(reason=0,dont_send=1,continuation=0,recirc_id=2,rule_cookie=0,controller_id=7,max_len=128))',
    [controller(0, 2, 128, 7)]],
  ['userspace(pid=6633,controller(reason=1,dont_send=0,continuation=1,recirc_id=4444,rule_cookie=0x5555,controller_id=0,max_len=65535))',
    [{ type: 'userspace', pid: 6633, cookie: { type: 'controller', reason: 1, dontSend: false, continuation: true, recircId: 4444, ruleCookie: 0x5555n, controllerId: 0, maxLen: 65535 } }]],
  ['userspace(pid=6633,sFlow(vid=9,pcp=7,output=10),actions,tunnel_out_port=10)',
    [{ type: 'userspace', pid: 6633, cookie: { type: 'sflow', vlanTci: (7 << 13) | 9, output: 10 }, actions: true, tunnelOutPort: 10 }]],
  ['userspace(pid=9765,slow_path(0))', [{ type: 'userspace', pid: 9765, cookie: { type: 'slow_path', reason: 0 } }]],
  ['userspace(pid=9765,slow_path(cfm),tunnel_out_port=10)', [{ type: 'userspace', pid: 9765, cookie: { type: 'slow_path', reason: 1 }, tunnelOutPort: 10 }]],
  ['userspace(pid=1234567,userdata(0102030405060708090a0b0c0d0e0f),actions)',
    [{ type: 'userspace', pid: 1234567, userdata: Uint8Array.from({ length: 15 }, (_, i) => i + 1), actions: true }]],
  ['userspace(pid=6633,flow_sample(probability=123,collector_set_id=1234,obs_domain_id=2345,obs_point_id=3456,output_port=10,egress),tunnel_out_port=10)',
    [{ type: 'userspace', pid: 6633, cookie: { type: 'flow_sample', probability: 123, collectorSetId: 1234, obsDomainId: 2345, obsPointId: 3456, outputPort: 10, direction: 'egress' }, tunnelOutPort: 10 }]],
  ['userspace(pid=6633,ipfix(output_port=10))', [{ type: 'userspace', pid: 6633, cookie: { type: 'ipfix', outputPort: 10 } }]],
];

describe('formatOdpActions', () => {
  it.each(cases)('%s', (expected, acts) => {
    expect(formatOdpActions(acts)).toBe(expected);
  });
});
