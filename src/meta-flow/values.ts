// Text forms of header values, as OVS parses and prints them.
import { allOnes } from './flow.js';

/** Two hex digits per byte value. */
const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const TWO_32 = 2 ** 32;

/** `aa:bb:cc:dd:ee:ff`; a trace prints several per line, so no bigint or regex work. */
export function formatMac(v: bigint): string {
  if (v >= 1n << 48n) return v.toString(16).match(/../g)!.join(':'); // wider than a MAC: every byte, as ever
  const n = Number(v), hi = Math.floor(n / TWO_32), lo = n >>> 0;
  const H = HEX_BYTE;
  return `${H[hi >>> 8]}:${H[hi & 255]}:${H[lo >>> 24]}:${H[(lo >>> 16) & 255]}:${H[(lo >>> 8) & 255]}:${H[lo & 255]}`;
}

export function parseMac(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(s)) return undefined;
  return s.split(':').reduce((acc, b) => (acc << 8n) | BigInt(parseInt(b, 16)), 0n);
}

export function formatIpv4(v: bigint): string {
  const n = Number(v);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Dotted quad, each part 1-3 decimal digits up to 255 (a hot path: flow dumps hold millions). */
export function parseIpv4(s: string): bigint | undefined {
  const v = ipv4At(s, 0, s.length);
  return Number.isNaN(v) ? undefined : BigInt(v);
}

/** The same, read in place from text[start, end), as a number; NaN when it is not one. */
export function ipv4At(text: string, start: number, end: number): number {
  let v = 0, part = 0, digits = 0, dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      part = part * 10 + (c - 0x30);
      if (++digits > 3 || part > 255) return NaN;
    } else if (c === 0x2e && digits > 0 && dots < 3) {
      v = v * 256 + part;
      part = digits = 0;
      dots++;
    } else {
      return NaN;
    }
  }
  return dots === 3 && digits > 0 ? v * 256 + part : NaN;
}

/** The prefix length of a CIDR mask, or -1 when the mask is not a prefix. */
export function cidrBits(mask: bigint, width: number): number {
  const inv = allOnes(width) ^ mask;
  if ((inv & (inv + 1n)) !== 0n) return -1;
  return width - inv.toString(2).replace(/^0+/, '').length * (inv === 0n ? 0 : 1);
}

export function prefixMask(len: number, width: number): bigint {
  return len === 0 ? 0n : (allOnes(len) << BigInt(width - len));
}

export function formatIpv6(v: bigint): string {
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((v >> BigInt(i * 16)) & 0xffffn));
  // IPv4-mapped addresses print in dotted form, like inet_ntop.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return '::ffff:' + formatIpv4(v & 0xffffffffn);
  }
  // Longest run of zero groups (length >= 2) collapses to "::", like inet_ntop.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

export function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return undefined;
  let head = s, tail = '';
  const dbl = s.indexOf('::');
  if (dbl >= 0) {
    head = s.slice(0, dbl);
    tail = s.slice(dbl + 2);
    if (tail.includes('::')) return undefined;
  }
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i];
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(parseInt(p, 16));
      } else return undefined;
    }
    return out;
  };
  const h = toGroups(head), t = toGroups(tail);
  if (!h || !t) return undefined;
  let groups: number[];
  if (dbl >= 0) {
    if (h.length + t.length > 7) return undefined;
    groups = [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  } else {
    if (h.length !== 8) return undefined;
    groups = h;
  }
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** ::ffff:0:0/96, where an IPv4 address sits in the IPv6 space OVS keeps tunnel and route addresses in. */
export const V4_MAPPED = 0xffffn << 32n;

/** An IPv4 (mapped) or IPv6 address, as OVS's ipv6_parse after inet_pton of either. */
export function parseIpMapped(s: string): bigint | undefined {
  const v4 = parseIpv4(s);
  return v4 !== undefined ? V4_MAPPED | v4 : parseIpv6(s);
}

/** The IPv4 address of a mapped one, else undefined (in6_addr_get_mapped_ipv4). */
export function mappedIpv4(ip: bigint): bigint | undefined {
  return ip >> 32n === 0xffffn ? ip & 0xffffffffn : undefined;
}

/** ipv6_format_mapped: a mapped address in dotted IPv4, else IPv6. */
export function formatIpMapped(ip: bigint): string {
  const v4 = mappedIpv4(ip);
  return v4 !== undefined ? formatIpv4(v4) : formatIpv6(ip);
}

/** ds_put_hex: the value's bytes in hex without leading zero bytes ("0" for zero). */
export function formatHex(v: bigint): string {
  return v === 0n ? '0' : '0x' + v.toString(16);
}

/** strtoull(s, 0)-style integer, all of s: decimal, 0x hex, or leading-0 octal (`010` is 8, `09` is no number), as OVS reads them. */
export function parseInteger(s: string): bigint | undefined {
  // Read by hand: a dump has a few integers per line, and three regular expressions each cost more than the rest of a line.
  const n = s.length;
  if (n === 0) return undefined;
  if (s.charCodeAt(0) === 0x30 && n > 1) {
    if ((s.charCodeAt(1) | 0x20) === 0x78) { // 0x...
      if (n === 2) return undefined;
      for (let i = 2; i < n; i++) if (Number.isNaN(hexDigit(s.charCodeAt(i)))) return undefined;
      return BigInt(s);
    }
    for (let i = 1; i < n; i++) { // 0... is octal, as strtoull reads it
      const c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x37) return undefined;
    }
    return BigInt('0o' + s.slice(1));
  }
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    v = v * 10 + (c - 0x30);
  }
  return n <= 15 ? BigInt(v) : BigInt(s); // 15 digits are exact in a double
}

