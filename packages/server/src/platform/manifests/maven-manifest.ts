import { propertyReference, scanPom } from './pom-scan.js';
import { type DeclaredDependency, lineAt, type ManifestProblem, type ManifestReading } from './types.js';

/**
 * Dependencies declared in a pom.xml as `groupId:artifactId`, with `${property}`
 * versions resolved from `<properties>` (and `project.version`). A dependency
 * without a version (managed by a parent or BOM) is reported with version ''.
 *
 * @example
 * readMavenManifest(pom).dependencies
 * // [{ ecosystem: 'maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1', file: 'pom.xml' }]
 */
export function readMavenManifest(text: string, file = 'pom.xml'): ManifestReading {
  const scan = scanPom(text);
  const problems: ManifestProblem[] = scan.problems.map((p) => ({
    file,
    line: lineAt(text, p.offset),
    message: p.message,
  }));
  const dependencies: DeclaredDependency[] = [];
  for (const dep of scan.dependencies) {
    let version = dep.version?.value ?? '';
    const property = propertyReference(version);
    if (property !== undefined) {
      const resolved = scan.properties.get(property);
      if (resolved) {
        version = resolved.value;
      } else {
        problems.push({
          file,
          line: lineAt(text, dep.version!.start),
          message: `property ${property} used by ${dep.groupId}:${dep.artifactId} is not defined`,
        });
      }
    }
    dependencies.push({ ecosystem: 'maven', name: `${dep.groupId}:${dep.artifactId}`, version, file });
  }
  return { dependencies, problems };
}
