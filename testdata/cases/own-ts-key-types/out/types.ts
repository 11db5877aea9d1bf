export interface Trace { traceId: string; traceName: string }
export type TraceId = Trace['traceId'];
export type TraceKeys = Pick<Trace, 'traceId' | 'traceName'>;
export type Mode = 'session' | 'anonymous';
