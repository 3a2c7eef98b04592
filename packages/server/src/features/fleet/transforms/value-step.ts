import type { DeleteValueStep, SetValueStep } from '../model/shift-spec.js';
import { parseValuePath } from '../spec/value-path.js';
import { editJsonValue } from './json-value.js';
import { StepError } from './step-error.js';
import type { StepFiles } from './step-files.js';
import type { StepOutcome } from './step-outcome.js';
import { writeTextFile } from './text-file.js';
import { editYamlValue } from './yaml-value.js';

/**
 * Applies a set-value or delete-value step to its YAML (`.yaml`, `.yml`) or JSON
 * (`.json`) file, chosen by extension. Setting the value already there, or deleting
 * one that is absent, changes nothing.
 *
 * @throws StepError naming the file (and line) when it is missing, of another type, or cannot be edited.
 * @example
 * await editValue({ type: 'set-value', file: 'deploy/service.yaml', path: 'spec.replicas', value: 3 }, diskFiles(workdir))
 */
export async function editValue(step: SetValueStep | DeleteValueStep, files: StepFiles): Promise<StepOutcome> {
  const path = parseValuePath(step.path);
  if (typeof path === 'string') throw new StepError(`path "${step.path}": ${path}`, step.file);
  const lower = step.file.toLowerCase();
  const editor = /\.ya?ml$/.test(lower) ? editYamlValue : lower.endsWith('.json') ? editJsonValue : undefined;
  if (!editor) throw new StepError('only .yaml, .yml and .json files can be edited by path', step.file);
  const file = await files.find(step.file);
  if (!file) throw new StepError('file not found', step.file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(await files.read(file));
  } catch {
    throw new StepError('not valid UTF-8', step.file);
  }
  const value = step.type === 'set-value' ? step.value : undefined;
  const after = editor(text, path, value, step.path, step.file);
  const verb = step.type === 'set-value' ? 'set' : 'deleted';
  if (after === text) return { changedFiles: [], log: [`${step.file} ${step.path}: unchanged`] };
  await writeTextFile(files, file, text, after);
  return { changedFiles: [file], log: [`${step.file} ${step.path}: ${verb}`] };
}
