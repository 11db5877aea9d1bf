// retrace: keep
export const sessionCookie = "sid";
export const sessionId = 1; // retrace: keep
export const session = 2;
