// The datapath-flow syntax of `ofproto/trace [DPNAME] ODP_FLOW`
// (`in_port(1),eth(src=...),eth_type(0x0800),ipv4(...)`): odp_flow_from_string()
// reads the key attributes, odp_flow_key_to_flow() turns them into a flow, with
// OVS's error messages. Masks (`/...`) are read and ignored, as ofproto/trace does.
import { InputError } from '../model/errors.js';
import { CT_STATE_NAMES, TCP_FLAG_NAMES, TUN_FLAG_NAMES, formatFlags } from '../meta-flow/match.js';
import {
  M, newFlow, ETH_TYPE, IPPROTO, VLAN_CFI, FLOW_NW_FRAG_LATER, ETH_TYPE_MIN, FLOW_DL_TYPE_NONE, MAX_MPLS_LABELS, MPLS_BOS_MASK,
  isVlanEthType, OFPHTN_ETHERTYPE, l3PacketType, type Flow,
} from '../meta-flow/flow.js';
import { formatHex, formatIpv4, formatIpv6, parseIpv6 } from '../meta-flow/values.js';
import { KEY_ATTRS, TNL_F, formatGeneveOptions, formatKeyAttr, formatMplsLse, formatVlanTci, type GeneveOption, type KeyField, type SetAttr } from '../xlate/odp-actions.js';

/** One key attribute as written: its values by field name ('' for a single value), or its nested attributes (encap). */
export interface OdpKeyAttr {
  name: string;
  values: Record<string, bigint>;
  nested?: OdpKeyAttr[];
}

interface Scanned {
  v: bigint;
  end: number;
}

/** Reads a value at `i`; undefined when there is none. */
type Scan = (s: string, i: number) => Scanned | undefined;

// ---------------------------------------------------------------------------
// Values (the scan_* functions of odp-util.c).

const isSpace = (c: string | undefined) => c !== undefined && ' \t\n\v\f\r'.includes(c);

