import { listTraces } from "../../lib/traces";
import { listTraces as viaAlias } from "@/lib/traces";
jest.mock("../../lib/traces");
const lazy = () => import("../../lib/traces.js");
export default [listTraces, viaAlias, lazy];
