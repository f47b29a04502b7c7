#!/usr/bin/env node
/**
 * Installs what the end-to-end tests need, reproducibly and outside the repository:
 *
 * - Debian packages: `chromium` always; `g++ make python3 libkrb5-dev` when code-server has to be built. When a
 *   package is missing and we are root, `apt-get install`s it; otherwise prints exactly what to install and fails.
 *   (Never `playwright install`: the browser is Debian's /usr/bin/chromium.)
 * - code-server, from e2e/code-server/package-lock.json, with `npm ci` into
 *   `${CALCNOTES_E2E_CACHE:-$HOME/.cache/calcnotes-e2e}/code-server-<hash of package.json + lockfile>/`.
 *   A finished install is marked with a file and reused as it is; other versions in the cache are removed.
 *
 * code-server's install quirks, handled here:
 * - its postinstall runs `npm install` in lib/vscode, which builds native modules with node-gyp against the
 *   local Node headers (npm_config_nodedir=/usr), runs `npx node-gyp` (npm_config_yes=true), and refuses to run
 *   as root without npm_config_unsafe_perm=true;
 * - @vscode/ripgrep's postinstall downloads `rg` from GitHub, which this network does not reach. It first looks
 *   for the release tarball in `$TMPDIR/vscode-ripgrep-cache-<its version>/ripgrep-<release>-<target>.tar.gz`
 *   (see its lib/postinstall.js and lib/download.js), so we put one there, made from the `rg` binary of the npm
 *   package @vscode/ripgrep-linux-x64 (pinned in the same lockfile). Hence two phases: `npm ci --ignore-scripts`,
 *   then the tarball, then `npm rebuild` to run the install scripts.
 *
 * Usage: node e2e/install.js  (prints the path of code-server's entry script on its last line)
 * As a module: `await ensureInstalled({ log })` → { codeServer, chromium, installMs, cached }.
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync, spawn } = require('child_process');

const PACKAGE_DIR = path.join(__dirname, 'code-server');
const CHROMIUM = '/usr/bin/chromium';
const MARKER = '.calcnotes-e2e-complete';
/** Bounds for the cold install (code-server builds native modules) and apt-get. */
const NPM_TIMEOUT_MS = 20 * 60 * 1000;
const APT_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * @vscode/ripgrep version → the ripgrep-prebuilt release its postinstall downloads (`VERSION` in its
 * lib/postinstall.js). A code-server update that brings another @vscode/ripgrep needs a line here.
 */
const RIPGREP_RELEASES = {
  '1.15.11': 'v13.0.0-10',
};
/** `getTarget()` in @vscode/ripgrep's lib/postinstall.js, for the platforms we support. */
const RIPGREP_TARGETS = { x64: 'x86_64-unknown-linux-musl' };

class InstallError extends Error {}

function cacheRoot() {
  return path.resolve(process.env.CALCNOTES_E2E_CACHE || path.join(os.homedir(), '.cache', 'calcnotes-e2e'));
}

function lockHash() {
  const h = crypto.createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) h.update(fs.readFileSync(path.join(PACKAGE_DIR, f)));
  // Native modules are built for this Node ABI and architecture.
  h.update(`${process.versions.modules} ${process.arch} ${process.platform}`);
  return h.digest('hex').slice(0, 16);
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

/** Missing Debian packages among the wanted ones (a package is present if dpkg says so or, for tools, its command exists). */
function missingPackages(build) {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push('chromium');
  if (build) {
    for (const [pkg, cmd] of [['g++', 'g++'], ['make', 'make'], ['python3', 'python3']]) {
      if (!hasCommand(cmd)) missing.push(pkg);
    }
    if (!debInstalled('libkrb5-dev') && !fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  }
  return missing;
}

/** The last lines of the install log, for error messages. */
function logTail(file, n = 40) {
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    return lines.slice(-n).join('\n');
  } catch {
    return '';
  }
}

/**
 * Runs a command with its output appended to `logFile` (the install is long and loud; the log is shown when it
 * fails); throws on failure or timeout.
 */