/**
 * ovs_scan's integer conversions at s[at] (lib/util.c scan_int): blanks, a
 * sign, then digits in `base` (0 for %i: 0x hex, 0-led octal or decimal;
 * 16 for %x, which may also start 0x), as many as there are (`08` under %i
 * is 0, then `8`); the value modulo 2^64 and where it ends, or undefined
 * without digits. The caller keeps as many low bits as its conversion has.
 */
export function scanInteger(s: string, at: number, base: 0 | 10 | 16 = 0): { value: bigint; end: number } | undefined {
  const r = readInteger(s, at, base);
  return r && { value: BigInt.asUintN(64, r.negative ? -r.magnitude : r.magnitude), end: r.end };
}

/** What scanInteger reads, the magnitude whole. */
function readInteger(s: string, at: number, base: 0 | 10 | 16): { negative: boolean; magnitude: bigint; end: number } | undefined {
  let p = at;
  while (p < s.length && isCSpace(s.charCodeAt(p))) p++;
  const negative = s[p] === '-';
  if (s[p] === '-' || s[p] === '+') p++;
  let radix: number = base;
  if (base !== 10 && s[p] === '0' && (s[p + 1] === 'x' || s[p + 1] === 'X')) {
    radix = 16;
    p += 2;
  } else if (base === 0) radix = s[p] === '0' ? 8 : 10;
  const first = p;
  while (p < s.length && hexDigit(s.charCodeAt(p)) < radix) p++;
  if (p === first) return undefined;
  const digits = s.slice(first, p);
  return { negative, magnitude: BigInt(radix === 16 ? '0x' + digits : radix === 8 ? '0o' + digits : digits), end: p };
}

/**
 * parse_int_string (lib/util.c) at s[at], for a field `bytes` wide: `0x`
 * and hex digits (blanks among them skipped, leading zeros free), else
 * strtoull's base-0 reading (blanks, a sign, octal; where it would read
 * `-0xg` as 0, junk follows either way). The value and where the reading
 * stopped; ERANGE when it does not fit, EINVAL without digits.
 */
export function parseIntString(s: string, at: number, bytes: number): { value: bigint; end: number } | 'ERANGE' | 'EINVAL' {
  if (s.startsWith('0x', at) || s.startsWith('0X', at)) {
    let p = at + 2, digits = '';
    for (;;) {
      while (p < s.length && ' \t\r\n'.includes(s[p])) p++;
      const d = hexDigit(s.charCodeAt(p));
      if (!(d >= 0)) break;
      if (d !== 0 || digits) {
        if (Math.ceil((digits.length + 1) / 2) > bytes) return 'ERANGE';
        digits += s[p];
      }
      p++;
    }
    return { value: digits ? BigInt('0x' + digits) : 0n, end: p };
  }
  const r = readInteger(s, at, 0);
  if (!r) return 'EINVAL';
  if (r.magnitude >> 64n) return 'ERANGE'; // strtoull's
  const value = BigInt.asUintN(64, r.negative ? -r.magnitude : r.magnitude);
  return value >> BigInt(8 * bytes) ? 'ERANGE' : { value, end: r.end };
}

/** IP_SCAN_FMT (`%hhu.%hhu.%hhu.%hhu`) at s[at]: each part a decimal ovs_scan keeps 8 bits of (`256` is 0). */
export const scanIpv4 = (s: string, at: number) => scanBytes(s, at, 4, '.', 10);

/** ETH_ADDR_SCAN_FMT (`%hhx:` six times) at s[at]: each part hex, 0x allowed, 8 bits kept (`000` is 0). */
export const scanMac = (s: string, at: number) => scanBytes(s, at, 6, ':', 16);

/** `n` one-byte integers (%hhu or %hhx) between `sep`s at s[at]: their bytes as one number, and where they end. */
function scanBytes(s: string, at: number, n: number, sep: string, base: 10 | 16): { value: bigint; end: number } | undefined {
  let value = 0n, p = at;
  for (let i = 0; i < n; i++) {
    if (i > 0 && s[p++] !== sep) return undefined;
    const part = scanInteger(s, p, base);
    if (!part) return undefined;
    value = (value << 8n) | BigInt.asUintN(8, part.value);
    p = part.end;
  }
  return { value, end: p };
}

/** C's isspace. */
const isCSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** A hex digit's (character code's) value, else NaN, which arithmetic on it carries along. */
export function hexDigit(c: number): number {
  c |= 0x20;
  return c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : NaN;
}
