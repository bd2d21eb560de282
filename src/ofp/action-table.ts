// The action table: OVS's OFPACTS list with each action's spellings, parser
// (parse_*) and formatter (format_*) in lib/ofp-actions.c.
import { allOnes } from '../meta-flow/flow.js';
import { fieldByName } from '../meta-flow/field.js';
import { formatSubfield, parseSubfield } from '../meta-flow/subfield.js';
import { formatHex, formatIpv4, formatMac, parseInteger, parseIpv4, scanMac } from '../meta-flow/values.js';
import {
  ArgError, defineAction, formatHexBytes, formatTable, parseHexBytes, parsePortArg, parseSubfieldArg, parseTable, parseUint,
  parseUint64, splitArrow, type AnyActionDef, type Arg, type FormatContext, type ParseContext,
} from './action-def.js';
import { ctAction, natAction } from './ct.js';
import { formatFieldValue, parseFieldValue, valueBits } from './field-value.js';
import { splitKeyValues } from './key-value.js';
import { learnAction } from './learn.js';
import type { EncapProp, HashFields, NullActionType, Ofpact, OfpactOf } from './ofpact.js';
import { formatPort, OFPP_CONTROLLER, OFPP_IN_PORT, OFPP_LOCAL, OFPP_MAX, OFPP_NONE, parsePort } from './ports.js';

export const UINT16_MAX = 0xffff;
const NO_TABLE = 255;

const HASH_FIELDS: readonly HashFields[] = [
  'eth_src', 'symmetric_l4', 'symmetric_l3l4', 'symmetric_l3l4+udp', 'nw_src', 'nw_dst', 'symmetric_l3',
];
const PACKET_IN_REASONS = ['action', 'no_match', 'invalid_ttl', 'action_set', 'group', 'packet_out'];
const ENCAP_HEADERS = ['ethernet', 'nsh', 'mpls', 'mpls_mc'];

function noArgs(arg: Arg): void {
  if (arg.text !== '') throw new ArgError('takes no arguments', arg.col);
}

function hashFields(arg: Arg): HashFields {
  const f = HASH_FIELDS.find((h) => h === arg.text.toLowerCase());
  if (!f) throw new ArgError(`unknown fields \`${arg.text}'`, arg.col);
  return f;
}

/** Space/comma separated positional arguments with their columns (strtok_r). */
function tokens(arg: Arg, separators: RegExp): Arg[] {
  const out: Arg[] = [];
  for (const m of arg.text.matchAll(separators)) out.push({ text: m[0], col: arg.col + m.index! });
  return out;
}

const nullAction = (type: NullActionType) => defineAction({
  type,
  names: [type],
  parse: (arg) => (noArgs(arg), { type }),
  format: () => type,
});

const macAction = (type: 'set_eth_src' | 'set_eth_dst', name: string) => defineAction({
  type,
  names: [name],
  parse: (arg) => {
    // str_to_mac: ovs_scan reads the address and ignores what follows it.
    const mac = scanMac(arg.text, 0)?.value;
    if (mac === undefined) throw new ArgError(`invalid mac address ${arg.text}`, arg.col);
    return { type, mac };
  },
  format: (a) => `${name}:${formatMac(a.mac)}`,
});

const ipv4Action = (type: 'set_ipv4_src' | 'set_ipv4_dst', name: string) => defineAction({
  type,
  names: [name],
  parse: (arg) => {
    const ipv4 = parseIpv4(arg.text);
    if (ipv4 === undefined) throw new ArgError(`${arg.text}: could not convert to IP address`, arg.col);
    return { type, ipv4 };
  },
  format: (a) => `${name}:${formatIpv4(a.ipv4)}`,
});

const l4PortAction = (type: 'set_l4_src_port' | 'set_l4_dst_port', name: string, what: string) => defineAction({
  type,
  names: [name],
  parse: (arg) => ({ type, port: parseUint(arg, 16, what) }),
  format: (a) => `${name}:${a.port}`,
});

const stackAction = (type: 'stack_push' | 'stack_pop', name: string) => defineAction({
  type,
  names: [name],
  parse: (arg) => ({ type, subfield: parseSubfieldArg(arg) }),
  format: (a) => `${name}:${formatSubfield(a.subfield)}`,
});

const mplsEthertypeAction = (type: 'push_mpls' | 'pop_mpls') => defineAction({
  type,
  names: [type],
  parse: (arg) => ({ type, ethertype: parseUint(arg, 16, 'ethertype') }),
  format: (a) => `${type}:0x${a.ethertype.toString(16).padStart(4, '0')}`,
});

