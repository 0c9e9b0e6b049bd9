// The texts of shaders/ by path inside it, carried into the bundle by scripts/web/build.mjs.
declare module "xlt:shaders" {
  const files: Record<string, string>;
  export default files;
}
