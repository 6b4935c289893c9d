// Module hooks for startup-loads.test.ts: yargs' usage.help() (the help text renderer) announces every call
// on stderr (`passk-help-rendered`), so a test sees whether a command renders its help when it only runs.
export async function load(url, context, next) {
  const result = await next(url, context);
  if (!url.endsWith('/yargs/build/lib/usage.js')) return result;
  const source = String(result.source).replace('self.help = function help() {', "self.help = function help() { process.stderr.write('passk-help-rendered\\n');");
  return { ...result, source };
}
