export interface ISessionAndStats {
  sessionId: string;
  count: number;
}

export function loadSession(id: string): ISessionAndStats {
  return { sessionId: id, count: 0 };
}
