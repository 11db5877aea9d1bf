import { loadSession } from './session';

export const first = loadSession('a');
