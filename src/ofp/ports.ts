// OpenFlow port numbers as OVS prints and parses them (lib/ofp-port.c).
// Ports are OpenFlow 1.0 numbers (16 bits), as inside OVS; OpenFlow 1.1+
// 32-bit reserved numbers are folded into that range when parsed.

export const OFPP_MAX = 0xff00;
export const OFPP_UNSET = 0xfff7;
export const OFPP_IN_PORT = 0xfff8;
export const OFPP_TABLE = 0xfff9;
export const OFPP_NORMAL = 0xfffa;
export const OFPP_FLOOD = 0xfffb;
export const OFPP_ALL = 0xfffc;
export const OFPP_CONTROLLER = 0xfffd;
export const OFPP_LOCAL = 0xfffe;
export const OFPP_NONE = 0xffff;

/** OpenFlow 1.1+ reserved ports are OF1.0 reserved ports plus this offset. */
const OFPP11_OFFSET = 0xffff0000;
const OFPP11_MAX = 0xffffff00;

const RESERVED: ReadonlyMap<number, string> = new Map([
  [OFPP_IN_PORT, 'IN_PORT'], [OFPP_TABLE, 'TABLE'], [OFPP_NORMAL, 'NORMAL'],
  [OFPP_FLOOD, 'FLOOD'], [OFPP_ALL, 'ALL'], [OFPP_CONTROLLER, 'CONTROLLER'],
  [OFPP_LOCAL, 'LOCAL'], [OFPP_NONE, 'ANY'], [OFPP_UNSET, 'UNSET'],
]);

// "NONE" is accepted for backward compatibility but never printed.
const RESERVED_BY_NAME: ReadonlyMap<string, number> = new Map([
  ...[...RESERVED].map(([n, name]) => [name, n] as const),
  ['NONE', OFPP_NONE],
]);

/**
 * The switch's port names (`ovs-ofctl --names`).  Like OVS's namemap, a name
 * or number that appears twice is ambiguous and is never used.
 */
export class PortNames {
  private readonly byNumber = new Map<number, string>();
  private readonly byName = new Map<string, number>();

  constructor(entries: Iterable<readonly [number, string]>) {
    const numbers = new Map<number, string[]>();
    const names = new Map<string, number[]>();
    for (const [n, name] of entries) {
      numbers.set(n, [...(numbers.get(n) ?? []), name]);
      names.set(name, [...(names.get(name) ?? []), n]);
    }
    for (const [n, list] of numbers) {
      if (list.length === 1 && names.get(list[0])!.length === 1) this.byNumber.set(n, list[0]);
    }
    for (const [name, list] of names) {
      if (list.length === 1 && numbers.get(list[0])!.length === 1) this.byName.set(name, list[0]);
    }
  }

  name(port: number): string | undefined {
    return this.byNumber.get(port);
  }

  number(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** The names that stand for one number, as entries that rebuild these names (a worker thread's copy). */
  pairs(): [number, string][] {
    return [...this.byNumber];
  }
}

/** ofputil_format_port: reserved name, else the port's name (quoted if needed), else the number. */
export function formatPort(port: number, names?: PortNames): string {
  const reserved = RESERVED.get(port);
  if (reserved) return reserved;
  const name = names?.name(port);
  return name !== undefined ? formatName(name) : String(port);
}

/** A port or table name as OVS prints it: bare when it is a plain word, else quoted. */
export function formatName(name: string): string {
  return /^[A-Za-z][A-Za-z0-9]*$/.test(name) ? name : JSON.stringify(name);
}

/** The number of a name, bare or quoted, in a name map (ports or tables). */
export function lookupName(s: string, names: PortNames): number | undefined {
  if (!s.startsWith('"')) return names.number(s);
  try {
    const unquoted: unknown = JSON.parse(s);
    return typeof unquoted === 'string' ? names.number(unquoted) : undefined;
  } catch {
    return undefined;
  }
}

/** ofputil_port_from_string: a number, a reserved name (any case) or a (quoted) port name. */
export function parsePort(s: string, names?: PortNames): number | undefined {
  if (/^[0-9]+$/.test(s)) {
    const n = Number(s);
    if (n <= 0xffff) return n;
    if (n >= OFPP11_MAX && n <= 0xffffffff) return n - OFPP11_OFFSET;
    return undefined;
  }
  const reserved = RESERVED_BY_NAME.get(s.toUpperCase());
  if (reserved !== undefined) return reserved;
  return names && lookupName(s, names);
}

/** OpenFlow 1.1+ 32-bit port number for an OF1.0 port (ofputil_port_to_ofp11). */
export function portToOfp11(port: number): number {
  return port < OFPP_MAX ? port : port + OFPP11_OFFSET;
}

/** Inverse of portToOfp11 (ofputil_port_from_ofp11); undefined for unmappable numbers. */
export function portFromOfp11(port: number): number | undefined {
  if (port < OFPP_MAX) return port;
  if (port >= OFPP11_MAX) return port - OFPP11_OFFSET;
  return undefined;
}
