// retrace: compat: this module moved to ./trace; `retrace apply --drop-compat` removes this file
/** @deprecated Import from './trace' */
export * from './trace';
