export interface ISessionAndStats {
  sessionId: string;
  events: number;
}

export function totalEvents(sessions: ISessionAndStats[]): number {
  return sessions.reduce((sum, session) => sum + session.events, 0);
}

export function rememberLast(session: ISessionAndStats): void {
  sessionStorage.setItem("last", session.sessionId);
}
