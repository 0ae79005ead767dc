'use strict';
// The seed's log-only consumer, for the pipeline benchmark (docs/performance.md): kafkajs, JSON.parse each record and
// pretty-print it to stdout. It reports to stderr as RawBaseline does to stdout: "FIRST <ns>" at the first record,
// "HALF <ns>" at half of the expected count, then "DRAINED <records> <bytes> <firstNs> <lastNs>" at all of it; the
// times are CLOCK_MONOTONIC (process.hrtime), the clock Java's System.nanoTime reads on Linux. It then waits for stdin
// to close.
//
//   node consumer.js <bootstrap> <topic> <group> <expectedRecords> [maxWaitTimeInMs]
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, topic, groupId, expectedArg, maxWaitArg] = process.argv.slice(2);
const expected = Number(expectedArg);
const maxWaitTimeInMs = Number(maxWaitArg || 5000);

const kafka = new Kafka({ clientId: 'bench-node-consumer', brokers: bootstrap.split(','), logLevel: logLevel.WARN });
const consumer = kafka.consumer({ groupId, maxWaitTimeInMs });

let records = 0;
let bytes = 0;
let first = 0n;

async function main() {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (first === 0n) {
        first = process.hrtime.bigint();
        process.stderr.write(`FIRST ${first}\n`);
      }
      const change = JSON.parse(message.value);
      console.log(JSON.stringify(change, null, 2));
      records++;
      bytes += message.value.length;
      if (records === Math.floor(expected / 2)) {
        process.stderr.write(`HALF ${process.hrtime.bigint()}\n`);
      }
      if (records === expected) {
        const last = process.hrtime.bigint();
        process.stderr.write(`DRAINED ${records} ${bytes} ${first} ${last}\n`);
        process.stdin.on('end', () => consumer.disconnect().finally(() => process.exit(0)));
        process.stdin.resume();
      }
    },
  });
}

main().catch((e) => {
  process.stderr.write(`ERROR ${e.stack || e}\n`);
  process.exit(1);
});
