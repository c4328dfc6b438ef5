// @thaunknown/simple-peer ships no types; peer-connection.ts describes the surface it uses.
declare module '@thaunknown/simple-peer' {
  const SimplePeer: unknown;
  export default SimplePeer;
}