function run(cmd, args, { cwd, env, timeoutMs, log, logFile }) {
  const line = `$ ${[cmd, ...args].join(' ')}${cwd ? `   (in ${cwd})` : ''}`;
  log(line);
  fs.appendFileSync(logFile, `\n${line}\n`);
  const out = fs.openSync(logFile, 'a');
  const t = Date.now();
  return new Promise((resolve, reject) => {
    // Its own process group, so that a timeout stops the whole tree (npm → sh → node-gyp → make → g++).
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    const timer = setTimeout(() => {
      log(`${cmd} took longer than ${Math.round(timeoutMs / 1000)} s: stopping it (process group ${child.pid})`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    const stopOnExit = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    process.once('exit', stopOnExit);
    child.on('error', (e) => {
      clearTimeout(timer);
      process.off('exit', stopOnExit);
      reject(new InstallError(`${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('exit', stopOnExit);
      if (code === 0) {
        log(`  done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        resolve();
      } else {
        reject(
          new InstallError(
            `${[cmd, ...args].join(' ')} failed (${signal ? `signal ${signal}` : `exit ${code}`}); the end of its output ` +
              `(all of it in ${logFile}):\n${logTail(logFile)}`,
          ),
        );
      }
    });
  });
}

async function ensureDebianPackages(build, log, logFile) {
  const missing = missingPackages(build);
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (!isRoot() || !hasCommand('apt-get')) {
    throw new InstallError(
      `The end-to-end tests need these Debian packages, which are missing: ${missing.join(' ')}\n` +
        `Install them, then run the tests again:\n    sudo apt-get update && sudo ${command}`,
    );
  }
  log(`Missing Debian packages: ${missing.join(' ')}; installing them (we are root).`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env, timeoutMs: APT_TIMEOUT_MS, log, logFile });
  await run('apt-get', ['install', '-y', ...missing], { env, timeoutMs: APT_TIMEOUT_MS, log, logFile });
  const still = missingPackages(build);
  if (still.length) throw new InstallError(`apt-get install did not provide: ${still.join(' ')}`);
}

function entryOf(dir) {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** The release tarball @vscode/ripgrep's postinstall looks for, made from @vscode/ripgrep-linux-x64's `rg`. */
function prepareRipgrepTarball(dir, tmpDir, log) {
  const shrinkwrap = JSON.parse(
    fs.readFileSync(path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'npm-shrinkwrap.json'), 'utf8'),
  );
  const version = shrinkwrap.packages?.['node_modules/@vscode/ripgrep']?.version;
  if (!version) throw new InstallError('code-server no longer depends on @vscode/ripgrep: update e2e/install.js');
  const release = RIPGREP_RELEASES[version];
  if (!release) {
    throw new InstallError(
      `code-server's @vscode/ripgrep is ${version}; e2e/install.js knows the release tarball name only for ` +
        `${Object.keys(RIPGREP_RELEASES).join(', ')}. Read VERSION in its lib/postinstall.js and add it to RIPGREP_RELEASES.`,
    );
  }
  const target = RIPGREP_TARGETS[process.arch];
  if (process.platform !== 'linux' || !target) throw new InstallError(`unsupported platform ${process.platform}-${process.arch}`);
  const rg = path.join(dir, 'node_modules', '@vscode', 'ripgrep-linux-x64', 'bin', 'rg');
  if (!fs.existsSync(rg)) throw new InstallError(`${rg} is missing after npm ci`);
  const cacheDir = path.join(tmpDir, `vscode-ripgrep-cache-${version}`);
  fs.mkdirSync(cacheDir, { recursive: true });
  const tarball = path.join(cacheDir, `ripgrep-${release}-${target}.tar.gz`);
  const r = spawnSync('tar', ['czf', tarball, '-C', path.dirname(rg), 'rg'], { encoding: 'utf8' });
  if (r.status !== 0) throw new InstallError(`tar failed: ${r.stderr}`);
  log(`ripgrep for @vscode/ripgrep ${version}: ${tarball}`);
}

function sizeMb(dir) {
  const r = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split(/\s/)[0]) : NaN;
}

/**
 * Makes sure Chromium and code-server are there; installs what is missing.
 * @returns {Promise<{codeServer: string, chromium: string, installMs: number, cached: boolean, dir: string}>}
 */
async function ensureInstalled({ log = (s) => console.log(s) } = {}) {
  const t0 = Date.now();
  if (process.platform !== 'linux') throw new InstallError('the end-to-end tests run on Linux only');
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) throw new InstallError(`code-server 4.100.3 needs Node 20; this is Node ${process.versions.node}`);

  const root = cacheRoot();
  const key = lockHash();
  const dir = path.join(root, `code-server-${key}`);
  const cached = fs.existsSync(path.join(dir, MARKER)) && fs.existsSync(entryOf(dir));
  fs.mkdirSync(root, { recursive: true });
  const logFile = path.join(root, 'install.log');
  fs.writeFileSync(logFile, `e2e install, ${new Date().toISOString()}\n`);
  await ensureDebianPackages(!cached, log, logFile);
  if (cached) {
    log(`code-server: cached in ${dir}`);
    return { codeServer: entryOf(dir), chromium: CHROMIUM, installMs: Date.now() - t0, cached: true, dir };
  }

  log(`code-server: installing into ${dir} (cold; this builds native modules; output in ${logFile})`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(PACKAGE_DIR, f), path.join(dir, f));
  const tmpDir = path.join(dir, '.tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  if (fs.existsSync('/usr/include/node/node.h')) env.npm_config_nodedir = '/usr';
  if (isRoot()) env.npm_config_unsafe_perm = 'true';
  const opts = { cwd: dir, env, timeoutMs: NPM_TIMEOUT_MS, log, logFile };
  await run('npm', ['ci', '--ignore-scripts'], opts);
  prepareRipgrepTarball(dir, tmpDir, log);
  await run('npm', ['rebuild', '--foreground-scripts'], opts);

  const rgBin = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');
  if (!fs.existsSync(rgBin)) throw new InstallError(`code-server was installed without ripgrep (${rgBin} is missing)`);
  const version = spawnSync(process.execPath, [entryOf(dir), '--version'], { encoding: 'utf8', env: { ...process.env, HOME: tmpDir } });
  if (version.status !== 0) throw new InstallError(`code-server --version failed:\n${version.stdout}${version.stderr}`);
  log(`code-server --version: ${version.stdout.trim().split('\n').pop()}`);
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.writeFileSync(path.join(dir, MARKER), `${new Date().toISOString()}\n`);
  // Older installs (another lockfile) are of no further use.
  for (const name of fs.readdirSync(root)) {
    if (name.startsWith('code-server-') && name !== path.basename(dir)) {
      log(`removing an old install: ${path.join(root, name)}`);
      fs.rmSync(path.join(root, name), { recursive: true, force: true });
    }
  }
  const installMs = Date.now() - t0;
  log(`code-server: installed in ${(installMs / 1000).toFixed(1)} s, ${sizeMb(dir)} MB`);
  return { codeServer: entryOf(dir), chromium: CHROMIUM, installMs, cached: false, dir };
}

module.exports = { ensureInstalled, InstallError, cacheRoot };

if (require.main === module) {
  ensureInstalled().then(
    (r) => console.log(r.codeServer),
    (e) => {
      console.error(`\ne2e install FAILED: ${e instanceof InstallError ? e.message : e.stack}`);
      process.exit(1);
    },
  );
}
