import { describe, expect, it } from 'vitest';
import { CommandFailedError, CommandRunner, CommandTimeoutError, type OutputLine } from '../../src/infra/host/command-runner.js';

const NODE = process.execPath;
const runner = new CommandRunner();

/** `node -e <script>` with extra arguments after it (they land in process.argv.slice(1)). */
const node = (script: string, ...args: string[]) => ['-e', script, ...args];

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitUntilDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('CommandRunner.run', () => {
  it('reports the exit code, stdout and stderr separately', async () => {
    const result = await runner.run(NODE, node('process.stdout.write("out\\n"); process.stderr.write("err\\n"); process.exitCode = 3'));
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes the arguments as one array element each, never through a shell', async () => {
    const args = ['a b', '$(touch /nonexistent)', "'quoted'", '*', '; echo no', ''];
    const result = await runner.run(NODE, node('process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args));
    expect(JSON.parse(result.stdout)).toEqual(args);
  });

  it('delivers stdin to the program', async () => {
    const result = await runner.run(NODE, node('let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => process.stdout.write(s.toUpperCase()))'), {
      stdin: 'secret input\nsecond line',
    });
    expect(result.stdout).toBe('SECRET INPUT\nSECOND LINE');
  });

  it('gives the program an empty, closed stdin when none is passed (it never waits for input)', async () => {
    const result = await runner.run(NODE, node('let n = 0; process.stdin.on("data", (d) => (n += d.length)).on("end", () => process.stdout.write(String(n)))'), { timeoutMs: 5000 });
    expect(result).toMatchObject({ exitCode: 0, stdout: '0' });
  });

  it('survives a program that exits without reading a large stdin', async () => {
    const result = await runner.run(NODE, node('process.exit(0)'), { stdin: 'x'.repeat(4 * 1024 * 1024) });
    expect(result.exitCode).toBe(0);
  });

  it('passes extra environment on top of the base environment, not in argv', async () => {
    const base = new CommandRunner({ ...process.env, SP_BASE_VAR: 'from-base' });
    const script = 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), token: process.env.SP_TEST_TOKEN, base: process.env.SP_BASE_VAR }))';
    const result = await base.run(NODE, node(script), { env: { SP_TEST_TOKEN: 'tok-3f9a1c' } });
    const seen = JSON.parse(result.stdout) as { argv: string[]; token: string; base: string };
    expect(seen.token).toBe('tok-3f9a1c');
    expect(seen.base).toBe('from-base');
    expect(seen.argv.join(' ')).not.toContain('tok-3f9a1c');
  });

  it('runs in the given working directory', async () => {
    const result = await runner.run(NODE, node('process.stdout.write(process.cwd())'), { cwd: '/' });
    expect(result.stdout).toBe('/');
  });

  it('merges stderr into stdout in arrival order when asked', async () => {
    const script = `
      const steps = [['out', 'one'], ['err', 'two'], ['out', 'three'], ['err', 'four']];
      let i = 0;
      const next = () => {
        if (i === steps.length) return;
        const [stream, text] = steps[i++];
        (stream === 'out' ? process.stdout : process.stderr).write(text + '\\n');
        setTimeout(next, 40);
      };
      next();`;
    const result = await runner.run(NODE, node(script), { mergeOutput: true });
    expect(result.stdout).toBe('one\ntwo\nthree\nfour\n');
    expect(result.stderr).toBe('');
  });

  it('kills a program that outlives timeoutMs and fails with an error naming it and the limit', async () => {
    const started = Date.now();
    const attempt = runner.run(NODE, node('setTimeout(() => {}, 60000)'), { timeoutMs: 200 });
    await expect(attempt).rejects.toBeInstanceOf(CommandTimeoutError);
    await expect(attempt).rejects.toThrow(/node -e setTimeout.* did not finish within 200 ms and was killed/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects with a clear error when the program does not exist, instead of hanging', async () => {
    const attempt = runner.run('sp-no-such-program-4711', ['--version']);
    await expect(attempt).rejects.toThrow(/sp-no-such-program-4711/);
    await expect(attempt).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('looks programs up on the PATH of its base environment', async () => {
    const empty = new CommandRunner({ PATH: '/nonexistent-dir' });
    await expect(empty.run('node', ['-e', '0'])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('CommandRunner.check', () => {
  it('returns the result when the exit code is 0', async () => {
    await expect(runner.check(NODE, node('process.stdout.write("fine")'))).resolves.toEqual({ exitCode: 0, stdout: 'fine', stderr: '' });
  });

  it('throws CommandFailedError carrying the exit code and the program stderr', async () => {
    const attempt = runner.check(NODE, node('process.stderr.write("mv: cannot stat \'/x\': No such file or directory\\n"); process.exit(1)'));
    await expect(attempt).rejects.toBeInstanceOf(CommandFailedError);
    await expect(attempt).rejects.toThrow(`${NODE} exited with code 1: mv: cannot stat '/x': No such file or directory`);
    await expect(attempt).rejects.toMatchObject({ result: { exitCode: 1, stdout: '' } });
  });

  it('falls back to stdout in the message when stderr is empty', async () => {
    await expect(runner.check(NODE, node('process.stdout.write("only stdout"); process.exit(2)'))).rejects.toThrow(/code 2: only stdout$/);
  });
});

describe('CommandRunner.lines', () => {
  it('yields stdout and stderr lines as they arrive, each tagged with its stream, then ends when the program exits', async () => {
    const script = `
      const steps = [['err', "deleting '/nix/store/a'"], ['out', 'plain'], ['err', "deleting '/nix/store/b'"], ['out', 'no newline at end']];
      let i = 0;
      const next = () => {
        if (i === steps.length) return;
        const [stream, text] = steps[i++];
        (stream === 'out' ? process.stdout : process.stderr).write(text + (i === steps.length ? '' : '\\n'));
        setTimeout(next, 40);
      };
      next();`;
    const seen: OutputLine[] = [];
    for await (const line of runner.lines(NODE, node(script))) seen.push(line);
    expect(seen).toEqual([
      { stream: 'stderr', line: "deleting '/nix/store/a'" },
      { stream: 'stdout', line: 'plain' },
      { stream: 'stderr', line: "deleting '/nix/store/b'" },
      { stream: 'stdout', line: 'no newline at end' },
    ]);
  });

  it('delivers each line before the program has finished (streaming, not buffered)', async () => {
    const script = 'console.log("first"); setTimeout(() => console.log("second"), 400)';
    const times: number[] = [];
    const started = Date.now();
    for await (const _ of runner.lines(NODE, node(script))) times.push(Date.now() - started);
    expect(times).toHaveLength(2);
    expect(times[1]! - times[0]!).toBeGreaterThan(200);
  });

  it('kills the program when the signal aborts, and stops yielding', async () => {
    const controller = new AbortController();
    const script = 'console.log(process.pid); setInterval(() => console.log("tick"), 20)';
    let pid = 0;
    let count = 0;
    for await (const { line } of runner.lines(NODE, node(script), { signal: controller.signal })) {
      if (pid === 0) pid = Number(line);
      count += 1;
      if (count === 3) controller.abort();
      expect(count).toBeLessThan(50);
    }
    expect(pid).toBeGreaterThan(0);
    expect(await waitUntilDead(pid)).toBe(true);
  });

  it('kills the program when the consumer stops iterating early', async () => {
    let pid = 0;
    for await (const { line } of runner.lines(NODE, node('console.log(process.pid); setInterval(() => console.log("tick"), 20)'))) {
      pid = Number(line);
      break;
    }
    expect(await waitUntilDead(pid)).toBe(true);
  });

  it('does not start (or follow forever) when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = Date.now();
    const seen: string[] = [];
    for await (const { line } of runner.lines(NODE, node('setInterval(() => console.log("tick"), 20)'), { signal: controller.signal })) {
      seen.push(line);
      if (seen.length > 20) break;
    }
    expect(seen).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects when the program does not exist, instead of hanging', async () => {
    const iterate = async () => {
      for await (const _ of runner.lines('sp-no-such-program-4711', [])) {
        // nothing arrives
      }
    };
    await expect(iterate()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('uses the base environment (PATH and variables) for the program', async () => {
    const withEnv = new CommandRunner({ ...process.env, SP_LINES_VAR: 'visible' });
    const seen: string[] = [];
    for await (const { line } of withEnv.lines(NODE, node('console.log(process.env.SP_LINES_VAR)'))) seen.push(line);
    expect(seen).toEqual(['visible']);
  });
});
