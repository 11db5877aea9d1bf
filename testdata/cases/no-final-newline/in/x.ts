export const session = 1;
export default session;