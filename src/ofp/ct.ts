// Connection tracking: `ct(...)` and `nat(...)` (parse_CT / format_CT, parse_NAT / format_NAT).
import { formatSubfield, parseSubfield } from '../meta-flow/subfield.js';
import { formatIpv4, formatIpv6, parseInteger, parseIpv4, parseIpv6 } from '../meta-flow/values.js';
import { ArgError, defineAction, formatTable, parseTable, type Arg } from './action-def.js';
import { splitKeyValues } from './key-value.js';
import type { NatRange, OfpactOf } from './ofpact.js';

type Nat = OfpactOf<'nat'>;

const NX_CT_RECIRC_NONE = 255;
const ALGS: ReadonlyMap<string, number> = new Map([['ftp', 21], ['tftp', 69]]);

export const ctAction = defineAction({
  type: 'ct',
  names: ['ct'],
  parse: (arg, ctx) => {
    const ct: OfpactOf<'ct'> = {
      type: 'ct', commit: false, force: false, recircTable: NX_CT_RECIRC_NONE, zoneImm: 0, alg: 0, actions: [],
    };
    for (const kv of splitKeyValues(arg.text, arg.col)) {
      const value: Arg = { text: kv.value, col: kv.valueCol };
      switch (kv.key) {
        case 'commit': ct.commit = true; break;
        case 'force': ct.force = true; break;
        case 'table':
          ct.recircTable = parseTable(value, ctx.tables);
          if (ct.recircTable === NX_CT_RECIRC_NONE) throw new ArgError('invalid table 0xff', kv.valueCol);
          break;
        case 'zone': {
          const imm = parseInteger(kv.value);
          if (imm !== undefined && imm <= 0xffffn) {
            ct.zoneImm = Number(imm);
            break;
          }
          const sf = parseSubfield(kv.value);
          if (typeof sf === 'string') throw new ArgError(sf, kv.valueCol);
          ct.zoneSrc = sf;
          break;
        }
        case 'alg': {
          const alg = ALGS.get(kv.value);
          if (alg === undefined) throw new ArgError(`invalid conntrack helper "${kv.value}"`, kv.valueCol);
          ct.alg = alg;
          break;
        }
        case 'nat': ct.actions.push(parseNat(value)); break;
        case 'exec': ct.actions.push(...ctx.parseNested(value, 'ct')); break;
        default: throw new ArgError(`invalid argument to "ct" action: \`${kv.key}'`, kv.keyCol);
      }
    }
    if (ct.force && !ct.commit) throw new ArgError('"force" flag requires "commit" flag.', arg.col);
    return ct;
  },
  format: (a, ctx) => {
    const parts: string[] = [];
    if (a.commit) parts.push('commit');
    if (a.force) parts.push('force');
    if (a.recircTable !== NX_CT_RECIRC_NONE) parts.push(`table=${formatTable(a.recircTable, ctx.tables)}`);
    if (a.zoneSrc) parts.push(`zone=${formatSubfield(a.zoneSrc)}`);
    else if (a.zoneImm) parts.push(`zone=${a.zoneImm}`);
    // OVS prints a leading nat outside the exec(...) envelope.
    let rest = a.actions;
    if (rest[0]?.type === 'nat') {
      parts.push(formatNat(rest[0]));
      rest = rest.slice(1);
    }
    if (rest.length) parts.push(`exec(${ctx.formatNested(rest)})`);
    if (a.alg) parts.push(`alg=${[...ALGS].find(([, port]) => port === a.alg)?.[0] ?? a.alg}`);
    return `ct(${parts.join(',')})`;
  },
});

export const natAction = defineAction({
  type: 'nat',
  names: ['nat'],
  parse: (arg) => parseNat(arg),
  format: (a) => formatNat(a),
});

