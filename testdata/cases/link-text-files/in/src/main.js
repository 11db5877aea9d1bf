import { record } from './session/index.js';

record('start');
