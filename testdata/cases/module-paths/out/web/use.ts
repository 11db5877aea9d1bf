import { Trace } from "./traces";
export { endTrace } from "../lib/traces";
const lazy = () => import("./traces");
const old = require("./traces");
import { getSession } from "next-auth/react";