function parseNat(arg: Arg): Nat {
  const nat: Nat = { type: 'nat', persistent: false, hash: false, random: false };
  for (const kv of splitKeyValues(arg.text, arg.col)) {
    switch (kv.key) {
      case 'src':
      case 'dst':
        if (nat.kind) throw new ArgError('May only specify one of "src" or "dst".', kv.keyCol);
        nat.kind = kv.key;
        if (kv.value) nat.range = parseNatRange({ text: kv.value, col: kv.valueCol });
        break;
      case 'persistent': nat.persistent = true; break;
      case 'hash': nat.hash = true; break;
      case 'random': nat.random = true; break;
      default: throw new ArgError(`invalid key "${kv.key}" in "nat" argument`, kv.keyCol);
    }
  }
  if (!nat.kind && (nat.persistent || nat.hash || nat.random)) {
    throw new ArgError('Flags allowed only with "src" or "dst".', arg.col);
  }
  if (nat.hash && nat.random) throw new ArgError('Both "hash" and "random" are not allowed.', arg.col);
  return nat;
}

// ADDR[-ADDR][:PORT[-PORT]], IPv6 addresses optionally in brackets.
function parseNatRange(arg: Arg): NatRange {
  const s = arg.text;
  const bad = () => new ArgError(`invalid nat range "${s}"`, arg.col);
  const v4 = /^(\d+\.\d+\.\d+\.\d+)(?:-(\d+\.\d+\.\d+\.\d+))?/.exec(s);
  const v6 = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9a-fA-F:.]+))(?:-(?:\[([0-9a-fA-F:.]+)\]|([0-9a-fA-F:.]+)))?/.exec(s);
  let range: NatRange;
  let n: number;
  if (v4) {
    const min = parseIpv4(v4[1]);
    const max = v4[2] === undefined ? min : parseIpv4(v4[2]);
    if (min === undefined || max === undefined || max < min) throw bad();
    range = { family: 'ipv4', addrMin: min, addrMax: max, portMin: 0, portMax: 0 };
    n = v4[0].length;
  } else if (v6) {
    const min = parseIpv6(v6[1] ?? v6[2]);
    const maxText = v6[3] ?? v6[4];
    const max = maxText === undefined ? min : parseIpv6(maxText);
    if (min === undefined || max === undefined || max < min) throw bad();
    range = { family: 'ipv6', addrMin: min, addrMax: max, portMin: 0, portMax: 0 };
    n = v6[0].length;
  } else {
    throw bad();
  }
  const ports = /^:(\d+)(?:-(\d+))?$/.exec(s.slice(n));
  if (ports) {
    range.portMin = Number(ports[1]);
    range.portMax = ports[2] === undefined ? range.portMin : Number(ports[2]);
    if (range.portMin > 0xffff || range.portMax > 0xffff || range.portMax < range.portMin) throw bad();
  } else if (n !== s.length) {
    throw new ArgError(`garbage (${s.slice(n)}) after nat range "${s}" (pos: ${n})`, arg.col + n);
  }
  return range;
}

function formatNat(a: Nat): string {
  if (!a.kind) return 'nat';
  const parts: string[] = [a.kind];
  const r = a.range;
  // Like OVS, the flags are printed only together with a range.
  if (r) {
    const fmt = r.family === 'ipv4' ? formatIpv4 : (v: bigint) => bracket(formatIpv6(v), r.portMin !== 0);
    let text = `${a.kind}=${fmt(r.addrMin)}`;
    if (r.addrMax !== r.addrMin) text += `-${fmt(r.addrMax)}`;
    if (r.portMin) text += `:${r.portMin}` + (r.portMax !== r.portMin ? `-${r.portMax}` : '');
    parts[0] = text;
    if (a.persistent) parts.push('persistent');
    if (a.hash) parts.push('hash');
    if (a.random) parts.push('random');
  }
  return `nat(${parts.join(',')})`;
}

function bracket(addr: string, yes: boolean): string {
  return yes ? `[${addr}]` : addr;
}
