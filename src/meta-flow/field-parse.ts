// Field values from text (OVS's mf_parse / mf_parse_value), and setting them
// into a match or a flow with OVS's per-field side effects (dl_vlan sets CFI).
import { fieldByName, setFieldValue, unwildcardField, type Field } from './field.js';
import { allOnes, VLAN_CFI } from './flow.js';
import { parseIntString, parseIpv6, prefixMask, scanInteger, scanIpv4, scanMac } from './values.js';
import { CT_STATE_NAMES, TCP_FLAG_NAMES, TUN_FLAG_NAMES } from './match.js';
import { parsePort, type PortNames } from '../ofp/ports.js';
import type { Match } from './match.js';

export interface FieldValue {
  value: bigint;
  mask: bigint;
}

/**
 * ip_frag's words (all_frags): the first entry of a name counts. Masks carry
 * the member's unused bits, as OVS's do, so the first three are exact.
 */
const FRAGS: readonly [name: string, value: bigint, mask: bigint][] = [
  ['no', 0n, 0xffn], ['first', 1n, 0xffn], ['later', 3n, 0xffn], ['yes', 1n, 0xfdn], ['not_later', 0n, 0xfen],
];

/**
 * parse_flags (lib/flow.c), as mf_parse calls it with a mask: two numbers
 * `value/mask`; or `+name-name...`, matching the flags named; or names and
 * numbers joined by `|`, matching every flag. Only `allowed` bits may be
 * named or given; a match on every flag has all `width` bits of the mask.
 * An error quotes the text from where OVS's reading stood.
 */
function parseFlags(s: string, names: readonly string[], allowed: bigint, what: string, width: number): FieldValue | string {
  const unknown = (rest: string) => `${rest}: unknown ${what} flag(s)`;
  const value = scanInteger(s, 0);
  const mask = value && s[value.end] === '/' ? scanInteger(s, value.end + 1) : undefined;
  if (value && mask) { // %i/%i: 32-bit numbers; what follows them is not read
    const v = BigInt.asUintN(32, value.value), m = BigInt.asUintN(32, mask.value);
    return v & ~allowed || m & ~allowed ? unknown(s) : { value: v, mask: m };
  }
  const nameAt = (at: number, ends: string) => {
    const i = names.findIndex((name) => s.startsWith(name, at) && (at + name.length === s.length || ends.includes(s[at + name.length])));
    return i < 0 ? undefined : { bit: 1n << BigInt(i), end: at + names[i].length };
  };
  if (s[0] === '+' || s[0] === '-') {
    let flags = 0n, bits = 0n;
    for (let p = 0; p < s.length;) {
      if (s[p] !== '+' && s[p] !== '-') return `${s.slice(p)}: ${what} must be preceded by '+' (for SET) or '-' (NOT SET)`;
      const set = s[p++] === '+';
      const name = nameAt(p, '+-');
      if (!name) return unknown(s.slice(p));
      if (bits & name.bit) return `${s.slice(p)}: Each ${what} flag can be specified only once`;
      if (!(name.bit & allowed)) return unknown(s.slice(p));
      if (set) flags |= name.bit;
      bits |= name.bit;
      p = name.end;
    }
    return { value: flags, mask: bits };
  }
  let flags = 0n;
  for (let p = 0; p < s.length;) {
    const found = scanInteger(s, p) ?? nameAt(p, '|');
    if (!found) return unknown(s);
    const bits = 'value' in found ? found.value : found.bit;
    if (bits & ~allowed) return unknown(s);
    flags |= bits;
    p = found.end + (s[found.end] === '|' ? 1 : 0);
  }
  return { value: flags, mask: allOnes(width) };
}

/** A parsed value: its bits and mask, and whether the mask is OVS's exact one, all ones over the field's bytes. */
export interface ParsedValue extends FieldValue {
  exact: boolean;
}

type Parse = (f: Field, s: string, ports?: PortNames) => FieldValue | string;

/** mf_from_integer_string: `value[/mask]`, each as parse_int_string reads it, the field's bytes wide. */
const parseIntegerField: Parse = (f, s) => {
  const fail = (what: string, err: string) =>
    err === 'ERANGE' ? `${s}: ${what} too large for ${f.bytes}-byte field ${f.name}` : `${s}: bad syntax for ${f.name} ${what}`;
  const value = parseIntString(s, 0, f.bytes);
  if (typeof value === 'string') return fail('value', value);
  if (value.end === s.length) return { value: value.value, mask: allOnes(8 * f.bytes) };
  if (s[value.end] !== '/') return fail('value', 'EINVAL');
  const mask = parseIntString(s, value.end + 1, f.bytes);
  if (typeof mask === 'string') return fail('mask', mask);
  if (mask.end !== s.length) return fail('mask', 'EINVAL');
  return { value: value.value, mask: mask.value };
};

