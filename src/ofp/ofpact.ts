// OpenFlow actions and instructions as OVS holds them internally (struct
// ofpact and friends, include/openvswitch/ofp-actions.h).  Type names are
// OVS's OFPACT_* names in lower case.  Where OVS prints one action in several
// ways depending on how it was written or encoded, a `raw` member records the
// spelling so that formatting reproduces what the dump showed.
import type { Field } from '../meta-flow/field.js';
import type { Subfield } from '../meta-flow/subfield.js';

/** Ports are OpenFlow 1.0 numbers; see ports.ts for the reserved ones. */
export type Port = number;

/** Hash field sets of `bundle` and `multipath` (flow_hash_fields_to_str). */
export type HashFields =
  | 'eth_src' | 'symmetric_l4' | 'symmetric_l3l4' | 'symmetric_l3l4+udp' | 'nw_src' | 'nw_dst' | 'symmetric_l3';

/** A `learn` flow_mod spec (struct ofpact_learn_spec). */
export type LearnSpec =
  /** `dst` or `dst=src`: match dst against the packet's src. */
  | { kind: 'match_field'; dst: Subfield; src: Subfield }
  /** `dst=value`: match dst against a constant (value in dst's bits). */
  | { kind: 'match_imm'; dst: Subfield; value: bigint }
  /** `load:src->dst`: the learned flow loads the packet's src into dst. */
  | { kind: 'load_field'; dst: Subfield; src: Subfield }
  /** `load:value->dst`. */
  | { kind: 'load_imm'; dst: Subfield; value: bigint }
  /** `output:src`: the learned flow outputs to the port in src. */
  | { kind: 'output'; src: Subfield };

/** NAT address/port range (struct ofpact_nat). */
export interface NatRange {
  family: 'ipv4' | 'ipv6';
  /** max equals min for a single address. */
  addrMin: bigint;
  addrMax: bigint;
  /** 0 when no port range was given. */
  portMin: number;
  portMax: number;
}

/** Properties of `encap(nsh(...))` (struct ofpact_ed_prop). */
export type EncapProp =
  | { kind: 'md_type'; mdType: number }
  | { kind: 'tlv'; tlvClass: number; tlvType: number; data: Uint8Array };

/** Actions without arguments. */
export type NullActionType =
  | 'dec_mpls_ttl' | 'pop_queue' | 'exit' | 'ct_clear' | 'dec_nsh_ttl'
  | 'debug_recirc' | 'debug_slow' | 'clear_actions';

