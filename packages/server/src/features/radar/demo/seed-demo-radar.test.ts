import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../platform/logging.js';
import type { RadarSummary } from '../radar-service.js';
import { seedDemoRadar } from './seed-demo-radar.js';

function fakeRadar(existing: RadarSummary[]) {
  const applied: { yaml: string; reason?: string }[] = [];
  return {
    applied,
    radar: {
      list: async () => existing,
      apply: async (_actor: unknown, input: { yaml: string; reason?: string }) => {
        applied.push(input);
        return existing[0] as RadarSummary;
      },
    },
  };
}

describe('seedDemoRadar', () => {
  it('applies the example radar when there is none yet', async () => {
    const fake = fakeRadar([]);
    await seedDemoRadar({ radar: fake.radar, logger: silentLogger() });
    expect(fake.applied).toHaveLength(1);
    expect(fake.applied[0]?.yaml).toContain('kind: Radar');
    expect(fake.applied[0]?.reason).toBe('demo radar');
  });

  it('leaves an existing radar alone, so ring moves survive restarts', async () => {
    const fake = fakeRadar([
      { name: 'golden-tech', title: 'Golden Tech', description: '', entries: 1, updatedAt: '', updatedBy: '' },
    ]);
    await seedDemoRadar({ radar: fake.radar, logger: silentLogger() });
    expect(fake.applied).toEqual([]);
  });

  it('skips quietly when the examples are not there', async () => {
    const fake = fakeRadar([]);
    await seedDemoRadar({ radar: fake.radar, logger: silentLogger(), examplesDir: '/nonexistent-examples' });
    expect(fake.applied).toEqual([]);
  });
});
