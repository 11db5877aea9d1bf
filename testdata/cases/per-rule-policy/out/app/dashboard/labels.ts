export const title = "Traces";
