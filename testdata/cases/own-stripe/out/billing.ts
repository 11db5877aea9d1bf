import Stripe from "stripe";

const stripe = new Stripe("sk_test");

export async function checkout(traceId: string) {
  const session = await stripe.checkout.sessions.create({ client_reference_id: traceId });
  return session.url;
}
