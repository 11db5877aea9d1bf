import { TraceRecord, recordTrace } from './trace';

/** Counts kept for one run, with the caller's own. */
export type ITraceAndStats<T extends object = {}> = {
  record: TraceRecord;
  stats: T;
};

export interface TraceOptions {
  name: string;
  kind?: TraceKind;
}

export enum TraceKind {
  Interactive,
  Batch,
}

export class Trace<T = string> {
  readonly record: TraceRecord;
  readonly tags: T[] = [];

  constructor(readonly options: TraceOptions) {
    this.record = recordTrace(options.name);
  }
}

export const defaultTrace = new Trace({ name: 'default' });

export function startTrace(options: TraceOptions): Trace {
  return new Trace(options);
}

class TraceLog {
  readonly lines: string[] = [];
}

export { TraceLog as TraceJournal };
export { recordTrace } from './trace';

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
/** @deprecated Use ITraceAndStats */ export type ISessionAndStats<T extends object = {}> = ITraceAndStats<T>;
/** @deprecated Use TraceOptions */ export type SessionOptions = TraceOptions;
/** @deprecated Use TraceKind */ export const SessionKind = TraceKind;
/** @deprecated Use TraceKind */ export type SessionKind = TraceKind;
/** @deprecated Use Trace */ export const Session = Trace;
/** @deprecated Use Trace */ export type Session<T = string> = Trace<T>;
/** @deprecated Use defaultTrace */ export const defaultSession = defaultTrace;
/** @deprecated Use startTrace */ export const startSession = startTrace;
/** @deprecated Use TraceJournal */ export const SessionJournal = TraceLog;
/** @deprecated Use TraceJournal */ export type SessionJournal = TraceLog;
/** @deprecated Use recordTrace */ export { recordSession } from './trace';
// retrace: compat (end)
