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

  it('names the line and column of a row it cannot read', () => {
    const bad = recorded.replace('tun_metadata1', 'tun_metadataX');
    expect(() => parseTlvMap(bad, 'tlv')).toThrow(/^tlv:\d+:\d+: .*"tun_metadataX"/);
  });
});