/**
 * `set_mpls_ttl(5)`-style actions that hold one small integer, read as
 * parse_SET_MPLS_* reads it: an empty argument is `expected <member>.`.
 */
const parenIntAction = <T extends 'set_mpls_label' | 'set_mpls_tc' | 'set_mpls_ttl'>(
  type: T, member: keyof OfpactOf<T> & string, read: (arg: Arg) => number,
) => defineAction({
  type,
  names: [type],
  parse: (arg) => {
    if (arg.text === '') throw new ArgError(`expected ${member}.`, arg.col);
    return { type, [member]: read(arg) } as Ofpact;
  },
  format: (a) => `${type}(${(a as Record<string, unknown>)[member]})`,
});

/** A value read as `read` does that must also fit `bits`, else OVS's `<value>: not a valid <what>`. */
const within = (bits: number, what: string, read: (arg: Arg) => number) => (arg: Arg) => {
  const v = read(arg);
  if (v > Number(allOnes(bits))) throw new ArgError(`${arg.text}: not a valid ${what}`, arg.col);
  return v;
};

/** str_to_u32. */
function strToU32(arg: Arg): number {
  const v = parseInteger(arg.text);
  if (v === undefined || v > allOnes(32)) throw new ArgError(`invalid numeric format ${arg.text}`, arg.col);
  return Number(v);
}

/** `parse_OUTPUT`: a port, `port=..,max_len=..` (truncation) or a subfield. */
function parseOutput(arg: Arg, ctx: ParseContext): Ofpact {
  if (arg.text.includes('port') && arg.text.includes('max_len')) return parseOutputTrunc(arg, ctx);
  const port = parsePort(arg.text, ctx.ports);
  if (port !== undefined) return { type: 'output', port, maxLen: port === OFPP_CONTROLLER ? UINT16_MAX : 0 };
  const src = parseSubfield(arg.text);
  if (typeof src === 'string') throw new ArgError(`${arg.text}: output to unknown port`, arg.col);
  return { type: 'output_reg', src, maxLen: UINT16_MAX };
}

function parseOutputTrunc(arg: Arg, ctx: ParseContext): Ofpact {
  const out: OfpactOf<'output_trunc'> = { type: 'output_trunc', port: 0, maxLen: 0 };
  for (const kv of splitKeyValues(arg.text, arg.col)) {
    const value = { text: kv.value, col: kv.valueCol };
    if (kv.key === 'port') {
      out.port = parsePortArg(value, ctx);
      if (out.port > OFPP_MAX && out.port !== OFPP_LOCAL && out.port !== OFPP_IN_PORT) {
        throw new ArgError(`output to unsupported truncate port: ${kv.value}`, kv.valueCol);
      }
    } else if (kv.key === 'max_len') {
      out.maxLen = parseUint(value, 32, 'max_len');
      if (out.maxLen < 14) throw new ArgError(`max_len ${out.maxLen} is less than the minimum value 14`, kv.valueCol);
    } else {
      throw new ArgError(`invalid key '${kv.key}' in output_trunc argument`, kv.keyCol);
    }
  }
  return out;
}

function parseController(arg: Arg): Ofpact {
  const c: OfpactOf<'controller'> = {
    type: 'controller', maxLen: UINT16_MAX, reason: 'action', controllerId: 0, pause: false,
  };
  if (/^[0-9]+$/.test(arg.text)) {
    c.maxLen = parseUint(arg, 16, 'max_len');
  } else {
    for (const kv of splitKeyValues(arg.text, arg.col)) {
      const value = { text: kv.value, col: kv.valueCol };
      switch (kv.key) {
        case 'reason':
          if (!PACKET_IN_REASONS.includes(kv.value)) throw new ArgError(`unknown reason "${kv.value}"`, kv.valueCol);
          c.reason = kv.value;
          break;
        case 'max_len': c.maxLen = parseUint(value, 16, 'max_len'); break;
        case 'id': c.controllerId = parseUint(value, 16, 'id'); break;
        case 'userdata': c.userdata = parseHexBytes(value, 'controller'); break;
        case 'pause': c.pause = true; break;
        case 'meter_id': c.meterId = parseUint(value, 32, 'meter_id'); break;
        default: throw new ArgError(`unknown key "${kv.key}" parsing controller action`, kv.keyCol);
      }
    }
  }
  // Plain controller output is an output action in OVS, printed CONTROLLER:max_len.
  const plain = c.reason === 'action' && !c.controllerId && !c.userdata && !c.pause && c.meterId === undefined;
  return plain ? { type: 'output', port: OFPP_CONTROLLER, maxLen: c.maxLen } : c;
}

