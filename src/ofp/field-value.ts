// Field values in actions (mf_parse / mf_format): `set_field:VALUE->field`
// and the immediate values of `learn` match specs.  Values and masks are in
// field units, as meta-flow's getFieldValue/setFieldValue use them.
import type { Field } from '../meta-flow/field.js';
import { allOnes } from '../meta-flow/flow.js';
import {
  cidrBits, formatHex, formatIpv4, formatIpv6, formatMac,
} from '../meta-flow/values.js';
import { formatPort, portFromOfp11, portToOfp11, type PortNames } from './ports.js';
import { parseFieldValue as parseMfValue } from '../meta-flow/field-parse.js';

/**
 * Bits a value of `field` may have.  Wider than field.bits for vlan_vid,
 * whose values carry the 0x1000 "VLAN present" bit (OFPVID_PRESENT).
 */
export function valueBits(field: Field): number {
  return Math.max(field.bits, ...field.segments.map((s) => s.fieldLsb + s.n));
}

export interface MaskedValue {
  value: bigint;
  mask: bigint;
}

/** mf_format: the value (and mask unless all ones) as OVS prints it for this field. */
export function formatFieldValue(field: Field, value: bigint, mask: bigint, ports?: PortNames): string {
  const exact = mask === allOnes(valueBits(field));
  if (mask === 0n) return 'ANY';
  switch (field.format) {
    case 'Ethernet':
      return formatMac(value) + (exact ? '' : '/' + formatMac(mask));
    case 'IPv4':
      return formatIpv4(value) + (exact ? '' : '/' + prefixOrMask(mask, 32, formatIpv4));
    case 'IPv6':
      return formatIpv6(value) + (exact ? '' : '/' + prefixOrMask(mask, 128, formatIpv6));
    case 'tunnel flags':
      return formatTunnelFlags(value, mask);
    case 'OpenFlow 1.0 port':
      if (exact) return formatPort(Number(value), ports);
      break;
    case 'OpenFlow 1.1+ port':
      if (exact) return formatPort(portFromOfp11(Number(value)) ?? 0, ports);
      break;
  }
  const shown = field.format === 'hexadecimal' ? formatHex(value) : value.toString();
  return exact ? shown : `${shown}/${formatHex(mask)}`;
}

function prefixOrMask(mask: bigint, width: number, format: (v: bigint) => string): string {
  const n = cidrBits(mask, width);
  return n >= 0 ? String(n) : format(mask);
}

// OVS prints flags with format_flags_masked; the only public tunnel flag is "oam".
function formatTunnelFlags(value: bigint, mask: bigint): string {
  if (mask === 1n) return value & 1n ? 'oam' : '0';
  return (value & 1n ? '+' : '-') + 'oam';
}

/**
 * mf_parse for action arguments: meta-flow's parser, with OpenFlow 1.1+
 * port fields holding their 32-bit OpenFlow 1.1 numbers, as OVS keeps them.
 */
export function parseFieldValue(field: Field, s: string, ports?: PortNames): MaskedValue | string {
  const parsed = parseMfValue(field, s, ports);
  if (typeof parsed === 'string' || field.format !== 'OpenFlow 1.1+ port') return parsed;
  return { value: BigInt(portToOfp11(Number(parsed.value))), mask: parsed.mask };
}
