/** The text inside an element, with its offsets in the original file (trimmed). */
export interface PomText {
  value: string;
  start: number;
  end: number;
}

export interface PomDependency {
  groupId: string;
  artifactId: string;
  version?: PomText;
  /** Offset of `<dependency>`. */
  start: number;
}

export interface PomScan {
  dependencies: PomDependency[];
  /** `<properties>` entries (first definition wins), plus `project.version` and `project.parent.version`. */
  properties: Map<string, PomText>;
  problems: { offset: number; message: string }[];
}

/**
 * Blanks out comments with spaces, keeping
 * newlines, so offsets and lines in the masked text are those of the original and a
 * commented-out dependency is never read or edited.
 */
function maskComments(text: string): string {
  return text.replace(/<!--[\s\S]*?(?:-->|$)/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

function blank(text: string, pattern: RegExp): string {
  return text.replace(pattern, (block) => block.replace(/[^\n]/g, ' '));
}

/** The trimmed text of the first `<tag>` in `block` (cut from the masked text at `blockStart`), read from the original. */
function innerText(original: string, blockStart: number, block: string, tag: string): PomText | undefined {
  const match = new RegExp(`<${tag}\\s*>([^<]*)</${tag}\\s*>`).exec(block);
  if (!match) return undefined;
  const rawStart = blockStart + match.index + match[0].indexOf('>') + 1;
  const raw = match[1]!;
  const leading = raw.length - raw.trimStart().length;
  const value = raw.trim();
  const start = rawStart + leading;
  return { value: original.slice(start, start + value.length), start, end: start + value.length };
}

/**
 * A tolerant, regex-based reading of a pom.xml: enough for declared dependencies and
 * the properties their versions reference, with offsets so a transform can rewrite
 * one version in place and leave every other byte alone. Not an XML parser: it
 * expects the plain element style Maven files use.
 *
 * @example
 * scanPom(pom).dependencies[0] // { groupId: 'org.apache.logging.log4j', artifactId: 'log4j-core', version: {...} }
 */
export function scanPom(text: string): PomScan {
  const masked = maskComments(text);
  const problems: PomScan['problems'] = [];
  if (!/<project[\s>]/.test(masked)) problems.push({ offset: 0, message: 'no <project> element' });
  const dependencies: PomDependency[] = [];
  for (const match of masked.matchAll(/<dependency\s*>([\s\S]*?)<\/dependency\s*>/g)) {
    const start = match.index;
    const block = match[0];
    const groupId = innerText(text, start, block, 'groupId');
    const artifactId = innerText(text, start, block, 'artifactId');
    if (!groupId || !artifactId) {
      problems.push({ offset: start, message: '<dependency> without groupId or artifactId' });
      continue;
    }
    const version = innerText(text, start, block, 'version');
    dependencies.push({ groupId: groupId.value, artifactId: artifactId.value, start, ...(version ? { version } : {}) });
  }
  const opened = (masked.match(/<dependency\s*>/g) ?? []).length;
  if (opened !== dependencies.length + problems.filter((p) => p.message.startsWith('<dependency>')).length) {
    problems.push({ offset: 0, message: 'unbalanced <dependency> elements' });
  }
  const properties = new Map<string, PomText>();
  for (const block of masked.matchAll(/<properties\s*>([\s\S]*?)<\/properties\s*>/g)) {
    const inner = block[1]!;
    const innerStart = block.index + block[0].indexOf('>') + 1;
    for (const entry of inner.matchAll(/<([A-Za-z_][\w.-]*)\s*>([^<]*)<\/\1\s*>/g)) {
      const name = entry[1]!;
      if (properties.has(name)) continue;
      const value = innerText(text, innerStart + entry.index, entry[0], name.replace(/\./g, '\\.'));
      if (value) properties.set(name, value);
    }
  }
  const parent = /<parent\s*>([\s\S]*?)<\/parent\s*>/.exec(masked);
  if (parent) {
    const version = innerText(text, parent.index, parent[0], 'version');
    if (version) properties.set('project.parent.version', version);
  }
  // The project's own <version> is the first one outside every nested section.
  const outer = blank(
    masked,
    /<(parent|dependencies|dependencyManagement|build|profiles|reporting|plugins|properties)\s*>[\s\S]*?<\/\1\s*>/g,
  );
  const own = innerText(text, 0, outer, 'version');
  if (own) {
    properties.set('project.version', own);
    if (!properties.has('version')) properties.set('version', own);
  }
  return { dependencies, properties, problems };
}

/**
 * The property a version refers to (`${log4j.version}` -> `log4j.version`), if it is
 * exactly one reference.
 *
 * @example
 * propertyReference('${log4j.version}') // 'log4j.version'
 */
export function propertyReference(version: string): string | undefined {
  return /^\$\{([^}]+)\}$/.exec(version.trim())?.[1];
}