export type Ofpact =
  // Output.
  /** maxLen matters only for port CONTROLLER (`CONTROLLER:65535`). */
  | { type: 'output'; port: Port; maxLen: number }
  | { type: 'output_reg'; src: Subfield; maxLen: number }
  /** `output(port=P,max_len=N)`. */
  | { type: 'output_trunc'; port: Port; maxLen: number }
  | { type: 'group'; groupId: number }
  | {
      type: 'controller'; maxLen: number; reason: string; controllerId: number;
      userdata?: Uint8Array; pause: boolean; meterId?: number;
    }
  | { type: 'enqueue'; port: Port; queue: number }
  /** `bundle(...)`, or `bundle_load(...)` when dst is present. */
  | {
      type: 'bundle'; fields: HashFields; basis: number; algorithm: 'hrw' | 'active_backup';
      dst?: Subfield; members: Port[];
    }
  // Header changes.
  /**
   * value/mask in field units.  raw 'load' is NXAST_REG_LOAD, printed as
   * `load:` segments; 'set_field' prints `set_field:value->name`.
   */
  | { type: 'set_field'; raw: 'set_field' | 'load'; field: Field; value: bigint; mask: bigint }
  /** pushIfNeeded: written `mod_vlan_vid` (OF1.0) rather than `set_vlan_vid`. */
  | { type: 'set_vlan_vid'; vid: number; pushIfNeeded: boolean }
  | { type: 'set_vlan_pcp'; pcp: number; pushIfNeeded: boolean }
  | { type: 'strip_vlan'; raw: 'strip_vlan' | 'pop_vlan' }
  | { type: 'push_vlan'; ethertype: number }
  | { type: 'set_eth_src' | 'set_eth_dst'; mac: bigint }
  | { type: 'set_ipv4_src' | 'set_ipv4_dst'; ipv4: bigint }
  /** The whole TOS byte with ECN bits clear, as `mod_nw_tos` takes it. */
  | { type: 'set_ip_dscp'; dscp: number }
  | { type: 'set_ip_ecn'; ecn: number }
  | { type: 'set_ip_ttl'; ttl: number }
  | { type: 'set_l4_src_port' | 'set_l4_dst_port'; port: number }
  | { type: 'reg_move'; src: Subfield; dst: Subfield }
  | { type: 'stack_push' | 'stack_pop'; subfield: Subfield }
  /** withIds: written `dec_ttl(ids)`; plain `dec_ttl` has controller id 0. */
  | { type: 'dec_ttl'; controllerIds: number[]; withIds: boolean }
  | { type: 'set_mpls_label'; label: number }
  | { type: 'set_mpls_tc'; tc: number }
  | { type: 'set_mpls_ttl'; ttl: number }
  | { type: 'push_mpls' | 'pop_mpls'; ethertype: number }
  | { type: 'delete_field'; field: Field }
  /** header: ethernet, nsh, mpls, mpls_mc; only nsh takes properties. */
  | { type: 'encap'; header: string; props: EncapProp[] }
  /** packetType undefined: use the next protocol (`decap()`). */
  | { type: 'decap'; packetType?: { ns: number; nsType: number } }
  /** raw 'set_tunnel64' also when written so; values above 32 bits always print as 64. */
  | { type: 'set_tunnel'; tunId: bigint; raw: 'set_tunnel' | 'set_tunnel64' }
  | { type: 'set_queue'; queueId: number }
  | { type: 'fin_timeout'; idleTimeout: number; hardTimeout: number }
  // Flow table interaction.
  /** inPort OFPP_IN_PORT and tableId 255 mean "unchanged". */
  | { type: 'resubmit'; inPort: Port; tableId: number; withCtOrig: boolean }
  | {
      type: 'learn'; tableId: number; idleTimeout: number; hardTimeout: number;
      finIdleTimeout: number; finHardTimeout: number; priority: number; cookie: bigint;
      sendFlowRem: boolean; deleteLearned: boolean; limit: number; resultDst?: Subfield;
      specs: LearnSpec[];
    }
  /** clause is 0-based, printed 1-based. */
  | { type: 'conjunction'; id: number; clause: number; nClauses: number }
  | {
      type: 'multipath'; fields: HashFields; basis: number;
      algorithm: 'modulo_n' | 'hash_threshold' | 'hrw' | 'iter_hash';
      maxLink: number; arg: number; dst: Subfield;
    }
  // Other.
  | { type: 'note'; data: Uint8Array }
  | {
      type: 'sample'; probability: number; collectorSetId: number; obsDomainId: number;
      obsPointId: number; samplingPort: Port; direction: 'default' | 'ingress' | 'egress';
    }
  /**
   * recircTable 255 means none.  A leading 'nat' in actions is printed
   * outside exec(...), as OVS does.  alg: 0 none, 21 ftp, 69 tftp.
   */
  | {
      type: 'ct'; commit: boolean; force: boolean; recircTable: number; zoneImm: number;
      zoneSrc?: Subfield; alg: number; actions: Ofpact[];
    }
  | {
      type: 'nat'; kind?: 'src' | 'dst'; range?: NatRange;
      persistent: boolean; hash: boolean; random: boolean;
    }
  | { type: 'clone'; actions: Ofpact[] }
  | { type: 'check_pkt_larger'; pktLen: number; dst: Subfield }
  | { type: NullActionType }
  // Instructions (OpenFlow 1.1+).
  | { type: 'meter'; meterId: number }
  | { type: 'write_actions'; actions: Ofpact[] }
  | { type: 'write_metadata'; metadata: bigint; mask: bigint }
  | { type: 'goto_table'; tableId: number };

export type OfpactType = Ofpact['type'];
/** The member of the union with type T (also where one member covers several types). */
export type OfpactOf<T extends OfpactType> = Ofpact extends infer A ? (A extends { type: infer U } ? (T extends U ? A : never) : never) : never;