function parseResubmit(arg: Arg, ctx: ParseContext): Ofpact {
  // strsep three times: what follows a third comma is not read.
  const [portText = '', tableText = '', ctText = ''] = arg.text.split(',');
  const tableCol = arg.col + portText.length + 1;
  const r: OfpactOf<'resubmit'> = { type: 'resubmit', inPort: OFPP_IN_PORT, tableId: NO_TABLE, withCtOrig: false };
  if (portText) r.inPort = parsePortArg({ text: portText, col: arg.col }, ctx);
  if (tableText) r.tableId = parseTable({ text: tableText, col: tableCol }, ctx.tables);
  if (ctText) {
    if (ctText !== 'ct') throw new ArgError(`${ctText}: unknown parameter`, tableCol + tableText.length + 1);
    r.withCtOrig = true;
  }
  if (r.inPort === OFPP_IN_PORT && r.tableId === NO_TABLE) {
    throw new ArgError('at least one "in_port" or "table" must be specified on resubmit', arg.col);
  }
  return r;
}

function formatResubmit(a: OfpactOf<'resubmit'>, ctx: FormatContext): string {
  if (a.inPort !== OFPP_IN_PORT && a.tableId === NO_TABLE) return `resubmit:${formatPort(a.inPort, ctx.ports)}`;
  const port = a.inPort !== OFPP_IN_PORT ? formatPort(a.inPort, ctx.ports) : '';
  const table = a.tableId !== NO_TABLE ? formatTable(a.tableId, ctx.tables) : '';
  return `resubmit(${port},${table}${a.withCtOrig ? ',ct' : ''})`;
}

function parseSetField(arg: Arg, ctx: ParseContext): Ofpact {
  const [valueArg, nameArg] = splitArrow(arg);
  const field = fieldByName(nameArg.text);
  if (!field) throw new ArgError(`${nameArg.text} is not a valid OXM field name`, nameArg.col);
  if (!field.writable) throw new ArgError(`${nameArg.text} is read-only`, nameArg.col);
  const parsed = parseFieldValue(field, valueArg.text, ctx.ports);
  if (typeof parsed === 'string') throw new ArgError(parsed, valueArg.col);
  // mf_is_value_valid: a value may fill the field's bytes but not go past its bits.
  if (parsed.value > allOnes(valueBits(field))) throw new ArgError(`${valueArg.text} is not a valid value for field ${nameArg.text}`, valueArg.col);
  return { type: 'set_field', raw: 'set_field', field, value: parsed.value, mask: parsed.mask };
}

/** `load:value->dst[ofs..end]`: a set_field of the subfield's bits (parse_reg_load). */
function parseLoad(arg: Arg): Ofpact {
  const [valueArg, dstArg] = splitArrow(arg);
  const dst = parseSubfieldArg(dstArg);
  const value = parseInteger(valueArg.text);
  if (value === undefined) throw new ArgError(`${arg.text}: cannot parse integer value`, valueArg.col);
  if (value > allOnes(dst.nBits)) {
    throw new ArgError(`${arg.text}: value ${formatHex(value)} does not fit into ${dst.nBits} bits`, valueArg.col);
  }
  const ofs = BigInt(dst.ofs);
  return { type: 'set_field', raw: 'load', field: dst.field, value: value << ofs, mask: allOnes(dst.nBits) << ofs };
}

function formatSetField(a: OfpactOf<'set_field'>, ctx: FormatContext): string {
  if (a.raw === 'set_field') {
    return `set_field:${formatFieldValue(a.field, a.value, a.mask, ctx.ports)}->${a.field.name}`;
  }
  // next_load_segment: one load per run of mask bits, at most 64 bits each.
  const loads: string[] = [];
  const bits = a.field.bits;
  for (let ofs = 0; ofs < bits; ofs++) {
    if (!((a.mask >> BigInt(ofs)) & 1n)) continue;
    let n = 1;
    while (ofs + n < bits && n < 64 && (a.mask >> BigInt(ofs + n)) & 1n) n++;
    const value = (a.value >> BigInt(ofs)) & allOnes(n);
    loads.push(`load:${formatHex(value)}->${formatSubfield({ field: a.field, ofs, nBits: n })}`);
    ofs += n - 1;
  }
  return loads.join(',');
}

