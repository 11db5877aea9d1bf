/** What is kept of one run of work. */
export interface TraceRecord {
  id: string;
  startedAt: number;
}

export function recordTrace(id: string): TraceRecord {
  return { id, startedAt: Date.now() };
}

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
/** @deprecated Use TraceRecord */ export type SessionRecord = TraceRecord;
/** @deprecated Use recordTrace */ export const recordSession = recordTrace;
// retrace: compat (end)
