import Stripe from "stripe";

import { saveTrace } from "./traces";

const stripe = new Stripe("sk_test");

export async function onCheckout(event: Stripe.Event, traceId: string) {
  const checkoutSession = event.data.object as Stripe.Checkout.Session;
  const session: Stripe.Checkout.Session = await stripe.checkout.sessions.retrieve(checkoutSession.id);
  await saveTrace(traceId, session.url);
  return session;
}

export function describe(session: Stripe.Checkout.Session, appTrace: { traceId: string }) {
  return `${session.id} for ${appTrace.traceId}`;
}
