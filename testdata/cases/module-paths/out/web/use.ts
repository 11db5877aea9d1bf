import { Trace } from "./sessions";
export { endTrace } from "../lib/sessions";
const lazy = () => import("./sessions");
const old = require("./sessions");
import { getSession } from "next-auth/react";
