import { s } from "./session";
