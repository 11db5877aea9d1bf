export const Row = () => <div data-trace-id="1" className="row">x</div>;
