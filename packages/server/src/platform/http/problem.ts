/**
 * Backbeat's one error base class. Services throw these; the HTTP layer turns them
 * into RFC 9457 problem+json in one place (see `problemResponse`). `type` is stable:
 * clients may branch on it.
 *
 * @example
 * throw new NotFoundError(`No entity component:default/web`);
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    message: string,
    /** Extra members of the problem document, e.g. `errors: [{ field, message }]`. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  /** Dotted path of the offending field, e.g. `spec.owner`, or a file with line:column. */
  field: string;
  message: string;
  /** 1-based line (and column) in the submitted document, when the input was a file. */
  line?: number;
  column?: number;
}

export class ValidationError extends ProblemError {
  constructor(
    message: string,
    readonly errors: FieldError[] = [],
  ) {
    super(400, 'https://backbeat.dev/problems/validation', 'Invalid input', message, { errors });
  }
}

export class NotFoundError extends ProblemError {
  constructor(message: string) {
    super(404, 'https://backbeat.dev/problems/not-found', 'Not found', message);
  }
}

export class ConflictError extends ProblemError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(409, 'https://backbeat.dev/problems/conflict', 'Conflict', message, extensions);
  }
}

export class UnauthenticatedError extends ProblemError {
  constructor(message = 'Sign in or send an API token') {
    super(401, 'https://backbeat.dev/problems/unauthenticated', 'Not signed in', message);
  }
}

export class ForbiddenError extends ProblemError {
  constructor(message: string) {
    super(403, 'https://backbeat.dev/problems/forbidden', 'Forbidden', message);
  }
}

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

/** Turns any thrown value into a problem document; unknown errors become a 500 without internals. */
export function toProblem(error: unknown, instance?: string): ProblemDocument {
  if (error instanceof ProblemError) {
    return {
      type: error.type,
      title: error.title,
      status: error.status,
      detail: error.message,
      ...(instance ? { instance } : {}),
      ...error.extensions,
    };
  }
  return {
    type: 'https://backbeat.dev/problems/internal',
    title: 'Internal error',
    status: 500,
    detail: 'Something went wrong on the server; it has been logged.',
    ...(instance ? { instance } : {}),
  };
}
