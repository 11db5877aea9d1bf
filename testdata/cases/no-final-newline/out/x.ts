export const trace = 1;
export default trace;