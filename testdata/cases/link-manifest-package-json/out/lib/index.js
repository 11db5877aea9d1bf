export { startTrace } from './trace';

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
/** @deprecated Use startTrace */ export { startSession } from './trace';
// retrace: compat (end)
