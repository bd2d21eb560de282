// A scenario for the live suite (`npm run test:ovs -- --fields`): every
// field of the field table in a trace flow, set to each spelling its format
// can take or get wrong (too wide, masked, signed, octal, `*`, junk after
// it...), behind the protocol its prerequisites ask for. OVS answers each
// with a flow or with mf_parse's own message; oftrace must answer the same.
import { FIELD_DEFS } from '../../src/meta-flow/field-defs.js';
import type { Scenario } from './scenario.js';

/** What a trace flow puts before the field, by the field's prerequisites. */
const PREFIX: Record<string, string> = {
  none: 'in_port=1', Ethernet: 'in_port=1', ARP: 'in_port=1,arp', IPv4: 'in_port=1,ip', IPv6: 'in_port=1,ipv6',
  'IPv4/IPv6': 'in_port=1,ip', 'VLAN VID': 'in_port=1,dl_vlan=5', MPLS: 'in_port=1,mpls', TCP: 'in_port=1,tcp',
  UDP: 'in_port=1,udp', SCTP: 'in_port=1,sctp', ICMPv4: 'in_port=1,icmp', ICMPv6: 'in_port=1,icmp6',
  ND: 'in_port=1,icmp6,icmp_type=135,icmp_code=0', 'ND solicit': 'in_port=1,icmp6,icmp_type=135,icmp_code=0',
  'ND advert': 'in_port=1,icmp6,icmp_type=136,icmp_code=0', NSH: 'in_port=1,dl_type=0x894f', CT: 'in_port=1,ct_state=+trk,ip',
};

const FLAGS = ['0x1000', 'fin|0x1', '0x1|foo', '+foo', '-1', '08', '0x', ''];

/** The spellings tried per field format. */
const SPELLINGS: Record<string, string[]> = {
  decimal: ['0', '1', '255', '256', '65535', '65536', '4294967295', '4294967296', '-1', '0x10', '010', '09', '1/1', '1/0', '0x1/0xf', 'a', '', '18446744073709551615', '18446744073709551616', '1/-1', '3/0x', '0x', '*'],
  hexadecimal: ['0', '1', '0xff', '0x100', '0xffff', '0x10000', '0xffffffff', '0x100000000', '0xffffffffffffffff', '0x10000000000000000', '-1', '010', '09', '0x1/0x1', '0x1/0', 'g', '', '0x', '1/0x', '0x1/0x1/0x1', '0X1F', '*'],
  Ethernet: ['00:00:00:00:00:01', '0:0:0:0:0:1', '00:00:00:00:00:01/ff:ff:ff:ff:ff:00', '00:00:00:00:00:01/01:00:00:00:00:00', '00-00-00-00-00-01', '00:00:00:00:00', '00:00:00:00:00:01:02', 'zz:00:00:00:00:01', '000:00:00:00:00:01', ''],
  IPv4: ['10.0.0.1', '10.0.0.1/24', '10.0.0.1/255.255.255.0', '10.0.0.1/255.0.255.0', '10.0.0.1/33', '10.0.0.1/0', '10.0.0', '10.0.0.256', '10.0.0.1/', '010.0.0.1', '0x0a000001', '1', '10.0.0.1/32', '', '10.0.0.1/-1'],
  IPv6: ['::1', '2001:db8::1', '2001:db8::1/64', '2001:db8::1/ffff::', '2001:db8::1/129', '::ffff:10.0.0.1', '2001:db8:::1', 'g::1', '', '::1/0', '::1/128'],
  'OpenFlow 1.0 port': ['1', '2', '0', '65279', '65280', '65535', '65536', 'LOCAL', 'local', 'NONE', 'ANY', 'p1', 'p9', '4294967294', '-1', '0x1', 'IN_PORT', 'CONTROLLER'],
  'OpenFlow 1.1+ port': ['1', '0', '65280', '65536', 'LOCAL', 'p1', 'p9', '4294967294', '4294967295', '-1', '0x1'],
  frag: ['no', 'yes', 'first', 'later', 'not_later', 'NO', 'First', 'x', ''],
  'packet type': ['(0,0)', '(1,0x800)', '(0x1,0x86dd)', '( 1 , 2 )', '(1)', '1,2', '(1,2', '(a,b)', ''],
  'TCP flags': ['syn', 'syn|ack', '[200]', '+syn', ...FLAGS],
  'ct state': ['trk|new', 'est', '0x21', '+trk', ...FLAGS],
  'tunnel flags': ['oam', '0x1', '+oam', 'df', ...FLAGS],
};

export function fieldSweepScenario(): Scenario {
  const traces = FIELD_DEFS
    // One of each numbered family: the rest parse alike.
    .filter((f) => !/^(tun_metadata|x?x?reg)([1-9]\d*)$/.test(f.name))
    .flatMap((f) => SPELLINGS[f.format].map((v) => ({ bridge: 'br0', flow: `${PREFIX[f.prereq]},${f.name}=${v}` })));
  return {
    name: 'field-sweep',
    bridges: [{
      name: 'br0', fail_mode: 'secure',
      ports: [{ name: 'p1', ofport: 1 }, { name: 'p2', ofport: 2 }],
      flows: ['table=0,priority=0 actions=output:2'],
    }],
    traces,
  };
}
