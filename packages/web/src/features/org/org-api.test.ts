import { describe, expect, it } from 'vitest';
import { buildOrgForest, type OrgTreeItem } from './org-api.js';

const item = (name: string, type: string, parent?: string): OrgTreeItem => ({
  entityRef: `group:default/${name}`,
  name,
  title: name,
  type,
  parentRef: parent ? `group:default/${parent}` : null,
  memberCount: 0,
  ownedCount: 0,
});

describe('buildOrgForest', () => {
  it('nests the reporting line and sets chapters and guilds apart', () => {
    const { roots, crossCutting } = buildOrgForest([
      item('squad-b', 'squad', 'tribe'),
      item('engineering', 'department'),
      item('backend', 'chapter', 'tribe'),
      item('tribe', 'tribe', 'engineering'),
      item('squad-a', 'squad', 'tribe'),
      item('security', 'guild'),
    ]);
    expect(roots.map((r) => r.name)).toEqual(['engineering']);
    expect(roots[0]?.children.map((c) => c.name)).toEqual(['tribe']);
    expect(roots[0]?.children[0]?.children.map((c) => c.name)).toEqual(['squad-a', 'squad-b']);
    expect(crossCutting.map((c) => c.name)).toEqual(['backend', 'security']);
  });

  it('treats a group whose parent is unknown as a root', () => {
    const { roots } = buildOrgForest([item('orphan', 'squad', 'gone')]);
    expect(roots.map((r) => r.name)).toEqual(['orphan']);
  });
});
