// `ovs-ofctl dump-tlv-map`: the Geneve options tun_metadataN stand for, as OVS 3.1 prints them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTlvMap } from '../../grammar/tlv-map.js';

const recorded = readFileSync(new URL('../fixtures/family-tunnel-metadata/dumps/ovs-ofctl_-O_OpenFlow13_dump-tlv-map_br0', import.meta.url), 'utf8');

describe('dump-tlv-map', () => {
  it('reads the mapping table of a recorded dump', () => {
    expect(parseTlvMap(recorded, 'tlv')).toEqual([
      { optClass: 0x102, type: 0x80, len: 4, field: 0 },
      { optClass: 0x102, type: 0x81, len: 8, field: 1 },
    ]);
  });

  it('reads a bridge without mappings as none', () => {
    const empty = recorded.split('\n').filter((l) => !/tun_metadata/.test(l)).join('\n');
    expect(parseTlvMap(empty, 'tlv')).toEqual([]);
  });

  it('reads a class or type of 0, which print_tlv_table writes without 0x', () => {
    const zero = recorded.replace('  0x102  0x81', ' 0xffff     0');
    expect(parseTlvMap(zero, 'tlv')[1]).toEqual({ optClass: 0xffff, type: 0, len: 8, field: 1 });
  });

  it('refuses a field past tun_metadata63 and a length OVS cannot map', () => {
    expect(() => parseTlvMap(recorded.replace('tun_metadata1', 'tun_metadata64'), 'tlv')).toThrow(/^tlv:9:\d+: dump-tlv-map: no such field: "tun_metadata64"/);
    expect(() => parseTlvMap(recorded.replace(/8(?=  tun_metadata1)/, '6'), 'tlv')).toThrow(/^tlv:9:\d+: dump-tlv-map: option length is not a multiple of 4 up to 124: "6"/);
  });

  it('names the line and column of a row it cannot read', () => {
    const bad = recorded.replace('tun_metadata1', 'tun_metadataX');
    expect(() => parseTlvMap(bad, 'tlv')).toThrow(/^tlv:\d+:\d+: .*"tun_metadataX"/);
  });
});
