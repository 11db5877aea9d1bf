import type { Tables } from './database.types';

export type TraceRow = Tables<'traces'>;
export type Flags = Record<'trace', boolean>;
export type Loading = Promise<'session'>;
