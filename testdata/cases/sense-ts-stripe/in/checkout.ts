import Stripe from "stripe";

import { saveSession } from "./sessions";

const stripe = new Stripe("sk_test");

export async function onCheckout(event: Stripe.Event, sessionId: string) {
  const checkoutSession = event.data.object as Stripe.Checkout.Session;
  const session: Stripe.Checkout.Session = await stripe.checkout.sessions.retrieve(checkoutSession.id);
  await saveSession(sessionId, session.url);
  return session;
}

export function describe(session: Stripe.Checkout.Session, appSession: { sessionId: string }) {
  return `${session.id} for ${appSession.sessionId}`;
}
