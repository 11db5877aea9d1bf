import "./session.css";
import defaults from "./sessions.json";
import { Card } from "./traceCard";
export const TraceBadge = () => <Card>{defaults.theme}</Card>;
