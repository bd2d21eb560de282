// The `learn` action (lib/learn.c): flow_mod parameters and match/load/output specs.
import { allOnes } from '../meta-flow/flow.js';
import { formatSubfield, parseSubfield, type Subfield } from '../meta-flow/subfield.js';
import { formatHex, parseInteger } from '../meta-flow/values.js';
import {
  ArgError, defineAction, formatTable, parseSubfieldArg, parseTable, parseUint, parseUint64, splitArrow, type Arg, type ParseContext,
} from './action-def.js';
import { formatFieldValue, parseFieldValue, valueBits } from './field-value.js';
import { splitKeyValues } from './key-value.js';
import type { LearnSpec, OfpactOf } from './ofpact.js';

type Learn = OfpactOf<'learn'>;

const OFP_DEFAULT_PRIORITY = 0x8000;

export const learnAction = defineAction({
  type: 'learn',
  names: ['learn'],
  parse: parseLearn,
  format: (a, ctx) => {
    const parts = [`table=${formatTable(a.tableId, ctx.tables)}`];
    if (a.idleTimeout) parts.push(`idle_timeout=${a.idleTimeout}`);
    if (a.hardTimeout) parts.push(`hard_timeout=${a.hardTimeout}`);
    if (a.finIdleTimeout) parts.push(`fin_idle_timeout=${a.finIdleTimeout}`);
    if (a.finHardTimeout) parts.push(`fin_hard_timeout=${a.finHardTimeout}`);
    if (a.priority !== OFP_DEFAULT_PRIORITY) parts.push(`priority=${a.priority}`);
    if (a.sendFlowRem) parts.push('send_flow_rem');
    if (a.deleteLearned) parts.push('delete_learned');
    if (a.cookie) parts.push(`cookie=${formatHex(a.cookie)}`);
    if (a.limit) parts.push(`limit=${a.limit}`);
    if (a.resultDst) parts.push(`result_dst=${formatSubfield(a.resultDst)}`);
    for (const spec of a.specs) parts.push(formatSpec(spec, ctx.ports));
    return `learn(${parts.join(',')})`;
  },
});

function formatSpec(spec: LearnSpec, ports: Parameters<typeof formatFieldValue>[3]): string {
  switch (spec.kind) {
    case 'match_imm':
      return isWholeField(spec.dst)
        ? `${spec.dst.field.name}=${formatFieldValue(spec.dst.field, spec.value, allOnes(valueBits(spec.dst.field)), ports)}`
        : `${formatSubfield(spec.dst)}=${formatHex(spec.value)}`;
    case 'match_field': {
      const same = spec.src.field === spec.dst.field && spec.src.ofs === spec.dst.ofs;
      return formatSubfield(spec.dst) + (same ? '' : '=' + formatSubfield(spec.src));
    }
    case 'load_imm':
      return `load:${formatHex(spec.value)}->${formatSubfield(spec.dst)}`;
    case 'load_field':
      return `load:${formatSubfield(spec.src)}->${formatSubfield(spec.dst)}`;
    case 'output':
      return `output:${formatSubfield(spec.src)}`;
  }
}

function isWholeField(sf: Subfield): boolean {
  return sf.ofs === 0 && sf.nBits === sf.field.bits;
}

