import { ForbiddenError, ValidationError } from '../../../platform/http/problem.js';
import type { ClientToken } from '../model/records.js';
import type { TogglesService } from '../service/toggles-service.js';
import type { PlansStore } from '../store/plans-store.js';

export interface ImpactReport {
  flag: string;
  appName: string;
  environment?: string;
  errors: number;
  requests: number;
}

/**
 * Keeps what a service reports about the requests a flag served: errors and
 * requests, added to the current minute of the token's project and environment.
 * Error-rate guards read these counters.
 *
 * @example
 * await recordImpact({ plans, toggles }, token, { flag: 'new-cart', appName: 'checkout', errors: 3, requests: 200 });
 */
export async function recordImpact(
  deps: { plans: PlansStore; toggles: TogglesService },
  token: ClientToken,
  report: ImpactReport,
  now = new Date(),
): Promise<void> {
  if (report.environment && report.environment !== token.environment) {
    throw new ForbiddenError(`This token reports for environment "${token.environment}" only`);
  }
  if (report.errors > report.requests) {
    throw new ValidationError('errors cannot exceed requests', [
      { field: 'errors', message: `${report.errors} errors but only ${report.requests} requests` },
    ]);
  }
  if (token.project === '*') {
    throw new ForbiddenError('Impact is reported with a token of one project, so the flag is unambiguous');
  }
  // An unknown flag is a typo on the caller's side: say so rather than keep counts no guard reads.
  await deps.toggles.getFlag(token.project, report.flag);
  const minute = new Date(now);
  minute.setUTCSeconds(0, 0);
  await deps.plans.addImpact({
    project: token.project,
    flag: report.flag,
    environment: token.environment,
    appName: report.appName,
    minute: minute.toISOString(),
    errors: report.errors,
    requests: report.requests,
  });
}
