import { record } from './trace/index.js';

record('start');
