import { startTrace } from '../lib/trace.js';

console.log(startTrace(process.argv[2]));
