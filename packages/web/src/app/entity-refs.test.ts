import { describe, expect, it } from 'vitest';
import { catalogEntityPath, entityPath, parseRef, qualifyRef, shortRef } from './entity-refs.js';

describe('entity refs', () => {
  it('fills kind and namespace of short refs from the defaults', () => {
    expect(parseRef('squad-a', { kind: 'group' })).toEqual({ kind: 'group', namespace: 'default', name: 'squad-a' });
    expect(parseRef('group:squad-a')).toEqual({ kind: 'group', namespace: 'default', name: 'squad-a' });
    expect(parseRef('Group:Ops/Squad-A')).toEqual({ kind: 'group', namespace: 'ops', name: 'squad-a' });
    expect(qualifyRef('squad-a', { kind: 'group', namespace: 'ops' })).toBe('group:ops/squad-a');
  });

  it('routes groups to the org page and everything else to the entity page', () => {
    expect(entityPath('group:default/playback-squad')).toBe('/org/default/playback-squad');
    expect(entityPath('component:default/playback-service')).toBe('/catalog/default/component/playback-service');
    expect(catalogEntityPath('group:default/playback-squad')).toBe('/catalog/default/group/playback-squad');
  });

  it('shortens refs for tables, keeping what is not implied', () => {
    expect(shortRef('group:default/squad-a', 'group')).toBe('squad-a');
    expect(shortRef('group:ops/squad-a', 'group')).toBe('ops/squad-a');
    expect(shortRef('user:default/maya', 'group')).toBe('user:maya');
  });
});
