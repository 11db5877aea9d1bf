export class Trace {
  constructor(public readonly id: string) {}
}

export function startTrace(id: string): Trace {
  return new Trace(id);
}

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
/** @deprecated Use Trace */ export const Session = Trace;
/** @deprecated Use Trace */ export type Session = Trace;
/** @deprecated Use startTrace */ export const startSession = startTrace;
// retrace: compat (end)