/** ip_parse_masked: `a.b.c.d`, `a.b.c.d/e.f.g.h` or `a.b.c.d/len`, nothing after. */
const parseIpv4Field: Parse = (_, s) => {
  const invalid = `${s}: invalid IP address`;
  const ip = scanIpv4(s, 0);
  if (!ip) return invalid;
  let mask = allOnes(32), end = ip.end;
  if (s[end] === '/') {
    const dotted = scanIpv4(s, end + 1);
    const len = dotted ? undefined : scanInteger(s, end + 1, 10);
    if (dotted) [mask, end] = [dotted.value, dotted.end];
    else if (len) {
      const prefix = Number(BigInt.asIntN(32, len.value));
      if (prefix < 0 || prefix > 32) return `${s}: IPv4 network prefix bits not between 0 and 32, inclusive`;
      [mask, end] = [prefixMask(prefix, 32), len.end];
    }
  }
  return end === s.length ? { value: ip.value, mask } : invalid;
};

/** What IPV6_SCAN_FMT (`%46[0-9a-fA-F:.]`) takes at s[at]. */
const ipv6Text = (s: string, at: number) => /^[0-9a-fA-F:.]{1,46}/.exec(s.slice(at))?.[0];

/** ipv6_parse_masked: an address, then `/len` or `/address`, nothing after. */
const parseIpv6Field: Parse = (_, s) => {
  const invalid = `${s}: invalid IPv6 address`;
  let p = 0;
  while (p < s.length && ' \t\n\v\f\r'.includes(s[p])) p++;
  const text = ipv6Text(s, p);
  const ip = text === undefined ? undefined : parseIpv6(text);
  if (ip === undefined) return invalid;
  p += text!.length;
  let mask = allOnes(128);
  if (s[p] === '/') {
    const len = scanInteger(s, p + 1, 10);
    const maskText = len ? undefined : ipv6Text(s, p + 1);
    if (len) {
      const prefix = Number(BigInt.asIntN(32, len.value));
      if (prefix < 0 || prefix > 128) return `${s}: IPv6 network prefix bits not between 0 and 128, inclusive`;
      [mask, p] = [prefixMask(prefix, 128), len.end];
    } else if (maskText !== undefined) {
      const m = parseIpv6(maskText);
      if (m === undefined) return `${s}: Invalid IPv6 mask`;
      [mask, p] = [m, p + 1 + maskText.length];
    }
  }
  return p === s.length ? { value: ip, mask } : invalid;
};

/** mf_from_ethernet_string: an address, or address/mask, each part as %hhx reads it. */
const parseEthernetField: Parse = (_, s) => {
  const mac = scanMac(s, 0);
  if (mac && mac.end === s.length) return { value: mac.value, mask: allOnes(48) };
  const mask = mac && s[mac.end] === '/' ? scanMac(s, mac.end + 1) : undefined;
  return mac && mask && mask.end === s.length ? { value: mac.value, mask: mask.value } : `${s}: invalid Ethernet address`;
};

/** mf_from_ofp_port_string(32): a port number or name; the two formats word a bad one differently. */
const parsePortField = (message: string): Parse => (f, s, ports) => {
  const port = parsePort(s, ports);
  return port === undefined ? `${s}: ${message} for ${f.name}` : { value: BigInt(port), mask: allOnes(8 * f.bytes) };
};

/** mf_from_packet_type_string: `(ns,ns_type)`; an error quotes the text from where the reading stood. */
const parsePacketType: Parse = (_, s) => {
  const fail = (at: number, what: string) => `${s.slice(at)}: bad syntax for packet type ${what}`;
  if (s[0] !== '(') return fail(0, "missing '('");
  const ns = parseIntString(s, 1, 2);
  if (typeof ns === 'string') return fail(1, 'ns');
  if (s[ns.end] !== ',') return fail(1, "missing ','");
  const type = parseIntString(s, ns.end + 1, 2);
  if (typeof type === 'string') return fail(ns.end + 1, 'ns_type');
  if (s[type.end] !== ')') return fail(ns.end + 1, "missing ')'");
  return { value: (ns.value << 16n) | type.value, mask: allOnes(32) };
};

/** mf_parse's reading by the field's string format (enum mf_string). */
const BY_FORMAT: Record<string, Parse> = {
  decimal: parseIntegerField,
  hexadecimal: parseIntegerField,
  Ethernet: parseEthernetField,
  IPv4: parseIpv4Field,
  IPv6: parseIpv6Field,
  'OpenFlow 1.0 port': parsePortField('invalid or unknown port'),
  'OpenFlow 1.1+ port': parsePortField('port value out of range'),
  'ct state': (_, s) => parseFlags(s, CT_STATE_NAMES, 0xffn, 'ct_state', 32),
  'TCP flags': (_, s) => parseFlags(s, TCP_FLAG_NAMES, 0xfffn, 'TCP', 16),
  'tunnel flags': (_, s) => parseFlags(s, TUN_FLAG_NAMES, 0x1n, 'tunnel', 16),
  frag: (_, s) => {
    const fr = FRAGS.find(([name]) => name === s.toLowerCase());
    return fr ? { value: fr[1], mask: fr[2] } : `${s}: unknown fragment type (valid types are "no", "yes", "first", "later", "not_later"`;
  },
  'packet type': parsePacketType,
};

