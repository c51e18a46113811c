import { describe, expect, it } from 'vitest';
import {
  compile,
  fromCSV,
  fromJSON,
  generators,
  Network,
  toJSON,
  ValidationError,
  type CompiledMesh,
} from '../src/index.js';

function pathOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).path;
  }
  throw new Error('expected a ValidationError');
}

describe('network validation', () => {
  const base = (): Network => {
    const net = new Network();
    net.addDevice({ id: 'C1', kind: 'collector' });
    net.addDevice({ id: 'M1', kind: 'meter' });
    return net;
  };
  it('rejects an unknown kind', () => {
    expect(pathOf(() => base().addDevice({ id: 'X', kind: 'toaster' as never }))).toBe('devices[2].kind');
  });
  it('rejects a duplicate id', () => {
    expect(pathOf(() => base().addDevice({ id: 'M1', kind: 'meter' }))).toBe('devices[2].id');
  });
  it('rejects a link to a missing device', () => {
    expect(pathOf(() => base().addLink({ from: 'C1', to: 'M9', success: 1 }))).toBe('links[0].to');
  });
  it.each([-0.1, 1.01, NaN])('rejects probability %s', (p) => {
    expect(pathOf(() => base().addLink({ from: 'C1', to: 'M1', success: p }))).toBe('links[0].success');
    expect(pathOf(() => base().addLink({ from: 'C1', to: 'M1', success: 1, reverseSuccess: p }))).toBe(
      'links[0].reverseSuccess',
    );
  });
  it('rejects a duplicate link either way round and a self link', () => {
    const net = base();
    net.addLink({ from: 'C1', to: 'M1', success: 1 });
    expect(pathOf(() => net.addLink({ from: 'M1', to: 'C1', success: 1 }))).toBe('links[1]');
    expect(pathOf(() => net.addLink({ from: 'M1', to: 'M1', success: 1 }))).toBe('links[1].to');
  });
  it('rejects a gas / water module without an electric-meter parent', () => {
    const net = base();
    net.addDevice({ id: 'G1', kind: 'gasModule' });
    expect(pathOf(() => net.check())).toBe('devices[2].parent');
    const net2 = base();
    net2.addDevice({ id: 'W1', kind: 'waterModule', parent: 'C1' });
    expect(pathOf(() => compile(net2))).toBe('devices[2].parent');
  });
  it('rejects mesh links on a child module', () => {
    const net = base();
    net.addDevice({ id: 'G1', kind: 'gasModule', parent: 'M1' });
    expect(pathOf(() => net.addLink({ from: 'G1', to: 'M1', success: 1 }))).toBe('links[0].from');
  });
  it('rejects a network with no collector', () => {
    const net = new Network();
    net.addDevice({ id: 'M1', kind: 'meter' });
    expect(pathOf(() => compile(net))).toBe('devices');
  });
  it('rejects a parent on a mesh device and a registration to a non-collector', () => {
    const net = base();
    net.addDevice({ id: 'M2', kind: 'meter', parent: 'M1' });
    expect(pathOf(() => net.check())).toBe('devices[2].parent');
    const net2 = base();
    net2.addDevice({ id: 'M2', kind: 'meter', collector: 'M1' });
    expect(pathOf(() => net2.check())).toBe('devices[2].collector');
  });
  it('rejects bad flags, positions and firmware fields', () => {
    expect(pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', flags: { fast: true } as never }))).toBe(
      'devices[2].flags.fast',
    );
    expect(pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', position: { xM: Infinity, yM: 0 } }))).toBe(
      'devices[2].position.xM',
    );
    expect(pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', firmware: { module: 5 } as never }))).toBe(
      'devices[2].firmware.module',
    );
    expect(pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', firmware: { bootloader: '1.0' } as never }))).toBe(
      'devices[2].firmware.bootloader',
    );
  });
  it(
    'rejects flags, positions and firmware that are not objects (as a network file may hold them); null means ' +
      'none',
    () => {
      for (const bad of ['x', 5, [1, 2]]) {
        expect(pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', position: bad as never }))).toBe(
          'devices[2].position',
        );
        expect(pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', flags: bad as never }))).toBe(
          'devices[2].flags',
        );
        expect(pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', firmware: bad as never }))).toBe(
          'devices[2].firmware',
        );
        const file = toJSON(base());
        (file.devices[1] as unknown as Record<string, unknown>)['position'] = bad;
        expect(pathOf(() => fromJSON(file))).toBe('devices[1].position');
      }
      expect(
        pathOf(() => base().addDevice({ id: 'M2', kind: 'meter', position: { xM: 1, yM: 2, zM: 3 } as never })),
      ).toBe('devices[2].position.zM');
      const net = base();
      net.addDevice({ id: 'M2', kind: 'meter', position: null, flags: null, firmware: null } as never);
      expect(net.device('M2')).toMatchObject({ flags: { activeHan: false }, firmware: {} });
      expect(net.device('M2')?.position).toBeUndefined();
    },
  );
});

