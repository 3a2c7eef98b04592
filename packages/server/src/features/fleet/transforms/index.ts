export { applyBuiltinStep, type BuiltinStep } from './apply-step.js';
export { StepError } from './step-error.js';
export { diskFiles, type StepFiles } from './step-files.js';
export { findWorkdirFile, listWorkdirFiles, resolveWorkdirFile, type WorkdirFile } from './workdir.js';
