// The packet to trace, from `ofproto/trace BRIDGE FLOW` (parse_ofp_exact_flow):
// fields are set left to right, each checked against its prerequisites and
// against being set twice, with OVS's error messages.
import { fieldByName, getFieldValue, type Field } from '../meta-flow/field.js';
import { parseFieldValue, setMatchField, type FieldValue } from '../meta-flow/field-parse.js';
import { M, allOnes, type Flow } from '../meta-flow/flow.js';
import { prereqsOk } from '../meta-flow/prereqs.js';
import { newMatch } from '../meta-flow/match.js';
import { protocolShorthand } from '../ingest/flows.js';
import { splitKeyValues } from '../ofp/key-value.js';
import { OFPP_NONE, parsePort, type PortNames } from '../ofp/ports.js';

/**
 * mf_parse_value: an exact value. Integers only have to fit the field's bytes
 * (`dl_vlan=5000` keeps its low 12 bits, as OVS does); masks are refused.
 */
function parseExactValue(field: Field, text: string, ports?: PortNames): FieldValue | string {
  const isPort = field.format.includes('port');
  if (isPort && parsePort(text, ports) === undefined && !/^\d+$/.test(text)) return `${text}: invalid or unknown port for ${field.name}`;
  const wide = { ...field, bits: field.bytes * 8 };
  const fv = parseFieldValue(/^(decimal|hexadecimal)$/.test(field.format) ? wide : field, text, ports);
  if (typeof fv === 'string') return fv;
  // Flag fields (`+trk-new`) and value/mask pairs leave bits unspecified.
  if (/^[+-]/.test(text) || text.includes('/')) return `${text}: wildcards not allowed here`;
  return { value: fv.value & allOnes(field.bits), mask: allOnes(field.bits) };
}

/** Parse a trace flow; returns the flow or OVS's error text (without the "Bad openflow flow syntax: " prefix). */
export function parseTraceFlow(s: string, ports?: PortNames): Flow | string {
  const match = newMatch();
  const flow = match.flow;
  for (const { key, value } of splitKeyValues(s, 1)) {
    const proto = protocolShorthand(key);
    if (proto) {
      if (flow[M.dl_type]) return `${s}: Ethernet type set multiple times`;
      flow[M.dl_type] = proto[0];
      if (proto[1] !== undefined) {
        if (flow[M.nw_proto]) return `${s}: network protocol set multiple times`;
        flow[M.nw_proto] = proto[1];
      }
      continue;
    }
    const field = fieldByName(key);
    if (!field) return `${s}: unknown field ${key}`;
    if (!prereqsOk(field, flow)) return `${s}: prerequisites not met for setting ${key}`;
    if (getFieldValue(flow, field) !== 0n) return `${s}: field ${key} set multiple times`;
    const fv = parseExactValue(field, value, ports);
    if (typeof fv === 'string') return `${s}: bad value for ${key} (${fv})`;
    setMatchField(match, field, { value: fv.value, mask: fv.mask });
  }
  if (!flow[M.in_port]) flow[M.in_port] = BigInt(OFPP_NONE);
  return flow;
}