describe('layers and compile', () => {
  it('layers are the hops of routes of fewest expected transmissions; children take their parent’s', () => {
    const net = generators.line({ meters: 6 });
    net.addDevice({ id: 'C2', kind: 'collector' });
    // A link of success 0.5 both ways costs 4 expected transmissions: M6 routes through it (4 < 6),
    // M5 is as near either way (5) and takes the lower next hop, M4.
    net.addLink({ from: 'C2', to: 'M6', success: 0.5 });
    net.addDevice({ id: 'G1', kind: 'gasModule', parent: 'M3' });
    const mesh = compile(net);
    const layer = (id: string): number => mesh.layer[mesh.index(id)]!;
    const via = (id: string): string | null =>
      mesh.route[mesh.index(id)]! < 0 ? null : mesh.id(mesh.route[mesh.index(id)]!);
    expect(['C1', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6'].map(layer)).toEqual([0, 1, 2, 3, 4, 5, 1]);
    expect(['C1', 'M1', 'M5', 'M6', 'C2', 'G1'].map(via)).toEqual([null, 'C1', 'M4', 'C2', null, null]);
    expect(layer('G1')).toBe(3);
    expect(mesh.maxLayer.get('C1')).toBe(5);
    expect(mesh.maxLayer.get('C2')).toBe(1);
    expect(mesh.collector[mesh.index('M5')]).toBe(mesh.index('C1'));
    expect(mesh.collector[mesh.index('M6')]).toBe(mesh.index('C2'));
  });

  it('links of success 0, or worse than 4 expected transmissions, make no one shallower', () => {
    for (const success of [0, 0.49]) {
      const net = generators.line({ meters: 6 });
      net.addDevice({ id: 'C2', kind: 'collector' });
      net.addLink({ from: 'C2', to: 'M6', success });
      const mesh = compile(net);
      expect(mesh.layer[mesh.index('M6')], `success ${success}`).toBe(6);
      expect(mesh.maxLayer.get('C2'), `success ${success}`).toBe(0);
      // A device whose only link is that bad has no route at all.
      const lone = new Network();
      lone.addDevice({ id: 'C1', kind: 'collector' });
      lone.addDevice({ id: 'M1', kind: 'meter' });
      lone.addLink({ from: 'C1', to: 'M1', success });
      const m = compile(lone);
      expect(m.layer[m.index('M1')]).toBe(-1);
      expect(m.collector[m.index('M1')]).toBe(-1);
    }
  });

  it('an asymmetric link costs by both directions: a good downlink with a poor uplink is not a route', () => {
    const net = new Network();
    net.addDevice({ id: 'C1', kind: 'collector' });
    net.addDevice({ id: 'M1', kind: 'meter' });
    net.addDevice({ id: 'M2', kind: 'meter' });
    net.addLink({ from: 'C1', to: 'M1', success: 1 });
    net.addLink({ from: 'M1', to: 'M2', success: 1 });
    net.addLink({ from: 'C1', to: 'M2', success: 1, reverseSuccess: 0.2 }); // ETX 5
    const m = compile(net);
    expect(m.layer[m.index('M2')]).toBe(2);
    expect(m.id(m.route[m.index('M2')]!)).toBe('M1');
  });

  it('CSR rows are sorted and hold each direction’s probability', () => {
    const net = new Network();
    net.addDevice({ id: 'C1', kind: 'collector' });
    net.addDevice({ id: 'M1', kind: 'meter' });
    net.addDevice({ id: 'M2', kind: 'meter' });
    net.addLink({ from: 'M2', to: 'C1', success: 0.25, reverseSuccess: 0.75 });
    net.addLink({ from: 'C1', to: 'M1', success: 0.5 });
    const m = compile(net);
    expect(Array.from(m.offsets)).toEqual([0, 2, 3, 4]);
    expect(Array.from(m.neighbours)).toEqual([1, 2, 0, 0]);
    expect(Array.from(m.linkSuccess)).toEqual([0.5, 0.75, 0.5, 0.25]);
    expect(net.link('C1', 'M2')).toEqual({ from: 'C1', to: 'M2', success: 0.75, reverseSuccess: 0.25 });
  });
  it('is cached per revision and recompiled after an edit', () => {
    const net = generators.line({ meters: 3 });
    const a = compile(net);
    expect(compile(net)).toBe(a);
    net.removeLink('M2', 'M3');
    const b = compile(net);
    expect(b).not.toBe(a);
    expect(b.layer[b.index('M3')]).toBe(-1);
  });
});

describe('generators', () => {
  it('line, star and grid have the documented shapes', () => {
    expect(compile(generators.line({ meters: 4 })).maxLayer.get('C1')).toBe(4);
    const star = compile(generators.star({ meters: 7, success: 0.3 }));
    expect(star.n).toBe(8);
    expect(Array.from(star.linkSuccess).every((p) => Math.abs(p - 0.3) < 1e-7)).toBe(true);
    const g = compile(generators.grid({ width: 5, height: 3 }));
    expect(g.n).toBe(15);
    expect(g.neighbours.length).toBe(2 * (4 * 3 + 5 * 2));
    expect(g.maxLayer.get('C1')).toBe(3);
    expect(compile(generators.grid({ width: 4, collector: 'corner' })).maxLayer.get('C1')).toBe(6);
  });
  it('randomGeometric links follow the path-loss model: nearer pairs succeed more often', () => {
    const net = generators.randomGeometric({ meters: 200, seed: 4, sideM: 1500 });
    const pos = new Map(net.devices().map((d) => [d.id, d.position!]));
    const pairs = net.links().map((l) => {
      const a = pos.get(l.from)!;
      const b = pos.get(l.to)!;
      return { d: Math.hypot(a.xM - b.xM, a.yM - b.yM), p: Math.min(l.success, l.reverseSuccess) };
    });
    expect(pairs.every((x) => x.p >= 0.05 - 1e-7)).toBe(true);
    const near = pairs.filter((x) => x.d < 200);
    const far = pairs.filter((x) => x.d > 600);
    const mean = (xs: { p: number }[]): number => xs.reduce((a, x) => a + x.p, 0) / xs.length;
    expect(near.length).toBeGreaterThan(10);
    expect(far.length).toBeGreaterThan(10);
    expect(mean(near)).toBeGreaterThan(mean(far) + 0.2);
  });
  it('utility builds collectors, routers, extenders, meters and child modules, deterministically', () => {
    const opts = { collectors: 2, endpointsPerCollector: 500, seed: 8, gasShare: 0.3, waterShare: 0.2 };
    const net = generators.utility(opts);
    const kinds = new Map<string, number>();
    for (const d of net.devices()) kinds.set(d.kind, (kinds.get(d.kind) ?? 0) + 1);
    expect(kinds.get('collector')).toBe(2);
    expect(kinds.get('router')).toBe(12);
    expect(kinds.get('meshExtender')).toBe(2);
    expect(kinds.get('meter')).toBe(1000);
    // Shares are Bernoulli draws per meter: within 4 standard errors of the asked share.
    expect(Math.abs(kinds.get('gasModule')! / 1000 - 0.3)).toBeLessThan(4 * Math.sqrt(0.21 / 1000));
    expect(Math.abs(kinds.get('waterModule')! / 1000 - 0.2)).toBeLessThan(4 * Math.sqrt(0.16 / 1000));
    for (const d of net.devices()) if (d.kind === 'gasModule') expect(net.device(d.parent!)!.kind).toBe('meter');
    const mesh = compile(net);
    expect([...mesh.maxLayer.values()].every((l) => l >= 2 && l <= 40)).toBe(true);
    expect(JSON.stringify(toJSON(generators.utility(opts)))).toBe(JSON.stringify(toJSON(net)));
    expect(JSON.stringify(toJSON(generators.utility({ ...opts, seed: 9 })))).not.toBe(JSON.stringify(toJSON(net)));
  });
  it('bad generator options name the field', () => {
    expect(pathOf(() => generators.line({ meters: 0 }))).toBe('meters');
    expect(pathOf(() => generators.grid({ width: 3, success: 2 }))).toBe('success');
    expect(pathOf(() => generators.utility({ gasShare: 1.5 }))).toBe('gasShare');
    expect(pathOf(() => generators.utility({ models: [{ model: 'x', share: -1 }] }))).toBe('models[0].share');
    expect(pathOf(() => generators.randomGeometric({ meters: 5, pathLoss: { exponent: 0.5 } }))).toBe(
      'pathLoss.exponent',
    );
  });
});

describe('import and export', () => {
  it('JSON round-trips a utility network exactly', () => {
    const net = generators.utility({ collectors: 1, endpointsPerCollector: 300, seed: 2 });
    net.addDevice({
      id: 'M-odd',
      kind: 'meter',
      flags: { disableBroadcasts: true },
      firmware: { module: '4.2', dcw: '12' },
      collector: 'C1',
    });
    const json = JSON.parse(JSON.stringify(toJSON(net)));
    const back = fromJSON(json);
    expect(toJSON(back)).toEqual(toJSON(net));
    expect(back.device('M-odd')).toEqual(net.device('M-odd'));
  });
  it('JSON import errors name the path', () => {
    expect(pathOf(() => fromJSON({ format: 'x' }))).toBe('network.format');
    expect(
      pathOf(() => fromJSON({ format: 'meshcast-network', version: 1, devices: [{ id: 'a', kind: 'tv' }], links: [] })),
    ).toBe('devices[0].kind');
  });
  it('CSV import reads devices and links, with errors naming file and line', () => {
    const devices = [
      '# exported from a planning tool',
      'id,kind,model,x_m,y_m,parent,zigbee_capable,module_fw',
      'C1,collector,,0,0,,,',
      'M1,meter,"focus-ax, integrated",10,0,,yes,5.18',
      'M2,meter,focus-al,20,0,,no,',
      'G1,gasModule,,,,M1,,2.1',
    ].join('\n');
    const links = 'from,to,success,reverse_success\nC1,M1,0.9,\nM1,M2,0.8,0.6\n';
    const net = fromCSV(devices, links);
    expect(net.device('M1')).toMatchObject({
      model: 'focus-ax, integrated',
      flags: { zigbeeCapable: true },
      firmware: { module: '5.18' },
    });
    expect(net.device('G1')!.parent).toBe('M1');
    expect(net.link('M2', 'M1')).toEqual({
      from: 'M2',
      to: 'M1',
      success: 0.6,
      reverseSuccess: expect.closeTo(0.8, 12),
    });
    expect(pathOf(() => fromCSV('id,kind\nC1,collector\nM1,fridge\n', 'from,to,success\n'))).toBe('devices.csv:3.kind');
    expect(pathOf(() => fromCSV('id,kind\nC1,collector\nM1,meter\n', 'from,to,success\nC1,M1,1.5\n'))).toBe(
      'links.csv:2.success',
    );
    expect(pathOf(() => fromCSV('id,kind\nC1,collector\nM1,meter,extra\n', 'from,to,success\n'))).toBe('devices.csv:3');
    expect(pathOf(() => fromCSV('name\n', 'from,to,success\n'))).toBe('devices.csv.header');
  });
});

describe('direct mesh generators', () => {
  function sameMesh(a: CompiledMesh, b: CompiledMesh): void {
    expect(b.n).toBe(a.n);
    for (const key of [
      'offsets',
      'neighbours',
      'linkSuccess',
      'kind',
      'relays',
      'layer',
      'parent',
      'collector',
      'flags',
      'childOffsets',
      'children',
      'collectors',
    ] as const) {
      expect(Array.from(b[key]), key).toEqual(Array.from(a[key]));
    }
    expect([...b.maxLayer]).toEqual([...a.maxLayer]);
    for (let i = 0; i < a.n; i++) {
      expect(b.id(i)).toBe(a.id(i));
      expect(b.index(a.id(i))).toBe(i);
      expect(b.device(i)).toEqual(a.device(i));
    }
    for (const bad of ['', 'C0', 'M0', 'Z1', 'M1x', 'M01', 'M_1', `M${a.n + 5}`])
      expect(b.index(bad), bad).toBe(a.index(bad));
  }
  it('gridMesh equals compile(grid) for both collector placements', () => {
    sameMesh(
      compile(generators.grid({ width: 7, height: 5, success: 0.8 })),
      generators.gridMesh({ width: 7, height: 5, success: 0.8 }),
    );
    sameMesh(
      compile(generators.grid({ width: 4, collector: 'corner' })),
      generators.gridMesh({ width: 4, collector: 'corner' }),
    );
    expect(generators.gridMesh({ width: 4 }).index('M2_2')).toBe(-1); // the collector's cell
  });
  it('utilityMesh equals compile(utility)', () => {
    const opts = { collectors: 2, endpointsPerCollector: 300, seed: 12 };
    sameMesh(compile(generators.utility(opts)), generators.utilityMesh(opts));
  });
  it('builds territories far wider than the radio range (a spatial grid of at most 4 cells per device)', () => {
    for (const cellSideM of [1e6, 1e9]) {
      const opts = { collectors: 1, endpointsPerCollector: 300, seed: 11, cellSideM };
      sameMesh(compile(generators.utility(opts)), generators.utilityMesh(opts));
    }
    // Meters 1,000 km apart on average hear nobody; the build still takes no time and memory.
    const lonely = compile(generators.randomGeometric({ meters: 500, collectors: 2, sideM: 1e9, seed: 1 }));
    expect(lonely.n).toBe(502);
    expect(lonely.neighbours.length).toBeLessThan(10);
  });
  // Scenarios with a utility network run on utilityMesh: every option must give the same mesh.
  it.each([
    {
      collectors: 1,
      endpointsPerCollector: 400,
      seed: 11,
      cellSideM: 4000,
      pathLoss: { exponent: 3.6, fadingSigmaDb: 8 },
    },
    { collectors: 3, endpointsPerCollector: 150, seed: 9, cellSideM: 6000, neighbourTable: 4 },
    {
      collectors: 2,
      endpointsPerCollector: 200,
      seed: 'text seed',
      gasShare: 0,
      waterShare: 0.9,
      zigbeeShare: 1,
      activeHanShare: 0.5,
    },
    {
      collectors: 4,
      endpointsPerCollector: 100,
      seed: 3,
      routersPerCollector: 0,
      meshExtendersPerThousand: 20,
      ruralShare: 0.5,
      neighbourhoodSize: 20,
      houseSpacingM: 60,
    },
    { collectors: 1, endpointsPerCollector: 0, seed: 1 },
    {
      collectors: 2,
      endpointsPerCollector: 150,
      seed: 4,
      models: [
        { model: 'a', share: 1, moduleFirmware: '5.20' },
        { model: 'b', share: 3 },
      ],
      radio: { meter: { eirpDbm: 20, rxGainDb: 1 }, router: { eirpDbm: 36, rxGainDb: 6 } },
      minSuccess: 0.3,
      pathLoss: { frequencyMHz: 900, referenceDistanceM: 2, shadowingSigmaDb: 3 },
    },
  ])('utilityMesh equals compile(utility) with options %j', (opts) => {
    sameMesh(compile(generators.utility(opts)), generators.utilityMesh(opts));
  });
});
