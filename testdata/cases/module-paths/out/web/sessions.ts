export class Trace {}
