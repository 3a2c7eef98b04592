import { useInfiniteQuery } from '@tanstack/react-query';
import { api, apiUrl } from '../../app/api-client.js';

export interface AuditEvent {
  id: string;
  at: string;
  type: string;
  subject: string | null;
  actor: { displayName?: string | null; userRef?: string | null } | null;
  before: unknown;
  after: unknown;
  data: unknown;
}

export interface AuditPage {
  items: AuditEvent[];
  nextBefore?: string | null;
}

export interface AuditFilters {
  typePrefix: string;
  subject: string;
}

export const AUDIT_PAGE_SIZE = 50;

/** The audit log, newest first, one page at a time ("Load older" follows `nextBefore`). */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.get<AuditPage>(
        apiUrl('/api/audit', {
          typePrefix: filters.typePrefix.trim(),
          subject: filters.subject.trim(),
          before: pageParam,
          limit: AUDIT_PAGE_SIZE,
        }),
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
}