/** Formats with a syntax of their own (flags, keywords), whose mask comes from the value itself. */
const OWN_SYNTAX = new Set(['ct state', 'TCP flags', 'tunnel flags', 'frag', 'packet type']);

/**
 * Whether parseFieldValue's mask for `f` depends on the text after `/` only
 * (none: the whole field): then `value/mask` texts with equal mask parts
 * give equal masks, whatever the values.
 */
export function maskFromMaskText(f: Field): boolean {
  return !OWN_SYNTAX.has(f.format);
}

/**
 * mf_parse: `value[/mask]` in the field's own syntax, with OVS's messages;
 * `*` matches anything. Values and masks are the field's bits; `exact` says
 * whether OVS's mask is all ones over the field's bytes (mf_parse_value's
 * test), and a value may be wider than the field where OVS keeps its low
 * bits (`dl_vlan=5000` is 904) or, for dl_vlan=0xffff, means no VLAN.
 */
export function parseFieldValue(f: Field, s: string, ports?: PortNames): ParsedValue | string {
  if (s === '*') return { value: 0n, mask: 0n, exact: false };
  const parsed = BY_FORMAT[f.format](f, s, ports);
  if (typeof parsed === 'string') return parsed;
  const bytesMask = allOnes(8 * f.bytes);
  if (!f.maskable && parsed.mask !== 0n && parsed.mask !== bytesMask) return `${s}: invalid mask for field ${f.name}`;
  return { value: parsed.value, mask: parsed.mask & allOnes(f.bits), exact: parsed.mask === bytesMask };
}

/** dl_vlan's value for "no VLAN" (OFP10_VLAN_NONE). */
const OFP10_VLAN_NONE = 0xffffn;

/** Fields whose match also sets the CFI bit: matching on a VLAN VID or PCP implies "a VLAN header is present". */
const IMPLY_VLAN = new Set(['MFF_DL_VLAN', 'MFF_DL_VLAN_PCP', 'MFF_VLAN_PCP']);

/** Whether setMatchField stores `f`'s value & mask as they are (into the field's bits). */
export function setsValueAsIs(f: Field): boolean {
  return !IMPLY_VLAN.has(f.id);
}

/** mf_set / match_set_*: put a parsed value into a match. */
export function setMatchField(match: Match, f: Field, fv: FieldValue): void {
  let { value, mask } = fv;
  if (f.id === 'MFF_DL_VLAN' && value === OFP10_VLAN_NONE && mask === 0xfffn) {
    // match_set_dl_vlan: OpenFlow 1.0's "no VLAN" matches a packet without one.
    const tci = fieldByName('vlan_tci')!;
    setFieldValue(match.flow, tci, 0n, 0xffffn);
    unwildcardField(match.wc, tci, 0xffffn);
    return;
  }
  if (IMPLY_VLAN.has(f.id)) {
    const tci = fieldByName('vlan_tci')!;
    const shift = f.id === 'MFF_DL_VLAN' ? 0n : 13n;
    const bits = f.id === 'MFF_DL_VLAN' ? 0xfffn : 0x7n;
    setFieldValue(match.flow, tci, ((value & bits) << shift) | VLAN_CFI, ((mask & bits) << shift) | VLAN_CFI);
    unwildcardField(match.wc, tci, ((mask & bits) << shift) | VLAN_CFI);
    return;
  }
  setFieldValue(match.flow, f, value & mask, mask);
  unwildcardField(match.wc, f, mask);
  // An exact value goes through mf_set_value, whose match_set_icmp_type/code,
  // match_set_ipv6_label and match_set_nd_options_type match the whole flow
  // member, not just the field's bits; OVS prints them exact (`icmp_type=8`).
  const memberBits = WHOLE_MEMBER_WHEN_EXACT[f.id];
  if (memberBits && mask === allOnes(f.bits)) match.wc[f.segments[0].member] = allOnes(memberBits);
}

const WHOLE_MEMBER_WHEN_EXACT: Record<string, number> = {
  MFF_ICMPV4_TYPE: 16, MFF_ICMPV4_CODE: 16, MFF_ICMPV6_TYPE: 16, MFF_ICMPV6_CODE: 16, MFF_IPV6_LABEL: 32,
  MFF_ND_OPTIONS_TYPE: 16,
};