function parseBundle(arg: Arg, ctx: ParseContext, name: string): Ofpact {
  const delim = /(members|slaves):/i.exec(arg.text);
  if (!delim) throw new ArgError(`${arg.text}: not enough arguments to bundle action`, arg.col);
  const head = tokens({ text: arg.text.slice(0, delim.index), col: arg.col }, /[^, ]+/g);
  const withDst = name === 'bundle_load';
  if (head.length !== (withDst ? 5 : 4)) throw new ArgError(`${arg.text}: not enough arguments to bundle action`, arg.col);
  const [fields, basis, algorithm, memberType, dst] = head;
  if (algorithm.text !== 'hrw' && algorithm.text !== 'active_backup') {
    throw new ArgError(`unknown algorithm \`${algorithm.text}'`, algorithm.col);
  }
  if (memberType.text !== 'ofport') throw new ArgError(`unknown member_type \`${memberType.text}'`, memberType.col);
  const membersCol = arg.col + delim.index + delim[0].length;
  const members = tokens({ text: arg.text.slice(delim.index + delim[0].length), col: membersCol }, /[^, [\]]+/g);
  return {
    type: 'bundle',
    fields: hashFields(fields),
    basis: parseUint(basis, 16, 'basis'),
    algorithm: algorithm.text,
    ...(withDst ? { dst: parseSubfieldArg(dst) } : {}),
    members: members.map((m) => parsePortArg(m, ctx)),
  };
}

const MULTIPATH_ALGORITHMS = ['modulo_n', 'hash_threshold', 'hrw', 'iter_hash'] as const;

function parseMultipath(arg: Arg): Ofpact {
  const t = tokens(arg, /[^, ]+/g);
  if (t.length !== 6) throw new ArgError(`${arg.text}: not enough arguments to multipath action`, arg.col);
  const algorithm = MULTIPATH_ALGORITHMS.find((a) => a === t[2].text.toLowerCase());
  if (!algorithm) throw new ArgError(`unknown algorithm \`${t[2].text}'`, t[2].col);
  const nLinks = parseUint(t[3], 32, 'n_links');
  if (nLinks < 1 || nLinks > 65536) throw new ArgError(`n_links ${nLinks} is not in valid range 1 to 65536`, t[3].col);
  return {
    type: 'multipath', fields: hashFields(t[0]), basis: parseUint(t[1], 16, 'basis'), algorithm,
    maxLink: nLinks - 1, arg: parseUint(t[4], 32, 'arg'), dst: parseSubfieldArg(t[5]),
  };
}

function parseSample(arg: Arg, ctx: ParseContext): Ofpact {
  const s: OfpactOf<'sample'> = {
    type: 'sample', probability: 0, collectorSetId: 0, obsDomainId: 0, obsPointId: 0,
    samplingPort: OFPP_NONE, direction: 'default',
  };
  for (const kv of splitKeyValues(arg.text, arg.col)) {
    const value = { text: kv.value, col: kv.valueCol };
    switch (kv.key) {
      case 'probability':
        s.probability = parseUint(value, 16, 'probability');
        if (!s.probability) throw new ArgError(`invalid probability value "${kv.value}"`, kv.valueCol);
        break;
      case 'collector_set_id': s.collectorSetId = parseUint(value, 32, 'collector_set_id'); break;
      case 'obs_domain_id': s.obsDomainId = parseUint(value, 32, 'obs_domain_id'); break;
      case 'obs_point_id': s.obsPointId = parseUint(value, 32, 'obs_point_id'); break;
      case 'sampling_port': s.samplingPort = parsePortArg(value, ctx); break;
      case 'ingress': s.direction = 'ingress'; break;
      case 'egress': s.direction = 'egress'; break;
      default: throw new ArgError(`invalid key "${kv.key}" in "sample" argument`, kv.keyCol);
    }
  }
  if (!s.probability) throw new ArgError('non-zero "probability" must be specified on sample', arg.col);
  return s;
}

function formatSample(a: OfpactOf<'sample'>, ctx: FormatContext): string {
  let s = `sample(probability=${a.probability},collector_set_id=${a.collectorSetId},`
    + `obs_domain_id=${a.obsDomainId},obs_point_id=${a.obsPointId}`;
  if (a.samplingPort !== OFPP_NONE) s += `,sampling_port=${formatPort(a.samplingPort, ctx.ports)}`;
  if (a.direction !== 'default') s += `,${a.direction}`;
  return s + ')';
}

