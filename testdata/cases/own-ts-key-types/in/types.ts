export interface Session { sessionId: string; sessionName: string }
export type SessionId = Session['sessionId'];
export type SessionKeys = Pick<Session, 'sessionId' | 'sessionName'>;
export type Mode = 'session' | 'anonymous';
