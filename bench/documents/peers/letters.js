'use strict';
// The records of Letter(i) in ../Program.cs, value for value, so that every peer fills the same letter.
const first = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Sophia', 'Arthur', 'Grace', 'Leo'];
const last = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Wright'];
const streets = ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Green Lane', 'Manor Road'];
const texts = ['Card payment, Harbourside Coffee', 'Direct debit, City Energy', 'Salary, Northwind Ltd',
  'Transfer to savings pot', 'Card payment, Greengrocer & Sons', 'Standing order, rent', 'Refund, BookHouse',
  'Cash withdrawal, Clifton', 'Card payment, Rail tickets', 'Interest paid'];

// Whole cents, so that the amounts print as .NET's "N2" does, without binary fractions.
function money(cents) {
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toLocaleString('en-US');
  return `${cents < 0 ? '-' : ''}${units}.${String(abs % 100).padStart(2, '0')}`;
}

function letter(i) {
  const transactions = [];
  for (let k = 0; k < 10; k++) {
    transactions.push({
      date: `${1 + (i + k * 3) % 28} Nov`,
      text: texts[(i + k) % texts.length],
      amount: money((i * 37 + k * 1111) % 50000 - 15000),
    });
  }
  const sort = String(200000 + i % 999).padStart(6, '0');
  return {
    id: `S${String(i).padStart(8, '0')}`,
    first_name: first[i % first.length],
    name: `${first[i % first.length]} ${last[Math.floor(i / first.length) % last.length]}`,
    street: `${i % 180 + 1} ${streets[i % streets.length]}`,
    postcode: `BS${i % 16 + 1} ${i % 9 + 1}QT`,
    city: 'Bristol',
    date: '6 December 2026',
    month: 'November 2026',
    account: `${sort.slice(0, 2)}-${sort.slice(2, 4)}-${sort.slice(4)} ${String(10000000 + i).padStart(8, '0')}`,
    rate: '4.15%',
    transactions,
  };
}

// Warm-up for `warmup` seconds, then `seconds` of letters one after another; `make(record)` returns a PDF Buffer.
// The sample (record 7) and the last letter measured are written to `out` for qpdf to check.
async function measure(make, out, { warmup = 3, seconds = 10 } = {}) {
  const fs = require('fs');
  const path = require('path');
  const records = Array.from({ length: 1000 }, (_, i) => letter(i));
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'sample.pdf'), await make(records[7]));
  let i = 0;
  for (const until = performance.now() + warmup * 1000; performance.now() < until; i++) {
    await make(records[i % records.length]);
  }
  let made = 0;
  let bytes = 0;
  let pdf;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const until = start + seconds * 1000;
  while (performance.now() < until) {
    pdf = await make(records[i++ % records.length]);
    made++;
    bytes += pdf.length;
  }
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  fs.writeFileSync(path.join(out, 'last.pdf'), pdf);
  const cpuMs = (used.user + used.system) / 1000 / made;
  console.log(`RESULT ${(made / elapsed).toFixed(1)} ${Math.round(bytes / made)} ${made} ${cpuMs.toFixed(2)}`);
}

module.exports = { letter, measure };