function parseEncap(arg: Arg): Ofpact {
  const [hdr, ...extra] = splitKeyValues(arg.text, arg.col);
  if (!hdr) throw new ArgError(`Missing encap hdr: ${arg.text}`, arg.col);
  if (!ENCAP_HEADERS.includes(hdr.key)) throw new ArgError(`Encap hdr not supported: ${hdr.key}`, hdr.keyCol);
  if (extra.length) throw new ArgError(`Invalid encap argument: ${extra[0].key}`, extra[0].keyCol);
  const props = splitKeyValues(hdr.value, hdr.valueCol).map((kv): EncapProp => {
    const value = { text: kv.value, col: kv.valueCol };
    if (hdr.key === 'nsh' && kv.key === 'md_type') {
      const mdType = parseUint(value, 8, 'md_type');
      if (mdType < 1 || mdType > 2) throw new ArgError('invalid md_type', kv.valueCol);
      return { kind: 'md_type', mdType };
    }
    if (hdr.key === 'nsh' && kv.key === 'tlv') {
      const m = /^0x([0-9a-fA-F]{1,4}),(\d{1,3}),0x([0-9a-fA-F]+)$/.exec(kv.value);
      if (!m || Number(m[2]) > 255) throw new ArgError(`Invalid NSH TLV header: ${kv.value}`, kv.valueCol);
      return {
        kind: 'tlv', tlvClass: parseInt(m[1], 16), tlvType: Number(m[2]),
        // Printed values drop leading zero nibbles, so pad back to whole bytes.
        data: parseHexBytes({ text: m[3].padStart(m[3].length + (m[3].length % 2), '0'), col: kv.valueCol }, 'tlv'),
      };
    }
    throw new ArgError(`Invalid property: ${kv.key}`, kv.keyCol);
  });
  return { type: 'encap', header: hdr.key, props };
}

function formatEncapProp(p: EncapProp): string {
  if (p.kind === 'md_type') return `md_type=${p.mdType}`;
  const data = p.data.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  return `tlv(0x${p.tlvClass.toString(16).padStart(4, '0')},${p.tlvType},${formatHex(data)})`;
}

function parseDecap(arg: Arg): Ofpact {
  const kvs = splitKeyValues(arg.text, arg.col);
  if (kvs.length === 0) return { type: 'decap' };
  const [pt] = kvs;
  if (pt.key !== 'packet_type' || kvs.length > 1) throw new ArgError(`Invalid decap argument: ${pt.key}`, pt.keyCol);
  const [ns, type] = splitKeyValues(pt.value, pt.valueCol);
  if (ns?.key !== 'ns') throw new ArgError('Missing packet_type attribute ns', pt.valueCol);
  if (type?.key !== 'type') throw new ArgError('Missing packet_type attribute type', pt.valueCol);
  return {
    type: 'decap',
    packetType: {
      ns: parseUint({ text: ns.value, col: ns.valueCol }, 16, 'ns'),
      nsType: parseUint({ text: type.value, col: type.valueCol }, 16, 'type'),
    },
  };
}

