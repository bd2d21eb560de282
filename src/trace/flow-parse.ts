// The packet to trace, from the arguments of `ofproto/trace`
// (parse_flow_and_packet): `BRIDGE BR_FLOW` (parse_ofp_exact_flow: fields are
// set left to right, each checked against its prerequisites and against being
// set twice) or `[DPNAME] ODP_FLOW`, either followed by a packet in hex; all
// with OVS's error messages.
import { fieldByName, getFieldValue, setFieldValue, type Field } from '../meta-flow/field.js';
import { parseFieldValue, setMatchField, type FieldValue } from '../meta-flow/field-parse.js';
import { M, type Flow } from '../meta-flow/flow.js';
import { prereqsOk } from '../meta-flow/prereqs.js';
import { newMatch } from '../meta-flow/match.js';
import { protocolShorthand } from '../ingest/flows.js';
import { splitKeyValues } from '../ofp/key-value.js';
import { InputError } from '../model/errors.js';
import { OFPP_NONE, type PortNames } from '../ofp/ports.js';
import type { Datapath, World, XBridge } from '../xlate/world.js';
import { receivingTunnelPort, tunnelDst } from '../xlate/tunnel.js';
import { geneveOptions, odpKeyToFlow, parseOdpFlow, type OdpKeyAttr } from './odp-flow.js';
import type { GeneveOption } from '../xlate/odp-actions.js';
import { flowExtract, parseHexPacket } from './packet-extract.js';
import type { TlvMapping } from '../model/snapshot.js';

/** GENEVE_CRIT_OPT_TYPE: an option a receiver must understand. */
const GENEVE_CRIT_OPT_TYPE = 0x80;

/** mf_parse_value: an exact value, OVS's mask all ones over the field's bytes. */
function parseExactValue(field: Field, text: string, ports?: PortNames): FieldValue | string {
  const fv = parseFieldValue(field, text, ports);
  if (typeof fv === 'string') return fv;
  return fv.exact ? fv : `${text}: wildcards not allowed here`;
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

/** What ofproto/trace traces: a bridge, the flow, and the packet it came from when one was given. */
export interface TraceInput {
  bridge: XBridge;
  flow: Flow;
  packet?: Uint8Array;
}

/** A datapath flow: its bridge is the one whose port it came in on (xlate_lookup_ofproto). */
function odpInput(dp: Datapath, key: OdpKeyAttr[]): Omit<TraceInput, 'packet'> | string {
  const flow = odpKeyToFlow(key);
  if (typeof flow === 'string') return flow;
  // Recirculation state lives in the running switch only.
  if (flow[M.recirc_id]) return `no recirculation data for recirc_id 0x${flow[M.recirc_id].toString(16)}`;
  const odpPort = Number(flow[M.in_port]);
  // xlate_lookup_ofproto_: a packet with tunnel metadata came in on a tunnel port, found by its metadata.
  const tunneled = tunnelDst(flow) !== 0n;
  const port = tunneled ? receivingTunnelPort(dp.bridges.flatMap((b) => [...b.ports.values()]), flow) : dp.ports.get(odpPort);
  if (!port) return tunneled ? 'no OpenFlow tunnel port for this packet' : `no OpenFlow port for datapath port ${odpPort}`;
  const geneve = key.find((a) => a.name === 'tunnel')?.values.geneve;
  if (geneve !== undefined && !geneveToMetadata(geneveOptions(geneve), port.bridge.br.tlvMap, flow)) return 'Failed to parse Geneve options';
  flow[M.in_port] = BigInt(port.ofport);
  return { bridge: port.bridge, flow };
}

/**
 * tun_metadata_from_geneve_udpif: each option the bridge's TLV map knows
 * becomes its tun_metadataN; false (OVS's error) for one of another length
 * than mapped, or an unmapped critical one (type bit 0x80); other unmapped
 * options are dropped.
 */
function geneveToMetadata(options: GeneveOption[], tlvMap: readonly TlvMapping[], flow: Flow): boolean {
  for (const o of options) {
    const entry = tlvMap.find((t) => t.optClass === o.optClass && t.type === o.type);
    if (!entry) {
      if (o.type & GENEVE_CRIT_OPT_TYPE) return false;
      continue;
    }
    if (entry.len !== o.len) return false;
    setFieldValue(flow, fieldByName(`tun_metadata${entry.field}`)!, o.data);
  }
  return true;
}

function bridgeInput(world: World, bridgeName: string, flowText: string): Omit<TraceInput, 'packet'> | string {
  const bridge = world.bridges.get(bridgeName);
  if (!bridge) return `${bridgeName}: unknown bridge`;
  const flow = parseTraceFlow(flowText, bridge.names);
  return typeof flow === 'string' ? `Bad openflow flow syntax: ${flow}` : { bridge, flow };
}

/**
 * parse_flow_and_packet: `[DPNAME] ODP_FLOW [PACKET]` or `BRIDGE BR_FLOW [PACKET]`
 * (without -generate, a last argument that reads as hex is the packet).
 * Returns the input to trace, or the error OVS answers with.
 */
export function parseTraceArgs(world: World, args: string[], generate: boolean): TraceInput | string {
  if (args.length > 3) return 'too many arguments';
  let packet: Uint8Array | undefined;
  if (!generate && args.length > 1) {
    const hex = parseHexPacket(args[args.length - 1]);
    if (typeof hex !== 'string') {
      packet = hex;
      args = args.slice(0, -1);
    } else if (args.length > 2) {
      return hex;
    }
  }
  if (args.length < 1 || args.length > 2) return 'Syntax error';
  const dps = world.datapaths();
  const dp = args.length === 2 ? dps.get(args[0].replace(/^ovs-/, '')) : dps.size === 1 ? [...dps.values()][0] : undefined;
  const flowText = args[args.length - 1];
  let key: OdpKeyAttr[] | string;
  try {
    key = parseOdpFlow(flowText, dp?.portNames ?? new Map());
  } catch (e) {
    if (e instanceof InputError) return e.message; // a key oftrace does not model
    throw e;
  }
  let input: Omit<TraceInput, 'packet'> | string;
  if (typeof key !== 'string') input = dp ? odpInput(dp, key) : 'Cannot find the datapath';
  else if (args.length !== 2) return `${key} (or the bridge name was omitted)`;
  else input = bridgeInput(world, args[0], flowText);
  if (typeof input === 'string' || !packet) return input;
  // The packet's headers, the flow's metadata.
  return { bridge: input.bridge, flow: flowExtract(packet, input.flow), packet };
}
