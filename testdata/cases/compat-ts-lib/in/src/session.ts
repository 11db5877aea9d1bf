/** What is kept of one run of work. */
export interface SessionRecord {
  id: string;
  startedAt: number;
}

export function recordSession(id: string): SessionRecord {
  return { id, startedAt: Date.now() };
}
