// Field values from text (OVS's mf_parse / mf_parse_value), and setting them
// into a match or a flow with OVS's per-field side effects (dl_vlan sets CFI).
import { fieldByName, setFieldValue, unwildcardField, type Field } from './field.js';
import { allOnes, VLAN_CFI } from './flow.js';
import { parseMac, parseIpv4, parseIpv6, parseInteger, prefixMask, scanInteger } from './values.js';
import { CT_STATE_NAMES, TCP_FLAG_NAMES, TUN_FLAG_NAMES } from './match.js';
import { parsePort, type PortNames } from '../ofp/ports.js';
import type { Match } from './match.js';

export interface FieldValue {
  value: bigint;
  mask: bigint;
}

const FRAGS: Record<string, [bigint, bigint]> = Object.assign(Object.create(null), {
  no: [0n, 3n], first: [1n, 3n], later: [3n, 3n], yes: [1n, 1n], not_later: [0n, 2n],
});

/**
 * parse_flags (lib/flow.c), as mf_parse calls it with a mask: two numbers
 * `value/mask`; or `+name-name...`, matching the flags named; or names and
 * numbers joined by `|`, matching every flag. Only `allowed` bits may be
 * named or given. An error quotes the text from where OVS's reading stood.
 */
function parseFlags(s: string, names: readonly string[], allowed: bigint, what: string): FieldValue | string {
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
  return { value: flags, mask: allowed };
}

function parseScalar(f: Field, s: string, ports?: PortNames): bigint | string {
  switch (f.format) {
    case 'Ethernet': return parseMac(s) ?? `${s}: invalid Ethernet address`;
    case 'IPv4': return parseIpv4(s) ?? `${s}: could not convert to IP address`;
    case 'IPv6': return parseIpv6(s) ?? `${s}: could not convert to IPv6 address`;
    case 'OpenFlow 1.0 port':
    case 'OpenFlow 1.1+ port': {
      const p = parsePort(s, ports);
      return p === undefined ? `${s}: port value out of range for ${f.name}` : BigInt(p);
    }
    default: {
      const v = parseInteger(s);
      if (v === undefined) return `${s}: could not convert to integer`;
      return v;
    }
  }
}

/** Formats with a syntax of their own (flags, keywords), whose mask comes from the value itself. */
const OWN_SYNTAX: Record<string, (s: string, full: bigint) => FieldValue | string> = {
  'ct state': (s) => parseFlags(s, CT_STATE_NAMES, 0xffn, 'ct_state'),
  'TCP flags': (s) => parseFlags(s, TCP_FLAG_NAMES, 0xfffn, 'TCP'),
  'tunnel flags': (s) => parseFlags(s, TUN_FLAG_NAMES, 0x1n, 'tunnel'),
  frag: (s) => {
    const fr = FRAGS[s];
    return fr ? { value: fr[0], mask: fr[1] } : `${s}: unknown fragment type (valid types are "no", "yes", "first", "later", "not_first")`;
  },
  'packet type': (s, full) => {
    const m = /^\(\s*([^,]+)\s*,\s*([^)]+)\s*\)$/.exec(s);
    const ns = m && parseInteger(m[1]), type = m && parseInteger(m[2]);
    if (ns == null || type == null) return `${s}: invalid packet_type`;
    return { value: (ns << 16n) | type, mask: full };
  },
};

/**
 * Whether parseFieldValue's mask for `f` depends on the text after `/` only
 * (none: the whole field): then `value/mask` texts with equal mask parts
 * give equal masks, whatever the values.
 */
export function maskFromMaskText(f: Field): boolean {
  return !Object.hasOwn(OWN_SYNTAX, f.format);
}

/** mf_parse: `value[/mask]` in the field's own syntax. */
export function parseFieldValue(f: Field, s: string, ports?: PortNames): FieldValue | string {
  const full = allOnes(f.bits);
  if (Object.hasOwn(OWN_SYNTAX, f.format)) return OWN_SYNTAX[f.format](s, full);
  const slash = s.indexOf('/');
  const valueText = slash < 0 ? s : s.slice(0, slash);
  const value = parseScalar(f, valueText, ports);
  if (typeof value === 'string') return value;
  if (slash < 0) {
    // mf_parse_value's words where a byte-wide field overflows its bytes; the rest are narrower than OVS checks.
    if (value > full) return `${s}: value too large for ${f.bits % 8 ? `${f.bits}-bit` : `${f.bits / 8}-byte`} field ${f.name}`;
    return { value, mask: full };
  }
  if (!f.maskable) return `${f.name}: field may not be masked`;
  const maskText = s.slice(slash + 1);
  let mask: bigint | string;
  if ((f.format === 'IPv4' || f.format === 'IPv6') && /^\d+$/.test(maskText)) {
    const len = Number(maskText);
    if (len > f.bits) return `${s}: network prefix bits not between 0 and ${f.bits}`;
    mask = prefixMask(len, f.bits);
  } else {
    mask = parseScalar(f, maskText, ports);
  }
  if (typeof mask === 'string') return mask;
  return { value: value & mask, mask };
}

/** Fields whose match also sets the CFI bit: matching on a VLAN VID or PCP implies "a VLAN header is present". */
const IMPLY_VLAN = new Set(['MFF_DL_VLAN', 'MFF_DL_VLAN_PCP', 'MFF_VLAN_PCP']);

/** Whether setMatchField stores `f`'s value & mask as they are (into the field's bits). */
export function setsValueAsIs(f: Field): boolean {
  return !IMPLY_VLAN.has(f.id);
}

/** mf_set / match_set_*: put a parsed value into a match. */
export function setMatchField(match: Match, f: Field, fv: FieldValue): void {
  let { value, mask } = fv;
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