/** One entry per OFPACT type, in OVS's OFPACTS order. */
export const ACTIONS: readonly AnyActionDef[] = [
  defineAction({
    type: 'output',
    names: ['output'],
    parse: parseOutput,
    format: (a, ctx) => (a.port < OFPP_MAX ? 'output:' : '') + formatPort(a.port, ctx.ports)
      + (a.port === OFPP_CONTROLLER ? `:${a.maxLen}` : ''),
  }),
  defineAction({
    type: 'output_reg',
    names: ['output_reg'],
    parse: (arg) => ({ type: 'output_reg', src: parseSubfieldArg(arg), maxLen: UINT16_MAX }),
    format: (a) => `output:${formatSubfield(a.src)}`,
  }),
  defineAction({
    type: 'output_trunc',
    names: ['output_trunc'],
    parse: parseOutputTrunc,
    format: (a, ctx) => `output(port=${formatPort(a.port, ctx.ports)},max_len=${a.maxLen})`,
  }),
  defineAction({
    type: 'group',
    names: ['group'],
    parse: (arg) => ({ type: 'group', groupId: parseUint(arg, 32, 'group') }),
    format: (a) => `group:${a.groupId}`,
  }),
  defineAction({
    type: 'controller',
    names: ['controller'],
    parse: parseController,
    format: (a) => {
      const parts: string[] = [];
      if (a.reason !== 'action') parts.push(`reason=${a.reason}`);
      if (a.maxLen !== UINT16_MAX) parts.push(`max_len=${a.maxLen}`);
      if (a.controllerId) parts.push(`id=${a.controllerId}`);
      if (a.userdata) parts.push(`userdata=${formatHexBytes(a.userdata)}`);
      if (a.pause) parts.push('pause');
      if (a.meterId !== undefined) parts.push(`meter_id=${a.meterId}`);
      return `controller(${parts.join(',')})`;
    },
  }),
  defineAction({
    type: 'enqueue',
    names: ['enqueue'],
    parse: (arg, ctx) => {
      const m = /^[:q,]*([^:q,]+)[:q,](.*)$/.exec(arg.text);
      if (!m) throw new ArgError('"enqueue" syntax is "enqueue:PORT:QUEUE" or "enqueue(PORT,QUEUE)"', arg.col);
      const queueCol = arg.col + arg.text.length - m[2].length;
      return {
        type: 'enqueue',
        port: parsePortArg({ text: m[1], col: arg.col }, ctx),
        queue: parseUint({ text: m[2], col: queueCol }, 32, 'queue'),
      };
    },
    format: (a, ctx) => `enqueue:${formatPort(a.port, ctx.ports)}:${a.queue}`,
  }),
  defineAction({
    type: 'bundle',
    names: ['bundle', 'bundle_load'],
    parse: parseBundle,
    format: (a, ctx) => `${a.dst ? 'bundle_load' : 'bundle'}(${a.fields},${a.basis},${a.algorithm},ofport,`
      + (a.dst ? formatSubfield(a.dst) + ',' : '')
      + `members:${a.members.map((p) => formatPort(p, ctx.ports)).join(',')})`,
  }),
  defineAction({
    type: 'set_field',
    names: ['set_field', 'load'],
    parse: (arg, ctx, name) => (name === 'load' ? parseLoad(arg) : parseSetField(arg, ctx)),
    format: formatSetField,
  }),
  defineAction({
    type: 'set_vlan_vid',
    names: ['set_vlan_vid', 'mod_vlan_vid'],
    parse: (arg, _ctx, name) => {
      const vid = parseUint(arg, 16, 'VLAN VID');
      if (vid > 0xfff) throw new ArgError(`${arg.text}: not a valid VLAN VID`, arg.col);
      return { type: 'set_vlan_vid', vid, pushIfNeeded: name === 'mod_vlan_vid' };
    },
    format: (a) => `${a.pushIfNeeded ? 'mod_vlan_vid' : 'set_vlan_vid'}:${a.vid}`,
  }),
  defineAction({
    type: 'set_vlan_pcp',
    names: ['set_vlan_pcp', 'mod_vlan_pcp'],
    parse: (arg, _ctx, name) => {
      const pcp = parseUint(arg, 8, 'VLAN PCP');
      if (pcp > 7) throw new ArgError(`${arg.text}: not a valid VLAN PCP`, arg.col);
      return { type: 'set_vlan_pcp', pcp, pushIfNeeded: name === 'mod_vlan_pcp' };
    },
    format: (a) => `${a.pushIfNeeded ? 'mod_vlan_pcp' : 'set_vlan_pcp'}:${a.pcp}`,
  }),
  defineAction({
    type: 'strip_vlan',
    names: ['strip_vlan', 'pop_vlan'],
    parse: (arg, _ctx, name) => (noArgs(arg), { type: 'strip_vlan', raw: name === 'pop_vlan' ? 'pop_vlan' : 'strip_vlan' }),
    format: (a) => a.raw,
  }),
  defineAction({
    type: 'push_vlan',
    names: ['push_vlan'],
    parse: (arg) => {
      const ethertype = parseUint(arg, 16, 'ethertype');
      if (ethertype !== 0x8100 && ethertype !== 0x88a8) throw new ArgError(`${arg.text}: not a valid VLAN ethertype`, arg.col);
      return { type: 'push_vlan', ethertype };
    },
    format: (a) => `push_vlan:${formatHex(BigInt(a.ethertype))}`,
  }),
  macAction('set_eth_src', 'mod_dl_src'),
  macAction('set_eth_dst', 'mod_dl_dst'),
  ipv4Action('set_ipv4_src', 'mod_nw_src'),
  ipv4Action('set_ipv4_dst', 'mod_nw_dst'),
  defineAction({
    type: 'set_ip_dscp',
    names: ['mod_nw_tos'],
    parse: (arg) => {
      const dscp = parseUint(arg, 8, 'TOS');
      if (dscp & 3) throw new ArgError(`${arg.text}: not a valid TOS`, arg.col);
      return { type: 'set_ip_dscp', dscp };
    },
    format: (a) => `mod_nw_tos:${a.dscp}`,
  }),
  defineAction({
    type: 'set_ip_ecn',
    names: ['mod_nw_ecn'],
    parse: (arg) => {
      const ecn = parseUint(arg, 8, 'ECN');
      if (ecn > 3) throw new ArgError(`${arg.text}: not a valid ECN`, arg.col);
      return { type: 'set_ip_ecn', ecn };
    },
    format: (a) => `mod_nw_ecn:${a.ecn}`,
  }),
  defineAction({
    type: 'set_ip_ttl',
    names: ['mod_nw_ttl', 'set_nw_ttl'],
    parse: (arg) => ({ type: 'set_ip_ttl', ttl: parseUint(arg, 8, 'TTL') }),
    format: (a) => `mod_nw_ttl:${a.ttl}`,
  }),
  l4PortAction('set_l4_src_port', 'mod_tp_src', 'source port'),
  l4PortAction('set_l4_dst_port', 'mod_tp_dst', 'destination port'),
  defineAction({
    type: 'reg_move',
    names: ['move'],
    parse: (arg) => {
      const [srcArg, dstArg] = splitArrow(arg);
      const src = parseSubfieldArg(srcArg);
      const dst = parseSubfieldArg(dstArg);
      if (src.nBits !== dst.nBits) {
        throw new ArgError(`${arg.text}: source field is ${src.nBits} bits wide but destination is ${dst.nBits} bits wide`, arg.col);
      }
      return { type: 'reg_move', src, dst };
    },
    format: (a) => `move:${formatSubfield(a.src)}->${formatSubfield(a.dst)}`,
  }),
  stackAction('stack_push', 'push'),
  stackAction('stack_pop', 'pop'),
  defineAction({
    type: 'dec_ttl',
    names: ['dec_ttl'],
    parse: (arg) => {
      if (arg.text === '') return { type: 'dec_ttl', controllerIds: [0], withIds: false };
      const ids = tokens(arg, /[^, ]+/g).map((t) => parseUint(t, 16, 'controller id'));
      if (!ids.length) throw new ArgError('dec_ttl_cnt_ids: expected at least one controller id.', arg.col);
      return { type: 'dec_ttl', controllerIds: ids, withIds: true };
    },
    format: (a) => (a.withIds ? `dec_ttl(${a.controllerIds.join(',')})` : 'dec_ttl'),
  }),
  parenIntAction('set_mpls_label', 'label', within(20, 'MPLS label', strToU32)),
  parenIntAction('set_mpls_tc', 'tc', within(3, 'MPLS TC', (arg) => parseUint(arg, 8, 'MPLS TC'))),
  parenIntAction('set_mpls_ttl', 'ttl', (arg) => parseUint(arg, 8, 'MPLS TTL')),
  mplsEthertypeAction('push_mpls'),
  mplsEthertypeAction('pop_mpls'),
  defineAction({
    type: 'delete_field',
    names: ['delete_field'],
    parse: (arg) => {
      const field = fieldByName(arg.text);
      if (!field) throw new ArgError(`${arg.text} is not a valid OXM field name`, arg.col);
      return { type: 'delete_field', field };
    },
    format: (a) => `delete_field:${a.field.name}`,
  }),
  defineAction({
    type: 'encap',
    names: ['encap'],
    parse: parseEncap,
    format: (a) => `encap(${a.header}${a.props.length ? `(${a.props.map(formatEncapProp).join(',')})` : ''})`,
  }),
  defineAction({
    type: 'decap',
    names: ['decap'],
    parse: parseDecap,
    format: (a) => (a.packetType
      ? `decap(packet_type(ns=${a.packetType.ns},type=${formatHex(BigInt(a.packetType.nsType))}))`
      : 'decap()'),
  }),
  defineAction({
    type: 'set_tunnel',
    names: ['set_tunnel', 'set_tunnel64'],
    parse: (arg, _ctx, name) => ({
      type: 'set_tunnel', tunId: parseUint64(arg, 'tunnel id'), raw: name === 'set_tunnel64' ? 'set_tunnel64' : 'set_tunnel',
    }),
    format: (a) => `set_tunnel${a.tunId > 0xffffffffn || a.raw === 'set_tunnel64' ? '64' : ''}:${formatHex(a.tunId)}`,
  }),
  defineAction({
    type: 'set_queue',
    names: ['set_queue'],
    parse: (arg) => ({ type: 'set_queue', queueId: parseUint(arg, 32, 'queue') }),
    format: (a) => `set_queue:${a.queueId}`,
  }),
  defineAction({
    type: 'fin_timeout',
    names: ['fin_timeout'],
    parse: (arg) => {
      const ft: OfpactOf<'fin_timeout'> = { type: 'fin_timeout', idleTimeout: 0, hardTimeout: 0 };
      for (const kv of splitKeyValues(arg.text, arg.col)) {
        const value = { text: kv.value, col: kv.valueCol };
        if (kv.key === 'idle_timeout') ft.idleTimeout = parseUint(value, 16, kv.key);
        else if (kv.key === 'hard_timeout') ft.hardTimeout = parseUint(value, 16, kv.key);
        else throw new ArgError(`invalid key '${kv.key}' in 'fin_timeout' argument`, kv.keyCol);
      }
      return ft;
    },
    format: (a) => `fin_timeout(${[
      ...(a.idleTimeout ? [`idle_timeout=${a.idleTimeout}`] : []),
      ...(a.hardTimeout ? [`hard_timeout=${a.hardTimeout}`] : []),
    ].join(',')})`,
  }),
  defineAction({ type: 'resubmit', names: ['resubmit'], parse: parseResubmit, format: formatResubmit }),
  learnAction,
  defineAction({
    type: 'conjunction',
    names: ['conjunction'],
    parse: (arg) => {
      const m = /^\s*(0x[0-9a-fA-F]+|\d+)\s*,\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(arg.text);
      if (!m) throw new ArgError('"conjunction" syntax is "conjunction(id,i/n)"', arg.col);
      const [id, clause, nClauses] = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (id > 0xffffffff) throw new ArgError(`invalid conjunction id ${m[1]}`, arg.col);
      if (nClauses < 2) throw new ArgError('conjunction must have at least 2 clauses', arg.col);
      if (nClauses > 64) throw new ArgError('conjunction must have at most 64 clauses', arg.col);
      if (clause < 1) throw new ArgError('clause index must be positive', arg.col);
      if (clause > nClauses) {
        throw new ArgError('clause index must be less than or equal to number of clauses', arg.col);
      }
      return { type: 'conjunction', id, clause: clause - 1, nClauses };
    },
    format: (a) => `conjunction(${a.id},${a.clause + 1}/${a.nClauses})`,
  }),
  defineAction({
    type: 'multipath',
    names: ['multipath'],
    parse: parseMultipath,
    format: (a) => `multipath(${a.fields},${a.basis},${a.algorithm},${a.maxLink + 1},${a.arg},${formatSubfield(a.dst)})`,
  }),
  defineAction({
    type: 'note',
    names: ['note'],
    parse: (arg) => ({ type: 'note', data: parseHexBytes(arg, 'note') }),
    format: (a) => `note:${formatHexBytes(a.data)}`,
  }),
  defineAction({ type: 'sample', names: ['sample'], parse: parseSample, format: formatSample }),
  ctAction,
  natAction,
  defineAction({
    type: 'clone',
    names: ['clone'],
    parse: (arg, ctx) => ({ type: 'clone', actions: ctx.parseNested(arg, 'clone') }),
    format: (a, ctx) => `clone(${ctx.formatNested(a.actions)})`,
  }),
  defineAction({
    type: 'check_pkt_larger',
    names: ['check_pkt_larger'],
    parse: (arg) => {
      const [lenArg, dstArg] = splitArrow(arg);
      const dst = parseSubfieldArg(dstArg);
      if (dst.nBits !== 1) throw new ArgError('Only 1-bit destination field is allowed', dstArg.col);
      const pktLen = parseUint({ text: lenArg.text.replace(/\)$/, ''), col: lenArg.col }, 16, 'packet length');
      return { type: 'check_pkt_larger', pktLen, dst };
    },
    format: (a) => `check_pkt_larger(${a.pktLen})->${formatSubfield(a.dst)}`,
  }),
  nullAction('dec_mpls_ttl'),
  nullAction('pop_queue'),
  nullAction('exit'),
  nullAction('ct_clear'),
  nullAction('dec_nsh_ttl'),
  nullAction('debug_recirc'),
  nullAction('debug_slow'),
  nullAction('clear_actions'),
  defineAction({
    type: 'meter',
    names: ['meter'],
    parse: (arg) => ({ type: 'meter', meterId: parseUint(arg, 32, 'meter') }),
    format: (a) => `meter:${a.meterId}`,
  }),
  defineAction({
    type: 'write_actions',
    names: ['write_actions'],
    parse: (arg, ctx) => ({ type: 'write_actions', actions: ctx.parseNested(arg, 'write_actions') }),
    format: (a, ctx) => `write_actions(${ctx.formatNested(a.actions)})`,
  }),
  defineAction({
    type: 'write_metadata',
    names: ['write_metadata'],
    parse: (arg) => {
      const slash = arg.text.indexOf('/');
      if (slash < 0) return { type: 'write_metadata', metadata: parseUint64(arg, 'metadata'), mask: allOnes(64) };
      return {
        type: 'write_metadata',
        metadata: parseUint64({ text: arg.text.slice(0, slash), col: arg.col }, 'metadata'),
        mask: parseUint64({ text: arg.text.slice(slash + 1), col: arg.col + slash + 1 }, 'mask'),
      };
    },
    format: (a) => `write_metadata:${formatHex(a.metadata)}` + (a.mask === allOnes(64) ? '' : `/${formatHex(a.mask)}`),
  }),
  defineAction({
    type: 'goto_table',
    names: ['goto_table'],
    parse: (arg, ctx) => ({ type: 'goto_table', tableId: parseTable(arg, ctx.tables) }),
    format: (a, ctx) => `goto_table:${formatTable(a.tableId, ctx.tables)}`,
  }),
];
