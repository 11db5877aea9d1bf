import { listTraces } from "./traces";
import { storeTrace } from "./store/traces";
export * from "./store/traces/index";
