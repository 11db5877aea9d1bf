import { SessionRecord, recordSession } from './session';

/** Counts kept for one run, with the caller's own. */
export type ISessionAndStats<T extends object = {}> = {
  record: SessionRecord;
  stats: T;
};

export interface SessionOptions {
  name: string;
  kind?: SessionKind;
}

export enum SessionKind {
  Interactive,
  Batch,
}

export class Session<T = string> {
  readonly record: SessionRecord;
  readonly tags: T[] = [];

  constructor(readonly options: SessionOptions) {
    this.record = recordSession(options.name);
  }
}

export const defaultSession = new Session({ name: 'default' });

export function startSession(options: SessionOptions): Session {
  return new Session(options);
}

class SessionLog {
  readonly lines: string[] = [];
}

export { SessionLog as SessionJournal };
export { recordSession } from './session';
