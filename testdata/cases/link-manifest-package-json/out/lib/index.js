export { startTrace } from './trace';
