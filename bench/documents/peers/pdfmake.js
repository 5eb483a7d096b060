'use strict';
// The letter of ../letter.xml as a pdfmake document definition, made with pdfmake's Node API.
// Usage: node pdfmake.js <logo.png> <out dir>; NODE_PATH must reach pdfmake (run.sh sets it).
const fs = require('fs');
const pdfmake = require('pdfmake');
const { measure } = require('./letters.js');

const mm = (v) => v * 72 / 25.4;
const fonts = '/usr/share/fonts/truetype/liberation2';

// Fonts and logo go in pdfmake's virtual file system once, as a server would hold them: no disk read per letter.
for (const file of ['LiberationSerif-Regular', 'LiberationSerif-Bold', 'LiberationSans-Regular',
  'LiberationSans-Bold']) {
  pdfmake.virtualfs.writeFileSync(`${file}.ttf`, fs.readFileSync(`${fonts}/${file}.ttf`));
}
pdfmake.virtualfs.writeFileSync('logo.png', fs.readFileSync(process.argv[2]));
pdfmake.setFonts({
  Serif: { normal: 'LiberationSerif-Regular.ttf', bold: 'LiberationSerif-Bold.ttf' },
  Sans: { normal: 'LiberationSans-Regular.ttf', bold: 'LiberationSans-Bold.ttf' },
});
pdfmake.setUrlAccessPolicy(() => false);
pdfmake.setLocalAccessPolicy(() => false);

const grid = {
  hLineWidth: () => 0.5, vLineWidth: () => 0.5, hLineColor: () => '#999999', vLineColor: () => '#999999',
  paddingLeft: () => 2.5, paddingRight: () => 2.5, paddingTop: () => 2.5, paddingBottom: () => 2.5,
  fillColor: (row) => (row === 0 ? '#e8e8e8' : null),
};

function definition(r) {
  return {
    info: { title: 'Your statement', author: 'Acme Bank', creationDate: new Date(Date.UTC(2026, 11, 6, 12)) },
    language: 'en',
    pageSize: 'A4',
    pageMargins: [mm(20), mm(28), mm(20), mm(20)],
    defaultStyle: { font: 'Serif', fontSize: 10.5 },
    images: { logo: 'logo.png' },
    header: { image: 'logo', height: mm(12), width: mm(48), margin: [mm(20), mm(10), 0, 0] },
    footer: (page, pages) => ({
      text: `Acme Bank plc, 1 Harbour Street, Bristol BS1 4XX · page ${page} of ${pages}`,
      font: 'Sans', fontSize: 8, color: '#555555', alignment: 'center', margin: [mm(20), mm(7), mm(20), 0],
    }),
    content: [
      {
        stack: [r.name, r.street, `${r.postcode} ${r.city}`],
        absolutePosition: { x: mm(20), y: mm(45) }, width: mm(85),
      },
      { text: '', margin: [0, mm(60), 0, 0] },
      { text: `Bristol, ${r.date}`, alignment: 'right' },
      {
        text: `Your account statement, ${r.month}`, font: 'Sans', fontSize: 16, bold: true, margin: [0, 10, 0, 5],
      },
      {
        text: `Dear ${r.first_name}, thank you for banking with us. This letter lists the payments made from and `
          + `into your account ${r.account} during ${r.month}, with the balance carried forward. Please check each `
          + 'entry; if anything looks unfamiliar, call us on the number overleaf at any time of day.',
        alignment: 'justify', margin: [0, 0, 0, 6],
      },
      {
        text: ['From the first of next month the interest rate of your savings pot rises to ',
          { text: r.rate, bold: true }, '. You do not need to do anything: the new rate applies automatically, and '
          + 'the interest is paid on the last working day of each month, as before.'],
        alignment: 'justify', margin: [0, 0, 0, 6],
      },
      {
        text: 'Scan the code below to see this statement online, download it as a spreadsheet, or set up alerts for '
          + 'payments over a limit of your choosing. The code is personal to you: do not share it.',
        alignment: 'justify', font: 'Sans', fontSize: 9.5, margin: [0, 0, 0, 8],
      },
      {
        table: {
          headerRows: 1,
          widths: [mm(24) - 5, '*', mm(26) - 5],
          body: [
            ['Date', 'Description', { text: 'Amount', alignment: 'right' }],
            ...r.transactions.map((t) => [t.date, t.text, { text: t.amount, alignment: 'right' }]),
          ],
        },
        layout: grid, font: 'Sans', fontSize: 9, margin: [0, 0, 0, 10],
      },
      { qr: `https://acme.example/s/${r.id}`, fit: mm(24) },
    ],
  };
}

measure((r) => pdfmake.createPdf(definition(r)).getBuffer(), process.argv[3], {
  warmup: Number(process.env.WARMUP ?? 3), seconds: Number(process.env.SECONDS_MEASURED ?? 10),
}).catch((e) => {
  console.error(e);
  process.exit(1);
});
