// Reads the shipped mfbench tables with DuckDB, which shares no code with mfbench, and
// checks them against the published numbers. Usage: node check.mjs [TESTDATA_DIR]
import { DuckDBInstance } from '@duckdb/node-api';
import path from 'node:path';

const dir = process.argv[2] ?? path.join(import.meta.dirname, '..', '..', 'testdata');
const macro = path.join(dir, 'nas-bench-macro.parquet');
const nb201 = path.join(dir, 'nas-bench-201.parquet');
// Written by our own trainer (tabulate), not converted from a published file.
const tiny = path.join(import.meta.dirname, '..', '..', 'tabulate', 'testdata',
  'resnet-tiny.parquet');

const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
let failed = 0;
let passed = 0;

async function one(sql) {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS()[0];
}

function check(name, got, want, tol = 0) {
  const ok = typeof want === 'number'
    ? Math.abs(Number(got) - want) <= tol
    : String(got) === String(want);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${got}${ok ? '' : ` (want ${want})`}`);
  ok ? passed++ : failed++;
}

// NAS-Bench-Macro: three seeds kept apart, test accuracy only.
let r = await one(`select count(*) n, count(distinct arch) archs, count(distinct seed) seeds,
  min(epoch) e0, max(epoch) e1, count(valid_acc) nvalid, min(params) pmin, max(params) pmax,
  count(distinct params) dp from '${macro}'`);
check('macro rows', r.n, 19683);
check('macro architectures', r.archs, 6561);
check('macro seeds', r.seeds, 3);
check('macro epochs', `${r.e0}..${r.e1}`, '50..50');
check("macro valid_acc values (NULL, not published)", r.nvalid, 0);
check('macro params range', `${r.pmin}..${r.pmax}`, '387882..2932586');
check('macro distinct params', r.dp, 2859);
r = await one(`select test_acc, flops from '${macro}' where arch = '02012100' and seed = 0`);
check('macro 02012100 seed 0 test_acc', r.test_acc, 0.8947000122070312, 1e-15);
check('macro 02012100 flops', r.flops, 47327744);
r = await one(`with m as (select arch, avg(test_acc) a, any_value(params) p from '${macro}'
    group by arch), pm as (select min(p) pmin from m)
  select arch, 2*a*(pmin/p)/(a + pmin/p) mf, min(a) over () amin, max(a) over () amax
  from m, pm order by mf desc limit 1`);
check('macro best M architecture', r.arch, '11100000');
check('macro best M', r.mf, 0.8461, 5e-5);
check('macro mean accuracy min', r.amin, 0.4536, 5e-5);
check('macro mean accuracy max', r.amax, 0.9313, 5e-5);

// NAS-Bench-201: one row per cell, seed means.
r = await one(`select count(*) n, count(seed) seeds, min(params) pmin, max(params) pmax,
  max(test_acc) best, min(macs) + 10 fmin, max(macs) + 10 fmax from '${nb201}'`);
check('nb201 rows', r.n, 15625);
check('nb201 seed values (NULL: means)', r.seeds, 0);
check('nb201 params range', `${r.pmin}..${r.pmax}`, '73306..1531546');
check('nb201 FLOPs range (MACs + 10)', `${r.fmin}..${r.fmax}`, '7783050..220119690');
check('nb201 best test accuracy', r.best, 0.9437333333333333, 1e-15);
r = await one(`select "index" from '${nb201}' order by test_acc desc limit 1`);
check('nb201 index of the best cell', r.index, 6111);
r = await one(`select arch, test_acc, 2*test_acc*(73306/params)/(test_acc + 73306/params) mf
  from '${nb201}' order by mf desc limit 1`);
check('nb201 best M', r.mf, 0.9293, 5e-5);
check('nb201 best M accuracy', r.test_acc, 0.868, 5e-4);
check('nb201 best M cell contains a convolution', /conv/.test(r.arch), false);
r = await one(`select 2*test_acc*(73306/params)/(test_acc + 73306/params) mf
  from '${nb201}' order by test_acc desc limit 1`);
check('nb201 M of the most accurate cell', r.mf, 0.127, 5e-4);

// Provenance in the file metadata.
r = await one(`select decode(value) v from parquet_kv_metadata('${nb201}')
  where decode(key) = 'mfbench.aggregate'`);
check('nb201 metadata aggregate', r.v, 'mean-of-seeds');
r = await one(`select decode(value) v from parquet_kv_metadata('${macro}')
  where decode(key) = 'mfbench.aggregate'`);
check('macro metadata aggregate', r.v, 'per-seed');

// The tiny ResNet table that tabulate trained: the space's exact costs, every value a
// fraction or a positive time, nothing NULL that was measured.
r = await one(`select count(*) n, count(distinct arch) archs, count(distinct seed) seeds,
  min(epoch) e0, max(epoch) e1,
  count(*) filter (where not (valid_acc between 0 and 1 and test_acc between 0 and 1
    and train_acc between 0 and 1)) badacc,
  count(*) filter (where train_seconds > 0 and train_loss > 0) timed from '${tiny}'`);
check('resnet-tiny rows', r.n, 6);
check('resnet-tiny architectures x seeds', `${r.archs}x${r.seeds}`, '3x2');
check('resnet-tiny epochs', `${r.e0}..${r.e1}`, '1..1');
check('resnet-tiny accuracies outside [0, 1] or NULL', r.badacc, 0);
check('resnet-tiny rows with time and loss', r.timed, 6);
r = await one(`select string_agg(arch || ':' || params || ':' || macs, ' ' order by arch) c
  from (select distinct arch, params, macs from '${tiny}')`);
check('resnet-tiny params and MACs', r.c,
  '333333333:272474:40813184 357333777:696410:81707648 777777777:815194:124699264');

console.log(`duckdb: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
