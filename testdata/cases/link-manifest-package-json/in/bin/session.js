import { startSession } from '../lib/session.js';

console.log(startSession(process.argv[2]));
