/** Typing for the parts of jstat Foresight uses (the package ships none). One declaration for the whole repo. */
declare module 'jstat' {
  interface JStatDistribution {
    pdf(x: number, a: number, b: number): number;
    cdf(x: number, a: number, b: number): number;
    inv(p: number, a: number, b: number): number;
    sample(a: number, b: number): number;
  }
  interface JStat {
    normal: JStatDistribution;
    beta: JStatDistribution;
    studentt: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
    betaln(a: number, b: number): number;
  }
  const jStat: JStat;
  export default jStat;
}
