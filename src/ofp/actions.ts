// Parsing and formatting whole action lists (ofpacts_parse / ofpacts_format)
// on top of the action table.
import { InputError, quoteToken } from '../model/errors.js';
import { ArgError, type AnyActionDef, type Arg, type FormatContext, type ParseContext } from './action-def.js';
import { ACTIONS, UINT16_MAX } from './action-table.js';
import { splitKeyValues } from './key-value.js';
import type { Ofpact, OfpactType } from './ofpact.js';
import { OFPP_CONTROLLER, parsePort, type PortNames } from './ports.js';

export interface SourcePosition {
  file: string;
  line: number;
  /** Column of the first character of the action text. */
  column: number;
}

const MAX_NESTING = 100;

const BY_NAME = new Map<string, AnyActionDef>();
const BY_TYPE = new Map<OfpactType, AnyActionDef>();
for (const def of ACTIONS) {
  BY_TYPE.set(def.type, def);
  for (const name of def.names) BY_NAME.set(name, def);
}

/**
 * enum ovs_instruction_type, in the order a flow's instructions must come:
 * every other action belongs to apply_actions.
 */
const INSTRUCTION_ORDER: readonly string[] = ['meter', 'apply_actions', 'clear_actions', 'write_actions', 'write_metadata', 'goto_table'];

/** OpenFlow 1.1+ instructions may not appear inside clone(), ct(exec()) or write_actions(). */
const INSTRUCTIONS: ReadonlySet<string> = new Set(INSTRUCTION_ORDER.filter((name) => name !== 'apply_actions'));
const instructionOf = (type: OfpactType) => {
  const i = INSTRUCTION_ORDER.indexOf(type);
  return i < 0 ? INSTRUCTION_ORDER.indexOf('apply_actions') : i;
};

/** ofpact_name: an action type's name in OVS's messages is how it is written, but for these, named by their type. */
const NAMED_BY_TYPE: ReadonlySet<OfpactType> = new Set(['set_vlan_vid', 'set_vlan_pcp', 'output_reg', 'output_trunc']);
const ofpactName = (type: OfpactType) => (NAMED_BY_TYPE.has(type) ? type : BY_TYPE.get(type)?.names[0] ?? type);

/** Fields only ct(exec(...)) may write (field_requires_ct). */
const CT_FIELDS: ReadonlySet<string> = new Set(['MFF_CT_MARK', 'MFF_CT_LABEL']);

/**
 * ofpacts_verify for a list `outer` holds (the flow's own list when none):
 * conjunction goes with note only; nat and writes of ct_mark/ct_label
 * belong in ct(), which holds nothing else; instructions come once each,
 * in their order. OVS's words.
 */
function verifyList(acts: readonly Ofpact[], outer: string | undefined): string | undefined {
  if (acts.some((a) => a.type === 'conjunction')) {
    const other = acts.find((a) => a.type !== 'conjunction' && a.type !== 'note');
    return other && `"conjunction" actions may be used along with "note" but not any other kind of action (such as the "${ofpactName(other.type)}" action used here)`;
  }
  let inst = 0;
  for (const [i, a] of acts.entries()) {
    const dst = a.type === 'set_field' ? a.field : a.type === 'reg_move' ? a.dst.field : undefined;
    if (dst && CT_FIELDS.has(dst.id) && outer !== 'ct') return 'cannot set CT fields outside of ct action';
    if (a.type === 'nat') {
      if (outer !== 'ct') return 'Cannot have NAT action outside of "ct" action';
    } else if (outer === 'ct') {
      if (!dst) return `ct action doesn't support nested action ${ofpactName(a.type)}`;
      if (!CT_FIELDS.has(dst.id)) return `ct action doesn't support nested modification of ${dst.name}`;
    }
    const next = instructionOf(a.type);
    if (i > 0 && (INSTRUCTION_ORDER[inst] === 'apply_actions' ? next < inst : next <= inst)) {
      const [name, nextName] = [INSTRUCTION_ORDER[inst], INSTRUCTION_ORDER[next]];
      return next === inst
        ? `duplicate ${name} instruction not allowed, for OpenFlow 1.1+ compatibility`
        : `invalid instruction ordering: ${nextName} must appear before ${name}, for OpenFlow 1.1+ compatibility`;
    }
    inst = next;
  }
  return undefined;
}

