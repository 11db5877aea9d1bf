export interface ISession { id: string; sessionName?: string }
export type SessionMap = Record<string, ISession>;
export enum SessionState { Open, Closed }
export class SessionStore<T extends ISession> {
  #sessions: T[] = [];
  get sessions(): readonly T[] { return this.#sessions; }
}
