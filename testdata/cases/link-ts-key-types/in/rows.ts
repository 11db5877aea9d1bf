import type { Tables } from './database.types';

export type SessionRow = Tables<'sessions'>;
export type Flags = Record<'session', boolean>;
export type Loading = Promise<'session'>;