/**
 * Parses the text after `actions=` in a dump-flows line (or a group bucket's
 * actions) into ofpacts, OpenFlow 1.1+ instructions included.
 */
export function parseActions(text: string, where: SourcePosition, ports?: PortNames, tables?: PortNames): Ofpact[] {
  return parseList({ text, col: where.column }, where, { ports, tables }, undefined, 0);
}

type Names = Pick<ParseContext, 'ports' | 'tables'>;

function parseList(arg: Arg, where: SourcePosition, names: Names, outer: string | undefined, depth: number): Ofpact[] {
  const fail = (message: string, col: number): never => {
    throw new InputError(message, where.file, where.line, col);
  };
  if (depth >= MAX_NESTING) fail('Action nested too deeply', arg.col);
  const { ports } = names;
  const ctx: ParseContext = {
    ...names,
    parseNested: (inner, container) => parseList(inner, where, names, container, depth + 1),
  };
  const acts: Ofpact[] = [];
  let dropCol: number | undefined;
  for (const kv of splitKeyValues(arg.text, arg.col)) {
    const name = kv.key.toLowerCase();
    const def = BY_NAME.get(name);
    if (def) {
      let act: Ofpact;
      try {
        act = def.parse({ text: kv.value, col: kv.valueCol }, ctx, name);
      } catch (e) {
        if (!(e instanceof ArgError)) throw e;
        return fail(`${kv.key}: ${e.message}`, e.col ?? kv.keyCol);
      }
      if (outer && INSTRUCTIONS.has(act.type)) fail(`${outer} action doesn't support nested action ${kv.key}`, kv.keyCol);
      acts.push(act);
    } else if (name === 'drop') {
      dropCol = kv.keyCol;
    } else if (name === 'apply_actions') {
      fail('apply_actions is the default instruction', kv.keyCol);
    } else {
      // A bare port (`NORMAL`, `LOCAL`, `2`, a port name) outputs to it.
      const port = parsePort(kv.key, ports);
      if (port === undefined || kv.value !== '') fail(`unknown action ${quoteToken(kv.key)}`, kv.keyCol);
      acts.push({ type: 'output', port: port!, maxLen: port === OFPP_CONTROLLER ? UINT16_MAX : 0 });
    }
  }
  if (dropCol !== undefined && acts.length) fail('"drop" must not be accompanied by any other action or instruction', dropCol);
  const invalid = verifyList(acts, outer);
  if (invalid) fail(invalid, arg.col);
  return acts;
}

/** ofpacts_format: the actions as dump-flows prints them after `actions=`; `drop` when empty. */
export function formatActions(acts: readonly Ofpact[], ports?: PortNames, tables?: PortNames): string {
  if (acts.length === 0) return 'drop';
  const ctx: FormatContext = { ports, tables, formatNested: (inner) => formatActions(inner, ports, tables) };
  return acts.map((a) => formatAction(a, ctx)).join(',');
}

/** Each action as a trace reports it, formatted once: a batch reports the same rules' actions again and again. */
const actionTexts = new WeakMap<Ofpact, string>();

export function actionText(act: Ofpact): string {
  let text = actionTexts.get(act);
  if (text === undefined) actionTexts.set(act, (text = formatActions([act])));
  return text;
}

function formatAction(act: Ofpact, ctx: FormatContext): string {
  const def = BY_TYPE.get(act.type)!;
  // BY_TYPE maps each type to its own entry, so the entry accepts this action.
  return (def.format as (a: Ofpact, c: FormatContext) => string)(act, ctx);
}