/** ovs_scan's integers: white space, a sign, then digits in `base` (0: 0x hex, leading-0 octal or decimal). */
function scanInt(s: string, i: number, base = 0): Scanned | undefined {
  while (isSpace(s[i])) i++;
  const negative = s[i] === '-';
  if (s[i] === '-' || s[i] === '+') i++;
  if ((base === 0 || base === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X')) {
    base = 16;
    i += 2;
  } else if (base === 0) {
    base = s[i] === '0' ? 8 : 10;
  }
  const start = i;
  let v = 0n;
  for (let d = parseInt(s[i], 16); d < base; d = parseInt(s[++i], 16)) v = v * BigInt(base) + BigInt(d);
  return i === start ? undefined : { v: negative ? -v : v, end: i };
}

/** A value with an optional `/mask`; the mask must pass `maskOk` to be read. */
function masked(scan: Scan, maskOk: (m: bigint) => boolean = () => true): Scan {
  return (s, i) => {
    const r = scan(s, i);
    if (!r || s[r.end] !== '/') return r;
    const m = scan(s, r.end + 1);
    return m && maskOk(m.v) ? { v: r.v, end: m.end } : r;
  };
}

/** An integer kept to its C type's width. */
const int = (bits: number): Scan => masked((s, i) => {
  const r = scanInt(s, i);
  return r && { v: BigInt.asUintN(bits, r.v), end: r.end };
});

/** `n` bytes written as integers in `base`, separated by `sep` (IPv4 and Ethernet addresses). */
function groups(n: number, sep: string, base: number): Scan {
  return masked((s, i) => {
    let v = 0n;
    for (let k = 0; k < n; k++) {
      if (k && s[i++] !== sep) return undefined;
      const r = scanInt(s, i, base);
      if (!r) return undefined;
      v = (v << 8n) | BigInt.asUintN(8, r.v);
      i = r.end;
    }
    return { v, end: i };
  });
}

const scanIpv6: Scan = masked((s, i) => {
  const text = /^[0-9a-fA-F:.]{1,46}/.exec(s.slice(i))?.[0];
  const v = text === undefined ? undefined : parseIpv6(text);
  return v === undefined ? undefined : { v, end: i + text!.length };
});

const IPV6_LABEL_MASK = 0xfffffn;
const fitsLabel = (v: bigint) => (v & ~IPV6_LABEL_MASK) === 0n;
const scanLabel: Scan = masked((s, i) => {
  const r = scanInt(s, i);
  return r && fitsLabel(BigInt.asUintN(32, r.v)) ? { v: BigInt.asUintN(32, r.v), end: r.end } : undefined;
}, fitsLabel);

const FRAG_TYPES = ['no', 'first', 'later'];
const scanFrag: Scan = (s, i) => {
  const word = /^[a-z]{1,7}/.exec(s.slice(i))?.[0] ?? '';
  const v = FRAG_TYPES.indexOf(word);
  return v < 0 ? undefined : { v: BigInt(v), end: i + word.length };
};

/** parse_int_string for 128 bits: 0x and hex digits (white space allowed between them), or a 64-bit strtoull number. */
const scanU128: Scan = masked((s, i) => {
  if (/^0[xX]/.test(s.slice(i, i + 2))) {
    const digits = /^[0-9a-fA-F \t\r\n]*/.exec(s.slice(i + 2))![0];
    const hex = digits.replace(/\s/g, '').replace(/^0+/, '');
    return hex.length > 32 ? undefined : { v: BigInt('0x0' + hex), end: i + 2 + digits.length };
  }
  const r = scanInt(s, i);
  return r && r.v >= 0n && r.v < 1n << 64n ? r : undefined;
});

/** parse_flags() with ')' as the end: `a|b`, numbers, `+a-b`, or `value/mask`. */
function scanFlags(names: readonly string[]): Scan {
  const allowed = (1n << BigInt(names.length)) - 1n;
  const bitOf = (s: string, i: number, ends: string) =>
    names.findIndex((n) => s.startsWith(n, i) && ends.includes(s[i + n.length] ?? '\0'));
  return (s, i) => {
    const num = scanInt(s, i);
    if (num && s[num.end] === '/') {
      const mask = scanInt(s, num.end + 1);
      if (mask) return (num.v | mask.v) & ~allowed ? undefined : { v: num.v, end: mask.end };
    }
    let v = 0n;
    if (s[i] === '+' || s[i] === '-') {
      let seen = 0n;
      while (s[i] !== ')') {
        const set = s[i] === '+';
        if (!set && s[i] !== '-') return undefined;
        const bit = bitOf(s, ++i, '+-)');
        if (bit < 0 || seen & (1n << BigInt(bit))) return undefined;
        seen |= 1n << BigInt(bit);
        if (set) v |= 1n << BigInt(bit);
        i += names[bit].length;
      }
      return { v, end: i };
    }
    while (s[i] !== ')') {
      const n = scanInt(s, i);
      if (n) {
        if (n.v & ~allowed || n.v < 0n) return undefined;
        v |= n.v;
        i = n.end + (s[n.end] === '|' ? 1 : 0);
        continue;
      }
      const bit = bitOf(s, i, '|)');
      if (bit < 0) return undefined;
      v |= 1n << BigInt(bit);
      i += names[bit].length + (s[i + names[bit].length] === '|' ? 1 : 0);
    }
    return { v, end: i };
  };
}

/** A `width`-bit part of a wider value (VLAN TCI, MPLS LSE); value and mask must fit. */
function bitfield(width: number): Scan {
  const fits = (v: bigint) => v >> BigInt(width) === 0n;
  return masked((s, i) => {
    const r = scanInt(s, i);
    return r && fits(BigInt.asUintN(32, r.v)) ? { v: BigInt.asUintN(32, r.v), end: r.end } : undefined;
  }, (m) => fits(BigInt.asUintN(32, m)));
}

// ---------------------------------------------------------------------------
// Attributes: how each is read, and how OVS prints it in error messages.

interface FieldDef {
  name: string;
  scan: Scan;
  /** Written `name(value)` rather than `name=value` (tunnel flags). */
  parens?: boolean;
  /** The field is bits [shift, shift+width) of the value named `into` (MPLS: the current label's). */
  part?: { into: string; width: number; shift: number };
}

/** `name=` sets bits of a wider value. */
const part = (name: string, into: string, width: number, shift: number): FieldDef => ({ name, scan: bitfield(width), part: { into, width, shift } });

interface AttrDef {
  /** `name(value)` */
  scan?: Scan;
  /** `name(field=value,...)`, any order, each optional. */
  fields?: FieldDef[];
  /** Values before any field is read. */
  init?: Record<string, bigint>;
  /** What goes between the parentheses in odp_flow_key_format, verbose. */
  format: (values: Record<string, bigint>) => string;
}

const SCAN_BY_FORMAT: Record<string, Scan> = {
  mac: groups(6, ':', 16), ipv4: groups(4, '.', 10), ipv6: scanIpv6, label: scanLabel, frag: scanFrag,
};

/** The attributes that set() actions share with flow keys: read by their printed field names. */
function keyAttr(name: SetAttr): AttrDef {
  const fields = KEY_ATTRS[name].fields as KeyField[];
  const scan = (f: KeyField) => SCAN_BY_FORMAT[f.fmt] ?? int(f.bits);
  const format = (values: Record<string, bigint>) => formatKeyAttr(name, values).slice(name.length + 1, -1);
  if (fields[0].fmt === 'u32attr') return { scan: scan(fields[0]), format };
  return { fields: fields.map((f) => ({ name: f.name, scan: scan(f) })), format };
}

const body = (f: (v: bigint) => string) => (values: Record<string, bigint>) => f(values['']);
const hx = body(formatHex);

const ctTuple = (addr: Scan, fmt: (v: bigint) => string, ports: [string, string]): AttrDef => ({
  fields: [
    { name: 'src', scan: addr }, { name: 'dst', scan: addr }, { name: 'proto', scan: int(8) },
    { name: 'tp_src', scan: int(16) }, { name: 'tp_dst', scan: int(16) },
  ],
  format: (v) => `src=${fmt(v.src ?? 0n)},dst=${fmt(v.dst ?? 0n)},proto=${v.proto ?? 0n},${ports[0]}=${v.tp_src ?? 0n},${ports[1]}=${v.tp_dst ?? 0n}`,
});

const MPLS_FIELDS: [string, number, number][] = [['label', 20, 12], ['tc', 3, 9], ['ttl', 8, 0], ['bos', 1, 8]];
/** MPLS fields go into the current label: values '0', '1', '2'. */
const LABEL = 'label#';

/** The label stack entries of an mpls(...) key, outermost first. */
function mplsLabels(values: Record<string, bigint>): bigint[] {
  return Object.keys(values).sort().map((k) => values[k]);
}

/** sizeof geneve_scan.d: the room for Geneve options in a key. */
const GENEVE_ROOM = 252;

/** parse_int_string: `0x` hex or a decimal number, to fit in `bytes` bytes. */
function scanBytes(s: string, i: number, bytes: number): Scanned | undefined {
  const text = /^0[xX][0-9a-fA-F]+|^\d+/.exec(s.slice(i))?.[0];
  if (text === undefined) return undefined;
  const v = BigInt(text);
  return v >> BigInt(8 * bytes) ? undefined : { v, end: i + text.length };
}

/**
 * scan_geneve: `{class=,type=,len=,data[/mask]}...` as the options go on the
 * wire (class, type, length in 4-byte words, data), behind a leading 1 byte
 * that keeps leading zero bytes; masks are read and ignored.
 */
const scanGeneve: Scan = (s, i) => {
  let wire = 1n;
  let room = GENEVE_ROOM;
  while (s[i] === '{' && room >= 4) {
    i++;
    room -= 4;
    const part = (name: string, scan: Scan): bigint | undefined => {
      if (s.startsWith(name + '=', i)) {
        const r = scan(s, i + name.length + 1);
        if (!r) return undefined;
        i = r.end;
        if (s[i] === ',') i++;
        return r.v;
      }
      if (s[i] === ',') i++;
      return 0n;
    };
    const optClass = part('class', int(16)), type = part('type', int(8));
    const lenGiven = s.startsWith('len=', i);
    const len = part('len', int(8));
    if (optClass === undefined || type === undefined || len === undefined || len > 124n || len % 4n || len > BigInt(room)) return undefined;
    let data = 0n;
    // After a comma comes the data, which only a given length has room for.
    if (s[i - 1] === ',') {
      if (!lenGiven) return undefined;
      const d = scanBytes(s, i, Number(len));
      if (!d) return undefined;
      data = d.v;
      i = d.end;
      if (s[i] === '/') {
        const m = scanBytes(s, i + 1, Number(len));
        if (!m) return undefined;
        i = m.end;
      }
    }
    if (s[i++] !== '}') return undefined;
    room -= Number(len);
    wire = (((((wire << 16n) | optClass) << 8n | type) << 8n | len / 4n) << (len * 8n)) | data;
  }
  return { v: wire, end: i };
};

export function geneveOptions(wire: bigint): GeneveOption[] {
  const bytes: number[] = [];
  for (let w = wire; w > 1n; w >>= 8n) bytes.unshift(Number(w & 0xffn));
  const out: GeneveOption[] = [];
  for (let p = 0; p + 4 <= bytes.length; ) {
    const len = (bytes[p + 3] & 0x1f) * 4;
    let data = 0n;
    for (let k = 0; k < len; k++) data = (data << 8n) | BigInt(bytes[p + 4 + k]);
    out.push({ optClass: (bytes[p] << 8) | bytes[p + 1], type: bytes[p + 2], len, data });
    p += 4 + len;
  }
  return out;
}

/** Tunnel options oftrace does not model: OVS reads them, oftrace says so. */
const unsupportedOption = (name: string): FieldDef => ({
  name, parens: true, scan: () => { throw new InputError(`datapath flow key tunnel(${name}(...)) is not supported`); },
});

/** tunnel(...): the fields scan_odp_key reads, in format_odp_tun_attr's words. */
const TUNNEL: AttrDef = {
  fields: [
    { name: 'tun_id', scan: int(64) }, { name: 'src', scan: groups(4, '.', 10) }, { name: 'dst', scan: groups(4, '.', 10) },
    { name: 'ipv6_src', scan: scanIpv6 }, { name: 'ipv6_dst', scan: scanIpv6 }, { name: 'tos', scan: int(8) }, { name: 'ttl', scan: int(8) },
    { name: 'tp_src', scan: int(16) }, { name: 'tp_dst', scan: int(16) },
    { name: 'flags', parens: true, scan: scanFlags(TUN_FLAG_NAMES) },
    { name: 'geneve', parens: true, scan: scanGeneve },
    ...['erspan', 'vxlan', 'gtpu'].map(unsupportedOption),
  ],
  format: (v) => {
    const out: string[] = [];
    for (const [name, x] of Object.entries(v)) {
      if (name === 'flags') continue;
      if (name === 'geneve') {
        out.push(`geneve(${formatGeneveOptions(geneveOptions(x))})`);
        continue;
      }
      out.push(`${name}=${name === 'tun_id' || name === 'tos' ? formatHex(x) : name === 'src' || name === 'dst' ? formatIpv4(x) : name.startsWith('ipv6') ? formatIpv6(x) : x}`);
    }
    const flags = Number(tunnelFlags(v));
    return [...out, `flags(${flags ? formatFlags(TUN_FLAG_NAMES, flags, '|') : ''})`].join(',');
  },
};

const ATTRS: Record<string, AttrDef> = {
  tunnel: TUNNEL,
  skb_priority: keyAttr('skb_priority'),
  skb_mark: keyAttr('skb_mark'),
  recirc_id: { scan: int(32), format: hx },
  dp_hash: { scan: int(32), format: hx },
  ct_state: { scan: scanFlags(CT_STATE_NAMES), format: hx },
  ct_zone: { scan: int(16), format: hx },
  ct_mark: { scan: int(32), format: hx },
  ct_label: { scan: scanU128, format: hx },
  ct_tuple4: ctTuple(groups(4, '.', 10), formatIpv4, ['tp_src', 'tp_dst']),
  ct_tuple6: ctTuple(scanIpv6, formatIpv6, ['src_port', 'dst_port']),
  in_port: { format: body(String) }, // scanned with the datapath's port names
  eth: keyAttr('eth'),
  vlan: {
    fields: [part('vid', 'tci', 12, 0), part('pcp', 'tci', 3, 13), part('cfi', 'tci', 1, 12)],
    init: { tci: VLAN_CFI },
    format: (v) => formatVlanTci(v.tci),
  },
  eth_type: { scan: int(16), format: body((v) => '0x' + v.toString(16).padStart(4, '0')) },
  mpls: {
    fields: MPLS_FIELDS.map(([name, width, shift]) => part(name, LABEL, width, shift)),
    init: { 0: 0n },
    format: (v) => mplsLabels(v).map(formatMplsLse).join(','),
  },
  ipv4: keyAttr('ipv4'),
  ipv6: keyAttr('ipv6'),
  tcp: keyAttr('tcp'),
  tcp_flags: { scan: scanFlags(TCP_FLAG_NAMES), format: body((v) => formatFlags(TCP_FLAG_NAMES, Number(v), '|')) },
  udp: keyAttr('udp'),
  sctp: keyAttr('sctp'),
  icmp: keyAttr('icmp'),
  icmpv6: keyAttr('icmpv6'),
  arp: keyAttr('arp'),
  nd: keyAttr('nd'),
  nd_ext: keyAttr('nd_ext'),
  packet_type: {
    fields: [{ name: 'ns', scan: int(16) }, { name: 'id', scan: int(16) }],
    format: (v) => `ns=${v.ns ?? 0n},id=${formatHex(v.id ?? 0n)}`,
  },
};

/** Attributes OVS accepts that oftrace does not model. */
const UNSUPPORTED = new Set(['nsh']);
const MAX_ODP_NESTED = 32;
const DELIMITERS = ', \t\r\n';

function skipDelimiters(s: string, i: number): number {
  while (i < s.length && DELIMITERS.includes(s[i])) i++;
  return i;
}

// ---------------------------------------------------------------------------
// Parsing (odp_flow_from_string).

/** SCAN_BEGIN ... SCAN_FINISH: fields separated by commas, a trailing comma allowed, then ')'. */
function scanFields(def: AttrDef, s: string, i: number): { values: Record<string, bigint>; end: number } | undefined {
  const values: Record<string, bigint> = { ...def.init };
  // mpls(...) is an array: a field seen twice starts the next label.
  let label = 0, seen = new Set<string>();
  for (;;) {
    const f = def.fields!.find((fd) => s.startsWith(fd.name + (fd.parens ? '(' : '='), i));
    if (f) {
      if (f.part?.into === LABEL && seen.has(f.name)) {
        seen = new Set();
        if (++label === MAX_MPLS_LABELS) return undefined;
        values[label] = 0n;
      }
      seen.add(f.name);
      const r = f.scan(s, i + f.name.length + 1);
      if (!r || (f.parens && s[r.end++] !== ')')) return undefined;
      if (f.part) {
        const { width, shift } = f.part;
        const into = f.part.into === LABEL ? String(label) : f.part.into;
        values[into] = (values[into] & ~(((1n << BigInt(width)) - 1n) << BigInt(shift))) | (r.v << BigInt(shift));
      } else {
        values[f.name] = r.v;
      }
      i = r.end;
    }
    const c = s[i++];
    if (c !== ',' || !f) return c === ')' ? { values, end: i } : undefined;
  }
}

/** parse_odp_key_mask_attr: one attribute at `i`; its end, or undefined for a syntax error. */
function scanAttr(s: string, i: number, ports: ReadonlyMap<string, number>, depth: number, out: OdpKeyAttr[]): number | undefined {
  if (depth + 1 >= MAX_ODP_NESTED) return undefined;
  const name = /^([a-z0-9_]+)\(/.exec(s.slice(i))?.[1];
  if (name === undefined) return undefined;
  if (UNSUPPORTED.has(name)) throw new InputError(`datapath flow key ${name}(...) is not supported`);
  i += name.length + 1;
  if (name === 'encap') {
    const nested: OdpKeyAttr[] = [];
    for (;;) {
      i = skipDelimiters(s, i);
      if (i >= s.length) return undefined;
      if (s[i] === ')') break;
      const end = scanAttr(s, i, ports, depth + 1, nested);
      if (end === undefined) return undefined;
      i = end;
    }
    out.push({ name, values: {}, nested });
    return i + 1;
  }
  const def = ATTRS[name];
  if (!def) return undefined;
  if (def.fields) {
    const r = scanFields(def, s, i);
    if (!r) return undefined;
    out.push({ name, values: r.values });
    return r.end;
  }
  const r = name === 'in_port' ? scanPort(s, i, ports) : def.scan!(s, i);
  if (!r || s[r.end] !== ')') return undefined;
  out.push({ name, values: { '': r.v } });
  return r.end + 1;
}

/** scan_port: a number, or a datapath port name up to the ')'. */
function scanPort(s: string, i: number, ports: ReadonlyMap<string, number>): Scanned | undefined {
  const n = int(32)(s, i);
  if (n) return n;
  const end = s.indexOf(')', i) < 0 ? s.length : s.indexOf(')', i);
  const port = ports.get(s.slice(i, end));
  return port === undefined ? undefined : { v: BigInt(port), end };
}

/** odp_flow_from_string: the key attributes, or OVS's "syntax error at ..." */
export function parseOdpFlow(s: string, ports: ReadonlyMap<string, number>): OdpKeyAttr[] | string {
  const key: OdpKeyAttr[] = [];
  for (let i = 0; ; ) {
    i = skipDelimiters(s, i);
    if (i >= s.length) return key;
    const end = scanAttr(s, i, ports, 0, key);
    if (end === undefined) return `syntax error at ${s.slice(i)}`;
    i = end;
  }
}

function formatAttrs(key: OdpKeyAttr[]): string {
  return key.map((a) => `${a.name}(${a.nested ? formatAttrs(a.nested) : ATTRS[a.name].format(a.values)})`).join(',');
}

/** odp_flow_key_format, verbose (the "flow key in error"). */
export function formatOdpKey(key: OdpKeyAttr[]): string {
  return key.length ? formatAttrs(key) : '<empty>';
}

// ---------------------------------------------------------------------------
// The flow (odp_flow_key_to_flow). Attributes the key does not call for are
// ignored; only what OVS reports as an error is one.

/** ODPP_NONE: no in_port() in the key. */
export const ODPP_NONE = 0xffffffffn;
const IP_TYPES: bigint[] = [ETH_TYPE.IP, ETH_TYPE.IPV6];

/** parse_flow_nlattrs: attributes by name; a repeated one is an error. */
function byName(key: OdpKeyAttr[]): Map<string, OdpKeyAttr> | string {
  const attrs = new Map<string, OdpKeyAttr>();
  for (const a of key) {
    if (attrs.has(a.name)) return `duplicate ${a.name} attribute in flow key`;
    attrs.set(a.name, a);
  }
  return attrs;
}

const value = (attrs: Map<string, OdpKeyAttr>, name: string) => attrs.get(name)?.values[''];

/** Writes a set()-style key attribute into the flow, as put_*_key does. */
function putKey(f: Flow, attrs: Map<string, OdpKeyAttr>, name: SetAttr): boolean {
  const a = attrs.get(name);
  if (a) for (const field of KEY_ATTRS[name].fields as KeyField[]) field.put(f, a.values[field.name] ?? 0n, false);
  return a !== undefined;
}

/** parse_ethertype: the Ethertype, or the one the L3 attributes imply. */
function ethertype(f: Flow, attrs: Map<string, OdpKeyAttr>): string | undefined {
  const t = value(attrs, 'eth_type');
  if (t !== undefined && t < ETH_TYPE_MIN) return `invalid Ethertype ${t} in flow key`;
  f[M.dl_type] = t ?? (attrs.has('ipv4') ? ETH_TYPE.IP : attrs.has('ipv6') ? ETH_TYPE.IPV6 : attrs.has('mpls') ? ETH_TYPE.MPLS : FLOW_DL_TYPE_NONE);
  return undefined;
}

/** parse_l2_5_onward: MPLS labels, or the L3 header and the L4 header its protocol calls for. */
function l2_5Onward(f: Flow, attrs: Map<string, OdpKeyAttr>): string | undefined {
  const dlType = f[M.dl_type];
  if (dlType === ETH_TYPE.MPLS || dlType === ETH_TYPE.MPLS_MCAST) {
    const mpls = attrs.get('mpls');
    if (!mpls) return undefined;
    const lses = mplsLabels(mpls.values);
    lses.forEach((lse, i) => { f[M.mpls_lse0 + i] = lse; });
    return lses.slice(0, -1).some((lse) => lse & MPLS_BOS_MASK) ? 'MPLS BOS set in non-innermost label' : undefined;
  }
  if (dlType === ETH_TYPE.IP) putKey(f, attrs, 'ipv4');
  else if (dlType === ETH_TYPE.IPV6) putKey(f, attrs, 'ipv6');
  else if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    const op = attrs.get('arp')?.values.op ?? 0n;
    if (op & 0xff00n) return `unsupported ARP opcode ${op} in flow key`;
    putKey(f, attrs, 'arp');
  }
  if (!IP_TYPES.includes(dlType) || f[M.nw_frag] & FLOW_NW_FRAG_LATER) return undefined;
  const proto = f[M.nw_proto];
  if (proto === IPPROTO.TCP) {
    putKey(f, attrs, 'tcp');
    const flags = value(attrs, 'tcp_flags');
    if (flags !== undefined) f[M.tcp_flags] = flags;
  } else if (proto === IPPROTO.UDP) putKey(f, attrs, 'udp');
  else if (proto === IPPROTO.SCTP) putKey(f, attrs, 'sctp');
  else if (proto === IPPROTO.ICMP && dlType === ETH_TYPE.IP) putKey(f, attrs, 'icmp');
  else if (proto === IPPROTO.ICMPV6 && dlType === ETH_TYPE.IPV6 && putKey(f, attrs, 'icmpv6')) {
    const nd = (f[M.tp_src] === 135n || f[M.tp_src] === 136n) && f[M.tp_dst] === 0n;
    if (nd) {
      putKey(f, attrs, 'nd');
      putKey(f, attrs, 'nd_ext');
    }
  }
  return undefined;
}

/** parse_8021q_onward with vlan-limit 1: the outer VLAN and what its encap() holds. */
function vlanOnward(f: Flow, attrs: Map<string, OdpKeyAttr>): string | undefined {
  const tci = attrs.get('vlan')?.values.tci ?? 0n;
  f[M.dl_type] = 0n;
  f[M.vlan_tci0] = tci;
  const encap = attrs.get('encap');
  // A missing VLAN or encap, or an all-zero TCI (a truncated header), ends the key.
  if (!attrs.has('vlan') || !encap || tci === 0n) return undefined;
  if (!(tci & VLAN_CFI)) return `OVS_KEY_ATTR_VLAN 0x${tci.toString(16).padStart(4, '0')} is nonzero but CFI bit is not set`;
  const inner = byName(encap.nested!);
  if (typeof inner === 'string') return inner;
  return ethertype(f, inner) ?? l2_5Onward(f, inner);
}

/** Metadata attributes by Flow member. */
const METADATA: Record<string, string> = {
  recirc_id: 'recirc_id', dp_hash: 'dp_hash', skb_priority: 'skb_priority', pkt_mark: 'skb_mark',
  ct_state: 'ct_state', ct_zone: 'ct_zone', ct_mark: 'ct_mark', ct_label: 'ct_label',
};
const CT_TUPLES: [string, string[]][] = [
  ['ct_tuple4', ['ct_nw_src', 'ct_nw_dst']],
  ['ct_tuple6', ['ct_ipv6_src', 'ct_ipv6_dst']],
];

/** odp_tun_key_from_attr: the tunnel metadata of a tunnel(...) key, which must give a TTL. */
function tunnelKey(f: Flow, t: Record<string, bigint> | undefined): string | undefined {
  if (!t) return undefined;
  if (t.ttl === undefined) return 'tunnel options missing TTL';
  const members: [string, number][] = [
    ['tun_id', M.tun_id], ['src', M.tun_ip_src], ['dst', M.tun_ip_dst], ['ipv6_src', M.tun_ipv6_src], ['ipv6_dst', M.tun_ipv6_dst],
    ['tos', M.tun_tos], ['ttl', M.tun_ttl], ['tp_src', M.tun_tp_src], ['tp_dst', M.tun_tp_dst],
  ];
  for (const [name, m] of members) f[m] = t[name] ?? 0n;
  f[M.tun_flags] = tunnelFlags(t);
  return undefined;
}

/** The datapath carries df, csum and oam as attributes of their own (`flags(key)` sets nothing); key is tun_id's presence. */
function tunnelFlags(t: Record<string, bigint>): bigint {
  return ((t.flags ?? 0n) & BigInt(TNL_F.DONT_FRAGMENT | TNL_F.CSUM | TNL_F.OAM)) | (t.tun_id === undefined ? 0n : BigInt(TNL_F.KEY));
}

/**
 * odp_flow_key_to_flow: the flow of a datapath key, with in_port still the
 * datapath port (ODPP_NONE when absent); or OVS's error, naming the key.
 */
export function odpKeyToFlow(key: OdpKeyAttr[]): Flow | string {
  const f = newFlow();
  const error = keyToFlow(f, key);
  return error === undefined ? f : `${error}; the flow key in error is: ${formatOdpKey(key)}`;
}

function keyToFlow(f: Flow, key: OdpKeyAttr[]): string | undefined {
  const attrs = byName(key);
  if (typeof attrs === 'string') return attrs;
  for (const [member, name] of Object.entries(METADATA)) f[M[member]] = value(attrs, name) ?? 0n;
  for (const [name, [src, dst]] of CT_TUPLES) {
    const t = attrs.get(name)?.values;
    if (!t) continue;
    [f[M[src]], f[M[dst]], f[M.ct_nw_proto], f[M.ct_tp_src], f[M.ct_tp_dst]] = [t.src, t.dst, t.proto, t.tp_src, t.tp_dst].map((v) => v ?? 0n);
  }
  const tunnelError = tunnelKey(f, attrs.get('tunnel')?.values);
  if (tunnelError) return tunnelError;
  f[M.in_port] = value(attrs, 'in_port') ?? ODPP_NONE;
  const pt = attrs.get('packet_type')?.values;
  if (pt) {
    f[M.packet_type] = ((pt.ns ?? 0n) << 16n) | (pt.id ?? 0n);
    if (pt.ns === OFPHTN_ETHERTYPE) f[M.dl_type] = pt.id ?? 0n;
  }
  if (putKey(f, attrs, 'eth')) f[M.packet_type] = 0n;
  else if (attrs.has('eth_type')) f[M.packet_type] = l3PacketType(value(attrs, 'eth_type')!);
  return ethertype(f, attrs) ?? (isVlanEthType(f[M.dl_type]) ? vlanOnward(f, attrs) : l2_5Onward(f, attrs));
}
