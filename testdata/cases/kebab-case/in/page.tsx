export const Row = () => <div data-session-id="1" className="row">x</div>;