function parseLearn(arg: Arg, ctx: ParseContext): Learn {
  const learn: Learn = {
    type: 'learn', tableId: 1, idleTimeout: 0, hardTimeout: 0, finIdleTimeout: 0, finHardTimeout: 0,
    priority: OFP_DEFAULT_PRIORITY, cookie: 0n, sendFlowRem: false, deleteLearned: false, limit: 0, specs: [],
  };
  for (const kv of splitKeyValues(arg.text, arg.col)) {
    const value: Arg = { text: kv.value, col: kv.valueCol };
    switch (kv.key) {
      case 'table':
        learn.tableId = parseTable(value, ctx.tables);
        if (learn.tableId === 255) throw new ArgError('table id 255 not valid for `learn\' action', kv.valueCol);
        break;
      case 'priority': learn.priority = parseUint(value, 16, 'priority'); break;
      case 'idle_timeout': learn.idleTimeout = parseUint(value, 16, 'idle_timeout'); break;
      case 'hard_timeout': learn.hardTimeout = parseUint(value, 16, 'hard_timeout'); break;
      case 'fin_idle_timeout': learn.finIdleTimeout = parseUint(value, 16, 'fin_idle_timeout'); break;
      case 'fin_hard_timeout': learn.finHardTimeout = parseUint(value, 16, 'fin_hard_timeout'); break;
      case 'cookie': learn.cookie = parseUint64(value, 'cookie'); break;
      case 'send_flow_rem': learn.sendFlowRem = true; break;
      case 'delete_learned': learn.deleteLearned = true; break;
      case 'limit': learn.limit = parseUint(value, 32, 'limit'); break;
      case 'result_dst': {
        const dst = parseSubfieldArg(value);
        if (!dst.field.writable) throw new ArgError(`${kv.value} is read-only`, kv.valueCol);
        if (dst.nBits !== 1) throw new ArgError('result_dst in \'learn\' action must be a single bit', kv.valueCol);
        learn.resultDst = dst;
        break;
      }
      default:
        learn.specs.push(parseSpec(kv.key, value, kv.keyCol, ctx));
    }
  }
  return learn;
}

// learn_parse_spec: `field[=src|=value]`, `load:src->dst`, `load:value->dst`, `output:src`.
function parseSpec(name: string, value: Arg, col: number, ctx: ParseContext): LearnSpec {
  const dst = parseSubfield(name);
  if (typeof dst !== 'string') {
    if (value.text === '') return { kind: 'match_field', dst, src: dst };
    const src = parseSubfield(value.text);
    if (typeof src !== 'string') {
      if (src.nBits !== dst.nBits) {
        throw new ArgError(`bit widths of ${name} (${dst.nBits}) and ${value.text} (${src.nBits}) differ`, col);
      }
      return { kind: 'match_field', dst, src };
    }
    return { kind: 'match_imm', dst, value: parseImmediate(dst, value, ctx) };
  }
  if (name === 'load') {
    const [from, to] = splitArrow(value);
    const imm = parseInteger(from.text);
    if (imm === undefined) {
      const src = parseSubfieldArg(from);
      const target = parseSubfieldArg(to);
      if (src.nBits !== target.nBits) {
        throw new ArgError(`${value.text}: source field is ${src.nBits} bits wide but destination is ${target.nBits} bits wide`, value.col);
      }
      return { kind: 'load_field', src, dst: target };
    }
    const target = parseSubfieldArg(to);
    if (imm > allOnes(target.nBits)) throw new ArgError(`${value.text}: value does not fit into ${target.nBits} bits`, value.col);
    return { kind: 'load_imm', dst: target, value: imm };
  }
  if (name === 'output') return { kind: 'output', src: parseSubfieldArg(value) };
  throw new ArgError(`unknown keyword ${name}`, col);
}

/** A whole field takes its own syntax (an IP address...), a partial one an integer. */
function parseImmediate(dst: Subfield, value: Arg, ctx: ParseContext): bigint {
  if (isWholeField(dst)) {
    const parsed = parseFieldValue(dst.field, value.text, ctx.ports);
    if (typeof parsed === 'string') throw new ArgError(parsed, value.col);
    if (parsed.mask !== allOnes(valueBits(dst.field))) throw new ArgError(`${value.text}: masks are not allowed here`, value.col);
    return parsed.value;
  }
  const imm = parseInteger(value.text);
  if (imm === undefined) throw new ArgError(`${value.text}: cannot parse integer value`, value.col);
  if (imm > allOnes(dst.nBits)) throw new ArgError(`value ${value.text} does not fit into ${dst.nBits} bits`, value.col);
  return imm;
}
