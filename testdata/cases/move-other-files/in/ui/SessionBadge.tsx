import "./session.css";
import defaults from "./sessions.json";
import { Card } from "./sessionCard";
export const SessionBadge = () => <Card>{defaults.theme}</Card>;
