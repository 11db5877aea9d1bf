import { loadTrace } from './trace';

export const first = loadTrace('a');
