import { describe, expect, it } from 'vitest';
import { summariseTree } from './repository-collector.js';

const tree = (paths: string[]) => paths.map((path) => ({ path, sha: '0'.repeat(40), mode: '100644' }));

describe('summariseTree', () => {
  it('finds the health signals, the primary language and the dependencies', () => {
    const manifests = new Map([
      [
        'package.json',
        JSON.stringify({ dependencies: { 'log-lib': '^2.14.1' }, devDependencies: { vitest: '1.6.0' } }),
      ],
      [
        'pom.xml',
        '<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>1.0</version></dependency></dependencies></project>',
      ],
    ]);
    const facts = summariseTree(
      tree([
        'README.md',
        '.github/CODEOWNERS',
        '.github/workflows/ci.yml',
        'docs/index.md',
        'Dockerfile',
        'src/index.ts',
        'src/server.ts',
        'src/App.test.tsx',
        'scripts/build.js',
        'package.json',
      ]),
      manifests,
      'abc',
    );
    expect(facts).toMatchObject({
      head: 'abc',
      fileCount: 10,
      files: { readme: true, codeowners: true, tests: true, ci: true, dockerfile: true, docs: true },
      language: 'TypeScript',
      languages: { TypeScript: 3, JavaScript: 1 },
      manifests: ['package.json', 'pom.xml'],
      packages: { 'log-lib': '^2.14.1', vitest: '1.6.0', 'g:a': '1.0' },
    });
    expect(facts.dependencies).toContainEqual({
      ecosystem: 'npm',
      name: 'log-lib',
      version: '^2.14.1',
      file: 'package.json',
    });
  });

  it('reports what is missing, and a manifest it cannot read without failing', () => {
    const facts = summariseTree(
      tree(['main.go', 'go.mod', 'docs/diagram.png', 'src/test/java/AppTest.java']),
      new Map([['package.json', '{ not json']]),
      'def',
    );
    expect(facts.files).toEqual({
      readme: false,
      codeowners: false,
      tests: true,
      ci: false,
      dockerfile: false,
      docs: false,
    });
    expect(facts.language).toBe('Go');
    expect((facts.manifestProblems as { file: string }[])[0]?.file).toBe('package.json');
  });
});
