import { readFile } from 'node:fs/promises';
import { type DescriptorError, parseDescriptors } from './parse-descriptors.js';

/** Outcome for one descriptor file: how many valid entities it holds and every problem found. */
export interface DescriptorFileReport {
  file: string;
  entities: number;
  errors: DescriptorError[];
}

/**
 * Reads, parses and validates descriptor files offline (the `catalog validate`
 * verb), also flagging an entity ref defined twice across the given files (the
 * catalog would keep only one of them). An unreadable file is reported, never thrown.
 *
 * @example
 * const reports = await validateDescriptorFiles(['catalog-info.yaml', 'org.yaml']);
 * const failed = reports.some((r) => r.errors.length > 0);
 */
export async function validateDescriptorFiles(paths: string[]): Promise<DescriptorFileReport[]> {
  const reports: DescriptorFileReport[] = [];
  const firstSeen = new Map<string, { file: string; line: number }>();
  for (const file of paths) {
    const report: DescriptorFileReport = { file, entities: 0, errors: [] };
    reports.push(report);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      report.errors.push({ file, message: `Cannot read file: ${reason}` });
      continue;
    }
    for (const doc of parseDescriptors(text, { file })) {
      if (!doc.ok) {
        report.errors.push(...doc.errors);
        continue;
      }
      const earlier = firstSeen.get(doc.entityRef);
      if (earlier) {
        report.errors.push({
          file,
          line: doc.line,
          entityRef: doc.entityRef,
          message: `Duplicate entity ${doc.entityRef}: already defined at ${earlier.file}:${earlier.line}`,
        });
        continue;
      }
      firstSeen.set(doc.entityRef, { file, line: doc.line });
      report.entities++;
    }
  }
  return reports;
}
