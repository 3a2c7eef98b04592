import { ProblemError } from '../../../platform/http/problem.js';

/** A production change in a four-eyes project made directly instead of through a change request. */
export class ApprovalRequiredError extends ProblemError {
  constructor(project: string, environment: string) {
    super(
      409,
      'https://backbeat.dev/problems/toggle-approval-required',
      'Approval required',
      `Project "${project}" requires approval for changes in ${environment}: create a change request (POST .../environments/${environment}/changes) for another owner or an admin to approve`,
      { project, environment },
    );
  }
}
