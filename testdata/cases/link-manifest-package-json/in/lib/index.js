export { startSession } from './session';
