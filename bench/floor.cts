/**
 * The Node floor for the list and invoke workloads of bench/compare.ts: the least a Node program
 * can do for the same answer, with nothing of faas (no oclif, no got, no stack file, no config),
 * run with the same arguments. CommonJS, so not even Node's ESM loader starts. What it prints is
 * what faas prints for these cases; it shows how much of a ratio to the Go CLI is Node itself.
 *
 *   node dist/bench/floor.cjs list [--json] --gateway URL
 *   node dist/bench/floor.cjs invoke NAME --gateway URL   (body on stdin, answer on stdout)
 */
import http = require('node:http')

const args = process.argv.slice(2)
const gateway = args[args.indexOf('--gateway') + 1]

function fail(message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(1)
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length)
}

if (args[0] === 'list') {
  http
    .get(`${gateway}/system/functions`, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () => {
        const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Array<{name: string; invocationCount?: number; replicas?: number}>
        list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        if (args.includes('--json')) {
          process.stdout.write(JSON.stringify(list, null, 2) + '\n')
          return
        }
        let out = `${pad('Function', 30)}\t${pad('Invocations', 15)}\t${pad('Replicas', 5)}\n`
        for (const f of list) out += `${pad(f.name, 30)}\t${pad(String(Math.trunc(f.invocationCount ?? 0)), 15)}\t${pad(String(f.replicas ?? 0), 5)}\n`
        process.stdout.write(out)
      })
    })
    .on('error', (e) => fail(String(e)))
} else if (args[0] === 'invoke') {
  const req = http.request(`${gateway}/function/${args[1]}`, {method: 'POST'}, (res) => {
    res.pipe(process.stdout)
    res.on('end', () => {
      if ((res.statusCode ?? 500) >= 400) process.exitCode = 1
    })
  })
  req.on('error', (e) => fail(String(e)))
  process.stdin.pipe(req)
} else {
  fail('usage: floor.cjs list [--json] --gateway URL | invoke NAME --gateway URL')
}
